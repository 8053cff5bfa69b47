"""Table tests for the slot solver: each rule, daylight-saving weeks, three time zones, explanations."""

from __future__ import annotations

import itertools
import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from scheduling.solver import (
    Interval,
    InterviewReq,
    Person,
    Problem,
    Room,
    StageRules,
    solve,
)

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # Monday, as the sandbox clock


def at(day: int, hh: int, mm: int = 0, month: int = 11, tz: str = "UTC") -> datetime:
    """A time in November 2026 (or `month`), local to `tz`, returned in UTC."""
    return datetime(2026, month, day, hh, mm, tzinfo=ZoneInfo(tz)).astimezone(UTC)


def span(
    day: int, start: tuple[int, int], end: tuple[int, int], month: int = 11, tz: str = "UTC"
) -> Interval:
    return Interval(at(day, *start, month=month, tz=tz), at(day, *end, month=month, tz=tz))


def person(pid: str, tz: str = "UTC", **kwargs: object) -> Person:
    return Person(id=pid, tz=tz, name=pid.title(), **kwargs)  # type: ignore[arg-type]


def problem(
    windows: list[Interval],
    interviews: list[InterviewReq],
    people: list[Person],
    *,
    rules: StageRules | None = None,
    rooms: tuple[Room, ...] = (),
    now: datetime = NOW,
    k: int = 5,
    candidate_tz: str = "UTC",
) -> Problem:
    return Problem(
        windows=tuple(windows),
        interviews=tuple(interviews),
        people={p.id: p for p in people},
        rooms=rooms,
        rules=rules or StageRules(),
        candidate_tz=candidate_tz,
        now=now,
        k=k,
    )


def starts(option) -> list[datetime]:  # type: ignore[no-untyped-def]
    return [slot.start for slot in option.slots]


# -- single interview: busy time, working hours, now -----------------------------------------


def test_earliest_free_slot_inside_working_hours_and_window() -> None:
    ada = person("ada", busy=(span(23, (9, 0), (10, 30)),))
    p = problem([span(23, (8, 0), (12, 0))], [InterviewReq("screen", 30, interviewers=("ada",))], [ada])
    solution = solve(p)
    assert solution.blocked is None
    assert [starts(o)[0] for o in solution.options] == [
        at(23, 10, 30),
        at(23, 10, 45),
        at(23, 11, 0),
        at(23, 11, 15),
        at(23, 11, 30),
    ]
    first = solution.options[0].slots[0]
    assert (first.end - first.start) == timedelta(minutes=30)
    assert first.interviewers == ("ada",)


def test_nothing_before_now_and_starts_on_the_quarter_hour() -> None:
    ada = person("ada")
    p = problem(
        [span(23, (9, 0), (12, 0))],
        [InterviewReq("screen", 30, interviewers=("ada",))],
        [ada],
        now=at(23, 9, 7),
    )
    first = solve(p).options[0].slots[0]
    assert first.start == at(23, 9, 15)


def test_busy_interval_off_the_grid_blocks_the_overlapping_starts_only() -> None:
    ada = person("ada", busy=(Interval(at(23, 9, 40), at(23, 9, 50)),))
    p = problem([span(23, (9, 0), (11, 0))], [InterviewReq("screen", 30, interviewers=("ada",))], [ada], k=3)
    # 09:00–09:30 ends before the meeting; 09:15, 09:30 and 09:45 overlap 09:40–09:50.
    assert [starts(o)[0] for o in solve(p).options] == [at(23, 9, 0), at(23, 10, 0), at(23, 10, 15)]


def test_working_days_are_respected() -> None:
    ada = person("ada", work_days=frozenset({1}))  # Tuesdays only
    p = problem(
        [span(23, (9, 0), (17, 0)), span(24, (9, 0), (17, 0))],
        [InterviewReq("screen", 60, interviewers=("ada",))],
        [ada],
        k=1,
    )
    assert starts(solve(p).options[0]) == [at(24, 9, 0)]


# -- daylight saving --------------------------------------------------------------------------


