"""Property tests for the slot solver.

An independent checker (written from the rules, with plain datetimes and zoneinfo, sharing nothing
with the solver's grid) verifies every option of random instances, including weeks with a
daylight-saving change. On tiny instances a brute force over every start and every choice of
people finds the best objective values, and the solver must find the same ones.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from itertools import combinations, pairwise, permutations
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduling.solver import (
    Interval,
    InterviewReq,
    Option,
    Person,
    Problem,
    Room,
    StageRules,
    solve,
)

MINUTE = timedelta(minutes=1)
ZONES = ("UTC", "Europe/London", "America/New_York", "Asia/Kolkata")
# Fridays before the 2026 changes (EU 29 Mar / 25 Oct, US 8 Mar / 1 Nov) and an ordinary week.
BASES = (
    datetime(2026, 3, 6, tzinfo=UTC),
    datetime(2026, 3, 27, tzinfo=UTC),
    datetime(2026, 10, 23, tzinfo=UTC),
    datetime(2026, 10, 30, tzinfo=UTC),
    datetime(2026, 11, 24, tzinfo=UTC),
)
SETTINGS = settings(
    max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)


# -- random instances ---------------------------------------------------------------------------


@st.composite
def intervals(
    draw: st.DrawFn, base: datetime, hours: int, count: int, shortest: int, longest: int, least: int = 0
) -> tuple[Interval, ...]:
    """Up to `count` intervals starting in the first `hours` after `base`, on a 5-minute grid."""
    out = []
    for _ in range(draw(st.integers(least, count))):
        start = base + draw(st.integers(0, hours * 12)) * 5 * MINUTE
        out.append(Interval(start, start + draw(st.integers(shortest // 5, longest // 5)) * 5 * MINUTE))
    return tuple(out)


WORK_HOURS = ((0, 24 * 60), (0, 24 * 60), (6 * 60, 20 * 60), (8 * 60, 18 * 60), (9 * 60 + 30, 17 * 60 + 30))
WORK_DAYS = (frozenset(range(7)), frozenset(range(7)), frozenset(range(5)), frozenset({0, 2, 4, 5}))


@st.composite
def problems(draw: st.DrawFn, tiny: bool = False) -> Problem:
    """Random stages; `tiny` ones are small enough for the brute force."""
    base = draw(st.sampled_from(BASES)) + draw(st.integers(0, 1)) * timedelta(days=1)
    base += draw(st.integers(0, 23) if draw(st.booleans()) else st.integers(6, 14)) * timedelta(hours=1)
    hours = 8 if tiny else 40
    n_people = draw(st.integers(2, 6 if tiny else 7))
    ids = [f"p{n}" for n in range(n_people)]
    people = {}
    for pid in ids:
        start, end = draw(st.sampled_from(WORK_HOURS))
        people[pid] = Person(
            id=pid,
            tz=draw(st.sampled_from(ZONES)),
            work_start_minute=start,
            work_end_minute=end,
            work_days=draw(st.sampled_from(WORK_DAYS)),
            busy=draw(intervals(base, hours, 2, 5, 120)),
            daily_limit=draw(st.sampled_from((None, None, None, 1, 2))),
            weekly_limit=draw(st.sampled_from((None, None, None, 1, 2, 3))),
            existing_bookings=tuple(i.start for i in draw(intervals(base, hours, 1, 5, 5))),
            recent_load=draw(st.integers(0, 5)),
        )
    rooms = tuple(
        Room(f"r{n}", busy=draw(intervals(base, hours, 2, 5, 180))) for n in range(draw(st.integers(0, 2)))
    )
    interviews = []
    free_to_fix = list(ids)  # mostly distinct fixed interviewers (a repeat is explained, not solved)
    for n in range(draw(st.sampled_from((1, 2, 2, 3, 3, 3)))):
        repeat = not draw(st.integers(0, 19))
        fixed = tuple(draw(st.lists(st.sampled_from(ids if repeat else free_to_fix or [""]), max_size=1)))
        fixed = tuple(pid for pid in fixed if pid and not draw(st.integers(0, 2)))
        if fixed and fixed[0] in free_to_fix:
            free_to_fix.remove(fixed[0])
        # Up to 6 members: pools of more than 4 are checked lazily by the solver, smaller ones up front.
        pool = tuple(draw(st.lists(st.sampled_from(ids), max_size=6, unique=True)))
        count = draw(st.integers(0, min(2, len(pool))))
        interviews.append(
            InterviewReq(
                key=f"i{n}",
                duration_minutes=draw(st.sampled_from((15, 20, 30, 45) if tiny else (15, 20, 30, 45, 60))),
                interviewers=fixed,
                pool=pool if count else (),
                count=count,
                shadows=tuple(draw(st.lists(st.sampled_from(ids), max_size=2, unique=True))),
                onsite=bool(rooms) and draw(st.booleans()),
            )
        )
    rules = StageRules(
        ordered=draw(st.booleans()),
        same_day=draw(st.booleans()),
        buffer_minutes=draw(st.sampled_from((0, 5, 15))),
        break_after_minutes=draw(st.sampled_from((None, 60, 90))),
        break_minutes=draw(st.sampled_from((15, 30))),
        max_span_minutes=draw(st.sampled_from((None, 120, 240, 24 * 60))),
    )
    if tiny:
        windows = draw(intervals(base, hours, 2, 45, 180, least=1))
    else:
        windows = draw(intervals(base, hours, 4, 60, 480, least=1))
    return Problem(
        windows=windows,
        interviews=tuple(interviews),
        people=people,
        rooms=rooms,
        rules=rules,
        candidate_tz=draw(st.sampled_from(ZONES)),
        now=base + draw(st.integers(-8, 4)) * 15 * MINUTE,
        k=draw(st.integers(1, 5)),
        granularity=draw(st.sampled_from((15, 15, 30))),
    )


# -- the independent checker --------------------------------------------------------------------


def merged_windows(p: Problem) -> list[tuple[datetime, datetime]]:
    out: list[tuple[datetime, datetime]] = []
    for w in sorted(p.windows, key=lambda w: w.start):
        if out and w.start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], w.end))
        else:
            out.append((w.start, w.end))
    return out


def inside_windows(p: Problem, start: datetime, end: datetime) -> bool:
    return any(a <= start and end <= b for a, b in merged_windows(p))


def local_date(moment: datetime, tz: str) -> date:
    return moment.astimezone(ZoneInfo(tz)).date()


def iso_week(day: date) -> tuple[int, int]:
    year, week, _ = day.isocalendar()
    return year, week


def works(person: Person, start: datetime, end: datetime) -> bool:
    """Inside their working hours on a working day, in their own time zone."""
    zone = ZoneInfo(person.tz)
    local = start.astimezone(zone)
    if local.weekday() not in person.work_days:
        return False
    midnight = datetime(local.year, local.month, local.day, tzinfo=zone)
    return midnight + timedelta(minutes=person.work_start_minute) <= start and end <= midnight + timedelta(
        minutes=person.work_end_minute
    )


def overlaps_busy(busy: tuple[Interval, ...], start: datetime, end: datetime) -> bool:
    return any(b.start < end and start < b.end for b in busy)


def within_limits(person: Person, loop_starts: list[datetime]) -> bool:
    """Existing bookings plus this loop's interviews, per local day and per local ISO week."""
    per_day: dict[date, int] = defaultdict(int)
    per_week: dict[tuple[int, int], int] = defaultdict(int)
    for moment in [*person.existing_bookings, *loop_starts]:
        day = local_date(moment, person.tz)
        per_day[day] += 1
        per_week[iso_week(day)] += 1
    for moment in loop_starts:
        day = local_date(moment, person.tz)
        if person.daily_limit is not None and per_day[day] > person.daily_limit:
            return False
        if person.weekly_limit is not None and per_week[iso_week(day)] > person.weekly_limit:
            return False
    return True


