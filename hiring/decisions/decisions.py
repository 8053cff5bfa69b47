"""Decisions on a candidate's stage: advance, reject, hold, offer, or pivot to another open role.

Only the role's hiring manager (or a workspace admin) decides. Each decision is one `Decision` row
with an audit event and a drafted feedback report, recorded at most once however often the button
is pressed; afterwards the debrief is updated, the recruiters get the report, and on a pivot the
other role's hiring channel and hiring manager are told.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from hiring.clock import Clock
from hiring.decisions.debriefs import (
    DECIDABLE,
    DebriefService,
    Summary,
    next_stage_name,
    panel_decided,
    stage_name,
    state_of,
    summarise,
)
from hiring.decisions.reports import ReportCard, ReportFacts, ReportService
from hiring.errors import Conflict, DomainError, InvalidInput, NotFound
from hiring.permissions import Actor, require_decider
from hiring.plans.plans import spec_of
from hiring.plans.schema import StageSpec
from hiring.ports import Notifier, Sent, record_sent
from hiring.roles.candidates import candidate_snapshot, live_candidate
from storage.models import Candidate, Decision, Role
from storage.uow import Database, UnitOfWork

# outcome → (the candidate's status after it, the outcome in the past tense)
OUTCOMES = {
    "advance": ("active", "advanced"),
    "reject": ("rejected", "rejected"),
    "hold": ("on_hold", "put on hold"),
    "offer": ("offer", "made an offer"),
    "pivot": ("active", "pivoted to another role"),
}


@dataclass(frozen=True)
class HistoryLine:
    """One earlier decision on the candidate, for the other role's channel after a pivot."""

    role_title: str
    stage_name: str
    outcome: str
    decided_by: str
    decided_at: datetime


@dataclass(frozen=True)
class PivotArrival:
    """Posted to the target role's hiring channel: the candidate, their scorecards and history."""

    candidate_id: int
    candidate_name: str
    from_role_title: str
    to_role_title: str
    stage_name: str
    decided_by: str
    decided_at: datetime
    note: str
    hiring_manager_id: str
    timezone: str
    summary: Summary
    history: list[HistoryLine]


@dataclass(frozen=True)
class PivotNotice:
    """DM to the target role's hiring manager: the pivot, and the channel its arrival was posted to."""

    arrival: PivotArrival
    channel_id: str


@dataclass(frozen=True)
class PivotChoice:
    """What the pivot modal offers: the candidate's stage and the open roles to move them to."""

    candidate_id: int
    candidate_name: str
    role_id: int
    role_title: str
    stage_key: str
    stage_name: str
    roles: list[tuple[int, str]]  # (id, title) of each open role to choose from


@dataclass(frozen=True)
class Recorded:
    """What was decided, for the confirmation shown to the decider."""

    candidate_name: str
    outcome: str
    stage_name: str
    next_stage_name: str | None
    target_role_title: str | None
    debrief: Sent | None
    problems: list[str]


def local_time(moment: datetime, tz: str) -> str:
    """`Tue 24 Nov 10:00` in `tz` (for domain messages)."""
    local = moment.astimezone(ZoneInfo(tz))
    return f"{local:%a} {local.day} {local:%b %H:%M}"


