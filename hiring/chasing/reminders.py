"""Chasing late feedback: the reminder ladder as pure functions, and the outbox source behind it.

Everything is derived from the current state at each tick: a scorecard is pending while its
interviewer seat is on a held interview that has ended and no submitted scorecard exists. For a
pending scorecard the ladder is (per role policy):

* nudges to the interviewer, the first `first_nudge_minutes` after the interview ends, then every
  `nudge_interval_hours`, only while the interviewer is inside their working hours (so one missed
  outside them goes out when the next working window opens, and never on their weekend);
* an escalation DM to the hiring manager once the scorecard is `feedback_due_hours` late (inside the
  hiring manager's working hours);
* a "late feedback" line in the hiring channel `channel_late_after_hours` after the deadline
  (inside the role's working hours: the line mentions people).

Keys carry the interview's end time, so a moved interview starts a fresh ladder and the old one is
simply never due again; a cancelled interview, a submitted scorecard or a decision on the stage
stops the ladder at the next tick. After downtime only the latest nudge goes out, not every one
that was missed. Chasing stops `CHASE_HORIZON` (14 days) after the interview; the channel's digest
keeps listing the scorecard as late.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from hiring.clock import Clock
from hiring.errors import DomainError
from hiring.outbox import Due
from hiring.ports import Directory
from storage.models import Person
from storage.repositories.chasing import RoleSettings
from storage.uow import Database

log = logging.getLogger(__name__)

# Interview statuses meaning "it happens, or happened, as booked".
HELD_STATUSES = ("booked", "completed")
# Candidates whose feedback still matters (a decision on the stage stops chasing too).
CHASED_CANDIDATES = ("active", "on_hold")
# Chasing stops this long after the interview (the digest keeps listing the scorecard as late). It
# also keeps each tick's work proportional to recent interviews, not to the whole history.
CHASE_HORIZON = timedelta(days=14)
DEFAULT_START_MINUTE = 9 * 60
DEFAULT_END_MINUTE = 17 * 60
DEFAULT_DAYS = frozenset({0, 1, 2, 3, 4})

StepKind = Literal["nudge", "escalate", "late_channel"]


# -- working hours --------------------------------------------------------------------------------
def zone(name: str) -> ZoneInfo:
    """A time zone by IANA name; unknown names fall back to UTC (never raise in a tick)."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def parse_days(text: str | None) -> frozenset[int]:
    """`"0,1,2,3,4"` (Monday = 0) → `{0, 1, 2, 3, 4}`; junk entries are ignored."""
    days = set()
    for part in (text or "").split(","):
        part = part.strip()
        if part.isdecimal() and 0 <= int(part) <= 6:
            days.add(int(part))
    return frozenset(days)


@dataclass(frozen=True)
class WorkingHours:
    """When a person (or a channel) may be pinged: minutes after local midnight, on local weekdays."""

    tz: str = "UTC"
    start_minute: int = DEFAULT_START_MINUTE
    end_minute: int = DEFAULT_END_MINUTE
    days: frozenset[int] = DEFAULT_DAYS
    _memo: dict[datetime, bool] = field(default_factory=dict, compare=False, hash=False, repr=False)

    @classmethod
    def of(cls, person: Person) -> WorkingHours:
        return cls(
            tz=person.tz or "UTC",
            start_minute=person.work_start_minute,
            end_minute=person.work_end_minute,
            days=parse_days(person.work_days),
        )

    def _window(self, day: date) -> tuple[datetime, datetime] | None:
        """The working window of a local day, as aware local datetimes (None on a day off)."""
        if day.weekday() not in self.days:
            return None
        tz = zone(self.tz)
        midnight = datetime.combine(day, time())
        start, end = self.start_minute, self.end_minute
        if end <= start:  # misconfigured: treat the whole day as working time
            start, end = 0, 24 * 60
        return (
            (midnight + timedelta(minutes=start)).replace(tzinfo=tz),
            (midnight + timedelta(minutes=end)).replace(tzinfo=tz),
        )

    def contains(self, moment: datetime) -> bool:
        """True when `moment` is inside working hours on a working day (in this time zone)."""
        known = self._memo.get(moment)
        if known is not None:
            return known
        local = moment.astimezone(zone(self.tz))
        window = self._window(local.date())
        inside = window is not None and window[0] <= local < window[1]
        if len(self._memo) > 64:
            self._memo.clear()
        self._memo[moment] = inside
        return inside


