"""Sessions in the plan format, the one sittings rule, and the scheduler's blocks: a property test
that whatever panel the rule accepts, the solver books with the session run back to back by its
panel, and whatever it refuses, the solver cannot book either."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hiring.plans.schema import PlanFileError, StageSpec, parse_plan
from hiring.plans.sittings import repeat_sitters, stage_sittings
from hiring.scheduling.blocks import BlockPart, interview_slots, solver_blocks
from scheduling import solver

NOW = datetime(2030, 1, 7, 8, 0, tzinfo=UTC)  # the solver's `now`: a fixed input, not today
PEOPLE = ["a", "b", "c", "d", "e"]


def _plan(stage: dict[str, Any]) -> dict[str, Any]:
    return {"key": "p", "name": "P", "stages": [{"key": "s", "name": "S", **stage}]}


def _ivs(*keys: str) -> list[dict[str, Any]]:
    return [{"key": k, "name": k.title(), "duration_minutes": 30} for k in keys]


def test_a_session_groups_neighbouring_interviews_and_counts_its_breaks() -> None:
    spec = parse_plan(
        _plan(
            {
                "interviews": _ivs("x", "y", "z"),
                "sessions": [{"key": "blk", "name": "Block", "interviews": ["x", "y"], "breaks": 10}],
            }
        )
    )
    stage = spec.stage("s")
    assert stage.required_minutes() == 100
    assert [(s.key, s.interview_keys, s.breaks) for s in stage_sittings(stage)] == [
        ("blk", ("x", "y"), 10),
        ("z", ("z",), 0),
    ]


@pytest.mark.parametrize(
    ("sessions", "message"),
    [
        (
            [{"key": "b", "name": "B", "interviews": ["x", "q"]}],
            "stages.0.sessions.0.interviews: no such interview",
        ),
        ([{"key": "b", "name": "B", "interviews": ["x", "z"]}], "list its interviews next to each other"),
        ([{"key": "b", "name": "B", "interviews": ["y", "x"]}], "in the stage's order"),
        ([{"key": "x", "name": "B", "interviews": ["x", "y"]}], "is already an interview's key"),
        (
            [
                {"key": "b", "name": "B", "interviews": ["x", "y"]},
                {"key": "c", "name": "C", "interviews": ["y", "z"]},
            ],
            "an interview belongs to one session at most: y",
        ),
        ([{"key": "b", "name": "B", "interviews": ["x"]}], "stages.0.sessions.0.interviews"),
    ],
)
def test_the_plan_validator_explains_a_bad_session(sessions: list[dict[str, Any]], message: str) -> None:
    with pytest.raises(PlanFileError) as err:
        parse_plan(_plan({"interviews": _ivs("x", "y", "z"), "sessions": sessions}))
    assert message in str(err.value)


def test_the_rule_lets_a_panel_sit_its_session_but_not_a_second_sitting() -> None:
    stage = parse_plan(
        _plan(
            {
                "interviews": _ivs("x", "y", "z"),
                "sessions": [{"key": "blk", "name": "Block", "interviews": ["x", "y"]}],
            }
        )
    ).stage("s")
    assert repeat_sitters(stage, {"x": ["a", "b"], "y": ["a", "b"], "z": ["c"]}) == {}
    assert repeat_sitters(stage, {"x": ["a"], "y": ["b"], "z": ["a", "b"]}) == {"z": {"a": "x", "b": "y"}}


def _problem(stage: StageSpec, seats: dict[str, list[str]]) -> tuple[solver.Problem, dict[str, BlockPart]]:
    parts = {
        iv.key: BlockPart(iv.key, iv.name, iv.duration_minutes, False, tuple(seats[iv.key]), ())
        for iv in stage.interviews
    }
    window = solver.Interval(NOW, NOW + timedelta(days=5))
    people = {
        p: solver.Person(id=p, work_start_minute=0, work_end_minute=24 * 60, work_days=frozenset(range(7)))
        for p in PEOPLE
    }
    reqs = solver_blocks(stage_sittings(stage), parts, {})
    return solver.Problem(windows=(window,), interviews=reqs, people=people, now=NOW, k=2), parts


@st.composite
def stages_and_panels(draw: st.DrawFn) -> tuple[StageSpec, dict[str, list[str]]]:
    n = draw(st.integers(2, 5))
    keys = [f"i{k}" for k in range(n)]
    interviews = [
        {"key": k, "name": k, "duration_minutes": draw(st.sampled_from([15, 20, 30, 45]))} for k in keys
    ]
    start = draw(st.integers(0, n - 2))
    length = draw(st.integers(2, n - start))
    breaks = draw(st.sampled_from([0, 5, 10]))
    session = {"key": "blk", "name": "Block", "interviews": keys[start : start + length], "breaks": breaks}
    stage = parse_plan(_plan({"interviews": interviews, "sessions": [session]})).stage("s")
    seats = {k: draw(st.lists(st.sampled_from(PEOPLE), min_size=1, max_size=2, unique=True)) for k in keys}
    return stage, seats


@settings(max_examples=150, deadline=None)
@given(stages_and_panels())
def test_whatever_the_rule_accepts_the_scheduler_books_as_one_block_else_it_explains(
    case: tuple[StageSpec, dict[str, list[str]]],
) -> None:
    stage, seats = case
    problem, parts = _problem(stage, seats)
    solution = solver.solve(problem)
    if repeat_sitters(stage, seats):
        assert not solution.options and solution.blocked  # the modal refuses these before saving
        return
    assert solution.options, solution.blocked
    slots = interview_slots(stage_sittings(stage), parts, solution.options[0].slots)
    assert sorted(s.interview_key for s in slots) == sorted(seats)
    by_key = {s.interview_key: s for s in slots}
    [session] = stage.sessions
    inside = [by_key[k] for k in session.interviews]
    for before, after in itertools.pairwise(inside):
        assert after.start - before.end == timedelta(minutes=session.breaks)
    for s in slots:
        assert s.end - s.start == timedelta(minutes=parts[s.interview_key].duration)
        assert s.interviewers == tuple(seats[s.interview_key])
