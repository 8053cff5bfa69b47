"""Candidate availability: the windows in which a candidate can interview.

The recruiter types them in one field, in the candidate's own time zone ("Mon–Wed 9–12, Thu after
14:00"; the grammar is in `availability_text.py`); they are stored in UTC. Saving replaces all of the candidate's windows at once, and is audited. A local time that does
not exist on its day (clocks going forward) is refused rather than silently shifted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hiring.chasing import reminders
from hiring.clock import Clock
from hiring.errors import Conflict, InvalidInput
from hiring.permissions import Actor, require_manager
from hiring.roles.candidates import live_candidate
from hiring.scheduling.availability_text import EXAMPLE, TextWindow, Unclear, Weekday, parse_text, split_parts
from storage.models import AvailabilityWindow
from storage.uow import Database

FIELD = "when"
MAX_WINDOWS = 14
MAX_DAYS_AHEAD = 90
MAX_TEXT = 1000
WHAT = "enter a candidate's availability for this role"


@dataclass(frozen=True)
class LocalWindow:
    """A stored window as the candidate sees it: a day and two clock times in their time zone."""

    day: date
    start: time
    end: time


@dataclass(frozen=True)
class AvailabilityDraft:
    """What the availability modal shows: the stored windows in the candidate's time zone, and the
    same windows written in the field's grammar (so they can be edited)."""

    candidate_id: int
    candidate_name: str
    role_title: str
    timezone: str
    windows: list[LocalWindow]
    text: str


@dataclass(frozen=True)
class Understood:
    """What a text means: the windows in UTC (sorted, overlaps merged), or an error naming the part
    that was not understood (then `windows` is empty)."""

    windows: list[tuple[datetime, datetime]]
    error: str | None = None


def local_to_utc(day: date, clock_time: time, zone: ZoneInfo) -> datetime | None:
    """The UTC instant of a local day and time; None when that local time does not exist (a
    daylight-saving gap). An ambiguous time (clocks going back) means its first occurrence."""
    local = datetime.combine(day, clock_time, tzinfo=zone)
    instant = local.astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None):
        return None
    return instant


def windows_text(windows: Sequence[LocalWindow]) -> str:
    """Windows written in the field's grammar: `Tue 24 Nov 09:00-12:30; Thu 26 Nov 14:00-17:00`."""
    return "; ".join(f"{w.day:%a} {w.day.day} {w.day:%b %Y} {w.start:%H:%M}-{w.end:%H:%M}" for w in windows)


def understand(text: str, tz: str, now: datetime) -> Understood:
    """Read the availability field (grammar in `availability_text`) in the candidate's time zone.
    Never raises: either windows, or an error that names the part it did not understand. Windows
    must exist on their day (not in a daylight-saving gap), not be over, start within 90 days, and
    number at most 14 after merging."""
    zone = reminders.zone(tz)
    if not split_parts(text):
        return Understood([], f"Say when the candidate can interview, {EXAMPLE}.")
    if len(text) > MAX_TEXT:
        return Understood([], f"Keep it under {MAX_TEXT} characters.")
    try:
        parsed = parse_text(text, now.astimezone(zone).date())
        windows = [_placed(w, zone, tz, now) for w in parsed]
    except Unclear as unclear:
        return Understood([], f"{unclear} {EXAMPLE[0].upper()}{EXAMPLE[1:]}.")
    merged = _merged(windows)
    if len(merged) > MAX_WINDOWS:
        return Understood(
            [], f"That makes {len(merged)} windows; at most {MAX_WINDOWS} (name fewer days or longer ranges)."
        )
    return Understood(merged)


def _placed(window: TextWindow, zone: ZoneInfo, tz: str, now: datetime) -> tuple[datetime, datetime]:
    """A window on its day in UTC; a weekday goes on its next occurrence that is not over."""
    today = now.astimezone(zone).date()
    if isinstance(window.day, Weekday):
        days = [today + timedelta(days=i) for i in range(8)]
        days = [d for d in days if d.weekday() == window.day.index]
        ends = [local_to_utc(d, window.end, zone) for d in days]
        day = next((d for d, e in zip(days, ends, strict=True) if e is None or e > now), days[-1])
    else:
        day = window.day
    start_at, end_at = local_to_utc(day, window.start, zone), local_to_utc(day, window.end, zone)
    if start_at is None or end_at is None:
        missing = window.start if start_at is None else window.end
        raise Unclear(
            f"In “{window.part}”, {missing:%H:%M} does not exist on {day:%a} {day.day} {day:%b} in {tz}: "
            "the clocks go forward then. Pick a time outside the gap."
        )
    if end_at <= now:
        raise Unclear(
            f"In “{window.part}”, {day:%a} {day.day} {day:%b %Y} {window.end:%H:%M} is already past."
        )
    if start_at > now + timedelta(days=MAX_DAYS_AHEAD):
        raise Unclear(f"In “{window.part}”, {day:%-d %b %Y} is more than {MAX_DAYS_AHEAD} days ahead.")
    return start_at, end_at


def parse_availability(text: str, tz: str, now: datetime) -> list[tuple[datetime, datetime]]:
    """The windows the text names (UTC); raises InvalidInput keyed `when` (the modal's field)."""
    understood = understand(text, tz, now)
    if understood.error:
        raise InvalidInput({FIELD: understood.error})
    return understood.windows


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

    def draft(self, actor: Actor, candidate_id: int) -> AvailabilityDraft:
        """The modal's content: stored windows that are not over yet, in the candidate's time zone."""
        now = self.clock.now()
        with self.db.uow(actor.team_id) as uow:
            candidate = live_candidate(uow, candidate_id)
            require_manager(actor, candidate.role, WHAT)
            zone = reminders.zone(candidate.timezone)
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
                windows=windows,
                text=windows_text(windows),
            )

    def preview(self, actor: Actor, candidate_id: int, text: str) -> tuple[AvailabilityDraft, Understood]:
        """What the text means for this candidate, before saving (nothing is stored)."""
        draft = self.draft(actor, candidate_id)
        return draft, understand(text, draft.timezone, self.clock.now())

    def windows(self, team_id: str, candidate_id: int) -> list[tuple[datetime, datetime]]:
        """The candidate's stored windows (UTC), earliest first."""
        with self.db.uow(team_id) as uow:
            return [(w.start_at, w.end_at) for w in live_candidate(uow, candidate_id).windows]

    def save(
        self,
        actor: Actor,
        candidate_id: int,
        text: str,
        *,
        request_key: str | None = None,
    ) -> list[tuple[datetime, datetime]] | None:
        """Read the text (see `understand`) and replace the candidate's windows in one transaction (audited).
        Returns the stored windows (UTC); None when `request_key` was already handled."""
        now = self.clock.now()
        with self.db.uow(actor.team_id) as uow:
            candidate = live_candidate(uow, candidate_id, lock=True)
            require_manager(actor, candidate.role, WHAT)
            if candidate.status != "active":
                raise Conflict(f"This candidate is {candidate.status}; there is nothing to schedule.")
            windows = parse_availability(text, candidate.timezone, now)
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