@dataclass(frozen=True)
class ChasePolicy:
    """A role's chasing settings (defaults: due in 24 h; nudge after 1 h, then daily; channel 24 h late)."""

    feedback_due_hours: int = 24
    first_nudge_minutes: int = 60
    nudge_interval_hours: int = 24
    channel_late_after_hours: int = 24

    def __post_init__(self) -> None:
        # The ladder's spans, computed once (the tick evaluates thousands of ladders).
        object.__setattr__(self, "_due", timedelta(hours=self.feedback_due_hours))
        object.__setattr__(self, "_first", timedelta(minutes=self.first_nudge_minutes))
        object.__setattr__(self, "_interval", timedelta(hours=max(self.nudge_interval_hours, 1)))
        object.__setattr__(self, "_channel", timedelta(hours=self.channel_late_after_hours))

    def due_at(self, end_at: datetime) -> datetime:
        """When the scorecard is due."""
        return end_at + self._due  # type: ignore[attr-defined,no-any-return]

    def channel_at(self, end_at: datetime) -> datetime:
        """When the hiring channel hears about it."""
        return end_at + self._due + self._channel  # type: ignore[attr-defined,no-any-return]

    def nudge_at(self, end_at: datetime, number: int) -> datetime:
        """When nudge `number` (1, 2, ...) falls due, before working hours are applied."""
        return end_at + self._first + (number - 1) * self._interval  # type: ignore[attr-defined,no-any-return]

    def latest_nudge(self, end_at: datetime, now: datetime) -> int:
        """The number of the latest nudge whose time has come (0 when none yet)."""
        first = end_at + self._first  # type: ignore[attr-defined]
        if now < first:
            return 0
        return 1 + int((now - first) // self._interval)  # type: ignore[attr-defined]


class Step(NamedTuple):
    """One rung of the ladder: what, which nudge (0 for the others) and when it falls due."""

    kind: StepKind
    number: int
    due_at: datetime


def steps_at(
    *,
    end_at: datetime,
    policy: ChasePolicy,
    now: datetime,
    interviewer_open: bool,
    manager_open: bool,
    channel_open: bool,
    submitted: bool = False,
) -> list[Step]:
    """The steps to send now for one pending scorecard, given whose working hours `now` falls in:
    at most the latest nudge, the escalation and the channel line. Nothing before the end."""
    if submitted or now < end_at:
        return []
    steps: list[Step] = []
    number = policy.latest_nudge(end_at, now)
    if number and interviewer_open:
        steps.append(Step("nudge", number, policy.nudge_at(end_at, number)))
    deadline = policy.due_at(end_at)
    if manager_open and now >= deadline:
        steps.append(Step("escalate", 0, deadline))
    if channel_open:
        late_at = policy.channel_at(end_at)
        if now >= late_at:
            steps.append(Step("late_channel", 0, late_at))
    return steps


# -- what Loopbot says ----------------------------------------------------------------------------
@dataclass(slots=True)  # not frozen: thousands are made each tick, and frozen init is 4x slower
class ScorecardNudge:
    """A DM to an interviewer whose scorecard is still missing (times shown in `tz`)."""

    interview_id: int
    candidate_name: str
    role_title: str
    interview_title: str
    ended_at: datetime
    due_at: datetime
    now: datetime
    tz: str
    has_draft: bool = False

    @property
    def overdue(self) -> bool:
        return self.now >= self.due_at


@dataclass(slots=True)  # not frozen: thousands are made each tick, and frozen init is 4x slower
class LateFeedbackEscalation:
    """A DM to the hiring manager: these interviewers' scorecards are past due (never any scores)."""

    interview_id: int
    candidate_name: str
    role_title: str
    interview_title: str
    interviewer_ids: tuple[str, ...]
    due_at: datetime
    now: datetime
    tz: str

    @property
    def late_by(self) -> timedelta:
        return self.now - self.due_at


@dataclass(slots=True)  # not frozen: thousands are made each tick, and frozen init is 4x slower
class LateFeedbackLine:
    """One line in the hiring channel: whose feedback is late, and by how much (never any scores)."""

    candidate_name: str
    role_title: str
    interview_title: str
    interviewer_ids: tuple[str, ...]
    due_at: datetime
    now: datetime

    @property
    def late_by(self) -> timedelta:
        return self.now - self.due_at


# -- the source -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class RoleChase:
    """What chasing needs of a role: who hears about late feedback, where, and the policy."""

    title: str
    channel_id: str
    hiring_manager_id: str
    tz: str
    policy: ChasePolicy
    channel_hours: WorkingHours


@dataclass(slots=True)
class PendingScorecard:
    """A missing scorecard: an interviewer seat of an ended interview with nothing submitted."""

    team_id: str
    interview_id: int
    interview_title: str
    end_at: datetime
    user_id: str
    has_draft: bool
    candidate_id: int
    candidate_name: str
    role: RoleChase


def stamp(moment: datetime) -> str:
    """A moment as it appears in keys (UTC, to the minute; no strftime: this runs for every step)."""
    m = moment.astimezone(UTC)
    return f"{m.year:04d}{m.month:02d}{m.day:02d}T{m.hour:02d}{m.minute:02d}"


def nudge_key(interview_id: int, user_id: str, end_at: datetime | str, number: int) -> str:
    """The key of nudge `number` for one interviewer of one interview ending at `end_at` (or its stamp)."""
    when = end_at if isinstance(end_at, str) else stamp(end_at)
    return f"nudge:{interview_id}:{user_id}:{when}:{number}"


def escalation_key(interview_id: int, end_at: datetime | str) -> str:
    when = end_at if isinstance(end_at, str) else stamp(end_at)
    return f"late-hm:{interview_id}:{when}"


def channel_key(interview_id: int, end_at: datetime | str) -> str:
    when = end_at if isinstance(end_at, str) else stamp(end_at)
    return f"late-channel:{interview_id}:{when}"


class ChasingService:
    """Finds pending scorecards and says which rungs of their ladders are due (the outbox sends them)."""

    def __init__(self, db: Database, clock: Clock, directory: Directory) -> None:
        self.db = db
        self.clock = clock
        self.directory = directory

    def pending(self, now: datetime) -> list[PendingScorecard]:
        """Every pending scorecard of an ended interview (all workspaces): held interview, live
        panel, candidate still in process, open role, undecided stage."""
        with self.db.uow("") as uow:
            found = uow.chasing.pending_scorecards(now, now - CHASE_HORIZON, HELD_STATUSES, CHASED_CANDIDATES)
            roles = {
                row[0]: _role_chase(row) for row in uow.chasing.role_settings(sorted({r[8] for r in found}))
            }
        pending = [
            PendingScorecard(r[0], r[1], r[2], r[3], r[4], r[5] is not None, r[6], r[7], roles[r[8]])
            for r in found
            if r[3] is not None  # always set for a held interview; the query guarantees it
        ]
        pending.sort(key=lambda p: (p.interview_id, p.user_id))
        return pending

    def working_hours(
        self, team_id: str, user_ids: Iterable[str], fallback_tz: dict[str, str]
    ) -> dict[str, WorkingHours]:
        """Working hours by user: the stored Person, else the Slack profile's time zone with default
        hours, else (the profile is gone) the role's time zone. A person whose profile cannot be read
        right now is left out, so nobody is pinged at an unknown hour; the next tick tries again."""
        wanted = sorted(set(user_ids))
        hours: dict[str, WorkingHours] = {}
        with self.db.uow(team_id) as uow:
            for i in range(0, len(wanted), 500):
                for person in uow.people.many(wanted[i : i + 500]).values():
                    hours[person.user_id] = WorkingHours.of(person)
        for user_id in wanted:
            if user_id in hours:
                continue
            try:
                profile = self.directory.profile(team_id, user_id)
            except DomainError as err:
                log.warning("no working hours for %s this tick: %s", user_id, err.message)
                continue
            tz = profile.tz if profile is not None else fallback_tz.get(user_id, "UTC")
            hours[user_id] = WorkingHours(tz=tz)
        return hours

    def source(self, now: datetime) -> Iterator[Due]:
        """The outbox source: every ladder step due now, each under a key unique forever."""
        by_team: dict[str, list[PendingScorecard]] = defaultdict(list)
        for p in self.pending(now):
            by_team[p.team_id].append(p)
        for team_id, items in by_team.items():
            yield from self._team_steps(team_id, items, now)

    def _team_steps(self, team_id: str, items: list[PendingScorecard], now: datetime) -> Iterator[Due]:
        fallback = {p.user_id: p.role.tz for p in items}
        fallback.update({p.role.hiring_manager_id: p.role.tz for p in items})
        hours = self.working_hours(team_id, [*fallback], fallback)
        opened = {user_id: h.contains(now) for user_id, h in hours.items()}
        # Seats of one interview share its end, role and ladder; only whether each interviewer may
        # be pinged now differs, so the steps are worked out once per interview.
        by_interview: dict[int, list[PendingScorecard]] = defaultdict(list)
        for p in items:
            by_interview[p.interview_id].append(p)
        planned: list[tuple[str, str, PendingScorecard, list[PendingScorecard]]] = []
        for interview_id, seats in by_interview.items():
            first = seats[0]
            role = first.role
            steps = steps_at(
                end_at=first.end_at,
                policy=role.policy,
                now=now,
                interviewer_open=True,
                manager_open=opened.get(role.hiring_manager_id, False),
                channel_open=role.channel_hours.contains(now),  # memoised: one WorkingHours per role
            )
            when = stamp(first.end_at)
            for step in steps:
                if step.kind == "nudge":
                    for p in seats:
                        if opened.get(p.user_id):
                            key = nudge_key(interview_id, p.user_id, when, step.number)
                            planned.append(("nudge", key, p, seats))
                elif step.kind == "escalate":
                    if any(p.user_id != role.hiring_manager_id for p in seats):
                        planned.append(("late_escalation", escalation_key(interview_id, when), first, seats))
                else:
                    planned.append(("late_channel", channel_key(interview_id, when), first, seats))
        # Most of these went out in earlier ticks: only build messages for the others.
        with self.db.uow(team_id) as uow:
            sent = uow.outbox.sent_among([key for _, key, _, _ in planned])
        for kind, key, p, seats in planned:
            if key not in sent:
                yield self._due(team_id, kind, key, p, seats, hours, now)

    def _due(
        self,
        team_id: str,
        kind: str,
        key: str,
        p: PendingScorecard,
        seats: list[PendingScorecard],
        hours: dict[str, WorkingHours],
        now: datetime,
    ) -> Due:
        role, end_at = p.role, p.end_at
        deadline = role.policy.due_at(end_at)
        if kind == "nudge":
            content: object = ScorecardNudge(
                interview_id=p.interview_id,
                candidate_name=p.candidate_name,
                role_title=role.title,
                interview_title=p.interview_title,
                ended_at=end_at,
                due_at=deadline,
                now=now,
                tz=hours[p.user_id].tz,
                has_draft=p.has_draft,
            )
            return Due(team_id, key, kind, p.user_id, content, candidate_id=p.candidate_id)
        late = tuple(s.user_id for s in seats)
        if kind == "late_escalation":
            content = LateFeedbackEscalation(
                interview_id=p.interview_id,
                candidate_name=p.candidate_name,
                role_title=role.title,
                interview_title=p.interview_title,
                interviewer_ids=tuple(u for u in late if u != role.hiring_manager_id),
                due_at=deadline,
                now=now,
                tz=hours[role.hiring_manager_id].tz,
            )
            return Due(team_id, key, kind, role.hiring_manager_id, content, candidate_id=p.candidate_id)
        content = LateFeedbackLine(
            candidate_name=p.candidate_name,
            role_title=role.title,
            interview_title=p.interview_title,
            interviewer_ids=late,
            due_at=deadline,
            now=now,
        )
        return Due(team_id, key, kind, role.channel_id, content, candidate_id=p.candidate_id)


def _role_chase(row: RoleSettings) -> RoleChase:
    """A role's chasing settings from its stored ones."""
    _, title, channel_id, manager_id, tz, digest_days, due, first, interval, channel_late = row
    return RoleChase(
        title=title,
        channel_id=channel_id,
        hiring_manager_id=manager_id,
        tz=tz,
        policy=ChasePolicy(due, first, interval, channel_late),
        channel_hours=WorkingHours(tz=tz, days=parse_days(digest_days)),
    )