def test_london_working_hours_across_the_october_change() -> None:
    """09:00–17:00 in London is 08:00–16:00 UTC on Fri 23 Oct (BST) and 09:00–17:00 UTC on Mon 26 Oct (GMT)."""
    priya = person("priya", tz="Europe/London")
    windows = [span(23, (15, 0), (17, 0), month=10), span(26, (16, 0), (18, 0), month=10)]
    p = problem(
        windows,
        [InterviewReq("chat", 60, interviewers=("priya",))],
        [priya],
        now=at(22, 12, month=10),
        candidate_tz="Europe/London",
    )
    solution = solve(p)
    assert [starts(o)[0] for o in solution.options] == [at(23, 15, 0, month=10), at(26, 16, 0, month=10)]


def test_new_york_working_hours_across_the_november_change() -> None:
    """09:00–17:00 in New York is 13:00–21:00 UTC on Fri 30 Oct (EDT) and 14:00–22:00 UTC on Mon 2 Nov (EST)."""
    sam = person("sam", tz="America/New_York")
    windows = [span(30, (20, 0), (22, 0), month=10), span(2, (12, 0), (15, 0))]
    p = problem(
        windows,
        [InterviewReq("chat", 60, interviewers=("sam",))],
        [sam],
        now=at(29, 12, month=10),
        candidate_tz="America/New_York",
    )
    solution = solve(p)
    assert [starts(o)[0] for o in solution.options] == [at(30, 20, 0, month=10), at(2, 14, 0)]


def test_same_day_uses_the_candidates_local_day_on_the_change_weekend() -> None:
    """Sunday 25 Oct 2026 in London has 25 hours; 23:30 UTC on Sat is still Saturday in London (BST)."""
    night = person("night", work_days=frozenset(range(7)), work_start_minute=0, work_end_minute=24 * 60)
    windows = [Interval(at(24, 22, 0, month=10), at(25, 1, 0, month=10))]
    p = problem(
        windows,
        [InterviewReq("a", 60, interviewers=("night",)), InterviewReq("b", 60)],
        [night],
        rules=StageRules(same_day=True),
        now=at(20, 0, month=10),
        candidate_tz="Europe/London",
        k=10,
    )
    london = ZoneInfo("Europe/London")
    for option in solve(p).options:
        assert len({slot.start.astimezone(london).date() for slot in option.slots}) == 1
    # 22:00–23:00 UTC Saturday is 23:00–24:00 BST Saturday; 23:00 UTC is already Sunday in London.
    best = solve(p).options[0]
    assert starts(best) == [at(24, 23, 0, month=10), at(25, 0, 0, month=10)]


# -- people in three time zones ----------------------------------------------------------------


def three_zone_people() -> list[Person]:
    return [
        person("lon", tz="Europe/London"),
        person("nyc", tz="America/New_York"),
        person("del", tz="Asia/Kolkata"),
    ]


def test_three_time_zones_in_order_on_one_day() -> None:
    """Kolkata 09:00–17:00 is 03:30–11:30 UTC, New York 09:00–17:00 is 14:00–22:00 UTC (winter)."""
    p = problem(
        [span(24, (8, 0), (20, 0))],
        [
            InterviewReq("india", 60, interviewers=("del",)),
            InterviewReq("london", 60, interviewers=("lon",)),
            InterviewReq("newyork", 60, interviewers=("nyc",)),
        ],
        three_zone_people(),
        rules=StageRules(ordered=True, same_day=True),
    )
    best = solve(p).options[0]
    # Earliest finish: New York from 14:00; then the most compact: London and India as late as possible.
    assert [(s.interview_key, s.start) for s in best.slots] == [
        ("india", at(24, 10, 30)),
        ("london", at(24, 13, 0)),
        ("newyork", at(24, 14, 0)),
    ]
    assert best.score.stretch_minutes == 60 + 60  # Kolkata after 16:00 local, New York before 10:00 local


def test_wrong_order_for_the_time_zones_is_explained() -> None:
    p = problem(
        [span(24, (8, 0), (20, 0))],
        [
            InterviewReq("newyork", 60, interviewers=("nyc",)),
            InterviewReq("india", 60, interviewers=("del",)),
        ],
        three_zone_people(),
        rules=StageRules(ordered=True, same_day=True),
    )
    solution = solve(p)
    assert solution.options == []
    assert solution.blocked == (
        "The interviews do not fit in the required order with everyone free; allow any order or widen the windows."
    )