class DecisionService:
    """Records decisions and tells everyone concerned."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        notifier: Notifier,
        debriefs: DebriefService,
        reports: ReportService,
    ) -> None:
        self.db = db
        self.clock = clock
        self.notifier = notifier
        self.debriefs = debriefs
        self.reports = reports

    # -- checks ------------------------------------------------------------------------------------
    def _current(
        self,
        uow: UnitOfWork,
        actor: Actor,
        candidate_id: int,
        role_id: int | None,
        stage_key: str | None,
        *,
        lock: bool = False,
    ) -> Candidate:
        """The candidate, if the actor may decide and the stage they clicked on is still undecided.
        `lock` makes a concurrent decision on the same candidate wait for this one, then see it."""
        candidate = live_candidate(uow, candidate_id, lock=lock)
        require_decider(actor, candidate.role)
        stale = (role_id is not None and role_id != candidate.role_id) or (
            stage_key is not None and stage_key != candidate.stage_key
        )
        if stale or candidate.status not in DECIDABLE:
            raise Conflict(self._already(uow, candidate))
        return candidate

    def _already(self, uow: UnitOfWork, candidate: Candidate) -> str:
        latest = next(reversed(uow.decisions.history_of(candidate.id)), None)
        if latest is None:
            return f"This candidate is no longer at that stage (now {candidate.status.replace('_', ' ')})."
        when = local_time(latest.decided_at, candidate.role.timezone)
        _, past = OUTCOMES.get(latest.outcome, ("", latest.outcome))
        return (
            f"Already decided: {past} by <@{latest.decided_by}> "
            f"on {when}. Use `/interview decide` for the candidate's current stage."
        )

    def pivot_targets(
        self, actor: Actor, candidate_id: int, role_id: int | None, stage_key: str | None
    ) -> PivotChoice:
        """The open roles the candidate can be pivoted to (all but their own); checks permission first."""
        with self.db.uow(actor.team_id) as uow:
            candidate = self._current(uow, actor, candidate_id, role_id, stage_key)
            roles = [(r.id, r.title) for r in uow.roles.all(status="open") if r.id != candidate.role_id]
            if not roles:
                raise Conflict(
                    "There is no other open role to pivot this candidate to. Create one with `/interview role`."
                )
            return PivotChoice(
                candidate_id=candidate.id,
                candidate_name=candidate.name,
                role_id=candidate.role_id,
                role_title=candidate.role.title,
                stage_key=candidate.stage_key,
                stage_name=stage_name(spec_of(candidate.role.plan), candidate.stage_key),
                roles=roles,
            )

    # -- deciding ----------------------------------------------------------------------------------
    def decide(
        self,
        actor: Actor,
        *,
        candidate_id: int,
        outcome: str,
        role_id: int | None = None,
        stage_key: str | None = None,
        target_role_id: int | None = None,
        note: str = "",
        request_key: str | None = None,
    ) -> Decision | None:
        """Record a decision on the candidate's current stage. None when this request (or the same
        click) was already handled. `role_id`/`stage_key` are what the button showed: a click on a
        message that is out of date is refused."""
        note = _checked_note(outcome, note)
        redact = self._interviewer_names(actor.team_id, candidate_id)
        now = self.clock.now()
        with self.db.uow(actor.team_id) as uow:
            candidate = self._current(uow, actor, candidate_id, role_id, stage_key, lock=True)
            role = candidate.role
            following = _following_stage(candidate, outcome)
            target = _pivot_target(uow, candidate, target_role_id) if outcome == "pivot" else None
            if request_key and not uow.idempotency.claim(request_key, now):
                return None
            earlier = len(uow.decisions.history_of(candidate.id))
            if not uow.idempotency.claim(f"decision:{candidate.id}:{earlier + 1}", now):
                return None
            facts = self._report_facts(
                uow,
                candidate,
                outcome,
                redact,
                now=now,
                next_stage_name=following.name if outcome == "advance" and following else None,
                target_role_title=target.title if target else None,
            )
            before = candidate_snapshot(candidate)
            decision = Decision(
                team_id=actor.team_id,
                candidate_id=candidate.id,
                role_id=role.id,
                stage_key=candidate.stage_key,
                outcome=outcome,
                target_role_id=target.id if target else None,
                decided_by=actor.user_id,
                decided_at=now,
                note=note,
            )
            _move(candidate, outcome, following, target, now)
            self._record(uow, decision, candidate, before)
            self.reports.create(uow, decision, facts, now)
            uow.commit()
            return decision

    def _record(
        self, uow: UnitOfWork, decision: Decision, candidate: Candidate, before: dict[str, object]
    ) -> None:
        """Save the decision with its audit event (the candidate before and after)."""
        uow.decisions.add(decision)
        uow.audit.record(
            at=decision.decided_at,
            actor_id=decision.decided_by,
            action=f"decision.{decision.outcome}",
            subject_type="decision",
            subject_id=decision.id,
            candidate_id=candidate.id,
            before=before,
            after={
                **candidate_snapshot(candidate),
                "outcome": decision.outcome,
                "stage_decided": decision.stage_key,
                "target_role_id": decision.target_role_id,
                "has_note": bool(decision.note),
            },
        )

    def _interviewer_names(self, team_id: str, candidate_id: int) -> list[str]:
        """Names of everyone who sat on the candidate's current stage (never in the report)."""
        with self.db.uow(team_id) as uow:
            candidate = uow.candidates.get(candidate_id)
            if candidate is None:
                return []
            panel = uow.panels.current(candidate.id, candidate.stage_key)
            users = sorted({s.user_id for i in panel.interviews for s in i.seats}) if panel else []
        return self.reports.names_of(team_id, users) if users else []

    def _report_facts(
        self,
        uow: UnitOfWork,
        candidate: Candidate,
        outcome: str,
        redact: list[str],
        *,
        now: datetime,
        next_stage_name: str | None,
        target_role_title: str | None,
    ) -> ReportFacts:
        """What the decision's feedback report is drafted from (before the candidate moves on)."""
        role = candidate.role
        spec = spec_of(role.plan)
        panel = uow.panels.current(candidate.id, candidate.stage_key)
        interviewed = uow.booking.stages_interviewed(candidate.id, now)
        facts = state_of(uow, role, panel, now).facts if panel is not None else []
        cards = [ReportCard(f.ratings, f.evidence, f.scale_min, f.scale_max) for f in facts if f.counted]
        return ReportFacts(
            candidate_name=candidate.name,
            role_title=role.title,
            stage_name=stage_name(spec, candidate.stage_key),
            outcome=outcome,
            competencies=dict(spec.competencies),
            cards=cards,
            redact=redact,
            next_stage_name=next_stage_name,
            target_role_title=target_role_title,
            interviewed=bool(interviewed),
            stage_interviewed=candidate.stage_key in interviewed,
        )

    # -- after the decision ------------------------------------------------------------------------
    def after_decision(self, team_id: str, decision_id: int) -> Recorded:
        """Update the debrief, tell the other role on a pivot and DM the report. Failures are
        collected (the decision stands) and returned for the decider."""
        problems: list[str] = []
        debrief_sent: Sent | None = None
        found = self.debriefs.for_decision(team_id, decision_id)
        if found is not None:
            debrief, debrief_sent = found
            try:
                self.notifier.update(team_id, debrief_sent, debrief)
            except DomainError as err:
                problems.append(f"I couldn't update the debrief message ({err.message}).")
        with self.db.uow(team_id) as uow:
            decision = uow.decisions.decision(decision_id)
            if decision is None:
                raise NotFound("That decision no longer exists.")
            candidate = uow.candidates.get(decision.candidate_id)
            role = uow.roles.get(decision.role_id)
            target = uow.roles.get(decision.target_role_id) if decision.target_role_id else None
            assert candidate is not None and role is not None
            spec = spec_of(role.plan)
            nxt = next_stage_name(spec, decision.stage_key) if decision.outcome == "advance" else None
            report_id = uow.decisions.report_id_for(decision.id)
            arrival = self._arrival(uow, decision, candidate, role, target) if target else None
        if arrival is not None and target is not None:
            problems.extend(self._announce_pivot(team_id, decision, target, arrival))
        if report_id is not None:
            failed = self.reports.deliver(team_id, report_id)
            if failed:
                who = ", ".join(f"<@{u}>" for u in failed)
                problems.append(
                    f"I couldn't DM the feedback report to {who}; digests list it until it is sent."
                )
        return Recorded(
            candidate_name=candidate.name,
            outcome=decision.outcome,
            stage_name=stage_name(spec, decision.stage_key),
            next_stage_name=nxt,
            target_role_title=target.title if target else None,
            debrief=debrief_sent,
            problems=problems,
        )

    def _arrival(
        self, uow: UnitOfWork, decision: Decision, candidate: Candidate, role: Role, target: Role
    ) -> PivotArrival:
        panel = panel_decided(uow, decision)
        state = state_of(uow, role, panel, decision.decided_at) if panel is not None else None
        summary = state.summary() if state is not None else summarise([], labels={})
        roles = {r.id: r for r in uow.roles.all(status=None)}
        history = [
            HistoryLine(
                role_title=r.title if (r := roles.get(d.role_id)) else "",
                stage_name=stage_name(spec_of(r.plan), d.stage_key) if r else d.stage_key,
                outcome=d.outcome,
                decided_by=d.decided_by,
                decided_at=d.decided_at,
            )
            for d in uow.decisions.history_of(candidate.id)
        ]
        return PivotArrival(
            candidate_id=candidate.id,
            candidate_name=candidate.name,
            from_role_title=role.title,
            to_role_title=target.title,
            stage_name=stage_name(spec_of(target.plan), candidate.stage_key),
            decided_by=decision.decided_by,
            decided_at=decision.decided_at,
            note=decision.note,
            hiring_manager_id=target.hiring_manager_id,
            timezone=target.timezone,
            summary=summary,
            history=history,
        )

    def _announce_pivot(
        self, team_id: str, decision: Decision, target: Role, arrival: PivotArrival
    ) -> list[str]:
        problems = []
        manager, notice = target.hiring_manager_id, PivotNotice(arrival, target.channel_id)
        sends = [
            (target.channel_id, arrival, "pivot", "post to the other role's hiring channel"),
            (manager, notice, "pivot_dm", f"DM <@{manager}>"),
        ]
        for to, content, kind, what in sends:
            try:
                sent = self.notifier.send(team_id, to, content)
                record_sent(self.db, team_id, sent, kind, decision.candidate_id, self.clock.now())
            except DomainError as err:
                problems.append(f"I couldn't {what} ({err.message}).")
        return problems


