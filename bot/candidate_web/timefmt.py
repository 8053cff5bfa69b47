"""How the candidate page writes times (in the zone the candidate chose) and calendar links."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo, available_timezones


def local(when: datetime, tz: str) -> datetime:
    return when.astimezone(ZoneInfo(tz))


def day(when: datetime, tz: str) -> str:
    """`Tuesday 24 November`"""
    at = local(when, tz)
    return f"{at:%A} {at.day} {at:%B}"


def clock(when: datetime, tz: str) -> str:
    """`09:30`"""
    return f"{local(when, tz):%H:%M}"


def span(start: datetime, end: datetime, tz: str) -> str:
    """`Tuesday 24 November, 09:00–10:00`"""
    return f"{day(start, tz)}, {clock(start, tz)}–{clock(end, tz)}"


def google_link(title: str, start: datetime, end: datetime, details: str) -> str:
    """An "add to Google Calendar" link for one interview."""
    fmt = "%Y%m%dT%H%M%SZ"
    query = {
        "action": "TEMPLATE",
        "text": title,
        "dates": f"{start.astimezone(UTC):{fmt}}/{end.astimezone(UTC):{fmt}}",
        "details": details,
    }
    return "https://calendar.google.com/calendar/render?" + urlencode(query)


@cache
def zones() -> tuple[str, ...]:
    """Every IANA time zone with a region (`Europe/Berlin`), sorted, plus UTC."""
    return (
        "UTC",
        *sorted(z for z in available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/"))),
    )


FILTERS: dict[str, Callable[..., Any]] = {"day": day, "clock": clock, "span": span}
