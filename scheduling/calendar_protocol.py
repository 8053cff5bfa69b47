"""The one calendar interface the services use, whichever provider (Google or built-in) is behind it.

Times are timezone-aware; providers return them in UTC. Calendars are named by email address (a
person's calendar id in Google, and the owner of busy blocks in the built-in calendar) or, for
rooms, by the resource calendar id listed in settings.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import NamedTuple, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# Google accepts event ids of 5-1024 characters from the base32hex alphabet (a-v, 0-9).
EVENT_ID = re.compile(r"^[a-v0-9]{5,1024}$")


class Interval(NamedTuple):
    """A half-open busy interval [start, end), timezone-aware."""

    start: datetime
    end: datetime


class CalendarError(Exception):
    """A calendar operation failed after retries; `message` says what failed, for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BookingError(CalendarError):
    """Booking (or moving) a loop failed; nothing was left behind unless `orphaned_event_ids` says so.

    `failed_event_ids` are the events that could not be written; `orphaned_event_ids` are events
    created by this attempt that could not be removed again (normally empty).
    """

    def __init__(
        self,
        message: str,
        failed_event_ids: Sequence[str] = (),
        *,
        orphaned_event_ids: Sequence[str] = (),
    ) -> None:
        super().__init__(message)
        self.failed_event_ids = tuple(failed_event_ids)
        self.orphaned_event_ids = tuple(orphaned_event_ids)


@dataclass(frozen=True)
class EventSpec:
    """One interview as the calendar should show it. `event_id` is chosen by Loopbot (base32hex).

    `attendees` are email addresses (interviewers and the candidate). `organizer` is the calendar
    the event lives in (None: the provider's default). `online` events get a video link (a Meet
    link in Google) unless `video_link` is given; on-site events take `room` (a resource calendar
    id), or one is picked from the configured rooms by free/busy when `room` is None. `phone`
    events are calls: no video link and no room (`online` must be False).
    `timezone` is how calendars should display the times (an IANA name).
    """

    event_id: str
    summary: str
    description: str
    start: datetime
    end: datetime
    attendees: tuple[str, ...]
    organizer: str | None = None
    online: bool = True
    room: str | None = None
    timezone: str = "UTC"
    video_link: str | None = None
    phone: bool = False

    def __post_init__(self) -> None:
        if self.phone and (self.online or self.room or self.video_link):
            raise ValueError(f"phone event {self.event_id} can't have a video link or a room")
        if not EVENT_ID.match(self.event_id):
            raise ValueError(f"event id {self.event_id!r} must be 5+ characters of base32hex (a-v, 0-9)")
        for name in ("start", "end"):
            value = getattr(self, name)
            if value.tzinfo is None or value.utcoffset() is None:
                raise ValueError(f"{name} must be timezone-aware: {value!r}")
        if self.end <= self.start:
            raise ValueError(f"event {self.event_id} ends before it starts")
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {self.timezone!r}") from exc
        object.__setattr__(self, "attendees", tuple(dict.fromkeys(a.strip().lower() for a in self.attendees)))


@dataclass(frozen=True)
class BookedEvent:
    """An event as the calendar holds it after booking or moving."""

    event_id: str
    start: datetime
    end: datetime
    video_link: str | None = None
    room: str | None = None
    html_link: str | None = None
    ics_url: str | None = None


@dataclass(frozen=True)
class AttendeeResponse:
    """An attendee's answer: needsAction, accepted, tentative or declined."""

    email: str
    status: str


class CalendarGateway(Protocol):
    """Free/busy, and booking, moving and cancelling a whole loop's events, in one calendar system."""

    @property
    def rooms(self) -> tuple[str, ...]:
        """The rooms (resource calendar ids) on-site interviews may use."""
        ...

    def free_busy(
        self, team_id: str, calendars: Sequence[str], start: datetime, end: datetime
    ) -> dict[str, list[Interval]]:
        """Busy intervals (merged, clipped to the window, UTC) for each calendar id.

        A calendar whose free/busy cannot be read is reported busy for the whole window, so nothing
        is ever booked over time Loopbot could not see.
        """
        ...

    def book(self, team_id: str, events: Sequence[EventSpec]) -> list[BookedEvent]:
        """Create all of a loop's events, or none: raises `BookingError` after undoing partial work.

        Idempotent: booking the same event ids again returns the events already there.
        """
        ...

    def move(self, team_id: str, events: Sequence[EventSpec]) -> list[BookedEvent]:
        """Update existing events in place (same ids: attendees get an update, not a new invite)."""
        ...

    def cancel(self, team_id: str, event_ids: Sequence[str]) -> None:
        """Cancel events (attendees are told). Events already gone are fine."""
        ...

    def responses(self, team_id: str, event_ids: Sequence[str]) -> dict[str, list[AttendeeResponse]]:
        """Each event's attendees and their answers (rooms excluded)."""
        ...

    def pick_room(
        self,
        team_id: str,
        start: datetime,
        end: datetime,
        *,
        rooms: Sequence[str] | None = None,
        busy: Mapping[str, Sequence[Interval]] | None = None,
    ) -> str | None:
        """The first room free over [start, end), or None. Pass `busy` from an earlier `free_busy`
        that included the rooms to avoid another query."""
        ...


# -- helpers shared by the providers ----------------------------------------------------------------


