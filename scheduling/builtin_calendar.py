"""The built-in calendar (`CALENDAR_BACKEND=builtin`, the default): events live in our database.

A person's busy time is what Loopbot booked for them plus the busy blocks they add
(`BusyBlock.owner` is their email address, the same calendar id Google uses). Rooms are the names
listed in settings; a room is busy while a confirmed event is held in it. Each event has an
iCalendar invite served at `{public_url}/ics/{token}.ics`, where the token is 32 random bytes.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol
from urllib.parse import urlsplit

from scheduling.calendar_protocol import (
    AttendeeResponse,
    BookedEvent,
    BookingError,
    CalendarError,
    EventSpec,
    Interval,
    RoomPicker,
    assign_rooms,
    merge,
    needs_room,
    refuse_missing,
    unique_specs,
    utc,
    window,
)
from scheduling.ics import Invite, invite_ics
from storage.models import CalendarEvent
from storage.repositories.base import again_if_duplicate
from storage.repositories.scheduling import event_by_token
from storage.uow import Database, UnitOfWork

RESPONSES = frozenset({"needsAction", "accepted", "declined", "tentative"})


class Clock(Protocol):
    """Where business time comes from (`hiring.clock`'s clocks)."""

    def now(self) -> datetime: ...


class BuiltinCalendar(RoomPicker):
    """The zero-setup provider. `organizer` (loopbot@ the public host) is the ORGANIZER of invites
    whose spec names none."""

    def __init__(self, db: Database, clock: Clock, *, public_url: str, rooms: Sequence[str] = ()) -> None:
        self.db = db
        self.clock = clock
        self.public_url = public_url.rstrip("/")
        self._rooms = tuple(rooms)
        self.organizer = f"loopbot@{urlsplit(self.public_url).hostname or 'localhost'}"

    def ics_url(self, token: str) -> str:
        return f"{self.public_url}/ics/{token}.ics"

    # -- free/busy ------------------------------------------------------------------------------
    def free_busy(
        self, team_id: str, calendars: Sequence[str], start: datetime, end: datetime
    ) -> dict[str, list[Interval]]:
        """Busy blocks plus confirmed events the person attends (not declined), or the room holds."""
        lo, hi = utc(start), utc(end)
        wanted = list(dict.fromkeys(calendars))
        keys = {c: c.strip().lower() for c in wanted}
        with self.db.uow(team_id) as uow:
            return self._busy(uow, keys, lo, hi)

    def _busy(
        self,
        uow: UnitOfWork,
        keys: Mapping[str, str],
        lo: datetime,
        hi: datetime,
        *,
        ignore: set[str] | None = None,
    ) -> dict[str, list[Interval]]:
        spans: dict[str, list[Interval]] = {key: [] for key in keys.values()}
        for block in uow.calendar.busy_blocks(list(spans), lo, hi):
            spans[block.owner].append(Interval(block.start_at, block.end_at))
        rooms = {r.lower() for r in self._rooms}
        for event in uow.calendar.confirmed_between(lo, hi):
            if ignore and event.id in ignore:
                continue
            interval = Interval(event.start_at, event.end_at)
            for attendee in event.attendees:
                email = str(attendee.get("email", "")).lower()
                if email in spans and attendee.get("status") != "declined":
                    spans[email].append(interval)
            room = event.location.lower()
            if room in rooms and room in spans:
                spans[room].append(interval)
        return {original: merge(spans[key], lo, hi) for original, key in keys.items()}

    # -- booking ----------------------------------------------------------------------------------
    def book(self, team_id: str, events: Sequence[EventSpec]) -> list[BookedEvent]:
        """Store all events in one transaction; booking the same ids again changes nothing."""
        specs = unique_specs(events)
        if not specs:
            return []
        # Another replica booking the same ids (or drawing the same token) at the same moment breaks
        # a unique constraint: the second pass finds its rows and treats them as already there.
        return again_if_duplicate(lambda: self._book(team_id, specs))

    def _book(self, team_id: str, specs: list[EventSpec]) -> list[BookedEvent]:
        now = self.clock.now()
        with self.db.uow(team_id) as uow:
            specs = self._place_in_rooms(uow, specs, ignore={s.event_id for s in specs})
            taken = [s.event_id for s in specs if uow.calendar.id_taken_elsewhere(s.event_id)]
            if taken:
                raise BookingError("These event ids are already in use; nothing was booked.", taken)
            existing = uow.calendar.many([s.event_id for s in specs])
            rows = []
            for spec in specs:
                row = existing.get(spec.event_id)
                if row is None:
                    row = uow.calendar.add(
                        CalendarEvent(
                            id=spec.event_id,
                            team_id=team_id,
                            sequence=0,
                            ics_token=secrets.token_urlsafe(32),
                            status="confirmed",
                            attendees=_attendees(spec, []),
                            **self._fields(spec),
                            updated_at=now,
                        )
                    )
                elif row.status != "confirmed" or not _same(row, spec):
                    self._apply(row, spec, now)
                rows.append((spec, row))
            uow.commit()
            return [self._booked(spec, row) for spec, row in rows]

    def move(self, team_id: str, events: Sequence[EventSpec]) -> list[BookedEvent]:
        """Update the same events (SEQUENCE + 1, same invite URL); all or nothing."""
        specs = unique_specs(events)
        if not specs:
            return []
        now = self.clock.now()
        with self.db.uow(team_id) as uow:
            existing = uow.calendar.many([s.event_id for s in specs])
            refuse_missing(specs, existing)
            specs = self._place_in_rooms(uow, specs, ignore={s.event_id for s in specs})
            for spec in specs:
                self._apply(existing[spec.event_id], spec, now)
            uow.commit()
            return [self._booked(spec, existing[spec.event_id]) for spec in specs]

    def cancel(self, team_id: str, event_ids: Sequence[str]) -> None:
        """Mark events cancelled; their invite URL now serves METHOD:CANCEL."""
        now = self.clock.now()
        with self.db.uow(team_id) as uow:
            for row in uow.calendar.many(list(dict.fromkeys(event_ids))).values():
                if row.status != "cancelled":
                    row.status = "cancelled"
                    row.sequence += 1
                    row.updated_at = now
            uow.commit()

    def responses(self, team_id: str, event_ids: Sequence[str]) -> dict[str, list[AttendeeResponse]]:
        with self.db.uow(team_id) as uow:
            rows = uow.calendar.many(list(dict.fromkeys(event_ids)))
            return {
                event_id: [
                    AttendeeResponse(str(a["email"]), str(a.get("status", "needsAction")))
                    for a in row.attendees
                ]
                for event_id, row in rows.items()
            }

    def set_response(self, team_id: str, event_id: str, email: str, status: str) -> None:
        """Record an attendee's answer (the built-in calendar has no mailbox to receive replies)."""
        if status not in RESPONSES:
            raise ValueError(f"unknown response {status!r}")
        with self.db.uow(team_id) as uow:
            row = uow.calendar.get(event_id)
            if row is None:
                raise CalendarError("That calendar event no longer exists.")
            attendees = [dict(a) for a in row.attendees]
            for attendee in attendees:
                if attendee.get("email") == email.strip().lower():
                    attendee["status"] = status
                    break
            else:
                raise CalendarError(f"{email} is not invited to this event.")
            row.attendees = attendees
            row.updated_at = self.clock.now()
            uow.commit()

    # -- the pieces -------------------------------------------------------------------------------
    def _place_in_rooms(
        self, uow: UnitOfWork, specs: list[EventSpec], *, ignore: set[str]
    ) -> list[EventSpec]:
        """Rooms for on-site events without one; an event keeps the room it holds when still free
        (its own booking, in `ignore`, does not count)."""
        needing = needs_room(specs)
        if not needing:
            return specs
        if not self._rooms:
            raise BookingError(
                "On-site interviews need a room, and no rooms are configured (set GOOGLE_ROOMS).",
                [s.event_id for s in needing],
            )
        lo, hi = window(needing)
        busy = self._busy(uow, {r: r.lower() for r in self._rooms}, lo, hi, ignore=ignore)
        rooms = {r.lower(): r for r in self._rooms}
        held = uow.calendar.many([s.event_id for s in needing])
        prefer = {
            eid: rooms[row.location.lower()]
            for eid, row in held.items()
            if row.status == "confirmed" and row.location.lower() in rooms
        }
        placed, unplaced = assign_rooms(specs, self._rooms, busy, prefer=prefer)
        if unplaced:
            raise BookingError(
                f"No room is free for {len(unplaced)} on-site interview(s); pick other times.", unplaced
            )
        return placed

    def _fields(self, spec: EventSpec) -> dict[str, Any]:
        return {
            "summary": spec.summary[:300],
            "description": spec.description,
            "location": (spec.room or "")[:300],
            "organizer": (spec.organizer or self.organizer).lower(),
            "start_at": utc(spec.start),
            "end_at": utc(spec.end),
            "video_link": spec.video_link if spec.online else None,
        }

    def _apply(self, row: CalendarEvent, spec: EventSpec, now: datetime) -> None:
        # A new time asks everyone again; otherwise answers already given stand.
        retimed = row.start_at != utc(spec.start) or row.end_at != utc(spec.end)
        previous = [] if retimed else row.attendees
        for key, value in self._fields(spec).items():
            setattr(row, key, value)
        row.attendees = _attendees(spec, previous)
        row.status = "confirmed"
        row.sequence += 1
        row.updated_at = now

    def _booked(self, spec: EventSpec, row: CalendarEvent) -> BookedEvent:
        return BookedEvent(
            event_id=row.id,
            start=row.start_at,
            end=row.end_at,
            video_link=row.video_link,
            room=row.location or None,
            ics_url=self.ics_url(row.ics_token),
        )


def _attendees(spec: EventSpec, previous: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The spec's attendees, keeping the answers of people who were already invited."""
    known = {str(a.get("email")): str(a.get("status", "needsAction")) for a in previous}
    return [{"email": email, "status": known.get(email, "needsAction")} for email in spec.attendees]


def _same(row: CalendarEvent, spec: EventSpec) -> bool:
    return (
        row.start_at == utc(spec.start)
        and row.end_at == utc(spec.end)
        and [a.get("email") for a in row.attendees] == list(spec.attendees)
        and (row.location or None) == spec.room
        and row.summary == spec.summary[:300]
    )


def invite_for_token(db: Database, token: str) -> bytes | None:
    """The .ics document of the event whose invite URL carries `token`, or None."""
    with db.sessions() as session:
        row = event_by_token(session, token)
        if row is None:
            return None
        return invite_ics(
            Invite(
                uid=row.id,
                sequence=row.sequence,
                summary=row.summary,
                description=row.description,
                start=row.start_at,
                end=row.end_at,
                organizer=row.organizer or "loopbot@localhost",
                attendees=[(str(a["email"]), str(a.get("status", "needsAction"))) for a in row.attendees],
                stamp=row.updated_at,
                location=row.location,
                video_link=row.video_link,
                cancelled=row.status == "cancelled",
            )
        )
