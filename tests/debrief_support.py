"""State for debrief and decision tests: a three-stage plan, a second role to pivot to, a booked
panel whose interviews have ended, scorecards, and a tick of the debrief source."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from bot.sandbox.fake_slack import Posted
from bot.sandbox.harness import START, Sandbox
from bot.sources import debrief_sources
from hiring.clock import Clock
from hiring.outbox import Dispatcher, TickReport
from hiring.plans.plans import PlanService
from hiring.plans.schema import parse_plan
from storage.models import AuditEvent, Candidate, Decision, FeedbackReport, Interview, Panel, Role
from storage.uow import Database
from tests.factories import TEAM, make_booked_panel, make_candidate, make_role, make_scorecard

PLAN = {
    "key": "loop-three-stages",
    "name": "Three-stage loop",
    "competencies": {
        "technical_depth": "Solves hard technical problems and explains the trade-offs.",
        "communication": "Explains ideas clearly and listens.",
    },
    "scales": {"default": {"min": 1, "max": 4, "labels": {1: "No", 2: "Partly", 3: "Yes", 4: "Strongly"}}},
    "stages": [
        {
            "key": "screen",
            "name": "Technical screen",
            "interviews": [
                {
                    "key": "tech",
                    "name": "Technical interview",
                    "duration_minutes": 45,
                    "interviewers": 2,
                    "competencies": ["technical_depth", "communication"],
                }
            ],
        },
        {
            "key": "onsite",
            "name": "On-site",
            "interviews": [
                {
                    "key": "design",
                    "name": "System design",
                    "duration_minutes": 60,
                    "competencies": ["technical_depth"],
                },
                {
                    "key": "values",
                    "name": "Values",
                    "duration_minutes": 30,
                    "competencies": ["communication"],
                },
            ],
        },
        {
            "key": "final",
            "name": "Final conversation",
            "interviews": [
                {
                    "key": "hm",
                    "name": "Hiring manager",
                    "duration_minutes": 30,
                    "competencies": ["communication"],
                }
            ],
        },
    ],
}

PLATFORM_PLAN = {
    "key": "platform-loop",
    "name": "Platform loop",
    "competencies": {"technical_depth": "Knows distributed systems."},
    "stages": [
        {"key": "intro", "name": "Intro call", "interviews": []},
        {
            "key": "onsite",
            "name": "Platform on-site",
            "interviews": [{"key": "ops", "name": "Operations", "duration_minutes": 45}],
        },
    ],
}

STRONG = "Grace explained the cache invalidation trade-offs in real depth. She asked sharp questions about failure modes."
WEAK = "She struggled to explain how she would test the retry logic. Sam Smith thought it was a 2."


def import_plans(db: Database, clock: Clock) -> None:
    plans = PlanService(db, clock)
    plans.import_spec(TEAM, parse_plan(PLAN))
    plans.import_spec(TEAM, parse_plan(PLATFORM_PLAN))


@dataclass
class Loop:
    role: Role
    candidate: Candidate
    panel: Panel

    @property
    def interviews(self) -> list[Interview]:
        return self.panel.interviews


def make_loop(
    db: Database,
    clock: Clock,
    *,
    stage: str = "screen",
    interviewers: Sequence[str] = ("USAM", "ULEE"),
    shadows: Sequence[str] = (),
    name: str = "Grace Hopper",
    role: Role | None = None,
    quorum: int | None = None,
    recruiters: Sequence[str] = ("URITA",),
) -> Loop:
    """A candidate at `stage` of the three-stage plan, with that stage's panel booked an hour after
    the sandbox start (the clock is not moved)."""
    import_plans(db, clock)
    if role is None:
        role = make_role(db, clock, plan_key="loop-three-stages", recruiters=recruiters)
        if quorum is not None:
            with db.uow(TEAM) as uow:
                stored = uow.roles.get(role.id)
                assert stored is not None
                stored.debrief_quorum = quorum
                uow.commit()
    candidate = make_candidate(db, clock, role, name=name, stage_key=stage)
    shadow_map: dict[str, Sequence[str]] = {}
    if shadows:
        with db.uow(TEAM) as uow:
            plan = uow.plans.by_key("loop-three-stages")
            assert plan is not None
            first = next(s for s in plan.definition["stages"] if s["key"] == stage)["interviews"][0]["key"]
        shadow_map = {first: list(shadows)}
    panel = make_booked_panel(
        db,
        clock,
        candidate,
        start=START + timedelta(hours=1),
        interviewers=list(interviewers),
        shadows=shadow_map,
    )
    with db.uow(TEAM) as uow:
        stored_panel = uow.panels.get(panel.id)
        assert stored_panel is not None
        return Loop(role=role, candidate=candidate, panel=stored_panel)


def make_platform_role(db: Database, clock: Clock, *, hiring_manager: str = "UDORA") -> Role:
    import_plans(db, clock)
    return make_role(
        db,
        clock,
        title="Platform Engineer",
        plan_key="platform-loop",
        hiring_manager=hiring_manager,
        recruiters=(),
        channel="CPLATFORM",
    )


def score(
    db: Database,
    clock: Clock,
    interview: Interview,
    author: str,
    ratings: dict[str, int],
    recommendation: str = "yes",
    evidence: str = STRONG,
    **kw: Any,
) -> None:
    make_scorecard(
        db, clock, interview, author, ratings=ratings, recommendation=recommendation, evidence=evidence, **kw
    )


def score_all(db: Database, clock: Clock, loop: Loop, ratings: dict[str, int] | None = None) -> None:
    """Every interviewer of the loop submits a positive scorecard."""
    for interview in loop.interviews:
        for seat in interview.seats:
            if seat.kind != "shadow":
                score(
                    db, clock, interview, seat.user_id, ratings or {"technical_depth": 3, "communication": 4}
                )


def dispatcher(box: Sandbox, replica: str = "test-replica") -> Dispatcher:
    services = box.app.services
    return Dispatcher(box.app.db, box.clock, services.notifier, debrief_sources(services), replica=replica)


def tick(box: Sandbox) -> TickReport:
    report = dispatcher(box).tick()
    box.idle()
    return report


def debriefs(box: Sandbox, channel: str = "CHIRING") -> list[Posted]:
    return [m for m in box.fake.posts(channel, kind="message") if m.text.startswith("Debrief for")]


def debriefed_loop(box: Sandbox, **kw: Any) -> tuple[Loop, Posted]:
    """A loop whose stage is fully scored and debriefed in #hiring-backend."""
    db, clock = box.app.db, box.clock
    loop = make_loop(db, clock, **kw)
    box.advance(hours=3)
    score_all(db, clock, loop)
    tick(box)
    posted = debriefs(box)
    assert len(posted) == 1
    return loop, posted[-1]


