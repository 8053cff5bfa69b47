"""Candidate availability: the windows in which a candidate can interview.

The recruiter enters them in the candidate's own time zone (a day, from and to); they are stored in
UTC. Saving replaces all of the candidate's windows at once, and is audited. A local time that does
not exist on its day (clocks going forward) is refused rather than silently shifted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hiring.clock import Clock
from hiring.errors import Conflict, InvalidInput
from hiring.permissions import Actor, require_manager
from hiring.roles.candidates import live_candidate
from hiring.text import valid_timezone
from storage.models import AvailabilityWindow
from storage.uow import Database

MAX_WINDOWS = 14
MIN_ROWS = 5
MAX_DAYS_AHEAD = 90
WHAT = "enter a candidate's availability for this role"


@dataclass(frozen=True)
class WindowInput:
    """One row of the availability modal as typed: `2026-11-24`, `09:00`, `12:30` (any may be empty)."""

    day: str | None
    start: str | None
    end: str | None

    @property
    def empty(self) -> bool:
        return not (self.day or self.start or self.end)


@dataclass(frozen=True)
class LocalWindow:
    """A stored window as the candidate sees it: a day and two clock times in their time zone."""

    day: date
    start: time
    end: time


@dataclass(frozen=True)
class AvailabilityDraft:
    """What the availability modal shows: the stored windows in the candidate's time zone."""

    candidate_id: int
    candidate_name: str
    role_title: str
    timezone: str
    windows: list[LocalWindow]
    rows: int
    today: date


def row_ids(index: int) -> tuple[str, str, str]:
    """The block ids of one modal row: day, from, to (`d0`, `f0`, `t0`)."""
    return f"d{index}", f"f{index}", f"t{index}"


def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name if valid_timezone(name) else "UTC")


def local_to_utc(day: date, clock_time: time, zone: ZoneInfo) -> datetime | None:
    """The UTC instant of a local day and time; None when that local time does not exist (a
    daylight-saving gap). An ambiguous time (clocks going back) means its first occurrence."""
    local = datetime.combine(day, clock_time, tzinfo=zone)
    instant = local.astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None):
        return None
    return instant


