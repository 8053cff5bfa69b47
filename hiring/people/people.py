"""People: who Loopbot knows (name, email, time zone from Slack) and their working hours."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass

from hiring.clock import Clock
from hiring.errors import ExternalServiceError, InvalidInput
from hiring.permissions import Actor
from hiring.ports import Directory, Profile
from hiring.text import timezone_hint, valid_timezone
from storage.models import Person
from storage.uow import Database, UnitOfWork

log = logging.getLogger(__name__)

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_DAY_ALIASES = {
    **{name.lower(): i for i, name in enumerate(DAY_NAMES)},
    "monday": 0,
    "tues": 1,
    "tuesday": 1,
    "wednesday": 2,
    "thur": 3,
    "thurs": 3,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
}
_DAY_GROUPS = {
    "weekdays": (0, 1, 2, 3, 4),
    "weekends": (5, 6),
    "daily": (0, 1, 2, 3, 4, 5, 6),
    "everyday": (0, 1, 2, 3, 4, 5, 6),
    "all": (0, 1, 2, 3, 4, 5, 6),
}
_TIME = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?$", re.IGNORECASE)
_RANGE = re.compile(
    r"^\s*(?P<start>[\d:.]+\s*(?:am|pm)?)\s*(?:-|–|—|to)\s*(?P<end>[\d:.]+\s*(?:am|pm)?)(?P<rest>.*)$"
)
HOURS_USAGE = "/interview hours 09:00-17:30 [Mon-Fri] [Europe/Berlin]"
MIN_WORKDAY_MINUTES = 30


@dataclass(frozen=True)
class HoursArgs:
    """The pieces of `/interview hours …` as typed (validated by `PeopleService.set_hours`)."""

    start: str
    end: str
    days: str | None = None
    tz: str | None = None


def split_hours_args(text: str) -> HoursArgs:
    """`"09:00-17:30 Mon-Fri Europe/Berlin"` → its pieces; days and time zone are optional."""
    match = _RANGE.match(text or "")
    if not match:
        raise InvalidInput({"hours": f"Give your hours as start-end, e.g. {HOURS_USAGE}."})
    days: list[str] = []
    tz: str | None = None
    for token in match.group("rest").split():
        if "/" in token or token.upper() in ("UTC", "GMT"):
            if tz is not None:
                raise InvalidInput({"timezone": f"Give one time zone, e.g. {HOURS_USAGE}."})
            tz = "UTC" if token.upper() in ("UTC", "GMT") else token
        else:
            days.append(token)
    return HoursArgs(
        start=match.group("start").strip(),
        end=match.group("end").strip(),
        days=" ".join(days) or None,
        tz=tz,
    )


def parse_time(text: str) -> int | None:
    """Minutes after midnight for `9`, `09:30`, `9.30`, `5pm`, `24:00`; None when unreadable."""
    match = _TIME.match(text.strip())
    if not match:
        return None
    hours, minutes, half = int(match.group(1)), int(match.group(2) or 0), (match.group(3) or "").lower()
    if half:
        if not 1 <= hours <= 12:
            return None
        hours = hours % 12 + (12 if half == "pm" else 0)
    if minutes > 59 or hours > 24 or (hours == 24 and minutes):
        return None
    return hours * 60 + minutes


def parse_days(text: str) -> tuple[int, ...] | None:
    """Weekdays (Monday = 0) for `Mon-Fri`, `Sun–Thu`, `Mon,Wed,Fri`, `weekdays`; None when unreadable."""
    found: set[int] = set()
    text = re.sub(r"\s*(-|–|—)\s*", "-", text.strip().lower())
    for part in re.split(r"[,\s]+", text):
        if not part:
            continue
        if part in _DAY_GROUPS:
            found.update(_DAY_GROUPS[part])
            continue
        bounds = re.split(r"-|–|—", part)
        if len(bounds) == 1 and bounds[0] in _DAY_ALIASES:
            found.add(_DAY_ALIASES[bounds[0]])
        elif len(bounds) == 2 and bounds[0] in _DAY_ALIASES and bounds[1] in _DAY_ALIASES:
            first, last = _DAY_ALIASES[bounds[0]], _DAY_ALIASES[bounds[1]]
            day = first
            found.add(day)
            while day != last:
                day = (day + 1) % 7
                found.add(day)
        else:
            return None
    return tuple(sorted(found)) or None


def days_text(days: str | Iterable[int]) -> str:
    """`"0,1,2,3,4"` → `Mon–Fri`; `"0,2,4"` → `Mon, Wed, Fri`."""
    if isinstance(days, str):
        values = sorted({int(d) for d in days.split(",") if d.strip().isdecimal()})
    else:
        values = sorted(set(days))
    if not values:
        return "no days"
    if len(values) == 7:
        return "every day"
    runs: list[list[int]] = []
    for day in values:
        if runs and day == runs[-1][-1] + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    if len(runs) > 1 and runs[0][0] == 0 and runs[-1][-1] == 6:
        runs[0] = runs.pop() + runs[0]  # Sun–Thu, not "Mon–Thu, Sun"
    return ", ".join(
        DAY_NAMES[r[0]]
        if len(r) == 1
        else f"{DAY_NAMES[r[0]]}{'–' if len(r) > 2 else ', '}{DAY_NAMES[r[-1]]}"
        for r in runs
    )


def clock_text(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


@dataclass(frozen=True)
class WorkingHours:
    """A person's working hours, as `/interview hours` shows them."""

    start_minute: int
    end_minute: int
    days: str
    tz: str


