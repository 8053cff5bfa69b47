"""Branch and bound over the grid: the K best loops, exactly.

The search places the interviews from the last one backwards. Position 0 is the interview that
ends the loop, tried at every start earliest first, so the finish day and the finish only grow and
the search stops at the first finish day beyond the K-th best loop found so far. Each later position
is the interview just before, tried latest start first (compact loops come first); for an ordered
stage it is the previous interview, for any order each remaining one (among interchangeable
interviews only one, which removes symmetric duplicates). A node is pruned when its lower bound on
the score is not better than the K-th best loop's; the bound is admissible (never above the score of
any completion of the node):

- finish day and finish: exact once the last interview is placed;
- span: the finish minus the latest possible first start, i.e. the remaining interviews chained back
  from the current earliest start at their latest free starts (ordered), or the earliest of those
  latest starts and of the back-to-back sum (any order); breaks and people's distinctness ignored;
- days: the days used so far, plus one when that chain must leave the current earliest day;
- stretch, load: what the placed interviews cost with each one's individually best people, plus
  the cheapest possible load of the rest.
Going back in time only lowers the first start and adds days, so when a start's bound (without its
costs) is beyond the K-th best, every earlier start is too and the loop over starts stops there.

People: the loop's pool seats need distinct people (each person sits at most one interview of a
loop); at a leaf the exact cheapest assignment is computed (individual bests when they do not
collide, otherwise a small branch and bound over the colliding seats), so the leaf's score is exact.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from scheduling.solver_compile import Compiled, InterviewData, PersonData


@dataclass(frozen=True)
class SearchRules:
    """The rules the search enforces (the explainer relaxes them one by one)."""

    ordered: bool
    same_day: bool
    buffer: int
    break_after: int | None
    break_minutes: int
    max_span: int | None

    @classmethod
    def of(cls, c: Compiled) -> SearchRules:
        r = c.problem.rules
        return cls(
            r.ordered,
            r.same_day,
            r.buffer_minutes,
            r.break_after_minutes,
            r.break_minutes,
            r.max_span_minutes,
        )


@dataclass(frozen=True)
class Found:
    """A complete loop: `layout` is (interview index, start) in time order; `picks` the pool people."""

    key: tuple[int, int, int, int, int, int]
    layout: tuple[tuple[int, int], ...]
    picks: dict[int, tuple[int, ...]]


class PeopleCosts:
    """Cheapest pool people per (interview, start), with (stretch, load, person) costs."""

    def __init__(self, c: Compiled) -> None:
        self.c = c
        self.groups: list[list[tuple[str, list[tuple[int, int, PersonData]]]]] = []
        for iv in c.interviews:
            by_tz: dict[str, list[tuple[int, int, PersonData]]] = {}
            for p in iv.pool:
                person = c.people[p]
                by_tz.setdefault(person.tz, []).append((person.load, p, person))
            self.groups.append(
                [(tz, sorted(members, key=lambda m: m[:2])) for tz, members in sorted(by_tz.items())]
            )
        self._best: dict[tuple[int, int], tuple[int, int, tuple[tuple[int, int, int], ...]]] = {}
        self._fixed: dict[tuple[int, int], int] = {}
        self._merge_cache: dict[tuple[int, tuple[int, ...]], list[tuple[int, int, PersonData]]] = {}
        self._avail: dict[tuple[int, int], int] = {}

    def fixed_stretch(self, iv: InterviewData, s: int) -> int:
        key = (iv.index, s)
        found = self._fixed.get(key)
        if found is None:
            c = self.c
            a = s * c.g
            found = self._fixed[key] = sum(c.stretch(c.people[p].tz, a, iv.duration) for p in iv.fixed)
        return found

    def best(self, iv: InterviewData, s: int) -> tuple[int, int, tuple[tuple[int, int, int], ...]]:
        """(stretch, load, picks) of the interview at `s` with its individually best people."""
        key = (iv.index, s)
        found = self._best.get(key)
        if found is not None:
            return found
        stretch = self.fixed_stretch(iv, s) if iv.fixed else 0
        load = iv.fixed_load
        if not iv.count:
            picks = []
        elif iv.count == 1:
            picks = self._cheapest(iv, s)
        else:
            picks = self.ranked(iv, s, iv.count)
        for st, ld, _ in picks:
            stretch += st
            load += ld
        found = self._best[key] = (stretch, load, tuple(picks))
        return found

    def _cheapest(self, iv: InterviewData, s: int) -> list[tuple[int, int, int]]:
        """The cheapest free pool member at `s` (as `ranked(iv, s, 1)`, faster)."""
        c = self.c
        g, d = c.g, iv.duration
        a = s * g
        stretch = c.stretch
        best: tuple[int, int, int] | None = None
        for tz, members in self.groups[iv.index]:
            st = stretch(tz, a, d)
            if best is not None and st > best[0]:
                continue
            for ld, p, person in members:
                if best is not None and (st, ld, p) >= best:
                    break
                if person.free_at(d, s):
                    best = (st, ld, p)
                    break
        return [] if best is None else [best]

    def ranked(self, iv: InterviewData, s: int, limit: int) -> list[tuple[int, int, int]]:
        """The `limit` cheapest free pool members at `s` as (stretch, load, person), cheapest first."""
        out = []
        if limit:
            for cand in self.stream(iv, s):
                out.append(cand)
                if len(out) == limit:
                    break
        return out

    def avail(self, iv: InterviewData, s: int) -> int:
        """The pool members free for the interview at `s`, as a bitmask of person indices."""
        key = (iv.index, s)
        mask = self._avail.get(key)
        if mask is None:
            mask = 0
            for p in iv.pool:
                if self.c.people[p].free_at(iv.duration, s):
                    mask |= 1 << p
            self._avail[key] = mask
        return mask

    def matchable(self, items: list[tuple[InterviewData, int]]) -> bool:
        """Whether these interviews, at these starts, can all get distinct pool people
        (augmenting paths over their seats)."""
        seats = []
        for iv, s in items:
            seats.extend([self.avail(iv, s)] * iv.count)
        owner: dict[int, int] = {}

        def augment(k: int, seen: list[int]) -> bool:
            free = seats[k] & ~seen[0]
            while free:
                low = free & -free
                free ^= low
                seen[0] |= low
                p = low.bit_length() - 1
                if p not in owner or augment(owner[p], seen):
                    owner[p] = k
                    return True
            return False

        return all(augment(k, [0]) for k in range(len(seats)))

    def _merged(self, i: int, which: tuple[int, ...]) -> list[tuple[int, int, PersonData]]:
        """The members of some time-zone groups of interview i, by load then person."""
        key = (i, which)
        found = self._merge_cache.get(key)
        if found is None:
            groups = self.groups[i]
            if len(which) == 1:
                found = groups[which[0]][1]
            else:
                found = sorted((m for g in which for m in groups[g][1]), key=lambda m: m[:2])
            self._merge_cache[key] = found
        return found

    def stream(self, iv: InterviewData, s: int) -> Iterator[tuple[int, int, int]]:
        """Free pool members at `s`, cheapest first, computed as they are asked for.

        Time zones are visited by their stretch at `s`, least first, and a zone's members in order of
        load, so only as many people as needed have their free time computed.
        """
        c = self.c
        g, d = c.g, iv.duration
        a = s * g
        groups = self.groups[iv.index]
        levels = sorted((c.stretch(tz, a, d), gi) for gi, (tz, _) in enumerate(groups))
        at = 0
        while at < len(levels):
            st = levels[at][0]
            same = []
            while at < len(levels) and levels[at][0] == st:
                same.append(levels[at][1])
                at += 1
            for ld, p, person in self._merged(iv.index, tuple(same)):
                if person.free_at(d, s):
                    yield (st, ld, p)


class _Lazy:
    """A list filled from an iterator on demand."""

    __slots__ = ("items", "source")

    def __init__(self, source: Iterator[tuple[int, int, int]]) -> None:
        self.items: list[tuple[int, int, int]] = []
        self.source: Iterator[tuple[int, int, int]] | None = source

    def get(self, index: int) -> tuple[int, int, int] | None:
        while len(self.items) <= index and self.source is not None:
            nxt = next(self.source, None)
            if nxt is None:
                self.source = None
            else:
                self.items.append(nxt)
        return self.items[index] if index < len(self.items) else None


def assign(
    c: Compiled,
    costs: PeopleCosts,
    layout: tuple[tuple[int, int], ...],
    weight: int,
    cap: int | None = None,
) -> tuple[int, int, dict[int, tuple[int, ...]]] | None:
    """The cheapest distinct pool people for a layout: (stretch, load, picks), or None when there is
    none with `stretch * weight + load` below `cap`."""
    ivs = c.interviews
    stretch = load = 0
    picks: dict[int, tuple[int, ...]] = {}
    used = 0
    collide = False
    for i, s in layout:
        iv = ivs[i]
        st, ld, best = costs.best(iv, s)
        stretch += st
        load += ld
        if iv.count:
            if len(best) < iv.count:
                return None
            chosen = tuple(p for _, _, p in best)
            for p in chosen:
                if used >> p & 1:
                    collide = True
                used |= 1 << p
            picks[i] = chosen
    if not collide:
        if cap is not None and stretch * weight + load >= cap:
            return None
        return stretch, load, picks
    return _assign_exact(c, costs, layout, weight, cap)


def _seat_bounds(c: Compiled, items: list[tuple[int, int]], ranked: list[_Lazy], weight: int) -> list[int]:
    """Lower bounds on the cost of seating items[m:], for each m (the last entry is 0)."""
    ivs = c.interviews
    lower = []
    for (i, _), cands in zip(items, ranked, strict=True):
        cands.get(ivs[i].count - 1)
        lower.append(sum(st * weight + ld for st, ld, _ in cands.items[: ivs[i].count]))
    suffix = [0] * (len(items) + 1)
    for m in range(len(items) - 1, -1, -1):
        suffix[m] = suffix[m + 1] + lower[m]
    return suffix


def _assign_exact(
    c: Compiled,
    costs: PeopleCosts,
    layout: tuple[tuple[int, int], ...],
    weight: int,
    cap: int | None,
) -> tuple[int, int, dict[int, tuple[int, ...]]] | None:
    """`assign` when the cheapest picks collide: the exact search for distinct pool people."""
    ivs = c.interviews
    # Exact: branch and bound over the pool seats (cost = stretch * weight + load), taking each
    # interview's candidates cheapest first and only as deep as the bound allows.
    items = [(i, s) for i, s in layout if ivs[i].count]
    ranked = [_Lazy(costs.stream(ivs[i], s)) for i, s in items]
    base_st = base_ld = 0
    for i, s in layout:
        base_st += costs.fixed_stretch(ivs[i], s)
        base_ld += ivs[i].fixed_load
    suffix = _seat_bounds(c, items, ranked, weight)
    best_cost: list[int | None] = [None if cap is None else cap - base_st * weight - base_ld]
    best_picks: list[list[tuple[int, ...]] | None] = [None]
    chosen_now: list[tuple[int, ...]] = []

    def seat(m: int, start: int, need: int, used: int, acc: int, group: tuple[int, ...]) -> None:
        if best_cost[0] is not None and acc + suffix[m + 1] >= best_cost[0]:
            return
        if need == 0:
            chosen_now.append(group)
            item(m + 1, used, acc)
            chosen_now.pop()
            return
        cands = ranked[m]
        pos = start - 1
        while True:
            pos += 1
            cand = cands.get(pos)
            if cand is None or cands.get(pos + need - 1) is None:
                return
            st, ld, p = cand
            cost = st * weight + ld
            if best_cost[0] is not None and acc + cost * need + suffix[m + 1] >= best_cost[0]:
                return
            if used >> p & 1:
                continue
            seat(m, pos + 1, need - 1, used | 1 << p, acc + cost, (*group, p))

    def item(m: int, used: int, acc: int) -> None:
        if m == len(items):
            if best_cost[0] is None or acc < best_cost[0]:
                best_cost[0] = acc
                best_picks[0] = list(chosen_now)
            return
        seat(m, 0, ivs[items[m][0]].count, used, acc, ())

    item(0, 0, 0)
    if best_picks[0] is None:
        return None
    return _totals(c, items, best_picks[0], base_st, base_ld)


def _totals(
    c: Compiled,
    items: list[tuple[int, int]],
    groups: list[tuple[int, ...]],
    base_st: int,
    base_ld: int,
) -> tuple[int, int, dict[int, tuple[int, ...]]]:
    """(stretch, load, picks) of the fixed costs plus the chosen pool people `groups` for `items`."""
    ivs = c.interviews
    out: dict[int, tuple[int, ...]] = {}
    for (i, s), group in zip(items, groups, strict=True):
        out[i] = group
        for p in group:
            person = c.people[p]
            base_st += c.stretch(person.tz, s * c.g, ivs[i].duration)
            base_ld += person.load
    return base_st, base_ld, out


def _interchangeable(ivs: Sequence[InterviewData]) -> list[int]:
    """Per interview, the later-indexed interviews with the same signature (they go later)."""
    n = len(ivs)
    blockers = [0] * n
    for i in range(n):
        for j in range(i + 1, n):
            if ivs[j].signature == ivs[i].signature:
                blockers[i] |= 1 << j
    return blockers


def _sharing(ivs: Sequence[InterviewData]) -> list[int]:
    """Pool interviews whose members are all known (small pools) and that share members with
    another such interview: placing one checks that distinct people are still possible."""
    n = len(ivs)
    shares = [0] * n
    for i in range(n):
        for j in range(n):
            a_iv, b_iv = ivs[i], ivs[j]
            if (
                i != j
                and a_iv.count
                and b_iv.count
                and a_iv.pool_exact
                and b_iv.pool_exact
                and set(a_iv.pool) & set(b_iv.pool)
            ):
                shares[i] |= 1 << j
    return shares


def _chain_bound(
    c: Compiled, rules: SearchRules, starts: list[int], dur: list[int]
) -> Callable[[int, int], int]:
    """`chain(rem, t)`: an upper bound on the first start when the interviews in `rem` all end by
    minute `t`, or -1 when they cannot."""
    g = c.g
    n = len(starts)
    buffer = rules.buffer
    ordered = rules.ordered
    block_total: dict[int, int] = {}  # interviews bitmask -> minutes back to back with buffers

    def last_at(i: int, hi: int) -> int:
        """The latest possible start of interview i at or before grid index `hi`, or -1."""
        if hi < 0:
            return -1
        return (starts[i] & ((2 << hi) - 1)).bit_length() - 1

    def chain(rem: int, t: int) -> int:
        if ordered:
            j = rem.bit_length() - 1
            first = -1
            while j >= 0:
                if rem >> j & 1:
                    sj = last_at(j, (t - dur[j]) // g)
                    if sj < 0:
                        return -1
                    first = sj
                    t = sj * g - buffer
                j -= 1
            return first
        total = block_total.get(rem)
        if total is None:
            total = block_total[rem] = sum(dur[j] + buffer for j in range(n) if rem >> j & 1) - buffer
        first = (t - total) // g
        if first < 0:
            return -1
        j = 0
        r = rem
        while r:
            if r & 1:
                sj = last_at(j, (t - dur[j]) // g)
                if sj < 0:
                    return -1
                if sj < first:
                    first = sj
            r >>= 1
            j += 1
        return first

    return chain


class Search:
    """Find the K best loops (distinct by their set of interview times) under `rules`."""

    def __init__(self, c: Compiled, rules: SearchRules, k: int, step_limit: int | None = None) -> None:
        self.c = c
        self.rules = rules
        self.k = k
        # starts tried before giving up (`exhausted`); None: no limit
        self.step_limit = step_limit if step_limit is not None else 1 << 62
        self.steps = 0
        self.exhausted = False
        self.costs = PeopleCosts(c)
        self.weight = sum(p.load for p in c.people) + 1
        self.top: list[Found] = []
        self.bar: tuple[int, ...] | None = None  # the K-th best loop's key, once there are K
        self.by_times: dict[tuple[tuple[int, int], ...], Found] = {}
        self.g, self.day_of = c.g, c.day_of
        self.ivs = ivs = c.interviews
        self.starts = [iv.starts for iv in ivs]
        self.rem_load = [iv.fixed_load + iv.min_pool_load for iv in ivs]
        # Interchangeable interviews (any order only): the highest index goes latest.
        self.blockers = _interchangeable(ivs) if not rules.ordered else [0] * len(ivs)
        self.shares = _sharing(ivs)
        self.chain = _chain_bound(c, rules, self.starts, [iv.duration for iv in ivs])
        self.placed: list[tuple[int, int]] = []  # latest first

    def _offer(self, found: Found, times: tuple[tuple[int, int], ...]) -> None:
        old = self.by_times.get(times)
        if old is not None:
            if found.key >= old.key:
                return
            self.top.remove(old)
        self.by_times[times] = found
        self.top.append(found)
        self.top.sort(key=lambda f: f.key)
        if len(self.top) > self.k:
            dropped = self.top.pop()
            for t, f in list(self.by_times.items()):
                if f is dropped:
                    del self.by_times[t]
                    break
        if len(self.top) >= self.k:
            self.bar = self.top[self.k - 1].key

    def run(self, only: int | None = None) -> list[Found]:
        """The K best loops, best first (ties: first found).

        `only` (a bitmask of interview indices) restricts the loop to those interviews.
        """
        ivs = self.ivs
        n = len(ivs)
        everything = (1 << n) - 1 if only is None else only
        if n == 0 or any(ivs[i].starts == 0 for i in range(n) if everything >> i & 1):
            return []
        self._place_last(everything, sum(self.rem_load[i] for i in range(n) if everything >> i & 1))
        return list(self.top)

    def _candidates(self, rem: int) -> list[int]:
        """The interviews of `rem` that may go latest: the last one (ordered) or each one whose
        interchangeable later twins are placed already."""
        if self.rules.ordered:
            return [rem.bit_length() - 1]
        blockers = self.blockers
        return [i for i in range(len(blockers)) if rem >> i & 1 and not blockers[i] & rem]

    def _place_last(self, rem: int, ld_rest: int) -> None:
        """Place the interview that ends the loop at every start, earliest first (the finish grows),
        until the finish day is beyond the K-th best loop's."""
        g, day_of = self.g, self.day_of
        step_limit = self.step_limit
        for i in self._candidates(rem):
            d = self.ivs[i].duration
            mask = self.starts[i]
            rest = rem & ~(1 << i)
            rest_load = ld_rest - self.rem_load[i]
            cursor = 0
            while x := mask >> cursor:
                s = cursor + (x & -x).bit_length() - 1
                cursor = s + 1
                self.steps += 1
                if self.steps > step_limit:
                    self.exhausted = True
                    return
                e = s * g + d
                fday = day_of[s]
                if self.bar is not None and fday > self.bar[0]:
                    break
                self._place_at(i, s, rest, rest_load, e, fday, 0, e, 0, 0)
                if self.exhausted:
                    return

    def _place_before(
        self,
        rem: int,
        t: int,
        next_start: int,
        run_end: int,
        finish: int,
        fday: int,
        days: int,
        st_acc: int,
        ld_acc: int,
        ld_rest: int,
    ) -> None:
        """Place the latest of the interviews in `rem`, ending by minute `t`, latest start first."""
        g, rules = self.g, self.rules
        step_limit = self.step_limit
        floor = self.c.day_first[self.day_of[next_start // g]] if rules.same_day else 0
        if rules.max_span is not None:
            floor = max(floor, -(-(finish - rules.max_span) // g))
        break_after, break_minutes = rules.break_after, rules.break_minutes
        for i in self._candidates(rem):
            d = self.ivs[i].duration
            mask = self.starts[i]
            rest = rem & ~(1 << i)
            rest_load = ld_rest - self.rem_load[i]
            hi = (t - d) // g
            while hi >= floor:
                s = (mask & ((2 << hi) - 1)).bit_length() - 1
                if s < floor:
                    break
                hi = s - 1
                self.steps += 1
                if self.steps > step_limit:
                    self.exhausted = True
                    return
                a = s * g
                e = a + d
                rs = e
                if break_after is not None and next_start - e < break_minutes:
                    if run_end - a > break_after:
                        hi = min(hi, (next_start - break_minutes - d) // g)
                        continue
                    rs = run_end
                if not self._place_at(i, s, rest, rest_load, finish, fday, days, rs, st_acc, ld_acc):
                    break
                if self.exhausted:
                    return

    def _place_at(
        self,
        i: int,
        s: int,
        rest: int,
        rest_load: int,
        finish: int,
        fday: int,
        days: int,
        run_end: int,
        st_acc: int,
        ld_acc: int,
    ) -> bool:
        """Place interview i at grid start `s` when its bound beats the K-th best loop, then the
        interviews in `rest` before it (or score the loop). False when the bound prunes `s`, and so
        every earlier start: the rest cannot fit before it, or (finish day, days, finish, span) is worse."""
        a = s * self.g
        day_of = self.day_of
        sday = day_of[s]
        days |= 1 << sday
        if rest:
            rules = self.rules
            first = self.chain(rest, a - rules.buffer)
            if first < 0 or (rules.same_day and day_of[first] != sday):
                return False
            span = finish - first * self.g
            if rules.max_span is not None and span > rules.max_span:
                return False
            ndays = days.bit_count() + (day_of[first] < sday)
        else:
            ndays = days.bit_count()
            span = finish - a
        head = (fday, ndays, finish, span)
        bar = self.bar
        if bar is not None and head > bar[:4]:
            return False
        iv = self.ivs[i]
        st, ld, picks = self.costs.best(iv, s)
        if len(picks) < iv.count or (
            bar is not None and (*head, st_acc + st, ld_acc + ld + rest_load) >= bar
        ):
            return True
        if self.shares[i] and not self._distinct_possible(self.shares[i], iv, s):
            return True
        self.placed.append((i, s))
        if rest:
            t = a - self.rules.buffer
            self._place_before(rest, t, a, run_end, finish, fday, days, st_acc + st, ld_acc + ld, rest_load)
        else:
            self._leaf(tuple(reversed(self.placed)), head)
        self.placed.pop()
        return True

    def _distinct_possible(self, sharing: int, iv: InterviewData, s: int) -> bool:
        ivs = self.ivs
        group = [(ivs[j], sj) for j, sj in self.placed if sharing >> j & 1]
        return not group or self.costs.matchable([*group, (iv, s)])

    def _leaf(self, layout: tuple[tuple[int, int], ...], head: tuple[int, int, int, int]) -> None:
        cap = None  # only assignments that would enter the top K are worth finding
        thr = self.bar
        if thr is not None:
            if head > thr[:4]:
                return
            if head == thr[:4]:
                cap = thr[4] * self.weight + thr[5]
        result = assign(self.c, self.costs, layout, self.weight, cap)
        if result is None:
            return
        stretch, load, picks = result
        ivs = self.ivs
        found = Found((*head, stretch, load), layout, picks)
        self._offer(found, tuple((s, ivs[i].duration) for i, s in layout))