def _checked_note(outcome: str, note: str) -> str:
    """The decision's note, stripped; refuses an unknown outcome or a note that is too long."""
    if outcome not in OUTCOMES:
        raise InvalidInput({"outcome": f"Unknown decision “{outcome}”."})
    note = note.strip()
    if len(note) > 2000:
        raise InvalidInput({"note": "Keep the note under 2,000 characters."})
    return note


def _following_stage(candidate: Candidate, outcome: str) -> StageSpec | None:
    """The stage after the candidate's current one, once `outcome` is checked to make sense there."""
    spec = spec_of(candidate.role.plan)
    try:
        spec.stage(candidate.stage_key)
        following = spec.next_stage(candidate.stage_key)
    except (KeyError, ValueError):
        raise Conflict(
            "The candidate's stage is no longer in the role's interview plan; "
            "edit the candidate with `/interview candidate` first."
        ) from None
    if outcome == "advance" and following is None:
        raise Conflict(
            "This is the last stage of the plan, so there is nothing to advance to: make an offer or reject."
        )
    if outcome == "offer" and following is not None:
        raise Conflict("An offer comes after the last stage of the plan; advance the candidate first.")
    if outcome == "hold" and candidate.status == "on_hold":
        raise Conflict("This candidate is already on hold at this stage.")
    return following


def _pivot_target(uow: UnitOfWork, candidate: Candidate, target_role_id: int | None) -> Role:
    """The open role a pivot moves the candidate to (not their own)."""
    target = uow.roles.get(target_role_id) if target_role_id is not None else None
    if target is None or target.status != "open":
        raise InvalidInput({"role": "Choose an open role."})
    if target.id == candidate.role_id:
        raise InvalidInput({"role": "The candidate is already in this role; choose another."})
    return target


def _move(
    candidate: Candidate, outcome: str, following: StageSpec | None, target: Role | None, now: datetime
) -> None:
    """The candidate's status and stage after the decision: the next stage on an advance, the
    target role (same stage if its plan has one, else its first) on a pivot."""
    decided_stage = candidate.stage_key
    status, _ = OUTCOMES[outcome]
    if status != candidate.status:
        candidate.status = status
        candidate.status_changed_at = now
    if outcome == "advance":
        assert following is not None
        candidate.stage_key = following.key
    if target is not None:
        keys = [s.key for s in spec_of(target.plan).stages]
        candidate.role_id = target.id
        candidate.role = target
        candidate.stage_key = decided_stage if decided_stage in keys else keys[0]
    candidate.updated_at = now
