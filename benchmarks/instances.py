"""Generated solver instances (fixed seeds) shaped like the four interview processes.

Every instance: a 40-person engineering pool spread over three time zones (London, New York,
Kolkata), a hiring manager, recruiters and rooms; about half of everyone's working time busy;
some existing bookings against daily/weekly limits; recent loads for fair rotation; candidate
windows over 10 working days that cross both daylight-saving changes of autumn 2026 (Europe on
25 October, the US on 1 November).

Shapes:
- `phone`: the 30-minute technical phone interview (1 of 8 engineers, a shadow), short windows.
- `onsite5x45`: five 45-minute interviews on one day in order, a 15-minute break after 2 hours in
  a row, at most 5 hours (hiring manager fixed, engineers and a recruiter from pools).
- `rooms4x60`: four 60-minute on-site interviews on one day in any order, each needing a room.
- `online6`: six online steps in order over several days (at most 5 days), 15-minute buffers.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from scheduling.solver import Interval, InterviewReq, Person, Problem, Room, StageRules

TIMEZONES = ("Europe/London", "America/New_York", "Asia/Kolkata")
WORK_HOURS = {
    "Europe/London": (9 * 60, 17 * 60 + 30),
    "America/New_York": (8 * 60 + 30, 17 * 60),
    "Asia/Kolkata": (10 * 60, 18 * 60 + 30),
}
FIRST_DAY = date(2026, 10, 21)  # a Wednesday; 10 working days run to Tue 3 Nov
NOW = datetime(2026, 10, 20, 15, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Instance:
    """A named problem."""

    name: str
    shape: str
    seed: int
    problem: Problem


def working_days(first: date, count: int) -> list[date]:
    """`count` weekdays from `first`."""
    out: list[date] = []
    day = first
    while len(out) < count:
        if day.weekday() < 5:
            out.append(day)
        day += timedelta(days=1)
    return out


def _local(day: date, minute: int, tz: str) -> datetime:
    """Local wall time on `day`, returned in UTC (as calendars and the database give times)."""
    local = datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(tz)) + timedelta(minutes=minute)
    return local.astimezone(UTC)


def _busy(rng: random.Random, tz: str, days: list[date], fraction: float = 0.5) -> tuple[Interval, ...]:
    """Random meetings covering about `fraction` of each working day (some off the 15-minute grid)."""
    start, end = WORK_HOURS[tz]
    out: list[Interval] = []
    for day in days:
        target = (end - start) * fraction
        taken: list[tuple[int, int]] = []
        covered = 0
        attempts = 0
        while covered < target and attempts < 60:
            attempts += 1
            length = rng.choice((30, 30, 45, 60, 60, 90, 120))
            a = start + rng.randrange(0, (end - start - length) // 15 + 1) * 15
            if rng.random() < 0.15:
                a += rng.choice((5, 10))
            b = min(a + length, end)
            if any(a < y and x < b for x, y in taken):
                continue
            taken.append((a, b))
            covered += b - a
        out.extend(Interval(_local(day, a, tz), _local(day, b, tz)) for a, b in taken)
    return tuple(sorted(out, key=lambda i: i.start))


def _person(
    rng: random.Random, pid: str, tz: str, days: list[date], load_range: int = 12, fraction: float = 0.5
) -> Person:
    start, end = WORK_HOURS[tz]
    bookings = tuple(
        _local(rng.choice(days), start + rng.randrange(0, (end - start - 60) // 15) * 15, tz)
        for _ in range(rng.randrange(0, 4))
    )
    return Person(
        id=pid,
        name=pid.replace("_", " ").title(),
        tz=tz,
        work_start_minute=start,
        work_end_minute=end,
        busy=_busy(rng, tz, days, fraction),
        daily_limit=2,
        weekly_limit=rng.choice((3, 4, 5)),
        existing_bookings=bookings,
        recent_load=rng.randrange(0, load_range),
    )


def _windows(rng: random.Random, shape: str, tz: str, days: list[date]) -> tuple[Interval, ...]:
    out: list[Interval] = []
    for day in days:
        if shape in ("onsite5x45", "rooms4x60"):
            if rng.random() < 0.8:
                out.append(Interval(_local(day, 9 * 60, tz), _local(day, 18 * 60, tz)))
        elif shape == "phone":
            for _ in range(rng.randrange(1, 3)):
                a = rng.randrange(9 * 4, 17 * 4) * 15
                out.append(Interval(_local(day, a, tz), _local(day, a + rng.choice((60, 90, 120)), tz)))
        else:
            a = rng.choice((8 * 60, 12 * 60, 14 * 60))
            out.append(Interval(_local(day, a, tz), _local(day, a + rng.choice((180, 240, 300)), tz)))
    return tuple(out)


@dataclass(frozen=True)
class Staff:
    """The people who can interview, by role (person ids)."""

    engineers: tuple[str, ...]
    recruiters: tuple[str, ...]
    trainees: tuple[str, ...]


Loop = tuple[tuple[InterviewReq, ...], StageRules, tuple[Room, ...]]


def _staff(
    rng: random.Random, candidate_tz: str, days: list[date], size: int = 40, fraction: float = 0.5
) -> tuple[dict[str, Person], Staff]:
    """`size` engineers across the time zones, 4 recruiters and the hiring manager where the
    candidate is, 3 trainees; about `fraction` of everyone's working time busy."""
    people: dict[str, Person] = {}
    engineers = tuple(f"eng_{n:02d}" for n in range(size))
    for n, pid in enumerate(engineers):
        people[pid] = _person(rng, pid, TIMEZONES[n % 3], days, fraction=fraction)
    recruiters = tuple(f"recruiter_{n}" for n in range(4))
    for pid in recruiters:
        people[pid] = _person(rng, pid, candidate_tz, days, fraction=fraction)
    trainees = tuple(f"trainee_{n}" for n in range(3))
    for n, pid in enumerate(trainees):
        people[pid] = _person(rng, pid, TIMEZONES[n % 3], days, fraction=fraction)
    people["manager"] = _person(rng, "manager", candidate_tz, days, fraction=fraction)
    return people, Staff(engineers, recruiters, trainees)


