"""Channel digests: what a hiring channel should know this morning, as domain data, and when to post it.

Each open role gets a digest in its hiring channel on its schedule (`Role.digest_days` at
`Role.digest_time` in the role's time zone; default weekdays 09:00). The outbox source keys each one
`digest:{role_id}:{local date}`, so it goes out exactly once, and after downtime the first tick
catches up (up to `CATCH_UP` late; older ones are skipped, the next one comes on schedule). The
summary is one message; the details of each non-empty section follow in its thread (keys
`digest:{role_id}:{date}:{n}-{section}`). `/interview digest` posts one now, keyed per request.
A role that opted in (`Role.digest_charts`) also gets the week's charts (`hiring/chasing/figures.py`)
in the thread of its first digest of the week, and of every digest asked for.

No scores ever appear in a digest: only who, what, when and how late.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any, NamedTuple

from hiring.chasing.figures import DigestCharts, DigestFigures, digest_figures
from hiring.chasing.reminders import CHASED_CANDIDATES, HELD_STATUSES, parse_days, zone
from hiring.clock import Clock
from hiring.decisions.debriefs import DEBRIEF_PREFIX
from hiring.errors import ExternalServiceError, NotFound, PermissionDenied
from hiring.outbox import Dispatcher, Due
from hiring.permissions import Actor, manages, require_manager
from hiring.plans.plans import spec_of
from hiring.plans.schema import PlanSpec
from hiring.ports import Notifier, Sent
from hiring.text import esc
from storage.models import Role
from storage.repositories.chasing import ChasingRepository
from storage.uow import Database, UnitOfWork

UPCOMING_HOURS = 48
FEEDBACK_WINDOW = timedelta(days=7)
CATCH_UP = timedelta(hours=12)
SECTIONS = ("upcoming", "late", "waiting", "pipeline", "feedback_time", "reports")
PARTS = (*SECTIONS, "charts")  # the thread replies: each section in full, then the week's charts


# -- the schedule ---------------------------------------------------------------------------------
def _clock_time(text: str) -> time:
    try:
        hours, minutes = (int(part) for part in (text or "09:00").split(":"))
        return time(hours, minutes)
    except ValueError:
        return time(9, 0)


def latest_occurrence(
    tz: str, days: str, at: str, now: datetime, *, catch_up: timedelta = CATCH_UP
) -> datetime | None:
    """The most recent scheduled digest moment at or before `now` (UTC), if it is at most
    `catch_up` old; None otherwise (or when the schedule has no days)."""
    local_zone = zone(tz)
    local_now = now.astimezone(local_zone)
    wanted = parse_days(days)
    for back in range(8):
        day = local_now.date() - timedelta(days=back)
        if day.weekday() not in wanted:
            continue
        moment = datetime.combine(day, _clock_time(at)).replace(tzinfo=local_zone).astimezone(UTC)
        if moment <= now:
            return moment if now - moment <= catch_up else None
    return None


def first_of_week(tz: str, days: str, moment: datetime) -> bool:
    """Whether `moment` falls on the first digest day of its week (local), the one charts follow."""
    wanted = parse_days(days)
    return bool(wanted) and moment.astimezone(zone(tz)).weekday() == min(wanted)


def digest_key(role_id: int, tz: str, moment: datetime) -> str:
    """The key of a scheduled digest: one per role and local date."""
    return f"digest:{role_id}:{moment.astimezone(zone(tz)).date().isoformat()}"


def part_key(key: str, section: str) -> str:
    """The key of one thread reply of a digest; numbered so replies go out in `PARTS` order."""
    return f"{key}:{PARTS.index(section) + 1}-{section}"


# -- contents -------------------------------------------------------------------------------------
class UpcomingInterview(NamedTuple):
    start_at: datetime
    candidate_name: str
    interview_title: str
    interviewer_ids: tuple[str, ...]


class LateScorecard(NamedTuple):
    candidate_name: str
    interview_title: str
    due_at: datetime
    late_by: timedelta


@dataclass(frozen=True)
class LatePerson:
    """One interviewer's late scorecards, the latest first."""

    user_id: str
    scorecards: tuple[LateScorecard, ...]

    @property
    def worst(self) -> timedelta:
        return max(s.late_by for s in self.scorecards)


