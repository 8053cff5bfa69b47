"""The question bank in the database: seeding, imports and the queries briefings build on."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.sandbox.harness import START
from hiring.clock import FixedClock
from hiring.errors import Conflict
from hiring.feedback.questions import QuestionService, builtin_question_banks, parse_bank
from hiring.plans.schema import builtin_plans
from storage.models import Question
from storage.uow import Database

TEAM = "T0LOOPBOT"
OTHER = "T0OTHER"


def count(db: Database, team: str) -> int:
    with db.uow(team) as uow:
        return int(uow.session.scalar(select(func.count()).where(Question.team_id == team)) or 0)


def test_seeding_is_idempotent_across_replicas_and_scoped_to_the_workspace(database_url: str) -> None:
    db = Database(database_url)
    clock = FixedClock(START)
    total = sum(len(b.questions) for b in builtin_question_banks())
    first, second = QuestionService(db, clock), QuestionService(db, clock)  # two replicas
    first.ensure_builtin(TEAM)
    second.ensure_builtin(TEAM)
    first.ensure_builtin(TEAM)
    assert count(db, TEAM) == total
    assert count(db, OTHER) == 0
    with db.uow(TEAM) as uow:
        banks = uow.session.execute(
            select(Question.bank, func.count()).where(Question.team_id == TEAM).group_by(Question.bank)
        ).all()
    assert dict(banks) == {b.bank: len(b.questions) for b in builtin_question_banks()}
    db.dispose()


def test_every_built_in_interview_gets_questions_for_each_competency_in_order(database_url: str) -> None:
    db = Database(database_url)
    service = QuestionService(db, FixedClock(START))
    for spec in builtin_plans():
        for stage in spec.stages:
            for interview in stage.interviews:
                questions = service.for_interview(TEAM, interview)
                assert {q.focus for q in questions} == {interview.focus_key}
                competencies = [q.competency for q in questions]
                assert set(competencies) == set(interview.competencies), interview.key
                # grouped in the interview's competency order, then by bank and key
                order = [interview.competencies.index(c) for c in competencies]
                assert order == sorted(order)
    everything_for_design = service.for_focus(TEAM, focus_keys=["system-design"])
    assert len(everything_for_design) >= 10
    assert service.for_focus(TEAM, ["no-such-competency"], ["system-design"]) == []
    first = everything_for_design[0]
    fetched = service.get(TEAM, first.id)
    assert fetched is not None and fetched.key == first.key
    assert service.get(OTHER, first.id) is None
    db.dispose()


def test_import_adds_and_updates_and_reserves_built_in_banks(database_url: str) -> None:
    db = Database(database_url)
    service = QuestionService(db, FixedClock(START))
    bank = {
        "bank": "platform",
        "name": "Platform",
        "questions": [
            {
                "key": "p1",
                "focus": "system-design",
                "competency": "system_design",
                "text": "Design our build farm.",
            },
            {"key": "p2", "focus": "coding", "competency": "coding", "text": "Write a retrying HTTP client."},
        ],
    }
    result = service.import_bank(TEAM, parse_bank(bank), actor_id="UADMIN")
    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    bank["questions"][0]["text"] = "Design our build farm for ten times the builds."  # type: ignore[index]
    result = service.import_bank(TEAM, parse_bank(bank), actor_id="UADMIN")
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    design = [
        q for q in service.for_focus(TEAM, ["system_design"], ["system-design"]) if q.bank == "platform"
    ]
    assert [q.text for q in design] == ["Design our build farm for ten times the builds."]
    with pytest.raises(Conflict, match="built-in question bank"):
        service.import_bank(TEAM, parse_bank(dict(bank, bank="coding")))
    with db.uow(TEAM) as uow:
        events = [(e.action, e.actor_id, e.subject_id) for e in uow.audit.all()]
    assert events == [("questions.imported", "UADMIN", "platform")] * 2
    db.dispose()