def person_can_sit(person: Person, start: datetime, end: datetime) -> bool:
    return works(person, start, end) and not overlaps_busy(person.busy, start, end)


def stretch(person: Person, start: datetime, end: datetime) -> int:
    """Minutes outside 10:00–16:00 on their own wall clock, counted minute by minute."""
    zone = ZoneInfo(person.tz)
    out = 0
    moment = start
    while moment < end:
        local = moment.astimezone(zone)
        if not 10 * 60 <= local.hour * 60 + local.minute < 16 * 60:
            out += 1
        moment += MINUTE
    return out


def now_of(p: Problem) -> datetime:
    assert p.now is not None  # the strategy always sets it
    return p.now


def usable(p: Problem) -> list[datetime]:
    """Window starts clipped to `now`, for windows that still have time after `now`."""
    return [max(w.start, now_of(p)) for w in p.windows if w.end > max(w.start, now_of(p))]


def origin(p: Problem) -> datetime:
    first = min(usable(p))
    step = p.granularity * 60
    return datetime.fromtimestamp(int(first.timestamp()) // step * step, UTC)


def score(p: Problem, slots: list[tuple[datetime, datetime, tuple[str, ...]]]) -> tuple[int, ...]:
    """(finish day, days, finish minute, span, stretch, load), computed from the rules."""
    slots = sorted(slots)
    first_day = local_date(origin(p), p.candidate_tz)
    days = {local_date(start, p.candidate_tz) for start, _, _ in slots}
    finish = slots[-1][1]
    return (
        (local_date(slots[-1][0], p.candidate_tz) - first_day).days,
        len(days),
        int((finish - origin(p)) / MINUTE),
        int((finish - slots[0][0]) / MINUTE),
        sum(stretch(p.people[pid], a, b) for a, b, who in slots for pid in who),
        sum(p.people[pid].recent_load for _, _, who in slots for pid in who),
    )


def loop_rules_hold(p: Problem, slots: list[tuple[str, datetime, datetime]]) -> str | None:
    """Order, buffers, breaks, same day and span for (key, start, end) slots; None when all hold."""
    rules = p.rules
    timed = sorted(slots, key=lambda s: s[1])
    if rules.ordered and [s[0] for s in timed] != [i.key for i in p.interviews]:
        return "order"
    for (_, _, end), (_, start, _) in pairwise(timed):
        if start - end < timedelta(minutes=rules.buffer_minutes):
            return "buffer"
    if rules.break_after_minutes is not None:
        run_start = timed[0][1]
        run_size = 1
        for (_, _, end), (_, start, next_end) in pairwise(timed):
            if start - end < timedelta(minutes=rules.break_minutes):
                run_size += 1
                if next_end - run_start > timedelta(minutes=rules.break_after_minutes):
                    return "break"
            else:
                run_start, run_size = start, 1
    if rules.same_day and len({local_date(s[1], p.candidate_tz) for s in timed}) > 1:
        return "same day"
    if rules.max_span_minutes is not None and timed[-1][2] - timed[0][1] > timedelta(
        minutes=rules.max_span_minutes
    ):
        return "span"
    return None


def check_option(p: Problem, option: Option) -> None:
    """Every rule, checked from the problem alone."""
    by_key = {req.key: req for req in p.interviews}
    assert sorted(s.interview_key for s in option.slots) == sorted(by_key)
    assert [s.start for s in option.slots] == sorted(s.start for s in option.slots)
    seats: dict[str, list[tuple[datetime, datetime]]] = defaultdict(list)
    rooms: dict[str, list[tuple[datetime, datetime]]] = defaultdict(list)
    fixed_anywhere = {pid for req in p.interviews for pid in req.interviewers}
    for slot in option.slots:
        req = by_key[slot.interview_key]
        assert slot.start.tzinfo is not None and slot.end.tzinfo is not None
        assert slot.end - slot.start == timedelta(minutes=req.duration_minutes)
        assert int(slot.start.timestamp()) % (p.granularity * 60) == 0, "off the grid"
        assert slot.start >= now_of(p), "before now"
        assert inside_windows(p, slot.start, slot.end), "outside the candidate's windows"
        fixed, picked = slot.interviewers[: len(req.interviewers)], slot.interviewers[len(req.interviewers) :]
        assert fixed == req.interviewers
        assert len(picked) == req.count and set(picked) <= set(req.pool) - fixed_anywhere
        assert len(slot.shadows) <= req.shadow_count and set(slot.shadows) <= set(req.shadows)
        for pid in (*slot.interviewers, *slot.shadows):
            assert person_can_sit(p.people[pid], slot.start, slot.end), f"{pid} is not free or not working"
            seats[pid].append((slot.start, slot.end))
        if req.onsite:
            room = next(r for r in p.rooms if r.id == slot.room)
            assert not overlaps_busy(room.busy, slot.start, slot.end), "room busy"
            rooms[room.id].append((slot.start, slot.end))
        else:
            assert slot.room is None
    for pid, taken in seats.items():
        assert len(taken) == 1, f"{pid} sits two interviews of the loop"
        assert within_limits(p.people[pid], [a for a, _ in taken]), f"{pid} over their limits"
    for taken in rooms.values():
        taken.sort()
        assert all(b <= c for (_, b), (c, _) in pairwise(taken)), "room double-booked"
    problem_found = loop_rules_hold(p, [(s.interview_key, s.start, s.end) for s in option.slots])
    assert problem_found is None, problem_found
    expected = score(p, [(s.start, s.end, s.interviewers) for s in option.slots])
    assert option.score.key() == expected


@given(problems())
@SETTINGS
def test_every_option_respects_every_rule(p: Problem) -> None:
    solution = solve(p)
    assert (solution.blocked is None) == bool(solution.options)
    assert len(solution.options) <= p.k
    for option in solution.options:
        check_option(p, option)
    keys = [o.score.key() for o in solution.options]
    assert keys == sorted(keys)
    time_sets = [tuple((s.start, s.end) for s in o.slots) for o in solution.options]
    assert len(set(time_sets)) == len(time_sets), "options repeat the same times"
    assert solve(p) == solution, "not deterministic"


# -- brute force on tiny instances ---------------------------------------------------------------


def brute_force(p: Problem) -> list[tuple[int, ...]]:
    """The best score of each distinct set of interview times, best first (every start, every pick)."""
    if not usable(p):
        return []
    step = timedelta(minutes=p.granularity)
    first = origin(p)
    last = max(w.end for w in p.windows)
    fixed_anywhere = {pid for req in p.interviews for pid in req.interviewers}
    candidates: dict[str, list[tuple[datetime, datetime, tuple[str, ...]]]] = {}
    for req in p.interviews:
        options = []
        start = first
        while start < last:
            end = start + timedelta(minutes=req.duration_minutes)
            if start >= now_of(p) and inside_windows(p, start, end):
                room_ok = not req.onsite or any(not overlaps_busy(r.busy, start, end) for r in p.rooms)
                pool = sorted(set(req.pool) - fixed_anywhere)
                for picks in combinations(pool, req.count):
                    who = (*req.interviewers, *picks)
                    if room_ok and all(
                        person_can_sit(p.people[pid], start, end) and within_limits(p.people[pid], [start])
                        for pid in who
                    ):
                        options.append((start, end, who))
            start += step
        candidates[req.key] = options
    best: dict[tuple[tuple[datetime, datetime], ...], tuple[int, ...]] = {}
    keys = [req.key for req in p.interviews]
    orders = [tuple(keys)] if p.rules.ordered else list(permutations(keys))

    def extend(order: tuple[str, ...], chosen: list[tuple[str, datetime, datetime, tuple[str, ...]]]) -> None:
        if len(chosen) == len(order):
            slots = [(k, a, b) for k, a, b, _ in chosen]
            if loop_rules_hold(p, slots) is None:
                times = tuple((a, b) for _, a, b, _ in chosen)
                value = score(p, [(a, b, who) for _, a, b, who in chosen])
                if times not in best or value < best[times]:
                    best[times] = value
            return
        key = order[len(chosen)]
        used = {pid for *_, who in chosen for pid in who}
        after = chosen[-1][2] if chosen else None
        for a, b, who in candidates[key]:
            if after is not None and a < after:
                continue
            if used & set(who):
                continue
            chosen.append((key, a, b, who))
            extend(order, chosen)
            chosen.pop()

    for order in orders:
        extend(order, [])
    return sorted(best.values())


@given(problems(tiny=True))
@SETTINGS
def test_solver_matches_brute_force_on_tiny_instances(p: Problem) -> None:
    expected = brute_force(p)[: p.k]
    solution = solve(p)
    assert [o.score.key() for o in solution.options] == expected
    if not expected:
        assert solution.blocked
