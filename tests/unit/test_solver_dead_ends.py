"""Dead ends name their binding constraint by name and figure (issue 13.3), on small problems and
on every tight or unsolvable benchmark shape (issue 16.2)."""

from __future__ import annotations

import pytest

from benchmarks.instances import DEAD_END_SHAPES, make_dead_end
from scheduling.solver import InterviewReq, Room, StageRules, solve
from scheduling.solver_relax import (
    DAILY_LIMIT,
    MORE_DAYS,
    SHORTER_BREAK,
    SWAP,
    Relaxation,
    Swap,
    nearest_options,
)
from tests.unit.test_solver import at, person, problem, span


def test_windows_shorter_than_the_loop() -> None:
    p = problem(
        [span(24, (9, 0), (10, 0)), span(25, (14, 0), (14, 30))],
        [InterviewReq("a", 90), InterviewReq("b", 75)],
        [],
    )
    assert solve(p).blocked == (
        "The candidate's windows total 1 h 30 for a 2 h 45 loop; ask the candidate for more windows."
    )


def test_longest_day_shorter_than_a_same_day_loop() -> None:
    p = problem(
        [span(24, (9, 0), (11, 0)), span(25, (9, 0), (11, 30))],
        [InterviewReq("a", 90), InterviewReq("b", 75)],
        [],
        rules=StageRules(same_day=True),
    )
    assert solve(p).blocked == (
        "The candidate's longest day of windows is 2 h 30 for a 2 h 45 loop on one day; "
        "ask the candidate for a longer day or allow more than one day."
    )


def test_no_single_day_with_everyone_free() -> None:
    ada = person("ada", busy=(span(25, (0, 0), (23, 0)),))
    bo = person("bo", busy=(span(24, (0, 0), (23, 0)),))
    p = problem(
        [span(24, (9, 0), (17, 0)), span(25, (9, 0), (17, 0))],
        [InterviewReq("a", 180, interviewers=("ada",)), InterviewReq("b", 180, interviewers=("bo",))],
        [ada, bo],
        rules=StageRules(same_day=True),
    )
    assert solve(p).blocked == (
        "No single day on Tue, Wed fits all 2 interviews (6 hours) with everyone free; "
        "allow more than one day, widen the windows or swap interviewers."
    )


def test_daily_and_weekly_limits_named_with_their_figures() -> None:
    carol = person(
        "carol",
        daily_limit=2,
        weekly_limit=3,
        existing_bookings=(at(24, 8), at(24, 8, 30), at(23, 8)),
    )
    p = problem(
        [span(24, (9, 0), (12, 0)), span(25, (9, 0), (12, 0))],
        [InterviewReq("chat", 60, interviewers=("carol",))],
        [carol],
    )
    assert solve(p).blocked == (
        "Daily limit 2 reached for Carol on Tue; weekly limit 3 reached for Carol on Wed, every day Carol is "
        "free inside the candidate's windows; widen the windows, raise Carol's limit or swap Carol."
    )


def test_two_people_share_no_free_hour() -> None:
    dan = person("dan", busy=(span(24, (9, 0), (10, 30)), span(25, (9, 0), (10, 30))))
    erin = person("erin", busy=(span(24, (10, 30), (12, 0)), span(25, (10, 30), (12, 0))))
    p = problem(
        [span(24, (9, 0), (12, 0)), span(25, (9, 0), (12, 0))],
        [InterviewReq("pair", 60, interviewers=("dan", "erin"), title="Pairing")],
        [dan, erin],
    )
    assert solve(p).blocked == (
        "Dan and Erin share no free hour inside the candidate's windows on Tue, Wed (Pairing needs 1 h together); "
        "widen the windows or swap Dan."
    )


def test_no_room_free_for_three_hours() -> None:
    rooms = (Room("r1", name="Newport 1", busy=(span(24, (11, 0), (12, 0)),)),)
    p = problem([span(24, (9, 0), (14, 0))], [InterviewReq("onsite", 180, onsite=True)], [], rooms=rooms)
    assert solve(p).blocked == (
        "No room is free for 3 hours inside the candidate's windows on Tue; widen the windows or book another room."
    )