def button(message: Posted, action_id: str) -> dict[str, object] | None:
    for block in message.blocks:
        for element in block.get("elements", []) if block.get("type") == "actions" else []:
            if element.get("action_id") == action_id:
                return element
    return None


def decisions_of(db: Database, candidate_id: int) -> list[Decision]:
    with db.uow(TEAM) as uow:
        return list(
            uow.session.scalars(
                select(Decision).where(Decision.candidate_id == candidate_id).order_by(Decision.id)
            )
        )


def candidate_now(db: Database, candidate_id: int) -> Candidate:
    with db.uow(TEAM) as uow:
        found = uow.candidates.get(candidate_id)
        assert found is not None
        return found


def reports_of(db: Database, candidate_id: int) -> list[FeedbackReport]:
    with db.uow(TEAM) as uow:
        return list(
            uow.session.scalars(
                select(FeedbackReport)
                .where(FeedbackReport.candidate_id == candidate_id)
                .order_by(FeedbackReport.id)
            )
        )


def audit_actions(db: Database, candidate_id: int) -> list[tuple[str, str]]:
    with db.uow(TEAM) as uow:
        return [
            (e.action, e.actor_id)
            for e in uow.session.scalars(
                select(AuditEvent).where(AuditEvent.candidate_id == candidate_id).order_by(AuditEvent.id)
            )
        ]