def _phone(rng: random.Random, staff: Staff, days: list[date]) -> Loop:
    """The 30-minute phone interview: 1 of 8 engineers, a shadow."""
    interview = InterviewReq("phone", 30, pool=staff.engineers[:8], count=1, shadows=staff.trainees)
    return (interview,), StageRules(ordered=True, same_day=True), ()


def _onsite5x45(rng: random.Random, staff: Staff, days: list[date]) -> Loop:
    """Five 45-minute interviews on one day in order, a break after 2 hours, at most 5 hours."""
    engineers = staff.engineers
    interviews = (
        InterviewReq("experience", 45, interviewers=("manager",)),
        InterviewReq("pull_request", 45, pool=engineers, count=1, shadows=staff.trainees),
        InterviewReq("prioritisation", 45, pool=engineers, count=1),
        InterviewReq("design", 45, pool=engineers, count=2),
        InterviewReq("team", 45, pool=staff.recruiters, count=1),
    )
    rules = StageRules(
        ordered=True, same_day=True, break_after_minutes=120, break_minutes=15, max_span_minutes=300
    )
    return interviews, rules, ()


def _rooms4x60(rng: random.Random, staff: Staff, days: list[date]) -> Loop:
    """Four 60-minute on-site interviews on one day in any order, each needing one of 3 rooms."""
    engineers = staff.engineers
    interviews = (
        InterviewReq("coding", 60, pool=engineers, count=1, onsite=True),
        InterviewReq("system_design", 60, pool=engineers[:10], count=1, onsite=True),
        InterviewReq("process", 60, pool=engineers, count=1, onsite=True),
        InterviewReq("fit", 60, interviewers=("manager",), onsite=True),
    )
    rules = StageRules(
        ordered=False,
        same_day=True,
        buffer_minutes=10,
        break_after_minutes=150,
        break_minutes=15,
        max_span_minutes=330,
    )
    rooms = tuple(
        Room(f"room_{n}", busy=_busy(rng, "Europe/London", days, 0.4), name=f"Room {n}") for n in range(3)
    )
    return interviews, rules, rooms


