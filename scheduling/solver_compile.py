"""Turn a `Problem` into integers: a time grid, free-start bitsets, candidate days and costs.

Times become minutes from the *origin* (the first usable window start, floored to the grid; the
grid is aligned to UTC multiples of the granularity). A start is a grid index `s` (minute `s * g`).
For each person and duration the set of starts at which they can interview is a Python int used as
a bitset (bit `s` set = free for the whole interview, inside their working hours on a working day,
inside the candidate's windows, after `now`, and under their daily/weekly limits for that day).
Working hours and comfortable hours are converted per local date with `zoneinfo`, so daylight
saving changes move them correctly.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from scheduling.solver_model import Interval, InterviewReq, Person, Problem

COMFORT_START = 10 * 60
COMFORT_END = 16 * 60
# Pools up to this size are folded into an interview's possible starts up front; bigger pools are
# checked per start during the search, so only the members actually needed get their free time computed.
EXACT_POOL = 4
# Questions about one person's availability answered one by one before computing all of it.
POINT_QUERIES = 8

Spans = list[tuple[int, int]]


def zone(name: str) -> ZoneInfo:
    """The `ZoneInfo` of an IANA name (ZoneInfo caches them itself)."""
    return ZoneInfo(name)


def ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def grid_origin(problem: Problem) -> datetime | None:
    """The origin of the grid: the first usable window start (after `now`), floored to the grid."""
    now_ts = problem.now.timestamp() if problem.now is not None else None
    first: float | None = None
    for window in problem.windows:
        start, end = window.start.timestamp(), window.end.timestamp()
        if now_ts is not None:
            start = max(start, now_ts)
        if end > start and (first is None or start < first):
            first = start
    if first is None:
        return None
    step = problem.granularity * 60
    return datetime.fromtimestamp(math.floor(first / step) * step, UTC)


def merge(spans: Iterable[tuple[int, int]]) -> Spans:
    """Sort and merge overlapping or touching spans."""
    out: Spans = []
    for a, b in sorted(spans):
        if b <= a:
            continue
        if out and a <= out[-1][1]:
            if b > out[-1][1]:
                out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


def intersect(xs: Spans, ys: Spans) -> Spans:
    """Intersection of two sorted, disjoint span lists."""
    out: Spans = []
    i = j = 0
    nx, ny = len(xs), len(ys)
    while i < nx and j < ny:
        xa, xb = xs[i]
        ya, yb = ys[j]
        a = xa if xa > ya else ya
        b = xb if xb < yb else yb
        if a < b:
            out.append((a, b))
        if xb < yb:
            i += 1
        else:
            j += 1
    return out


def starts_bitset(spans: Spans, duration: int, g: int) -> int:
    """Bit s set when [s*g, s*g + duration) lies inside one of `spans`."""
    mask = 0
    for a, b in spans:
        lo = ceil_div(a, g)
        hi = (b - duration) // g
        if hi >= lo:
            mask |= ((1 << (hi - lo + 1)) - 1) << lo
    return mask


def bits(mask: int) -> list[int]:
    """Indices of the set bits, ascending."""
    out = []
    while mask:
        low = mask & -mask
        out.append(low.bit_length() - 1)
        mask ^= low
    return out


class PersonData:
    """One person on the grid. Free time is computed on first use (big pools are rarely all needed)."""

    __slots__ = (
        "_blocked",
        "_busy",
        "_limited",
        "_queries",
        "c",
        "index",
        "load",
        "person",
        "raw_starts",
        "starts",
        "tz",
    )

    def __init__(self, c: Compiled, index: int, person: Person) -> None:
        self.c = c
        self.index = index
        self.person = person
        self.tz = person.tz
        self.load = person.recent_load
        self.starts: dict[int, int] = {}  # duration -> bitset (with limits)
        self.raw_starts: dict[int, int] = {}  # duration -> bitset (no limits)
        self._busy: list[tuple[float, float]] | None = None
        self._blocked: dict[int, int] = {}
        self._limited: tuple[Spans, list[int]] | None = None  # working spans under limits, their starts
        self._queries: dict[int, int] = {}  # duration -> point queries answered so far

    def _working(self, limited: bool) -> Spans:
        p = self.person
        working = _local_spans(
            p.tz, self.c.origin_ts, self.c.horizon, p.work_start_minute, p.work_end_minute, p.work_days
        )
        # One span per local date, never joined across midnight: an interview sits inside one day's hours.
        if limited and (p.daily_limit is not None or p.weekly_limit is not None):
            allowed = _allowed_days(p, [day for day, _, _ in working])
            return [(a, b) for day, a, b in working if day in allowed]
        return [(a, b) for _, a, b in working]

    def blocked(self, duration: int) -> int:
        """Starts at which an interview of `duration` would overlap their busy time."""
        mask = self._blocked.get(duration)
        if mask is None:
            if self._busy is None:
                self._busy = self.c.busy_seconds(self.person.busy)
            mask = self._blocked[duration] = blocked_starts(self._busy, duration, self.c.g)
        return mask

    def starts_for(self, duration: int, g: int) -> int:
        """Starts at which they can sit an interview of `duration` (all rules on them)."""
        mask = self.starts.get(duration)
        if mask is None:
            free = starts_bitset(intersect(self._working(True), self.c.windows), duration, g)
            mask = self.starts[duration] = free & ~self.blocked(duration)
        return mask

    def free_at(self, duration: int, s: int) -> bool:
        """Whether they can sit an interview of `duration` starting at grid index `s` (which must be
        inside the candidate's windows): the same answer as bit `s` of `starts_for(duration)`.

        The first few questions are answered directly from their busy list and working hours; after
        `POINT_QUERIES` the whole bitset is computed. Someone asked about once or twice (a shadow,
        a pool member far down the order) never pays for converting all of their busy time.
        """
        mask = self.starts.get(duration)
        if mask is not None:
            return bool(mask >> s & 1)
        asked = self._queries.get(duration, 0)
        if asked >= POINT_QUERIES:
            return bool(self.starts_for(duration, self.c.g) >> s & 1)
        self._queries[duration] = asked + 1
        c = self.c
        a = s * c.g
        b = a + duration
        if self._limited is None:
            spans = self._working(True)
            self._limited = (spans, [x for x, _ in spans])
        spans, firsts = self._limited
        at = bisect_right(firsts, a) - 1
        if at < 0 or spans[at][1] < b:
            return False
        begin, end = c.at(a), c.at(b)
        return not any(item.start < end and begin < item.end for item in self.person.busy)

    def raw_starts_for(self, duration: int, g: int) -> int:
        """Like `starts_for`, ignoring the load limits."""
        mask = self.raw_starts.get(duration)
        if mask is None:
            free = starts_bitset(intersect(self._working(False), self.c.windows), duration, g)
            mask = self.raw_starts[duration] = free & ~self.blocked(duration)
        return mask


def blocked_starts(busy: list[tuple[float, float]], duration: int, g: int) -> int:
    """Bit s set when [s*g, s*g + duration) minutes overlaps a busy span (given in seconds)."""
    step = g * 60
    length = duration * 60
    mask = 0
    for a, b in busy:
        lo = int((a - length) // step) + 1
        hi = -int(-b // step) - 1
        if lo < 0:
            lo = 0
        if hi >= lo:
            mask |= ((1 << (hi - lo + 1)) - 1) << lo
    return mask


def _allowed_days(person: Person, days: list[date]) -> set[date]:
    """The local dates on which one more interview keeps `person` within their limits."""
    tz = zone(person.tz)
    per_day: dict[date, int] = {}
    per_week: dict[int, int] = {}  # keyed by the ordinal of the ISO week's Monday
    for booked in person.existing_bookings:
        local = booked.astimezone(tz).date()
        per_day[local] = per_day.get(local, 0) + 1
        week = local.toordinal() - local.weekday()
        per_week[week] = per_week.get(week, 0) + 1
    daily = person.daily_limit if person.daily_limit is not None else 1 << 30
    weekly = person.weekly_limit if person.weekly_limit is not None else 1 << 30
    return {
        day
        for day in days
        if per_day.get(day, 0) < daily and per_week.get(day.toordinal() - day.weekday(), 0) < weekly
    }


@dataclass
class InterviewData:
    """One interview on the grid; `starts` are the starts where it can happen at all."""

    index: int
    key: str
    duration: int
    fixed: tuple[int, ...]
    pool: tuple[int, ...]  # pool minus anyone fixed anywhere in the loop, by person index
    count: int
    shadows: tuple[int, ...]
    shadow_count: int
    onsite: bool
    window_starts: int
    starts: int  # exact for fixed people and rooms; for a big pool only where `pool_exact`
    pool_exact: bool
    fixed_load: int
    min_pool_load: int  # sum of the `count` smallest loads in the pool
    signature: tuple[object, ...]  # equal signatures = interchangeable interviews


class Compiled:
    """A problem on the grid: everything the search and the reference model need."""

    def __init__(self, problem: Problem, origin: datetime) -> None:
        self.problem = problem
        self.g = g = problem.granularity
        self.origin = origin
        self.origin_ts = origin_ts = int(origin.timestamp())
        now_min = -(10**9)
        if problem.now is not None:
            now_min = ceil_div(math.ceil(problem.now.timestamp()) - origin_ts, 60)
        spans = []
        for window in problem.windows:
            a = max(ceil_div(math.ceil(window.start.timestamp()) - origin_ts, 60), now_min)
            b = (math.floor(window.end.timestamp()) - origin_ts) // 60
            spans.append((a, b))
        self.windows = merge(spans)
        self.horizon = self.windows[-1][1] if self.windows else 0
        self.n_grid = self.horizon // g + 1
        self._candidate_days()

        involved: set[str] = set()
        for req in problem.interviews:
            involved.update(req.interviewers, req.pool, req.shadows)
        ids = sorted(involved)
        self.index = {pid: i for i, pid in enumerate(ids)}
        self.people = [PersonData(self, i, problem.people[pid]) for i, pid in enumerate(ids)]
        self.rooms = [
            (room.id, self.busy_seconds(room.busy)) for room in sorted(problem.rooms, key=lambda r: r.id)
        ]
        self._room_starts: dict[int, list[int]] = {}
        self._stretch_spans: dict[str, Spans] = {}
        self._stretch_ends: dict[str, list[int]] = {}
        self._stretch_cache: dict[tuple[str, int, int], int] = {}

        fixed_where: dict[str, list[str]] = {}
        for req in problem.interviews:
            for pid in req.interviewers:
                fixed_where.setdefault(pid, []).append(req.key)
        self.fixed_twice = {pid: keys for pid, keys in fixed_where.items() if len(keys) > 1}
        fixed_all = set(fixed_where)
        self.interviews = [self._interview(i, req, fixed_all) for i, req in enumerate(problem.interviews)]

    # -- candidate days -------------------------------------------------------------------------

    def _candidate_days(self) -> None:
        """Candidate-local midnights on the grid: `day_first[d]` is the first grid start of day d."""
        tz = zone(self.problem.candidate_tz)
        first = self.origin.astimezone(tz).date()
        last = (self.origin + timedelta(minutes=self.horizon)).astimezone(tz).date()
        self.first_day: date = first
        self.n_days = (last - first).days + 1
        g = self.g
        day_first = []
        for d in range(self.n_days + 1):
            midnight = datetime.combine(first + timedelta(days=d), datetime.min.time(), tz)
            minute = (int(midnight.timestamp()) - self.origin_ts) // 60
            day_first.append(max(0, ceil_div(minute, g)))
        self.day_first = day_first
        self.day_of = [0] * self.n_grid  # grid start -> candidate-local day
        for d in range(self.n_days):
            lo, hi = day_first[d], min(day_first[d + 1], self.n_grid)
            if hi > lo:
                self.day_of[lo:hi] = [d] * (hi - lo)

    # -- conversions ----------------------------------------------------------------------------

    def at(self, minute: int) -> datetime:
        """The UTC datetime `minute` minutes after the origin."""
        return self.origin + timedelta(minutes=minute)

    def busy_seconds(self, busy: Sequence[Interval]) -> list[tuple[float, float]]:
        """Busy intervals as seconds from the origin, those overlapping the horizon only."""
        origin = self.origin_ts
        end_of_horizon = self.horizon * 60
        out = []
        for item in busy:
            a = item.start.timestamp() - origin
            if a >= end_of_horizon:
                continue
            b = item.end.timestamp() - origin
            if b > 0:
                out.append((a, b))
        return out

    # -- people -----------------------------------------------------------------------------------

    def room_starts(self, duration: int) -> list[int]:
        """Per room (sorted by id), the starts at which it is free for `duration`."""
        found = self._room_starts.get(duration)
        if found is None:
            window = self.window_starts(duration)
            found = self._room_starts[duration] = [
                window & ~blocked_starts(busy, duration, self.g) for _, busy in self.rooms
            ]
        return found

    def window_starts(self, duration: int) -> int:
        """Starts at which [start, start + duration) is inside one candidate window."""
        return starts_bitset(self.windows, duration, self.g)

    # -- interviews -----------------------------------------------------------------------------

    def _interview(self, i: int, req: InterviewReq, fixed_all: set[str]) -> InterviewData:
        g, d = self.g, req.duration_minutes
        window = self.window_starts(d)
        mask = window
        fixed = tuple(self.index[pid] for pid in req.interviewers)
        for p in fixed:
            mask &= self.people[p].starts_for(d, g)
        pool = tuple(self.index[pid] for pid in sorted(set(req.pool) - fixed_all))
        pool_exact = len(pool) <= EXACT_POOL
        if req.count:
            if len(pool) < req.count:
                mask = 0
            elif pool_exact:
                mask &= self.at_least(pool, req.count, d)
        if req.onsite:
            any_room = 0
            for room in self.room_starts(d):
                any_room |= room
            mask &= any_room
        loads = sorted(self.people[p].load for p in pool)
        shadows = tuple(self.index[pid] for pid in dict.fromkeys(req.shadows))
        return InterviewData(
            index=i,
            key=req.key,
            duration=d,
            fixed=fixed,
            pool=pool,
            count=req.count,
            shadows=shadows,
            shadow_count=req.shadow_count,
            onsite=req.onsite,
            window_starts=window,
            starts=mask,
            pool_exact=pool_exact or not req.count,
            fixed_load=sum(self.people[p].load for p in fixed),
            min_pool_load=sum(loads[: req.count]),
            signature=(d, fixed, pool, req.count, shadows, req.shadow_count, req.onsite),
        )

    def fold_pools(self) -> None:
        """Fold every pool into its interview's possible starts (computing every member's free
        time): for hard instances, where tighter starts are worth more than laziness."""
        for iv in self.interviews:
            if not iv.pool_exact:
                iv.starts = self.exact_starts(iv)
                iv.pool_exact = True

    def exact_starts(self, iv: InterviewData) -> int:
        """The interview's possible starts, with its pool always taken into account."""
        if iv.pool_exact:
            return iv.starts
        return iv.starts & self.at_least(iv.pool, iv.count, iv.duration)

    def at_least(self, members: Sequence[int], count: int, duration: int, raw: bool = False) -> int:
        """Starts at which at least `count` of `members` are free for `duration`."""
        g = self.g
        levels = [-1] + [0] * count  # levels[c]: at least c members free
        for p in members:
            person = self.people[p]
            free = person.raw_starts_for(duration, g) if raw else person.starts_for(duration, g)
            for c in range(count, 0, -1):
                levels[c] |= levels[c - 1] & free
        return levels[count] & ((1 << self.n_grid) - 1)

    # -- costs ----------------------------------------------------------------------------------

    def stretch(self, tz_name: str, start_minute: int, duration: int) -> int:
        """Minutes of [start, start + duration) outside 10:00–16:00 local time in `tz_name`."""
        key = (tz_name, start_minute, duration)
        found = self._stretch_cache.get(key)
        if found is not None:
            return found
        spans = self._stretch_spans.get(tz_name)
        if spans is None:
            spans = self._stretch_spans[tz_name] = merge(
                (a, b)
                for _, a, b in _local_spans(
                    tz_name, self.origin_ts, self.horizon, COMFORT_START, COMFORT_END, None
                )
            )
            self._stretch_ends[tz_name] = [b for _, b in spans]
        end = start_minute + duration
        inside = 0
        at = bisect_right(self._stretch_ends[tz_name], start_minute)
        while at < len(spans):
            a, b = spans[at]
            if a >= end:
                break
            inside += (b if b < end else end) - (a if a > start_minute else start_minute)
            at += 1
        self._stretch_cache[key] = value = duration - inside
        return value


