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

SHAPES = ("phone", "onsite5x45", "rooms4x60", "online6")
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


def make_instance(shape: str, seed: int) -> Instance:
    """One instance of `shape`, fully determined by `seed`."""
    rng = random.Random(f"{shape}:{seed}")
    days = working_days(FIRST_DAY, 10)
    person_days = [days[0] - timedelta(days=1), *days, days[-1] + timedelta(days=1)]
    people: dict[str, Person] = {}
    engineers = []
    for n in range(40):
        tz = TIMEZONES[n % 3]
        pid = f"eng_{n:02d}"
        people[pid] = _person(rng, pid, tz, person_days)
        engineers.append(pid)
    seniors = engineers[:10]
    # The hiring manager and the recruiters work where the candidate is.
    candidate_tz = ("Europe/London", "America/New_York")[seed % 2]
    recruiters = []
    for n in range(4):
        pid = f"recruiter_{n}"
        people[pid] = _person(rng, pid, candidate_tz, person_days)
        recruiters.append(pid)
    trainees = []
    for n in range(3):
        pid = f"trainee_{n}"
        people[pid] = _person(rng, pid, TIMEZONES[n % 3], person_days)
        trainees.append(pid)
    people["manager"] = _person(rng, "manager", candidate_tz, person_days)
    if shape == "phone":
        interviews: tuple[InterviewReq, ...] = (
            InterviewReq("phone", 30, pool=tuple(engineers[:8]), count=1, shadows=tuple(trainees)),
        )
        rules = StageRules(ordered=True, same_day=True)
        rooms: tuple[Room, ...] = ()
    elif shape == "onsite5x45":
        interviews = (
            InterviewReq("experience", 45, interviewers=("manager",)),
            InterviewReq("pull_request", 45, pool=tuple(engineers), count=1, shadows=tuple(trainees)),
            InterviewReq("prioritisation", 45, pool=tuple(engineers), count=1),
            InterviewReq("design", 45, pool=tuple(engineers), count=2),
            InterviewReq("team", 45, pool=tuple(recruiters), count=1),
        )
        rules = StageRules(
            ordered=True, same_day=True, break_after_minutes=120, break_minutes=15, max_span_minutes=300
        )
        rooms = ()
    elif shape == "rooms4x60":
        interviews = (
            InterviewReq("coding", 60, pool=tuple(engineers), count=1, onsite=True),
            InterviewReq("system_design", 60, pool=tuple(seniors), count=1, onsite=True),
            InterviewReq("process", 60, pool=tuple(engineers), count=1, onsite=True),
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
            Room(f"room_{n}", busy=_busy(rng, "Europe/London", person_days, 0.4), name=f"Room {n}")
            for n in range(3)
        )
    elif shape == "online6":
        interviews = (
            InterviewReq("foundations", 60, pool=tuple(recruiters), count=1),
            InterviewReq("conversation", 30, pool=tuple(recruiters), count=1),
            InterviewReq("live_coding", 60, pool=tuple(engineers), count=1, shadows=tuple(trainees)),
            InterviewReq("problem_solving", 60, pool=tuple(engineers), count=1),
            InterviewReq("system_design", 60, pool=tuple(seniors), count=1),
            InterviewReq("final", 45, interviewers=("manager",)),
        )
        rules = StageRules(ordered=True, same_day=False, buffer_minutes=15, max_span_minutes=5 * 24 * 60)
        rooms = ()
    else:
        raise ValueError(f"unknown shape {shape!r}")
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