def utc(value: datetime) -> datetime:
    """The same instant in UTC (refuses naive datetimes)."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"naive datetime refused: {value!r}")
    return value.astimezone(UTC)


def merge(intervals: Iterable[Interval], start: datetime, end: datetime) -> list[Interval]:
    """Clip intervals to [start, end), drop empty ones, merge overlapping and touching ones (UTC)."""
    lo, hi = utc(start), utc(end)
    clipped = sorted(
        Interval(max(utc(a), lo), min(utc(b), hi)) for a, b in intervals if utc(a) < hi and utc(b) > lo
    )
    merged: list[Interval] = []
    for interval in clipped:
        if merged and interval.start <= merged[-1].end:
            if interval.end > merged[-1].end:
                merged[-1] = Interval(merged[-1].start, interval.end)
        else:
            merged.append(interval)
    return merged


def is_free(busy: Sequence[Interval], start: datetime, end: datetime) -> bool:
    """True when no busy interval overlaps [start, end)."""
    lo, hi = utc(start), utc(end)
    return all(not (utc(b.start) < hi and utc(b.end) > lo) for b in busy)


def first_free_room(
    rooms: Sequence[str], busy: Mapping[str, Sequence[Interval]], start: datetime, end: datetime
) -> str | None:
    """The first of `rooms` (in order) with no busy time over [start, end)."""
    for room in rooms:
        if is_free(busy.get(room, ()), start, end):
            return room
    return None


def assign_rooms(
    events: Sequence[EventSpec],
    rooms: Sequence[str],
    busy: Mapping[str, Sequence[Interval]],
    *,
    prefer: Mapping[str, str] | None = None,
) -> tuple[list[EventSpec], list[str]]:
    """Give each on-site event without a room a room free at its time: its `prefer`red room (the
    one it holds now) when free, else the first free one; never the same room to two overlapping
    events of this loop. Returns the events and the ids left without a room."""
    taken: dict[str, list[Interval]] = {room: list(busy.get(room, ())) for room in rooms}
    for event in events:
        if event.room is not None:
            taken.setdefault(event.room, []).append(Interval(utc(event.start), utc(event.end)))
    result: list[EventSpec] = []
    unplaced: list[str] = []
    for event in events:
        if event.online or event.phone or event.room is not None:
            result.append(event)
            continue
        held = (prefer or {}).get(event.event_id)
        order = (
            [held, *[r for r in rooms if r != held]] if held is not None and held in rooms else list(rooms)
        )
        room = first_free_room(order, taken, event.start, event.end)
        if room is None:
            unplaced.append(event.event_id)
            result.append(event)
            continue
        taken[room].append(Interval(utc(event.start), utc(event.end)))
        result.append(replace(event, room=room))
    return result, unplaced


def subtract(busy: Sequence[Interval], hole: Interval) -> list[Interval]:
    """Busy intervals with `hole` taken out (e.g. the time an event being moved holds now)."""
    out: list[Interval] = []
    lo, hi = utc(hole.start), utc(hole.end)
    for start, end in busy:
        if utc(end) <= lo or utc(start) >= hi:
            out.append(Interval(start, end))
            continue
        if utc(start) < lo:
            out.append(Interval(start, lo))
        if utc(end) > hi:
            out.append(Interval(hi, end))
    return out


def needs_room(events: Sequence[EventSpec]) -> list[EventSpec]:
    """The on-site events that have no room yet."""
    return [e for e in events if not e.online and not e.phone and e.room is None]


def window(events: Sequence[EventSpec]) -> tuple[datetime, datetime]:
    """The smallest window covering all events."""
    return min(utc(e.start) for e in events), max(utc(e.end) for e in events)


def unique_specs(events: Sequence[EventSpec]) -> list[EventSpec]:
    """The loop's events, refusing repeated ids (each interview is one event)."""
    specs = list(events)
    ids = [s.event_id for s in specs]
    if len(set(ids)) != len(ids):
        raise ValueError("event ids must be unique within a loop")
    return specs


def refuse_missing(specs: Sequence[EventSpec], present: Container[str]) -> None:
    """Raise `BookingError` when events of a loop being moved are not `present` any more."""
    missing = [s.event_id for s in specs if s.event_id not in present]
    if missing:
        raise BookingError(
            f"Could not move {len(missing)} of {len(specs)} interviews: their events no longer exist.",
            missing,
        )


class RoomPicker:
    """`rooms` and `pick_room` for providers that keep their configured rooms in `_rooms` and answer
    `free_busy`."""

    _rooms: tuple[str, ...]
    free_busy: Callable[..., Mapping[str, Sequence[Interval]]]  # defined by each provider

    @property
    def rooms(self) -> tuple[str, ...]:
        """The rooms (resource calendar ids) on-site interviews may use."""
        return self._rooms

    def pick_room(
        self,
        team_id: str,
        start: datetime,
        end: datetime,
        *,
        rooms: Sequence[str] | None = None,
        busy: Mapping[str, Sequence[Interval]] | None = None,
    ) -> str | None:
        """The first configured (or given) room free for the whole interview, or None."""
        candidates = list(self._rooms if rooms is None else rooms)
        if not candidates:
            return None
        if busy is None:
            busy = self.free_busy(team_id, candidates, start, end)
        return first_free_room(candidates, busy, start, end)
