"""`/interview status`: where a candidate stands, in plain words, for the people allowed to know.

The role's managers (hiring manager, recruiters) and admins see everything but scores: stage,
status, panels with interviewers and times, how many scorecards are in, the latest decision, and
both accommodations (for interviewers, and private). A panel interviewer sees only the schedule of
their own interviews and the accommodations for interviewers. Anyone else is refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from hiring.clock import Clock
from hiring.errors import PermissionDenied
from hiring.people.people import PeopleService
from hiring.permissions import Actor, manages
from hiring.plans.plans import spec_of
from hiring.plans.schema import PlanSpec
from hiring.roles.candidates import CandidateService, CandidateView, live_candidate
from storage.models import Candidate, Panel, Role
from storage.uow import Database, UnitOfWork


@dataclass(frozen=True)
class InterviewStatus:
    title: str
    duration_minutes: int
    mode: str
    status: str
    start_at: datetime | None
    interviewer_ids: list[str]
    shadow_ids: list[str]
    room: str | None = None
    my_seat: str | None = None  # "interviewer" / "shadow" for the person asking


@dataclass(frozen=True)
class PanelStatus:
    stage_name: str
    status: str
    interviews: list[InterviewStatus]


@dataclass(frozen=True)
class ScorecardCount:
    """How many scorecards are in for a stage (counts only, never ratings)."""

    stage_name: str
    submitted: int
    expected: int


@dataclass(frozen=True)
class DecisionStatus:
    outcome: str
    stage_name: str
    decided_by: str
    decided_at: datetime
    target_role_title: str | None = None


@dataclass(frozen=True)
class CandidateStatus:
    """What `/interview status` shows; `full` is False for an interviewer's schedule-only view."""

    full: bool
    candidate_name: str
    role_title: str
    tz: str
    stage_name: str = ""
    status: str = ""
    status_since: datetime | None = None
    panels: list[PanelStatus] = field(default_factory=list)
    scorecards: list[ScorecardCount] = field(default_factory=list)
    decision: DecisionStatus | None = None
    accommodations: str = ""  # for interviewers: in both views
    private_accommodations: str = ""  # the hiring manager's, recruiters' and admins' view only


class StatusService:
    """Builds candidate status summaries, respecting who may see what."""

    def __init__(
        self, db: Database, clock: Clock, candidates: CandidateService, people: PeopleService
    ) -> None:
        self.db = db
        self.clock = clock
        self.candidates = candidates
        self.people = people

    def find(self, actor: Actor, query: str) -> CandidateView:
        """The candidate called `query`; close-match suggestions name only candidates the actor may
        see (an exact name the actor is not allowed to see is refused by `status`)."""
        with self.db.uow(actor.team_id) as uow:
            seated = uow.panels.seated_candidate_ids(actor.user_id)
        return self.candidates.find(
            actor.team_id, query, suggest_from=lambda c: manages(actor, c.role) or c.id in seated
        )

    def status(self, actor: Actor, candidate_id: int) -> CandidateStatus:
        """The full status for the role's managers and admins; the schedule of their own interviews
        for panel interviewers; PermissionDenied for anyone else."""
        with self.db.uow(actor.team_id) as uow:
            candidate = live_candidate(uow, candidate_id)
            role = candidate.role
            full = manages(actor, role)
            if not full and candidate.id not in uow.panels.seated_candidate_ids(actor.user_id):
                raise PermissionDenied(
                    f"Only the hiring manager (<@{role.hiring_manager_id}>), the role's recruiters, a "
                    "workspace admin or the candidate's interviewers may see this candidate's status."
                )
            tz = self.people.timezone_in(uow, actor.user_id, role.timezone)
            return self._build(uow, actor, candidate, role, full=full, tz=tz)

    def _build(
        self, uow: UnitOfWork, actor: Actor, candidate: Candidate, role: Role, *, full: bool, tz: str
    ) -> CandidateStatus:
        spec = spec_of(role.plan)
        order = {s.key: i for i, s in enumerate(spec.stages)}
        panels = [p for p in uow.panels.for_candidate(candidate.id) if p.status != "cancelled"]
        panels.sort(key=lambda p: (order.get(p.stage_key, len(order)), p.id))
        panel_lines: list[PanelStatus] = []
        for panel in panels:
            lines = []
            for iv in panel.interviews:
                if iv.status == "cancelled":
                    continue
                mine = next((s.kind for s in iv.seats if s.user_id == actor.user_id), None)
                if not full and mine is None:
                    continue
                lines.append(
                    InterviewStatus(
                        title=iv.title,
                        duration_minutes=iv.duration_minutes,
                        mode=iv.mode,
                        status=iv.status,
                        start_at=iv.start_at,
                        interviewer_ids=[s.user_id for s in iv.seats if s.kind == "interviewer"],
                        shadow_ids=[s.user_id for s in iv.seats if s.kind == "shadow"],
                        room=iv.room,
                        my_seat=mine,
                    )
                )
            if lines:
                panel_lines.append(
                    PanelStatus(
                        stage_name=spec.stage_name(panel.stage_key), status=panel.status, interviews=lines
                    )
                )
        brief = CandidateStatus(
            full=full,
            candidate_name=candidate.name,
            role_title=role.title,
            tz=tz,
            panels=panel_lines,
            accommodations=candidate.accommodations,
        )
        if not full:
            return brief
        return replace(
            brief,
            stage_name=spec.stage_name(candidate.stage_key),
            status=candidate.status,
            status_since=candidate.status_changed_at,
            scorecards=self._scorecard_counts(uow, candidate, spec, panels),
            decision=self._latest_decision(uow, candidate, spec),
            private_accommodations=candidate.private_accommodations,
        )

    def _scorecard_counts(
        self, uow: UnitOfWork, candidate: Candidate, spec: PlanSpec, panels: list[Panel]
    ) -> list[ScorecardCount]:
        submitted = uow.candidates.submitted_scorecards(candidate.id)
        expected: dict[str, int] = {}
        for panel in panels:
            seats = sum(
                1
                for iv in panel.interviews
                if iv.status != "cancelled"
                for s in iv.seats
                if s.kind == "interviewer"
            )
            expected[panel.stage_key] = expected.get(panel.stage_key, 0) + seats
        keys = [s.key for s in spec.stages if s.key in expected or s.key in submitted]
        keys += [k for k in {*expected, *submitted} if k not in keys]
        return [
            ScorecardCount(
                stage_name=spec.stage_name(key),
                submitted=int(submitted.get(key, 0)),
                expected=expected.get(key, 0),
            )
            for key in keys
        ]

    def _latest_decision(
        self, uow: UnitOfWork, candidate: Candidate, spec: PlanSpec
    ) -> DecisionStatus | None:
        decision = next(reversed(uow.decisions.history_of(candidate.id)), None)
        if decision is None:
            return None
        target = uow.roles.get(decision.target_role_id) if decision.target_role_id else None
        return DecisionStatus(
            outcome=decision.outcome,
            stage_name=spec.stage_name(decision.stage_key),
            decided_by=decision.decided_by,
            decided_at=decision.decided_at,
            target_role_title=target.title if target else None,
        )