@lru_cache(maxsize=4096)  # solver_bench: median top 5 in 2.7 ms with it, 5.4-7.0 ms without
def _local_spans(
    tz_name: str,
    origin_ts: int,
    horizon: int,
    start_minute: int,
    end_minute: int,
    days: frozenset[int] | None,
) -> tuple[tuple[date, int, int], ...]:
    """Local [start_minute, end_minute) on each local date overlapping the horizon, in grid minutes."""
    tz = zone(tz_name)
    first = datetime.fromtimestamp(origin_ts, tz).date() - timedelta(days=1)
    last = datetime.fromtimestamp(origin_ts + horizon * 60, tz).date()
    out = []
    day = first
    while day <= last:
        if days is None or day.weekday() in days:
            midnight = datetime(day.year, day.month, day.day, tzinfo=tz)
            a = (int((midnight + timedelta(minutes=start_minute)).timestamp()) - origin_ts) // 60
            b = (int((midnight + timedelta(minutes=end_minute)).timestamp()) - origin_ts) // 60
            if b > 0 and a < horizon and b > a:
                out.append((day, a, b))
        day += timedelta(days=1)
    return tuple(out)


def compile_problem(problem: Problem) -> Compiled | None:
    """The problem on the grid, or None when no window is usable (all before `now`)."""
    origin = grid_origin(problem)
    if origin is None:
        return None
    compiled = Compiled(problem, origin)
    if not compiled.windows or compiled.windows[-1][1] <= compiled.windows[0][0]:
        return None
    return compiled