def test_fewer_time_zone_stretches_win_when_the_finish_ties() -> None:
    """At 14:00 UTC London is comfortable (14:00) and New York is not (09:00), even with a higher load."""
    pool = [
        person("lon", tz="Europe/London", recent_load=9),
        person("nyc", tz="America/New_York", recent_load=0),
    ]
    p = problem([span(24, (14, 0), (15, 0))], [InterviewReq("chat", 60, pool=("lon", "nyc"), count=1)], pool)
    best = solve(p).options[0]
    assert best.slots[0].interviewers == ("lon",)
    assert best.score.stretch_minutes == 0


# -- pools, fairness, distinct people -------------------------------------------------------------


def test_n_of_m_prefers_the_least_recent_load_and_ties_by_id() -> None:
    pool = [
        person("c", recent_load=1),
        person("a", recent_load=4),
        person("b", recent_load=1),
        person("d", recent_load=0),
    ]
    p = problem(
        [span(24, (9, 0), (10, 0))],
        [InterviewReq("panel", 60, pool=("a", "b", "c", "d"), count=3)],
        pool,
    )
    best = solve(p).options[0]
    assert best.slots[0].interviewers == ("d", "b", "c")
    assert best.score.load == 2


def test_a_person_sits_one_interview_of_the_loop() -> None:
    pool = [person("a", recent_load=0), person("b", recent_load=5)]
    p = problem(
        [span(24, (9, 0), (11, 0))],
        [
            InterviewReq("one", 60, pool=("a", "b"), count=1),
            InterviewReq("two", 60, pool=("a", "b"), count=1),
        ],
        pool,
        k=1,
    )
    best = solve(p).options[0]
    assert sorted(slot.interviewers[0] for slot in best.slots) == ["a", "b"]


def test_fixed_interviewers_are_not_picked_again_from_a_pool() -> None:
    people = [person("hm", recent_load=0), person("eng", recent_load=7)]
    p = problem(
        [span(24, (9, 0), (11, 0))],
        [InterviewReq("hm", 60, interviewers=("hm",)), InterviewReq("tech", 60, pool=("hm", "eng"), count=1)],
        people,
        k=1,
    )
    best = solve(p).options[0]
    assert {s.interview_key: s.interviewers for s in best.slots} == {"hm": ("hm",), "tech": ("eng",)}


def test_daily_limit_counts_existing_bookings_on_the_persons_local_day() -> None:
    """Two bookings on Tue 24 Nov in Kolkata (one is Mon 23 Nov 20:00 UTC = Tue 01:30 IST)."""
    raj = person(
        "raj",
        tz="Asia/Kolkata",
        work_start_minute=0,
        work_end_minute=24 * 60,
        daily_limit=2,
        existing_bookings=(at(23, 20, 0), at(24, 6, 0)),
    )
    p = problem(
        [span(24, (6, 0), (12, 0)), span(25, (6, 0), (12, 0))],
        [InterviewReq("chat", 60, interviewers=("raj",))],
        [raj],
        k=1,
    )
    # Tue 24 Nov IST runs until 18:30 UTC on the 24th: full. Wed 25 Nov IST starts 18:30 UTC on the 24th.
    assert starts(solve(p).options[0]) == [at(25, 6, 0)]


def test_weekly_limit_counts_the_iso_week() -> None:
    ada = person("ada", weekly_limit=2, existing_bookings=(at(23, 12), at(27, 12)))  # Mon and Fri this week
    p = problem(
        [span(25, (9, 0), (12, 0)), span(30, (9, 0), (12, 0))],  # Wed this week, Mon next week
        [InterviewReq("chat", 60, interviewers=("ada",))],
        [ada],
        k=1,
    )
    assert starts(solve(p).options[0]) == [at(30, 9, 0)]


# -- loop rules -------------------------------------------------------------------------------------


def test_buffer_between_interviews() -> None:
    p = problem(
        [span(24, (9, 0), (12, 0))],
        [InterviewReq("a", 45), InterviewReq("b", 45)],
        [],
        rules=StageRules(buffer_minutes=10),
        k=1,
    )
    assert starts(solve(p).options[0]) == [at(24, 9, 0), at(24, 10, 0)]


def test_break_after_two_hours_in_a_row() -> None:
    p = problem(
        [span(24, (9, 0), (17, 0))],
        [InterviewReq(f"i{n}", 45) for n in range(4)],
        [],
        rules=StageRules(break_after_minutes=120, break_minutes=15),
        k=1,
    )
    best = starts(solve(p).options[0])
    # Two back-to-back (90 min), a 15-minute break, two more: or any layout finishing as early.
    assert best[-1] + timedelta(minutes=45) == at(24, 12, 15)
    gaps = [(b - a).total_seconds() / 60 - 45 for a, b in itertools.pairwise(best)]
    assert max(gaps) >= 15


