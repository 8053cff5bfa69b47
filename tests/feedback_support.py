"""Shared set-up for the feedback tests: a two-stage plan with two scales, a question bank, booked
panels, the outbox tick and a recorded decision."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View
from sqlalchemy import select

from bot.sandbox.fake_slack import Posted
from bot.sandbox.harness import START, Sandbox
from bot.sources import feedback_sources
from hiring.outbox import Dispatcher, TickReport
from hiring.plans.plans import PlanService
from hiring.plans.schema import parse_plan
from storage.models import Candidate, Decision, Interview, Panel, Question, Role, Scorecard
from tests.factories import TEAM, make_booked_panel, make_candidate, make_role

PLAN: dict[str, Any] = {
    "key": "feedback-test",
    "name": "Feedback test plan",
    "competencies": {
        "fb_coding": "Writes clear, correct code.",
        "fb_design": "Designs systems that fit the need.",
        "fb_communication": "Explains their thinking.",
    },
    "scales": {
        "default": {"min": 1, "max": 4, "labels": {1: "Strong no", 2: "No", 3: "Yes", 4: "Strong yes"}},
        "framework": {"min": 1, "max": 7, "labels": {1: "Not yet", 4: "Meets the bar", 7: "Role model"}},
    },
    "stages": [
        {
            "key": "screen",
            "name": "Technical screen",
            "interviews": [
                {
                    "key": "fb-screen",
                    "name": "Technical screen",
                    "focus": "A recent hard problem the candidate solved, with follow-ups.",
                    "duration_minutes": 45,
                    "competencies": ["fb_coding", "fb_communication"],
                }
            ],
        },
        {
            "key": "onsite",
            "name": "On-site",
            "interviews": [
                {
                    "key": "fb-design",
                    "name": "System design",
                    "focus": "Design a service that publishes datasets.",
                    "duration_minutes": 60,
                    "competencies": ["fb_design", "fb_communication"],
                    "scale": "framework",
                },
                {
                    "key": "fb-coding",
                    "name": "Pair programming",
                    "focus": "Review a pull request together.",
                    "duration_minutes": 60,
                    "competencies": ["fb_coding"],
                },
            ],
        },
    ],
}

# focus → [(key, competency)]
BANK = {
    "fb-screen": [
        ("screen-hard-problem", "fb_coding"),
        ("screen-debugging", "fb_coding"),
        ("screen-explain-tradeoff", "fb_communication"),
        ("screen-teach", "fb_communication"),
        ("screen-testing", "fb_coding"),
        ("screen-estimate", "fb_communication"),
        ("screen-refactor", "fb_coding"),
    ],
    "fb-design": [("design-dataset", "fb_design"), ("design-scale", "fb_design")],
    "fb-coding": [("coding-review", "fb_coding"), ("coding-tests", "fb_coding")],
}

EVIDENCE = "Explained the cache invalidation bug clearly and wrote a failing test before fixing it."


@dataclass
class Loop:
    role: Role
    candidate: Candidate
    panel: Panel
    interviews: list[Interview]

    @property
    def first(self) -> Interview:
        return self.interviews[0]


def make_plan(sandbox: Sandbox) -> None:
    PlanService(sandbox.app.db, sandbox.clock).import_spec(TEAM, parse_plan(PLAN), source="file")


def seed_questions(sandbox: Sandbox) -> None:
    with sandbox.app.db.uow(TEAM) as uow:
        for focus, questions in BANK.items():
            for key, competency in questions:
                uow.session.add(
                    Question(
                        team_id=TEAM,
                        bank="fb-test",
                        key=key,
                        focus=focus,
                        competency=competency,
                        text=f"Question {key}: tell me about it in detail.",
                    )
                )
        uow.commit()


def make_loop(
    sandbox: Sandbox,
    *,
    start: datetime,
    interviewers: dict[str, Sequence[str]] | Sequence[str],
    shadows: dict[str, Sequence[str]] | None = None,
    stage_key: str = "screen",
    candidate: Candidate | None = None,
    **candidate_fields: Any,
) -> Loop:
    """A role on the test plan (once), a candidate (unless given; `links` and `notes` are accepted
    besides `make_candidate`'s fields) and a booked panel for a stage."""
    db, clock = sandbox.app.db, sandbox.clock
    with db.uow(TEAM) as uow:
        role = uow.session.scalar(select(Role).where(Role.title == "Feedback Engineer"))
    if role is None:
        make_plan(sandbox)
        seed_questions(sandbox)
        role = make_role(db, clock, title="Feedback Engineer", plan_key="feedback-test")
    if candidate is None:
        links = candidate_fields.pop("links", "")
        notes = candidate_fields.pop("notes", "")
        candidate = make_candidate(db, clock, role, **candidate_fields)
        with db.uow(TEAM) as uow:
            stored = uow.candidates.get(candidate.id)
            assert stored is not None
            stored.links, stored.notes = links, notes
            uow.commit()
    panel = make_booked_panel(
        db, clock, candidate, start=start, interviewers=interviewers, shadows=shadows, stage_key=stage_key
    )
    with db.uow(TEAM) as uow:
        interviews = list(
            uow.session.scalars(
                select(Interview).where(Interview.panel_id == panel.id).order_by(Interview.position)
            )
        )
    return Loop(role=role, candidate=candidate, panel=panel, interviews=interviews)


def tick(sandbox: Sandbox) -> TickReport:
    """One outbox tick over the feedback sources, then wait for the work it started."""
    services = sandbox.app.services
    report = Dispatcher(sandbox.app.db, sandbox.clock, services.notifier, feedback_sources(services)).tick()
    sandbox.idle()
    return report


def decide(sandbox: Sandbox, loop: Loop, stage_key: str = "screen", outcome: str = "advance") -> None:
    """Record the stage's decision directly (the decision flow is another feature)."""
    with sandbox.app.db.uow(TEAM) as uow:
        uow.session.add(
            Decision(
                team_id=TEAM,
                candidate_id=loop.candidate.id,
                role_id=loop.role.id,
                stage_key=stage_key,
                outcome=outcome,
                decided_by="UHANA",
                decided_at=sandbox.clock.now(),
            )
        )
        uow.commit()


def scorecards(sandbox: Sandbox) -> list[Scorecard]:
    with sandbox.app.db.uow(TEAM) as uow:
        return list(uow.session.scalars(select(Scorecard).order_by(Scorecard.id)))


def blocks_of(message: Posted) -> list[Block]:
    """The message's blocks parsed by slack_sdk (fails on anything Slack would not understand)."""
    parsed = Block.parse_all(message.blocks)
    assert all(b is not None for b in parsed)
    return [b for b in parsed if b is not None]


def view_of(raw: dict[str, Any] | None) -> View:
    assert raw is not None
    fields = {
        k: v for k, v in raw.items() if k in ("type", "callback_id", "blocks", "private_metadata", "title")
    }
    fields.update({k: raw[k] for k in ("submit", "close", "notify_on_close", "external_id") if k in raw})
    view = View(**fields)
    view.validate_json()
    return view


def text_of(node: Any) -> str:
    """All text in a block tree, joined (to look for what a person can read)."""
    if isinstance(node, dict):
        return " ".join(text_of(v) for k, v in node.items() if k not in ("action_id", "block_id", "value"))
    if isinstance(node, list):
        return " ".join(text_of(v) for v in node)
    return node if isinstance(node, str) else ""


def buttons(blocks: list[dict[str, Any]], action_id: str) -> list[dict[str, Any]]:
    """Every element with `action_id` in a block list (buttons, accessories, selects)."""
    found = []
    for block in blocks:
        for element in [*(block.get("elements") or []), block.get("accessory")]:
            if isinstance(element, dict) and element.get("action_id") == action_id:
                found.append(element)
    return found


def input_block(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    return next(b for b in view["blocks"] if b.get("block_id") == block_id)


def good_values(view: dict[str, Any] | None, **overrides: Any) -> dict[str, Any]:
    """A complete, valid scorecard for the open modal: the top rating for every competency."""
    assert view is not None, "no modal is open"
    values: dict[str, Any] = {}
    for block in view["blocks"]:
        if block.get("block_id", "").startswith("c:"):
            values[block["block_id"]] = block["element"]["options"][-1]["value"]
    values.update({"recommendation": "yes", "evidence": EVIDENCE})
    values.update(overrides)
    return values


def at(hour: int, minute: int = 0, days: int = 1) -> datetime:
    """A moment `days` after the sandbox's start (Monday 2026-11-23 08:00 UTC) at hour:minute UTC."""
    return (START + timedelta(days=days)).replace(hour=hour, minute=minute)


def update_interview(sandbox: Sandbox, interview_id: int, **fields: Any) -> None:
    """Change a booked interview as the booking flow would (move, cancel, add a video link)."""
    with sandbox.app.db.uow(TEAM) as uow:
        interview = uow.session.get(Interview, interview_id)
        assert interview is not None
        for name, value in fields.items():
            setattr(interview, name, value)
        uow.commit()