@dataclass(frozen=True)
class WaitingDecision:
    """A debriefed stage nobody has decided yet."""

    candidate_name: str
    stage_name: str
    since: datetime
    waiting: timedelta


@dataclass(frozen=True)
class StageCount:
    stage_name: str
    active: int
    on_hold: int = 0


@dataclass(frozen=True)
class InterviewerDelay:
    """An interviewer's median time from interview end to submitted scorecard (this week)."""

    user_id: str
    scorecards: int
    median: timedelta


@dataclass(frozen=True)
class PendingReport:
    """A drafted candidate feedback report that has not been sent."""

    candidate_name: str
    waiting: timedelta


@dataclass(frozen=True)
class Digest:
    """A role's digest as of `now` (times shown in `tz`)."""

    role_id: int
    role_title: str
    channel_id: str
    tz: str
    now: datetime
    upcoming: tuple[UpcomingInterview, ...]
    late: tuple[LatePerson, ...]
    waiting: tuple[WaitingDecision, ...]
    stages: tuple[StageCount, ...]
    median_feedback: timedelta | None
    feedback_count: int
    delays: tuple[InterviewerDelay, ...]
    reports: tuple[PendingReport, ...]
    charts: DigestFigures | None = None

    @property
    def late_count(self) -> int:
        return sum(len(p.scorecards) for p in self.late)

    @property
    def active_candidates(self) -> int:
        return sum(s.active + s.on_hold for s in self.stages)

    def sections(self) -> list[str]:
        """The sections with details worth a thread reply (and "charts" when it has them)."""
        present = {
            "upcoming": bool(self.upcoming),
            "late": bool(self.late),
            "waiting": bool(self.waiting),
            "pipeline": self.active_candidates > 0,
            "feedback_time": bool(self.delays),
            "reports": bool(self.reports),
            "charts": self.charts is not None,
        }
        return [s for s in PARTS if present[s]]


@dataclass(frozen=True)
class DigestSummary:
    """The digest message itself: counts and the top few of each section."""

    digest: Digest
    scheduled: bool = True
    details_in_thread: bool = True


@dataclass(frozen=True)
class DigestDetail:
    """One section of a digest in full, posted in the summary's thread."""

    digest: Digest
    section: str


@dataclass(frozen=True)
class ChartsSetting:
    """What `/interview digest charts on|off` did to one role."""

    role_title: str
    channel_id: str
    on: bool
    changed: bool
    weekday: int | None  # the first digest day of the week (Monday = 0): the charts follow that digest


@dataclass(frozen=True)
class DigestPosted:
    """What `/interview digest` did."""

    role_title: str
    channel_id: str
    posted: bool