def test_a_single_long_interview_needs_no_break() -> None:
    p = problem(
        [span(24, (9, 0), (17, 0))],
        [InterviewReq("marathon", 180)],
        [],
        rules=StageRules(break_after_minutes=120, break_minutes=15),
        k=1,
    )
    assert starts(solve(p).options[0]) == [at(24, 9, 0)]


def test_any_order_lets_a_busy_interviewer_go_last() -> None:
    late = person("late", busy=(span(24, (9, 0), (10, 0)),))
    interviews = [InterviewReq("late", 60, interviewers=("late",)), InterviewReq("free", 60)]
    ordered = problem([span(24, (9, 0), (11, 0))], interviews, [late], rules=StageRules(ordered=True))
    anyorder = problem([span(24, (9, 0), (11, 0))], interviews, [late], rules=StageRules(ordered=False))
    assert solve(ordered).options == []
    assert [(s.interview_key, s.start) for s in solve(anyorder).options[0].slots] == [
        ("free", at(24, 9, 0)),
        ("late", at(24, 10, 0)),
    ]


def test_same_day_and_fewest_days() -> None:
    windows = [span(24, (9, 0), (10, 0)), span(25, (9, 0), (11, 0))]
    interviews = [InterviewReq("a", 60), InterviewReq("b", 60)]
    split = solve(problem(windows, interviews, [], rules=StageRules(same_day=False), k=1)).options[0]
    same = solve(problem(windows, interviews, [], rules=StageRules(same_day=True), k=1)).options[0]
    # Both finish Wednesday; the same-day loop is also the one with the fewest days.
    assert starts(split) == starts(same) == [at(25, 9, 0), at(25, 10, 0)]
    assert split.score.days == 1


def test_max_span() -> None:
    blocker = person("blocker", busy=(span(24, (10, 0), (12, 0)),))
    interviews = [InterviewReq("a", 60), InterviewReq("b", 60, interviewers=("blocker",))]
    p = problem(
        [span(24, (9, 0), (17, 0))],
        interviews,
        [blocker],
        rules=StageRules(max_span_minutes=120),
        k=1,
    )
    best = solve(p).options[0]
    assert starts(best) == [at(24, 11, 0), at(24, 12, 0)]  # not 09:00 then 12:00 (4 hours)
    assert best.score.span_minutes == 120


def test_rooms_for_onsite_interviews_stay_in_one_room_when_free() -> None:
    rooms = (Room("r1", busy=(span(24, (9, 0), (10, 0)),)), Room("r2"))
    p = problem(
        [span(24, (9, 0), (12, 0))],
        [InterviewReq("a", 60, onsite=True), InterviewReq("b", 60, onsite=True), InterviewReq("video", 60)],
        [],
        rooms=rooms,
        k=1,
    )
    best = solve(p).options[0]
    assert [(s.interview_key, s.room) for s in best.slots] == [("a", "r2"), ("b", "r2"), ("video", None)]


def test_shadows_are_best_effort() -> None:
    people = [
        person("lead"),
        person("busy_shadow", recent_load=0, busy=(span(24, (0, 0), (23, 59)),)),
        person("free_shadow", recent_load=3),
    ]
    p = problem(
        [span(24, (9, 0), (10, 0))],
        [InterviewReq("chat", 60, interviewers=("lead",), shadows=("busy_shadow", "free_shadow"))],
        people,
    )
    slot = solve(p).options[0].slots[0]
    assert slot.interviewers == ("lead",)
    assert slot.shadows == ("free_shadow",)
    nobody = problem(
        [span(24, (9, 0), (10, 0))],
        [InterviewReq("chat", 60, interviewers=("lead",), shadows=("busy_shadow",))],
        people,
    )
    assert solve(nobody).options[0].slots[0].shadows == ()


# -- options: ranking, distinctness, reasons, determinism ------------------------------------------


