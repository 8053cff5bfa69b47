"""Busy blocks: time people mark busy in the built-in calendar (`/interview busy`).

They are stored under the person's email address, the calendar id free/busy reads, so options
never land on them. With Google Calendar, people's own calendars say when they are busy instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from hiring.chasing.reminders import zone
from hiring.clock import Clock
from hiring.errors import Conflict, InvalidInput, NotFound
from hiring.people.people import DAY_NAMES, PeopleService, parse_time
from hiring.permissions import Actor
from hiring.scheduling.availability import local_to_utc
from scheduling.builtin_calendar import BuiltinCalendar
from scheduling.calendar_protocol import CalendarGateway
from storage.models import BusyBlock
from storage.uow import Database

USAGE = "/interview busy 2026-11-24 09:00-12:30 [label]"
MAX_LABEL = 200
MAX_BLOCKS_SHOWN = 20
_RANGE = re.compile(r"^(?P<start>[\d:.]+\s*(?:am|pm)?)\s*(?:-|–|—|to)\s*(?P<end>[\d:.]+\s*(?:am|pm)?)$", re.I)


@dataclass(frozen=True)
class BusyView:
    """A busy block as its owner sees it (times in their time zone)."""

    id: int
    start: datetime
    end: datetime
    label: str
    tz: str


def _day(token: str, today: date) -> date | None:
    word = token.strip().lower()
    if word == "today":
        return today
    if word == "tomorrow":
        return today + timedelta(days=1)
    names = [d.lower() for d in DAY_NAMES]
    if word[:3] in names and len(word) >= 3:
        ahead = (names.index(word[:3]) - today.weekday()) % 7
        return today + timedelta(days=ahead)
    try:
        return date.fromisoformat(word)
    except ValueError:
        return None


def parse_busy(text: str, tz: str, now: datetime) -> tuple[datetime, datetime, str]:
    """`2026-11-24 09:00-12:30 dentist` (or `tomorrow 14:00-15:00`, `fri 9-11`) in the person's
    time zone → UTC start, end and the label."""
    parts = text.split(None, 2)
    if len(parts) < 2:
        raise InvalidInput({"busy": f"Give a day and a time range, e.g. {USAGE}."})
    day_text, range_text = parts[0], parts[1]
    label = " ".join(parts[2].split()) if len(parts) > 2 else "busy"
    zone_info = zone(tz)
    today = now.astimezone(zone_info).date()
    day = _day(day_text, today)
    if day is None:
        raise InvalidInput(
            {"day": f"“{day_text[:20]}” is not a day; use YYYY-MM-DD, today, tomorrow or a weekday."}
        )
    match = _RANGE.match(range_text)
    start_min = parse_time(match.group("start")) if match else None
    end_min = parse_time(match.group("end")) if match else None
    if start_min is None or end_min is None:
        raise InvalidInput({"range": f"“{range_text[:20]}” is not a time range; use e.g. 09:00-12:30."})
    if end_min <= start_min:
        raise InvalidInput({"range": "The busy time must end after it starts, on the same day."})
    if len(label) > MAX_LABEL:
        raise InvalidInput({"label": f"Keep the label under {MAX_LABEL} characters."})
    start = local_to_utc(day, time(start_min // 60, start_min % 60), zone_info)
    end = (
        local_to_utc(day + timedelta(days=1), time(0), zone_info)
        if end_min == 24 * 60
        else local_to_utc(day, time(end_min // 60, end_min % 60), zone_info)
    )
    if start is None or end is None:
        raise InvalidInput({"range": f"That time does not exist on {day:%a} {day.day} {day:%b} in {tz}."})
    if end <= now:
        raise InvalidInput({"day": "That time is already past."})
    return start, end, label


class BusyService:
    """Adds, lists and removes a person's own busy blocks (built-in calendar only)."""

    def __init__(self, db: Database, clock: Clock, people: PeopleService, calendar: CalendarGateway) -> None:
        self.db = db
        self.clock = clock
        self.people = people
        self.calendar = calendar

    def _owner(self, actor: Actor) -> tuple[str, str]:
        if not isinstance(self.calendar, BuiltinCalendar):
            raise Conflict(
                "Loopbot reads your Google Calendar for free/busy, so mark busy time there instead."
            )
        person = self.people.ensure(actor.team_id, actor.user_id)
        email = (person.email or "").strip().lower() if person is not None else ""
        if person is None or not email:
            raise Conflict("Slack shows no email address for you, so I can't keep busy time for you.")
        return email, person.tz

    def add(self, actor: Actor, text: str) -> BusyView:
        """Add a busy block from `/interview busy <day> <from>-<to> [label]` (audited, no label kept
        in the audit trail)."""
        email, tz = self._owner(actor)
        now = self.clock.now()
        start, end, label = parse_busy(text, tz, now)
        with self.db.uow(actor.team_id) as uow:
            block = uow.calendar.add_busy(email, start, end, label, now)
            uow.audit.record(
                at=now,
                actor_id=actor.user_id,
                action="busy.added",
                subject_type="busy_block",
                subject_id=block.id,
                after={"start": start.isoformat(), "end": end.isoformat()},
            )
            uow.commit()
            return BusyView(block.id, start, end, label, tz)

    def mine(self, actor: Actor) -> list[BusyView]:
        """The actor's busy blocks that are not over, earliest first."""
        email, tz = self._owner(actor)
        now = self.clock.now()
        with self.db.uow(actor.team_id) as uow:
            blocks: list[BusyBlock] = uow.calendar.busy_blocks([email], now, now + timedelta(days=366))
            return [BusyView(b.id, b.start_at, b.end_at, b.label, tz) for b in blocks[:MAX_BLOCKS_SHOWN]]

    def remove(self, actor: Actor, block_id: int) -> None:
        """Remove one of the actor's own busy blocks (audited)."""
        email, _ = self._owner(actor)
        now = self.clock.now()
        with self.db.uow(actor.team_id) as uow:
            if not uow.calendar.remove_busy(block_id, email):
                raise NotFound("That busy time is gone already.")
            uow.audit.record(
                at=now,
                actor_id=actor.user_id,
                action="busy.removed",
                subject_type="busy_block",
                subject_id=block_id,
            )
            uow.commit()
