"""Choose the calendar provider from settings (`CALENDAR_BACKEND`)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Literal, Protocol

from scheduling.builtin_calendar import BuiltinCalendar, Clock
from scheduling.calendar_protocol import CalendarGateway
from storage.uow import Database


class CalendarSettings(Protocol):
    """The settings the providers read (a structural view of `bot.settings.Settings`)."""

    calendar_backend: Literal["builtin", "google"]
    google_credentials_file: Path | None
    google_delegated_subject: str | None
    google_api_endpoint: str | None
    google_batch_endpoint: str | None
    google_rooms: list[str]
    public_url: str
    google_timeout_seconds: float


def make_calendar(
    settings: CalendarSettings,
    db: Database,
    clock: Clock,
    *,
    sleep: Callable[[float], None] = time.sleep,
) -> CalendarGateway:
    """The built-in calendar (default) or Google Calendar, configured from settings."""
    if settings.calendar_backend == "google":
        # Imported here: the Google client costs ~25 MB of memory that the built-in calendar never needs.
        from scheduling.google_calendar import CalendarConfigError, GoogleCalendar, load_credentials

        if settings.google_credentials_file is None:
            raise CalendarConfigError(
                "CALENDAR_BACKEND=google needs GOOGLE_CREDENTIALS_FILE: a service account key with "
                "domain-wide delegation (and GOOGLE_DELEGATED_SUBJECT), or an authorized-user file."
            )
        credentials = load_credentials(settings.google_credentials_file, settings.google_delegated_subject)
        return GoogleCalendar(
            credentials,
            api_endpoint=settings.google_api_endpoint,
            batch_endpoint=settings.google_batch_endpoint,
            rooms=settings.google_rooms,
            timeout_seconds=settings.google_timeout_seconds,
            sleep=sleep,
        )
    return BuiltinCalendar(db, clock, public_url=settings.public_url, rooms=settings.google_rooms)
