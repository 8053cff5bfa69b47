"""The App Home tab's contents as domain data: my upcoming interviews, my pending scorecards, my
interview load per week against my weekly limit, and for hiring managers and recruiters their roles
with candidates per stage and late scorecards.

Long lists come in pages; a `HomeCursor` says which page of each list to show (the "More" buttons
carry one). Nothing here shows anyone's ratings: the Home tab is about what to do next.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Generic, TypeVar
from zoneinfo import ZoneInfo

from hiring.clock import Clock
from hiring.feedback.scorecards import PendingScorecard, ScorecardService
from hiring.panels.interview_info import InterviewInfo, interview_info, person_timezone
from hiring.people.limits import DEFAULT, person_limits
from hiring.plans.plans import spec_of
from hiring.ports import Directory
from storage.models import Role
from storage.uow import Database, UnitOfWork

log = logging.getLogger(__name__)

T = TypeVar("T")

UPCOMING_PAGE = 8
PENDING_PAGE = 8
ROLES_PAGE = 3
STAGE_PAGE = 20
LATE_SHOWN = 5
LOAD_WEEKS = 4
CLOSED_STATUSES = frozenset({"rejected", "withdrawn", "hired", "archived"})


@dataclass(frozen=True)
class HomeCursor:
    """Which page of each list the Home tab shows (offsets), and which role stage is paged."""

    upcoming: int = 0
    pending: int = 0
    roles: int = 0
    stage_role: int | None = None
    stage_key: str | None = None
    stage_offset: int = 0

    def encode(self) -> str:
        return json.dumps(
            [self.upcoming, self.pending, self.roles, self.stage_role, self.stage_key, self.stage_offset],
            separators=(",", ":"),
        )

    @classmethod
    def decode(cls, raw: str | None) -> HomeCursor:
        """The cursor in a button's value (the first page of everything when it is unreadable)."""
        try:
            u, p, r, sr, sk, so = json.loads(raw or "")
            return cls(
                upcoming=max(int(u), 0),
                pending=max(int(p), 0),
                roles=max(int(r), 0),
                stage_role=int(sr) if sr is not None else None,
                stage_key=str(sk) if sk is not None else None,
                stage_offset=max(int(so), 0),
            )
        except (ValueError, TypeError):
            return cls()

    def moved(self, **changes: object) -> HomeCursor:
        return replace(self, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Page(Generic[T]):
    items: tuple[T, ...]
    offset: int
    total: int

    @property
    def more(self) -> bool:
        return self.offset + len(self.items) < self.total


def page_of(items: list[T], offset: int, size: int) -> Page[T]:
    offset = offset if 0 <= offset < len(items) else 0
    return Page(items=tuple(items[offset : offset + size]), offset=offset, total=len(items))


@dataclass(frozen=True)
class UpcomingInterview:
    """One of my booked interviews (its `info.start_at` and `end_at` are set), and whether I only
    shadow it."""

    info: InterviewInfo
    is_shadow: bool


@dataclass(frozen=True)
class StageCandidate:
    candidate_id: int
    name: str
    status: str


@dataclass(frozen=True)
class StageRow:
    """One stage of a role with (a page of) its candidates."""

    stage_key: str
    name: str
    candidates: Page[StageCandidate]


@dataclass(frozen=True)
class LateScorecard:
    author_id: str
    candidate_name: str
    interview_title: str
    due_at: datetime


@dataclass(frozen=True)
class RoleOverview:
    role_id: int
    title: str
    channel_id: str
    stages: tuple[StageRow, ...]
    late: tuple[LateScorecard, ...]
    late_total: int
    candidates_total: int


@dataclass(frozen=True)
class HomePage:
    """Everything one person's Home tab shows, times to be shown in `tz`."""

    team_id: str
    user_id: str
    tz: str
    now: datetime
    cursor: HomeCursor
    upcoming: Page[UpcomingInterview]
    pending: Page[PendingScorecard]
    roles: Page[RoleOverview]
    manages_roles: bool
    load: InterviewLoad | None = None


@dataclass(frozen=True)
class WeekLoad:
    """My interviews in one week (Monday to Sunday in my time zone)."""

    week_start: date
    interviews: int


@dataclass(frozen=True)
class InterviewLoad:
    """My interviews per week, this week and the next three, against my effective weekly limit
    (`hiring.people.limits`). No candidate names: only counts."""

    weeks: tuple[WeekLoad, ...]
    weekly_limit: int | None

    @property
    def total(self) -> int:
        return sum(w.interviews for w in self.weeks)


Publisher = Callable[[str, str], None]


class HomeService:
    """Builds Home tab contents and asks the attached publisher to refresh them after changes."""

    def __init__(
        self, db: Database, clock: Clock, directory: Directory, scorecards: ScorecardService
    ) -> None:
        self.db = db
        self.clock = clock
        self.directory = directory
        self.scorecards = scorecards
        self._publishers: list[Publisher] = []

    def attach(self, publisher: Publisher) -> None:
        """Register who re-publishes a person's Home tab (the Slack adapter does, at start-up)."""
        self._publishers.append(publisher)

    def refresh(self, team_id: str, user_ids: Iterable[str]) -> None:
        """Re-publish the Home tab of each person (something they see there has changed)."""
        for user_id in dict.fromkeys(user_ids):
            for publish in self._publishers:
                try:
                    publish(team_id, user_id)
                except Exception:
                    log.exception("could not refresh the App Home of %s", user_id)

    def timezone(self, team_id: str, user_id: str) -> str:
        """The time zone `user_id` sees times in (stored, else their Slack profile's)."""
        with self.db.uow(team_id) as uow:
            return person_timezone(uow, self.directory, user_id)

    def build(self, team_id: str, user_id: str, cursor: HomeCursor | None = None) -> HomePage:
        """The Home tab of `user_id` at `cursor` (the first page of everything by default)."""
        cursor = cursor or HomeCursor()
        now = self.clock.now()
        pending = self.scorecards.pending(team_id, user_id)
        with self.db.uow(team_id) as uow:
            upcoming = [
                UpcomingInterview(interview_info(interview), seat.kind == "shadow")
                for seat, interview in uow.feedback.upcoming_for(user_id, now)
            ]
            mine = [
                r for r in uow.roles.all() if r.hiring_manager_id == user_id or user_id in r.recruiter_ids
            ]
            roles_page = page_of(mine, cursor.roles, ROLES_PAGE)
            overviews = tuple(self._overview(uow, role, cursor, now) for role in roles_page.items)
            tz = person_timezone(uow, self.directory, user_id, mine[0].timezone if mine else "UTC")
            load = interview_load(uow, user_id, tz, now)
        return HomePage(
            team_id=team_id,
            user_id=user_id,
            tz=tz,
            now=now,
            cursor=cursor,
            upcoming=page_of(upcoming, cursor.upcoming, UPCOMING_PAGE),
            pending=page_of(pending, cursor.pending, PENDING_PAGE),
            roles=Page(items=overviews, offset=roles_page.offset, total=roles_page.total),
            manages_roles=bool(mine),
            load=load,
        )

    def _overview(self, uow: UnitOfWork, role: Role, cursor: HomeCursor, now: datetime) -> RoleOverview:
        spec = spec_of(role.plan)
        by_stage: dict[str, list[StageCandidate]] = {s.key: [] for s in spec.stages}
        total = 0
        for c in uow.candidates.for_role(role.id):
            if c.status in CLOSED_STATUSES:
                continue
            total += 1
            by_stage.setdefault(c.stage_key, []).append(
                StageCandidate(candidate_id=c.id, name=c.name, status=c.status)
            )
        stages = []
        for key, candidates in by_stage.items():
            offset = cursor.stage_offset if (cursor.stage_role, cursor.stage_key) == (role.id, key) else 0
            stages.append(
                StageRow(
                    stage_key=key,
                    name=spec.stage_name(key),
                    candidates=page_of(candidates, offset, STAGE_PAGE),
                )
            )
        late_rows = uow.feedback.late_for_roles([role.id], now - timedelta(hours=role.feedback_due_hours))
        late = tuple(
            LateScorecard(
                author_id=seat.user_id,
                candidate_name=candidate.name,
                interview_title=interview.title,
                due_at=(interview.end_at or now) + timedelta(hours=role.feedback_due_hours),
            )
            for seat, interview, candidate in late_rows[:LATE_SHOWN]
        )
        return RoleOverview(
            role_id=role.id,
            title=role.title,
            channel_id=role.channel_id,
            stages=tuple(stages),
            late=late,
            late_total=len(late_rows),
            candidates_total=total,
        )


def interview_load(uow: UnitOfWork, user_id: str, tz: str, now: datetime) -> InterviewLoad | None:
    """My load over `LOAD_WEEKS` weeks from this one against my effective weekly limit; None for
    someone with neither a limit of their own or their pool's nor interviews."""
    zone = ZoneInfo(tz)
    today = now.astimezone(zone).date()
    monday = today - timedelta(days=today.weekday())
    start = datetime.combine(monday, time(0), zone)
    end = datetime.combine(monday + timedelta(weeks=LOAD_WEEKS), time(0), zone)
    limits = person_limits(uow, user_id)
    starts = uow.feedback.seat_starts(user_id, start, end)
    if limits.weekly_source == DEFAULT and not starts:
        return None
    counts = [0] * LOAD_WEEKS
    for at in starts:
        counts[(at.astimezone(zone).date() - monday).days // 7] += 1
    return InterviewLoad(
        weeks=tuple(WeekLoad(monday + timedelta(weeks=n), counts[n]) for n in range(LOAD_WEEKS)),
        weekly_limit=limits.weekly,
    )