def _online6(rng: random.Random, staff: Staff, days: list[date]) -> Loop:
    """Six online steps in order over at most 5 days, 15-minute buffers."""
    engineers, recruiters = staff.engineers, staff.recruiters
    interviews = (
        InterviewReq("foundations", 60, pool=recruiters, count=1),
        InterviewReq("conversation", 30, pool=recruiters, count=1),
        InterviewReq("live_coding", 60, pool=engineers, count=1, shadows=staff.trainees),
        InterviewReq("problem_solving", 60, pool=engineers, count=1),
        InterviewReq("system_design", 60, pool=engineers[:10], count=1),
        InterviewReq("final", 45, interviewers=("manager",)),
    )
    rules = StageRules(ordered=True, same_day=False, buffer_minutes=15, max_span_minutes=5 * 24 * 60)
    return interviews, rules, ()


LOOPS = {"phone": _phone, "onsite5x45": _onsite5x45, "rooms4x60": _rooms4x60, "online6": _online6}
SHAPES = tuple(LOOPS)


def make_instance(shape: str, seed: int) -> Instance:
    """One instance of `shape`, fully determined by `seed`."""
    if shape not in LOOPS:
        raise ValueError(f"unknown shape {shape!r}")
    rng = random.Random(f"{shape}:{seed}")
    days = working_days(FIRST_DAY, 10)
    person_days = [days[0] - timedelta(days=1), *days, days[-1] + timedelta(days=1)]
    # The hiring manager and the recruiters work where the candidate is.
    candidate_tz = ("Europe/London", "America/New_York")[seed % 2]
    people, staff = _staff(rng, candidate_tz, person_days)
    interviews, rules, rooms = LOOPS[shape](rng, staff, person_days)
    problem = Problem(
        windows=_windows(rng, shape, candidate_tz, days),
        interviews=interviews,
        people=people,
        rooms=rooms,
        rules=rules,
        candidate_tz=candidate_tz,
        now=NOW,
        k=5,
    )
    return Instance(f"{shape}-{seed}", shape, seed, problem)


def all_instances(seeds: int = 8) -> list[Instance]:
    """`seeds` instances of each shape."""
    return [make_instance(shape, seed) for shape in SHAPES for seed in range(seeds)]


# -- dead ends and scale (issue 16.2) ------------------------------------------------------------------
#
# Tight and unsolvable shapes, each built on one of the loops above with one constraint made to bind:
# - `busy80`: the on-site loop with 80% of everyone's working time busy;
# - `no_common_hour`: the on-site loop's first interview needs the hiring manager and eng_00, who is
#   busy whenever the manager is free;
# - `limits_exhausted`: the hiring manager already has their daily limit of interviews every day;
# - `rooms_exhausted`: the rooms loop with every room booked all day but for a 45-minute gap;
# - `short_windows`: the six online steps (5 h 15) with two 1 h 30 windows from the candidate.
# The scale tier: 200 engineers, 20 working days, 8 interviews in order over at most 5 days.

DEAD_END_SHAPES = ("busy80", "no_common_hour", "limits_exhausted", "rooms_exhausted", "short_windows")
_DEAD_END_BASE = {
    "busy80": "onsite5x45",
    "no_common_hour": "onsite5x45",
    "limits_exhausted": "onsite5x45",
    "rooms_exhausted": "rooms4x60",
    "short_windows": "online6",
}


def _free_of(person: Person, days: list[date]) -> tuple[Interval, ...]:
    """The times `person` is free inside their working hours on `days` (to make someone busy then)."""
    out: list[Interval] = []
    for day in days:
        start = _local(day, person.work_start_minute, person.tz)
        end = _local(day, person.work_end_minute, person.tz)
        cursor = start
        for busy in person.busy:
            if busy.end <= cursor or busy.start >= end:
                continue
            if busy.start > cursor:
                out.append(Interval(cursor, busy.start))
            cursor = max(cursor, busy.end)
        if cursor < end:
            out.append(Interval(cursor, end))
    return tuple(out)


