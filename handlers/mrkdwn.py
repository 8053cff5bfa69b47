"""Safe user text in Slack: nothing a user typed can ping, link or format."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from hiring.text import esc

__all__ = ["clip", "esc", "plain"]


def plain(text: str | None, limit: int = 75) -> str:
    """User text for plain_text fields (buttons, options, headers): trimmed to Slack's limit."""
    text = " ".join((text or "").split()) or "—"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def clip(text: str, limit: int = 3000) -> str:
    """Keep mrkdwn text within a section's 3,000-character limit."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def user(user_id: str | None) -> str:
    """A mention of a Slack user id we stored (ids are never user-typed text)."""
    return f"<@{user_id}>" if user_id else "nobody"


_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def when(moment: datetime | None, tz: str, *, with_zone: bool = True) -> str:
    """A readable local time, e.g. `Tue 24 Nov 14:00 (Europe/London)` (English, whatever the locale;
    rendered for thousands of reminders a tick, so no strftime)."""
    if moment is None:
        return "not booked"
    local = moment.astimezone(ZoneInfo(tz))
    text = (
        f"{_DAYS[local.weekday()]} {local.day} {_MONTHS[local.month - 1]} {local.hour:02d}:{local.minute:02d}"
    )
    return f"{text} ({tz})" if with_zone else text