def _parse_day(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def _parse_time(text: str) -> time | None:
    try:
        parsed = time.fromisoformat(text.strip())
    except ValueError:
        return None
    return parsed.replace(second=0, microsecond=0, tzinfo=None)


def parse_windows(rows: Sequence[WindowInput], tz: str, now: datetime) -> list[tuple[datetime, datetime]]:
    """Validate the rows and return the windows in UTC (sorted, overlapping ones merged).

    Errors are keyed by the row's block ids: a row needs all three fields, the end after the start,
    a time that exists on that day, not over already, at most 90 days ahead, at most 14 windows."""
    zone = _zone(tz)
    errors: dict[str, str] = {}
    windows: list[tuple[datetime, datetime]] = []
    filled = 0
    horizon = now + timedelta(days=MAX_DAYS_AHEAD)
    for index, row in enumerate(rows):
        if row.empty:
            continue
        filled += 1
        d_id, f_id, t_id = row_ids(index)
        day = _parse_day(row.day) if row.day else None
        start = _parse_time(row.start) if row.start else None
        end = _parse_time(row.end) if row.end else None
        if day is None:
            errors[d_id] = "Pick the day." if not row.day else "That is not a date."
        if start is None:
            errors[f_id] = "Pick when the window starts." if not row.start else "That is not a time."
        if end is None:
            errors[t_id] = "Pick when the window ends." if not row.end else "That is not a time."
        if day is None or start is None or end is None:
            continue
        if end <= start:
            errors[t_id] = (
                f"The window must end after it starts ({start:%H:%M}); windows end on the same day."
            )
            continue
        start_at, end_at = local_to_utc(day, start, zone), local_to_utc(day, end, zone)
        if start_at is None or end_at is None:
            missing = start if start_at is None else end
            errors[f_id if start_at is None else t_id] = (
                f"{missing:%H:%M} does not exist on {day:%a} {day.day} {day:%b} in {tz}: the clocks go "
                "forward then. Pick a time outside the gap."
            )
            continue
        if end_at <= now:
            errors[d_id] = f"{day:%a} {day.day} {day:%b} {end:%H:%M} ({tz}) is already past."
            continue
        if start_at > horizon:
            errors[d_id] = f"Windows can be at most {MAX_DAYS_AHEAD} days ahead."
            continue
        windows.append((start_at, end_at))
    if filled > MAX_WINDOWS:
        errors.setdefault("d0", f"Enter at most {MAX_WINDOWS} windows (you entered {filled}).")
    if not filled:
        errors["d0"] = "Enter at least one window: a day, and the times from and to."
    if errors:
        raise InvalidInput(errors)
    return _merged(windows)


def _merged(windows: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    merged: list[tuple[datetime, datetime]] = []
    for start, end in sorted(windows):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _snapshot(windows: Sequence[tuple[datetime, datetime]]) -> dict[str, object]:
    return {"windows": [[s.astimezone(UTC).isoformat(), e.astimezone(UTC).isoformat()] for s, e in windows]}


class AvailabilityService:
    """Reads and replaces candidates' availability windows (the role's managers and admins only)."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def check(self, actor: Actor, candidate_id: int) -> None:
        """Raise unless the actor may enter this candidate's availability."""
        with self.db.uow(actor.team_id) as uow:
            require_manager(actor, live_candidate(uow, candidate_id).role, WHAT)

    def draft(self, actor: Actor, candidate_id: int) -> AvailabilityDraft:
        """The modal's content: stored windows that are not over yet, in the candidate's time zone."""
        now = self.clock.now()
        with self.db.uow(actor.team_id) as uow:
            candidate = live_candidate(uow, candidate_id)
            require_manager(actor, candidate.role, WHAT)
            zone = _zone(candidate.timezone)
            windows = [
                LocalWindow(
                    day=w.start_at.astimezone(zone).date(),
                    start=w.start_at.astimezone(zone).time(),
                    end=w.end_at.astimezone(zone).time(),
                )
                for w in candidate.windows
                if w.end_at > now
            ]
            return AvailabilityDraft(
                candidate_id=candidate.id,
                candidate_name=candidate.name,
                role_title=candidate.role.title,
                timezone=candidate.timezone,
                windows=windows[:MAX_WINDOWS],
                rows=min(MAX_WINDOWS, max(MIN_ROWS, len(windows) + 2)),
                today=now.astimezone(zone).date(),
            )

    def windows(self, team_id: str, candidate_id: int) -> list[tuple[datetime, datetime]]:
        """The candidate's stored windows (UTC), earliest first."""
        with self.db.uow(team_id) as uow:
            return [(w.start_at, w.end_at) for w in live_candidate(uow, candidate_id).windows]

    def save(
        self,
        actor: Actor,
        candidate_id: int,
        rows: Sequence[WindowInput],
        *,
        request_key: str | None = None,
    ) -> list[tuple[datetime, datetime]] | None:
        """Validate the rows and replace the candidate's windows in one transaction (audited).
        Returns the stored windows (UTC); None when `request_key` was already handled."""
        now = self.clock.now()
        with self.db.uow(actor.team_id) as uow:
            candidate = live_candidate(uow, candidate_id, lock=True)
            require_manager(actor, candidate.role, WHAT)
            if candidate.status != "active":
                raise Conflict(f"This candidate is {candidate.status}; there is nothing to schedule.")
            windows = parse_windows(rows, candidate.timezone, now)
            if request_key and not uow.idempotency.claim(request_key, now):
                return None
            before = [(w.start_at, w.end_at) for w in candidate.windows]
            candidate.windows.clear()
            uow.flush()
            for start, end in windows:
                candidate.windows.append(AvailabilityWindow(start_at=start, end_at=end))
            candidate.updated_at = now
            uow.audit.record(
                at=now,
                actor_id=actor.user_id,
                action="availability.set",
                subject_type="candidate",
                subject_id=candidate.id,
                candidate_id=candidate.id,
                before=_snapshot(before),
                after={**_snapshot(windows), "timezone": candidate.timezone},
            )
            uow.commit()
            return windows