def _bind(shape: str, people: dict[str, Person], loop: Loop, days: list[date]) -> Loop:
    """Make the constraint `shape` names bind (people are updated in place)."""
    interviews, rules, rooms = loop
    if shape == "no_common_hour":
        first = interviews[0]
        interviews = (
            InterviewReq(first.key, first.duration_minutes, interviewers=("manager", "eng_00")),
            *interviews[1:],
        )
        eng = people["eng_00"]
        people["eng_00"] = replace(eng, busy=_free_of(people["manager"], days))
    elif shape == "limits_exhausted":
        manager = people["manager"]
        booked = tuple(_local(day, 8 * 60 + n * 15, manager.tz) for day in days for n in range(2))
        people["manager"] = replace(manager, daily_limit=2, weekly_limit=None, existing_bookings=booked)
    elif shape == "rooms_exhausted":
        rooms = tuple(
            replace(
                room,
                busy=tuple(
                    span
                    for day in days
                    for span in (
                        Interval(_local(day, 0, "Europe/London"), _local(day, 12 * 60, "Europe/London")),
                        Interval(
                            _local(day, 12 * 60 + 45, "Europe/London"), _local(day, 24 * 60, "Europe/London")
                        ),
                    )
                ),
            )
            for room in rooms
        )
    return interviews, rules, rooms


def make_dead_end(shape: str, seed: int) -> Instance:
    """One tight or unsolvable instance of `shape` (see `DEAD_END_SHAPES`), fully determined by `seed`."""
    if shape not in _DEAD_END_BASE:
        raise ValueError(f"unknown shape {shape!r}")
    base = _DEAD_END_BASE[shape]
    rng = random.Random(f"{shape}:{seed}")
    days = working_days(FIRST_DAY, 10)
    person_days = [days[0] - timedelta(days=1), *days, days[-1] + timedelta(days=1)]
    candidate_tz = ("Europe/London", "America/New_York")[seed % 2]
    people, staff = _staff(rng, candidate_tz, person_days, fraction=0.8 if shape == "busy80" else 0.5)
    interviews, rules, rooms = _bind(shape, people, LOOPS[base](rng, staff, person_days), person_days)
    windows = _windows(rng, base, candidate_tz, days)
    if shape == "short_windows":
        windows = tuple(
            Interval(_local(day, 10 * 60, candidate_tz), _local(day, 11 * 60 + 30, candidate_tz))
            for day in days[:2]
        )
    problem = Problem(
        windows=windows,
        interviews=interviews,
        people=people,
        rooms=rooms,
        rules=rules,
        candidate_tz=candidate_tz,
        now=NOW,
        k=5,
    )
    return Instance(f"{shape}-{seed}", shape, seed, problem)


def dead_end_instances(seeds: int = 4) -> list[Instance]:
    """`seeds` instances of each tight or unsolvable shape."""
    return [make_dead_end(shape, seed) for shape in DEAD_END_SHAPES for seed in range(seeds)]


def make_scale(seed: int) -> Instance:
    """200 engineers, 20 working days, 8 interviews in order over at most 5 days."""
    rng = random.Random(f"scale:{seed}")
    days = working_days(FIRST_DAY, 20)
    person_days = [days[0] - timedelta(days=1), *days, days[-1] + timedelta(days=1)]
    candidate_tz = ("Europe/London", "America/New_York")[seed % 2]
    people, staff = _staff(rng, candidate_tz, person_days, size=200)
    engineers = staff.engineers
    interviews = (
        InterviewReq("screen", 30, pool=staff.recruiters, count=1),
        *(
            InterviewReq(f"technical_{n}", 60, pool=engineers[n * 25 : n * 25 + 50], count=1)
            for n in range(6)
        ),
        InterviewReq("final", 45, interviewers=("manager",)),
    )
    rules = StageRules(ordered=True, same_day=False, buffer_minutes=15, max_span_minutes=5 * 24 * 60)
    problem = Problem(
        windows=_windows(rng, "online6", candidate_tz, days),
        interviews=interviews,
        people=people,
        rules=rules,
        candidate_tz=candidate_tz,
        now=NOW,
        k=5,
    )
    return Instance(f"scale-{seed}", "scale", seed, problem)