# -- the service ----------------------------------------------------------------------------------
class DigestService:
    """Builds digests from current state and says which are due (the outbox posts them)."""

    def __init__(self, db: Database, clock: Clock, notifier: Notifier) -> None:
        self.db = db
        self.clock = clock
        self.notifier = notifier

    def build(
        self, team_id: str, role_id: int, now: datetime | None = None, *, charts: bool = False
    ) -> Digest:
        """The digest of one role as of `now` (default: the clock's now), with the week's figures
        when `charts` and the role opted in to them."""
        now = now or self.clock.now()
        with self.db.uow(team_id) as uow:
            role = uow.roles.get(role_id)
            if role is None:
                raise NotFound("That role does not exist.")
            return self._build(uow, role, now, charts=charts)

    def _build(self, uow: UnitOfWork, role: Role, now: datetime, *, charts: bool = False) -> Digest:
        """Every query starts from the role's candidates (indexed), never from all interviews."""
        spec = spec_of(role.plan)
        repo = uow.chasing
        # Each panel with its candidate and, for the candidate's current stage, when its debrief went out.
        panels: dict[int, Any] = {
            row[0]: row for row in repo.digest_panels(role.id, CHASED_CANDIDATES, DEBRIEF_PREFIX)
        }
        interviews = [
            row for row in repo.digest_interviews(role.id, CHASED_CANDIDATES) if row[5] in HELD_STATUSES
        ]
        decisions: dict[int, list[tuple[str, str, datetime]]] = defaultdict(list)
        for candidate_id, stage_key, outcome, decided_at in repo.digest_decisions(role.id, CHASED_CANDIDATES):
            decisions[candidate_id].append((stage_key, outcome, decided_at))
        upcoming = _upcoming(repo, panels, interviews, now)
        late = _late(repo, panels, interviews, decisions, timedelta(hours=role.feedback_due_hours), now)
        waiting = _waiting(panels, decisions, {s.key: s.name for s in spec.stages}, now)
        pipeline = _pipeline(repo, role.id, spec, now)
        figures = digest_figures(repo, role.id, spec, now) if charts and role.digest_charts else None
        return Digest(
            role_id=role.id,
            role_title=role.title,
            channel_id=role.channel_id,
            tz=role.timezone,
            now=now,
            upcoming=upcoming,
            late=late,
            waiting=waiting,
            **pipeline._asdict(),  # stages, median_feedback, feedback_count, delays, reports
            charts=figures if figures is not None and not figures.empty else None,
        )

    # -- scheduled digests (the outbox source) ----------------------------------------------------
    def schedules(self) -> list[tuple[str, str, str]]:
        """The distinct (time zone, days, time) of every open role's digest, for the job runner."""
        with self.db.uow("") as uow:
            rows = uow.chasing.open_role_schedules()
        return sorted({(tz, days, at) for _, _, tz, days, at in rows})

    def source(self, now: datetime) -> Iterator[Due]:
        """Each open role's digest once its scheduled moment has come (and the thread replies of one
        whose summary went out but whose details did not, e.g. after a crash in between)."""
        with self.db.uow("") as uow:
            roles = uow.chasing.open_role_schedules()
            keyed: dict[str, tuple[int, str, bool]] = {}
            for role_id, team_id, tz, days, at in roles:
                moment = latest_occurrence(tz, days, at, now)
                if moment is not None:
                    weekly = first_of_week(tz, days, moment)
                    keyed[digest_key(role_id, tz, moment)] = (role_id, team_id, weekly)
            if not keyed:
                return
            parents = uow.outbox.sent_notifications(list(keyed))
            part_keys = [
                part_key(key, section)
                for key, row in parents.items()
                for section in (row.payload or {}).get("sections", [])
            ]
            parts_sent = set(uow.outbox.sent_notifications(part_keys))
        for key, (role_id, team_id, weekly) in keyed.items():
            parent = parents.get(key)
            if parent is not None:
                missing = [
                    s
                    for s in (parent.payload or {}).get("sections", [])
                    if part_key(key, s) not in parts_sent
                ]
                if not missing or not parent.channel_id or not parent.message_ts:
                    continue
            try:
                digest = self.build(team_id, role_id, now, charts=weekly)
            except NotFound:
                continue
            if parent is None:
                yield self._summary_due(team_id, key, digest, scheduled=True)
            else:
                thread = (parent.channel_id or "", parent.message_ts or "")
                yield from self._detail_dues(team_id, key, digest, thread, only=missing)

    def _summary_due(self, team_id: str, key: str, digest: Digest, *, scheduled: bool) -> Due:
        sections = digest.sections()

        def details(sent: Sent) -> list[Due]:
            return self._detail_dues(team_id, key, digest, (sent.channel_id, sent.ts), only=sections)

        return Due(
            team_id=team_id,
            key=key,
            kind="digest",
            to=digest.channel_id,
            content=DigestSummary(digest, scheduled=scheduled, details_in_thread=bool(sections)),
            followups=details,
            payload={"sections": sections},
        )

    def _detail_dues(
        self, team_id: str, key: str, digest: Digest, thread: tuple[str, str], *, only: Sequence[str]
    ) -> list[Due]:
        channel_id, ts = thread
        return [
            Due(
                team_id=team_id,
                key=part_key(key, section),
                kind="digest_chart" if section == "charts" else "digest_detail",
                to=channel_id,
                content=_part(digest, section),
                thread_ts=ts,
            )
            for section in digest.sections()
            if section in only
        ]

    # -- on request -------------------------------------------------------------------------------
    def role_ids_for(self, actor: Actor, channel_id: str, query: str = "") -> list[int]:
        """The ids of the roles `/interview digest [role]` means: the named one, else those of this
        channel the actor manages, else the only role they manage."""
        with self.db.uow(actor.team_id) as uow:
            roles = uow.roles.all()
        if query.strip():
            wanted = query.strip().lower()
            named = [r for r in roles if r.title.lower() == wanted or str(r.id) == wanted]
            if not named:
                raise NotFound(f"No open role called “{esc(query.strip())}”. `/interview roles` lists them.")
            return [named[0].id]
        mine = [r for r in roles if manages(actor, r)]
        here = [r for r in mine if r.channel_id == channel_id]
        if here:
            return [r.id for r in here]
        if len(mine) == 1:
            return [mine[0].id]
        if not mine:
            raise PermissionDenied("You don't manage any open role, so there is no digest to post.")
        names = ", ".join(f"“{esc(r.title)}”" for r in mine[:5])
        raise NotFound(f"Which role? Use `/interview digest <role title>`, e.g. one of {names}.")

    def set_charts(self, actor: Actor, role_id: int, on: bool) -> ChartsSetting:
        """Turn a role's weekly digest charts on or off (its managers); the change is audited."""
        now = self.clock.now()
        with self.db.uow(actor.team_id) as uow:
            role = uow.roles.get(role_id)
            if role is None:
                raise NotFound("That role no longer exists.")
            require_manager(actor, role, "change this role's digest")
            changed = role.digest_charts != on
            if changed:
                uow.audit.record(
                    at=now,
                    actor_id=actor.user_id,
                    action="role.digest_charts",
                    subject_type="role",
                    subject_id=role.id,
                    before={"digest_charts": role.digest_charts},
                    after={"digest_charts": on},
                )
                role.digest_charts = on
                role.updated_at = now
                uow.commit()
            days = parse_days(role.digest_days)
            return ChartsSetting(role.title, role.channel_id, on, changed, min(days) if days else None)

    def post_now(self, actor: Actor, role_id: int, request_key: str) -> DigestPosted:
        """Post a role's digest (summary, details in its thread) now. The same `request_key` (a
        retried request) posts it only once."""
        with self.db.uow(actor.team_id) as uow:
            role = uow.roles.get(role_id)
            if role is None:
                raise NotFound("That role no longer exists.")
            require_manager(actor, role, "post this role's digest")
            digest = self._build(uow, role, self.clock.now(), charts=True)
        due = self._summary_due(actor.team_id, f"digest-now:{role_id}:{request_key}", digest, scheduled=False)
        report = Dispatcher(self.db, self.clock, self.notifier).send_now([due])
        if report.failed and not report.sent:
            raise ExternalServiceError(
                f"I couldn't post the digest in <#{digest.channel_id}>: {report.last_error or 'Slack failed'}"
            )
        return DigestPosted(digest.role_title, digest.channel_id, posted=report.sent > 0)


