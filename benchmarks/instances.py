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
from dataclasses import dataclass
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


def _person(rng: random.Random, pid: str, tz: str, days: list[date], load_range: int = 12) -> Person:
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
        busy=_busy(rng, tz, days),
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


def _staff(rng: random.Random, candidate_tz: str, days: list[date]) -> tuple[dict[str, Person], Staff]:
    """40 engineers across the time zones, 4 recruiters and the hiring manager where the candidate
    is, 3 trainees."""
    people: dict[str, Person] = {}
    engineers = tuple(f"eng_{n:02d}" for n in range(40))
    for n, pid in enumerate(engineers):
        people[pid] = _person(rng, pid, TIMEZONES[n % 3], days)
    recruiters = tuple(f"recruiter_{n}" for n in range(4))
    for pid in recruiters:
        people[pid] = _person(rng, pid, candidate_tz, days)
    trainees = tuple(f"trainee_{n}" for n in range(3))
    for n, pid in enumerate(trainees):
        people[pid] = _person(rng, pid, TIMEZONES[n % 3], days)
    people["manager"] = _person(rng, "manager", candidate_tz, days)
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