def hours_text(hours: WorkingHours) -> str:
    """`09:00–17:30, Mon–Fri (Europe/Berlin)`."""
    return f"{clock_text(hours.start_minute)}–{clock_text(hours.end_minute)}, {days_text(hours.days)} ({hours.tz})"


def working_hours(person: Person) -> WorkingHours:
    """The person's working hours as plain data."""
    return WorkingHours(person.work_start_minute, person.work_end_minute, person.work_days, person.tz)


def person_snapshot(person: Person) -> dict[str, object]:
    return {
        "tz": person.tz,
        "start": clock_text(person.work_start_minute),
        "end": clock_text(person.work_end_minute),
        "days": person.work_days,
    }


class PeopleService:
    """Keeps people's names, emails and time zones in step with Slack, and their working hours."""

    def __init__(self, db: Database, clock: Clock, directory: Directory) -> None:
        self.db = db
        self.clock = clock
        self.directory = directory

    def ensure(self, team_id: str, user_id: str) -> Person | None:
        """Create or refresh the person from their Slack profile (name, email, time zone), keeping
        working hours they set. A time zone they typed in `/interview hours` is kept too.
        None when Slack does not know the user and Loopbot never saw them."""
        profile = self.directory.profile(team_id, user_id)
        for _attempt in range(2):
            with self.db.uow(team_id) as uow:
                person = uow.people.get(user_id)
                if profile is None:
                    return person
                if person is None:
                    person = Person(team_id=team_id, user_id=user_id, tz=_tz_or_utc(profile.tz))
                    self._apply(person, profile)
                    if not uow.people.add_unless_taken(person):
                        continue  # created by another request at the same moment: refresh that row
                else:
                    if not _tz_chosen_by_user(uow, user_id):
                        person.tz = _tz_or_utc(profile.tz)
                    self._apply(person, profile)
                uow.commit()
                return person
        return None

    def hours(self, team_id: str, user_id: str) -> WorkingHours | None:
        """The person's working hours (`ensure`d first); None when Slack does not know them."""
        person = self.ensure(team_id, user_id)
        return working_hours(person) if person is not None else None

    def ensure_many(self, team_id: str, user_ids: Iterable[str]) -> dict[str, Person]:
        """Ensure each person; one whose profile Slack cannot give now is skipped (and logged)."""
        people: dict[str, Person] = {}
        for user_id in dict.fromkeys(user_ids):
            try:
                person = self.ensure(team_id, user_id)
            except ExternalServiceError as err:
                log.warning("could not refresh %s from Slack: %s", user_id, err.message)
                continue
            if person is not None:
                people[user_id] = person
        return people

    def _apply(self, person: Person, profile: Profile) -> None:
        person.display_name = (profile.name or person.user_id)[:200]
        person.email = profile.email
        person.updated_at = self.clock.now()

    def names_in(self, uow: UnitOfWork, user_ids: Iterable[str]) -> dict[str, str]:
        """Display names for user ids (stored people first, then Slack, then the id itself)."""
        ids = list(dict.fromkeys(user_ids))
        names = {u: p.display_name for u, p in uow.people.many(ids).items() if p.display_name}
        for user_id in ids:
            if user_id in names:
                continue
            try:
                profile = self.directory.profile(uow.team_id, user_id)
            except ExternalServiceError:
                profile = None
            names[user_id] = profile.name if profile else user_id
        return names

    def timezone_in(self, uow: UnitOfWork, user_id: str, fallback: str) -> str:
        """The person's time zone: stored, else their Slack profile's, else `fallback`."""
        person = uow.people.get(user_id)
        if person is not None:
            return person.tz
        try:
            profile = self.directory.profile(uow.team_id, user_id)
        except ExternalServiceError:
            return fallback
        return _tz_or_utc(profile.tz) if profile else fallback

    def set_hours(
        self, actor: Actor, start: str, end: str, days: str | None = None, tz: str | None = None
    ) -> WorkingHours:
        """Set the actor's own working hours (`"09:00"`, `"17:30"`), days (`"Mon-Fri"`, unchanged
        when None) and time zone (their Slack time zone when None). Audited."""
        errors: dict[str, str] = {}
        start_minute, end_minute = parse_time(start), parse_time(end)
        if start_minute is None:
            errors["start"] = f"“{start[:20]}” is not a time; use 24-hour HH:MM such as 09:00."
        if end_minute is None:
            errors["end"] = f"“{end[:20]}” is not a time; use 24-hour HH:MM such as 17:30."
        if start_minute is not None and end_minute is not None:
            if end_minute <= start_minute:
                errors["end"] = (
                    f"Your day must end after it starts ({clock_text(start_minute)} → "
                    f"{clock_text(end_minute)}); hours past midnight are not supported."
                )
            elif end_minute - start_minute < MIN_WORKDAY_MINUTES:
                errors["end"] = f"Working hours must span at least {MIN_WORKDAY_MINUTES} minutes."
        parsed_days = parse_days(days) if days is not None else None
        if days is not None and parsed_days is None:
            errors["days"] = f"I can't read the days “{days[:40]}”; use e.g. Mon-Fri, Sun-Thu or Mon,Wed,Fri."
        if tz is not None and not valid_timezone(tz):
            errors["timezone"] = timezone_hint(tz[:64])
        if errors:
            raise InvalidInput(errors)
        assert start_minute is not None and end_minute is not None
        try:
            profile = self.directory.profile(actor.team_id, actor.user_id)
        except ExternalServiceError:
            if tz is None:
                raise  # we need Slack's time zone; the message says what went wrong
            profile = None
        now = self.clock.now()
        with self.db.uow(actor.team_id) as uow:
            stored = uow.people.get(actor.user_id)
            before = person_snapshot(stored) if stored is not None else None
            if stored is None:
                stored = Person(team_id=actor.team_id, user_id=actor.user_id, display_name=actor.user_id)
            if profile is not None:
                self._apply(stored, profile)
            stored.tz = tz if tz is not None else _tz_or_utc(profile.tz if profile else stored.tz)
            stored.work_start_minute = start_minute
            stored.work_end_minute = end_minute
            if parsed_days is not None:
                stored.work_days = ",".join(str(d) for d in parsed_days)
            stored.updated_at = now
            uow.people.add(stored)
            uow.audit.record(
                at=now,
                actor_id=actor.user_id,
                action="person.hours",
                subject_type="person",
                subject_id=actor.user_id,
                before=before,
                after={**person_snapshot(stored), "tz_source": "user" if tz is not None else "slack"},
            )
            uow.commit()
            return working_hours(stored)


def _tz_or_utc(tz: str | None) -> str:
    return tz if tz and valid_timezone(tz) else "UTC"


def _tz_chosen_by_user(uow: UnitOfWork, user_id: str) -> bool:
    """True when the person's last `/interview hours` named a time zone (so Slack's does not win)."""
    latest = uow.audit.latest("person.hours", "person", user_id)
    return bool(latest and latest.after and latest.after.get("tz_source") == "user")