def _part(digest: Digest, section: str) -> object:
    """What one thread reply of a digest says: a section in full, or the charts."""
    if section == "charts" and digest.charts is not None:
        return DigestCharts(digest.role_title, digest.tz, digest.charts)
    return DigestDetail(digest, section)


def _upcoming(
    repo: ChasingRepository, panels: dict[int, Any], interviews: list[Any], now: datetime
) -> tuple[UpcomingInterview, ...]:
    """The interviews of the next `UPCOMING_HOURS`, soonest first, with their interviewers."""
    horizon = now + timedelta(hours=UPCOMING_HOURS)
    soon = sorted(
        (
            (iid, panel_id, title, start)
            for iid, panel_id, title, start, _, _ in interviews
            if start is not None and now <= start < horizon
        ),
        key=lambda i: (i[3], i[0]),
    )
    seats: dict[int, list[str]] = defaultdict(list)
    for interview_id, user_id in repo.interviewers_of(sorted({i[0] for i in soon})):
        seats[interview_id].append(user_id)
    return tuple(
        UpcomingInterview(start, panels[panel_id][4], title, tuple(seats.get(iid, ())))
        for iid, panel_id, title, start in soon
    )


def _late(
    repo: ChasingRepository,
    panels: dict[int, Any],
    interviews: list[Any],
    decisions: dict[int, list[tuple[str, str, datetime]]],
    due_after: timedelta,
    now: datetime,
) -> tuple[LatePerson, ...]:
    """Scorecards past due on undecided stages, by interviewer (most late cards first)."""
    due_before = now - due_after
    # A decision on a panel's stage stops chasing its interviews.
    decided = {
        panel_id
        for panel_id, candidate_id, stage_key, *_ in panels.values()
        if any(key == stage_key for key, _, _ in decisions.get(candidate_id, ()))
    }
    overdue = [
        (iid, panel_id, title, end_at)
        for iid, panel_id, title, _, end_at, _ in interviews
        if end_at is not None and end_at <= due_before and panel_id not in decided
    ]
    missing: dict[int, list[str]] = defaultdict(list)
    for interview_id, user_id in repo.interviewers_without_scorecard(sorted(i[0] for i in overdue)):
        missing[interview_id].append(user_id)
    by_person: dict[str, list[LateScorecard]] = defaultdict(list)
    for iid, panel_id, title, end_at in overdue:
        due_at = end_at + due_after
        for user_id in missing.get(iid, ()):
            by_person[user_id].append(LateScorecard(panels[panel_id][4], title, due_at, now - due_at))
    return tuple(
        sorted(
            (
                LatePerson(u, tuple(sorted(cards, key=lambda c: (-c.late_by, c.candidate_name))))
                for u, cards in by_person.items()
            ),
            key=lambda p: (-len(p.scorecards), -p.worst, p.user_id),
        )
    )