def test_options_are_distinct_ranked_and_explained() -> None:
    pool = [person(f"e{n}", recent_load=n) for n in range(4)]
    p = problem(
        [span(24, (9, 0), (12, 0)), span(25, (9, 0), (12, 0))],
        [
            InterviewReq("a", 60, pool=tuple(x.id for x in pool), count=1),
            InterviewReq("b", 60, interviewers=("e0",)),
        ],
        pool,
        rules=StageRules(same_day=True),
    )
    options = solve(p).options
    assert len(options) == 5
    keys = [o.score.key() for o in options]
    assert keys == sorted(keys)
    assert [o.objective for o in options] == sorted(o.objective for o in options)
    assert len({tuple((s.start, s.end) for s in o.slots) for o in options}) == 5
    assert options[0].reason.startswith("Earliest: done Tue 24 Nov 11:00 UTC over 1 day")
    assert all(o.reason for o in options)


def test_reasons_name_what_makes_each_option_good() -> None:
    """New York starts at 14:00 UTC and is comfortable from 15:00 UTC; London is comfortable all along."""
    pool = [
        person("lon", tz="Europe/London", recent_load=9),
        person("nyc", tz="America/New_York", recent_load=0),
    ]
    p = problem(
        [span(24, (13, 0), (16, 0))],
        [InterviewReq("chat", 60, pool=("lon", "nyc"), count=1)],
        pool,
        k=9,
    )
    options = solve(p).options
    assert [o.slots[0].interviewers for o in options] == [("lon",)] * 8 + [("nyc",)]
    assert options[0].reason == "Earliest: done Tue 24 Nov 14:00 UTC over 1 day (no time-zone stretch)"
    assert options[1].reason == "Next earliest: done Tue 24 Nov 14:15 UTC over 1 day (no time-zone stretch)"
    assert (
        options[8].reason
        == "Fairest load: interviewers with the least recent load (0), done Tue 24 Nov 16:00 UTC"
    )


def test_same_input_same_output_whatever_the_order_of_people() -> None:
    rng = random.Random(7)
    people = [
        person(
            f"p{n}",
            tz=("Europe/London", "America/New_York", "Asia/Kolkata")[n % 3],
            recent_load=rng.randrange(3),
            busy=tuple(
                Interval(at(24 + d, h), at(24 + d, h) + timedelta(hours=1))
                for d in range(2)
                for h in range(24)
                if rng.random() < 0.4
            ),
        )
        for n in range(9)
    ]
    interviews = [
        InterviewReq("a", 45, pool=tuple(p.id for p in people), count=2),
        InterviewReq("b", 45, pool=tuple(p.id for p in people), count=1),
    ]
    windows = [span(24, (6, 0), (20, 0)), span(25, (6, 0), (20, 0))]
    first = solve(problem(windows, interviews, people))
    shuffled = people[:]
    random.Random(1).shuffle(shuffled)
    second = solve(problem(windows, interviews, shuffled))
    assert first == second
    assert first.options


# -- nothing fits: the binding constraint in words ---------------------------------------------------


def test_fixed_interviewer_never_free() -> None:
    priya = Person(
        id="UPRIYA",
        name="Priya",
        tz="Asia/Kolkata",
        work_start_minute=0,
        work_end_minute=24 * 60,
        busy=(Interval(at(24, 0), at(27, 0)),),
    )
    p = problem(
        [span(24, (9, 0), (12, 0)), span(25, (9, 0), (12, 0)), span(26, (9, 0), (12, 0))],
        [InterviewReq("design", 45, interviewers=("UPRIYA",))],
        [priya],
    )
    solution = solve(p)
    assert solution.options == []
    assert solution.blocked == (
        "Priya has no free 45 minutes inside the candidate's windows on Tue–Thu; widen the windows or swap Priya."
    )


def test_fixed_interviewer_at_their_limit() -> None:
    ada = person("ada", daily_limit=1, existing_bookings=(at(24, 15),))
    p = problem([span(24, (9, 0), (12, 0))], [InterviewReq("chat", 60, interviewers=("ada",))], [ada])
    assert solve(p).blocked == (
        "Daily limit 1 reached for Ada on Tue, every day Ada is free inside the candidate's windows; "
        "widen the windows, raise Ada's limit or swap Ada."
    )


def test_pool_too_small() -> None:
    pool = [person("a"), person("b")]
    p = problem(
        [span(24, (9, 0), (12, 0))],
        [InterviewReq("panel", 60, pool=("a", "b"), count=3, title="Panel")],
        pool,
    )
    assert solve(p).blocked == (
        "The pool for Panel has 2 available people (interviewers fixed elsewhere in the loop cannot be picked) "
        "but Panel needs 3; add people to the pool."
    )