EXPECTED = {
    "no_common_hour": "Manager and Eng 00 share no free 45 minutes",
    "limits_exhausted": "Daily limit 2 reached for Manager on ",
    "rooms_exhausted": "No room is free for 1 hour",
    "short_windows": "The candidate's windows total 3 h for a 5 h 15 loop",
}


@pytest.mark.parametrize("shape", DEAD_END_SHAPES)
@pytest.mark.parametrize("seed", range(4))
def test_every_dead_end_shape_names_its_constraint(shape: str, seed: int) -> None:
    solution = solve(make_dead_end(shape, seed).problem)
    if shape == "busy80":  # tight: options, or a named rule
        assert solution.options or solution.blocked
        return
    assert solution.options == []
    assert solution.blocked is not None and solution.blocked.startswith(EXPECTED[shape])


# -- the nearest options, each relaxing one constraint -------------------------------------------------


def test_raising_a_daily_limit_is_the_nearest_option() -> None:
    carol = person("carol", daily_limit=2, existing_bookings=(at(24, 8), at(24, 8, 30)))
    p = problem([span(24, (9, 0), (12, 0))], [InterviewReq("chat", 60, interviewers=("carol",))], [carol])
    assert solve(p).options == []
    nearest = nearest_options(p)
    assert [relaxation for relaxation, _ in nearest] == [Relaxation(DAILY_LIMIT, 3, "carol")]
    option = nearest[0][1]
    assert option.slots[0].start == at(24, 9) and option.slots[0].interviewers == ("carol",)
    assert p.people["carol"].daily_limit == 2  # the problem itself is unchanged


def test_a_shorter_break_is_offered() -> None:
    p = problem(
        [span(24, (9, 0), (12, 0))],
        [InterviewReq(f"i{n}", 60) for n in range(3)],
        [],
        rules=StageRules(break_after_minutes=120, break_minutes=15),
    )
    assert solve(p).options == []
    kinds = [relaxation for relaxation, _ in nearest_options(p)]
    assert kinds == [Relaxation(SHORTER_BREAK, 15)]


def test_each_relaxation_alone_in_order() -> None:
    p = problem(
        [span(24, (9, 0), (12, 0)), span(25, (9, 0), (12, 0))],
        [InterviewReq(f"i{n}", 60) for n in range(3)],
        [],
        rules=StageRules(same_day=True, break_after_minutes=120, break_minutes=15),
    )
    assert solve(p).options == []
    nearest = nearest_options(p)
    assert [relaxation for relaxation, _ in nearest] == [Relaxation(SHORTER_BREAK, 15), Relaxation(MORE_DAYS)]
    one_day, two_days = (option for _, option in nearest)
    assert one_day.score.days == 1 and two_days.score.days == 2


def test_another_interviewer_from_the_pool_comes_first() -> None:
    """Carol is busy all morning: the first pool member (in the caller's order) who fits takes her
    place on that interview only, before any other rule is relaxed; Bo keeps his interview."""
    busy_morning = (span(24, (8, 0), (12, 0)),)
    carol = person("carol", daily_limit=2, busy=busy_morning)
    erin = person("erin", busy=busy_morning)
    p = problem(
        [span(24, (9, 0), (12, 0))],
        [
            InterviewReq("chat", 60, interviewers=("carol",), title="Chat"),
            InterviewReq("design", 60, interviewers=("bo",), title="Design"),
        ],
        [carol, person("bo"), erin, person("dave"), person("finn")],
    )
    swaps = [Swap("chat", "carol", "erin"), Swap("chat", "carol", "dave"), Swap("chat", "carol", "finn")]
    swaps += [Swap("design", "bo", "finn")]  # Carol still binds without Bo: no option
    assert solve(p).options == []
    nearest = nearest_options(p, swaps=swaps)
    assert [relaxation for relaxation, _ in nearest] == [Relaxation(SWAP, 0, "carol", "chat", "dave")]
    option = nearest[0][1]
    assert {s.interview_key: s.interviewers for s in option.slots} == {"chat": ("dave",), "design": ("bo",)}
    assert p.interviews[0].interviewers == ("carol",)  # the problem itself is unchanged
    assert nearest_options(p) == []  # without the pool, no single rule relaxed makes it fit