class _Pipeline(NamedTuple):
    stages: tuple[StageCount, ...]
    median_feedback: timedelta | None
    feedback_count: int
    delays: tuple[InterviewerDelay, ...]
    reports: tuple[PendingReport, ...]


def _pipeline(repo: ChasingRepository, role_id: int, spec: PlanSpec, now: datetime) -> _Pipeline:
    """Candidates per stage, this week's time to feedback and the reports not sent yet."""
    names = {s.key: s.name for s in spec.stages}
    # Every candidate of the role, in any status: the active ones are counted per stage, and all of
    # their ids lead to this week's scorecards through the scorecards' candidate index.
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    everyone: list[int] = []
    for candidate_id, stage_key, status, kept in repo.role_candidates(role_id):
        everyone.append(candidate_id)
        if kept and status in CHASED_CANDIDATES:
            counts[stage_key][status] += 1
    order = [s.key for s in spec.stages] + sorted(k for k in counts if k not in names)
    stages = tuple(
        StageCount(names.get(k, k), counts[k]["active"], counts[k]["on_hold"]) for k in order if k in counts
    )

    delays_by_person: dict[str, list[timedelta]] = defaultdict(list)
    feedback = repo.submitted_times("author", everyone, now - FEEDBACK_WINDOW, now)
    for author_id, submitted_at, end_at in feedback:
        if submitted_at is not None and end_at is not None:
            delays_by_person[author_id].append(max(submitted_at - end_at, timedelta(0)))
    every = [d for ds in delays_by_person.values() for d in ds]
    median = _median(every)
    delays = tuple(
        sorted(
            (InterviewerDelay(u, len(ds), _median(ds) or timedelta(0)) for u, ds in delays_by_person.items()),
            key=lambda d: (-d.median, d.user_id),
        )
    )
    reports = tuple(
        PendingReport(name, now - created_at)
        for name, created_at, _ in sorted(repo.unsent_reports(role_id), key=lambda r: (r[1], r[2]))
    )
    return _Pipeline(stages, median, len(every), delays, reports)


def _waiting(
    panels: dict[int, Any],
    decisions: dict[int, list[tuple[str, str, datetime]]],
    stage_names: dict[str, str],
    now: datetime,
) -> tuple[WaitingDecision, ...]:
    """Current-stage panels whose debrief was posted and that have no final decision since: a
    decision on the stage other than "hold", or a pivot, after the panel was made."""
    waiting = []
    for _, candidate_id, stage_key, created_at, name, debriefed_at in panels.values():
        if debriefed_at is None:
            continue
        closed = any(
            decided_at >= created_at and (outcome == "pivot" or (key == stage_key and outcome != "hold"))
            for key, outcome, decided_at in decisions.get(candidate_id, ())
        )
        if not closed:
            waiting.append(
                WaitingDecision(name, stage_names.get(stage_key, stage_key), debriefed_at, now - debriefed_at)
            )
    return tuple(sorted(waiting, key=lambda w: (w.since, w.candidate_name)))


def _median(values: Sequence[timedelta]) -> timedelta | None:
    if not values:
        return None
    return timedelta(seconds=statistics.median(v.total_seconds() for v in values))