def test_pools_too_small_for_distinct_people() -> None:
    pool = [person("a"), person("b")]
    p = problem(
        [span(24, (9, 0), (17, 0))],
        [
            InterviewReq("one", 60, pool=("a", "b"), count=2, title="Coding"),
            InterviewReq("two", 60, pool=("a", "b"), count=1, title="Design"),
        ],
        pool,
    )
    assert solve(p).blocked == (
        "Coding and Design need 3 different people but their pools have only 2 between them "
        "(a person sits one interview per loop); add people to the pools."
    )


def test_big_pool_with_everyone_but_one_away() -> None:
    """Six people, five away for a month: three interviews cannot get three different people."""
    away = (Interval(at(20, 0), at(20, 0) + timedelta(days=30)),)
    people = [person("here")] + [person(f"away{n}", busy=away) for n in range(5)]
    pool = tuple(p.id for p in people)
    p = problem(
        [span(day, (9, 0), (17, 0)) for day in (24, 25, 26, 27, 30)],
        [InterviewReq(f"i{n}", 45, pool=pool, count=1, title=f"Step {n}") for n in range(3)],
        people,
    )
    assert solve(p).blocked == (
        "Step 0 and Step 1 need 2 different people but only 1 of their pool members is free inside the "
        "candidate's windows (a person sits one interview per loop); widen the windows or add people to the pools."
    )


def test_no_single_day_fits() -> None:
    p = problem(
        [span(24, (9, 0), (13, 0)), span(25, (9, 0), (13, 0))],
        [InterviewReq("a", 180), InterviewReq("b", 180)],
        [],
        rules=StageRules(same_day=True),
    )
    assert solve(p).blocked == (
        "The candidate's longest day of windows is 4 h for a 6 h loop on one day; "
        "ask the candidate for a longer day or allow more than one day."
    )


def test_no_room_free() -> None:
    rooms = (Room("r1", name="Newport 1", busy=(span(24, (0, 0), (23, 0)),)),)
    p = problem([span(24, (9, 0), (12, 0))], [InterviewReq("onsite", 60, onsite=True)], [], rooms=rooms)
    assert solve(p).blocked == (
        "No room is free for 1 hour inside the candidate's windows on Tue; widen the windows or book another room."
    )
    assert solve(replace(p, rooms=())).blocked == "onsite is on-site but no rooms are set up; add a room."


def test_two_interviewers_never_free_together() -> None:
    people = [
        person("ada", busy=(span(24, (9, 0), (10, 30)),)),
        person("bo", busy=(span(24, (10, 30), (12, 0)),)),
    ]
    p = problem([span(24, (9, 0), (12, 0))], [InterviewReq("pair", 60, interviewers=("ada", "bo"))], people)
    assert solve(p).blocked == (
        "Ada and Bo share no free hour inside the candidate's windows on Tue (pair needs 1 h together); "
        "widen the windows or swap Ada."
    )


def test_windows_in_the_past() -> None:
    p = problem([span(20, (9, 0), (12, 0))], [InterviewReq("a", 60)], [])
    assert (
        solve(p).blocked
        == "The candidate has no availability after Mon 23 Nov 08:00 UTC; ask the candidate for new windows."
    )


def test_fixed_on_two_interviews() -> None:
    p = problem(
        [span(24, (9, 0), (17, 0))],
        [InterviewReq("a", 60, interviewers=("ada",)), InterviewReq("b", 60, interviewers=("ada",))],
        [person("ada")],
    )
    assert (
        solve(p).blocked
        == "Ada is fixed on a and b; a person sits one interview per loop, so swap Ada on one of them."
    )


def test_breaks_that_cannot_fit() -> None:
    p = problem(
        [span(24, (9, 0), (12, 0))],
        [InterviewReq(f"i{n}", 60) for n in range(3)],
        [],
        rules=StageRules(break_after_minutes=120, break_minutes=15),
    )
    assert solve(p).blocked == (
        "The breaks (15 minutes after 2 hours in a row) do not fit with everyone free; "
        "widen the windows or allow longer runs."
    )


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        Interval(datetime(2026, 11, 24, 9), datetime(2026, 11, 24, 10))
