"""The exact reference for the solver benchmark: the same model solved by OR-Tools CP-SAT.

It reads the solver's grid (`scheduling.solver_compile.Compiled`: the possible starts of every
interview and of every person, the candidate's days, the stretch of each time zone) and states the
rules and the objective as a CP-SAT model, so both optimise exactly the same number
(`Option.objective`, see `scheduling.solver`). The K best options are found the way the solver
defines them: the best solution, then the best whose set of interview times differs from every one
found so far, and so on (a no-good cut per option).

Benchmark-only: OR-Tools is a dev dependency, never imported by the app.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from scheduling.solver import objective_weights
from scheduling.solver_compile import Compiled, InterviewData, bits


@dataclass
class ReferenceResult:
    """Objective values (best first) and the time to the first and to all of them."""

    objectives: list[int]
    first_seconds: float
    all_seconds: float
    status: str


@dataclass
class _Data:
    starts: dict[int, list[int]]  # interview -> possible starts
    free: dict[tuple[int, int], list[int]]  # (interview, pool member) -> their possible starts
    stretch: dict[tuple[int, str], list[int]]  # (interview, time zone) -> stretch per grid start


def _prepare(c: Compiled) -> _Data:
    g = c.g
    data = _Data({}, {}, {})
    zones = sorted({p.tz for p in c.people})
    for iv in c.interviews:
        possible = c.exact_starts(iv)
        data.starts[iv.index] = bits(possible)
        for p in iv.pool:
            data.free[iv.index, p] = bits(c.people[p].starts_for(iv.duration, g) & possible)
        for tz in zones:
            table = [0] * c.n_grid
            for s in data.starts[iv.index]:
                table[s] = c.stretch(tz, s * g, iv.duration)
            data.stretch[iv.index, tz] = table
    return data


def _domain(values: list[int]) -> cp_model.Domain:
    return cp_model.Domain.from_values(values)


def solve_reference(c: Compiled, count: int, time_limit: float = 120.0, workers: int = 0) -> ReferenceResult:
    """The `count` best objective values of the problem `c`, found by CP-SAT.

    The data the model reads (every interview's and person's possible starts, the stretch tables)
    is computed before the clock starts; model building and solving are timed.
    """
    data = _prepare(c)
    t0 = time.perf_counter()
    w_fday, w_days, w_finish, w_span, w_stretch, w_load = objective_weights(c)
    m = cp_model.CpModel()
    starts = _start_vars(m, c, data)
    if starts is None:
        return ReferenceResult([], 0.0, time.perf_counter() - t0, "INFEASIBLE")
    pos_start, pos_end = _positions(m, c, starts)
    _breaks_and_span(m, c, pos_start, pos_end)
    fday, ndays = _days(m, c, starts)
    stretch_terms, load_terms = _people(m, c, data, starts)
    fixed_load = sum(iv.fixed_load for iv in c.interviews)
    finish = pos_end[-1]
    m.minimize(
        w_fday * fday
        + w_days * ndays
        + w_finish * finish
        + w_span * (finish - c.g * pos_start[0])
        + w_stretch * sum(stretch_terms)
        + w_load * (sum(load_terms) + fixed_load)
    )
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    if workers:
        solver.parameters.num_workers = workers
    return _best(m, solver, c, starts, count, t0)


def _start_vars(m: cp_model.CpModel, c: Compiled, data: _Data) -> list[cp_model.IntVar] | None:
    """Every interview's start (grid index), or None when one has no possible start."""
    starts = []
    for iv in c.interviews:
        values = data.starts[iv.index]
        if not values:
            return None
        starts.append(m.new_int_var_from_domain(_domain(values), f"s_{iv.key}"))
    return starts


def _positions(
    m: cp_model.CpModel, c: Compiled, starts: list[cp_model.IntVar]
) -> tuple[list[cp_model.IntVar], list[cp_model.IntVar]]:
    """Starts and ends in time order (x[i][k]: interview i is the k-th), buffers between them."""
    rules, g, ivs = c.problem.rules, c.g, c.interviews
    n = len(ivs)
    pos_start = [m.new_int_var(0, c.n_grid, f"ps{k}") for k in range(n)]
    pos_end = [m.new_int_var(0, c.horizon + g, f"pe{k}") for k in range(n)]
    if rules.ordered:
        for i, iv in enumerate(ivs):
            m.add(pos_start[i] == starts[i])
            m.add(pos_end[i] == g * starts[i] + iv.duration)
    else:
        x = [[m.new_bool_var(f"x{i}_{k}") for k in range(n)] for i in range(n)]
        for i in range(n):
            m.add_exactly_one(x[i])
        for k in range(n):
            m.add_exactly_one(x[i][k] for i in range(n))
        for i, iv in enumerate(ivs):
            for k in range(n):
                m.add(pos_start[k] == starts[i]).only_enforce_if(x[i][k])
                m.add(pos_end[k] == g * starts[i] + iv.duration).only_enforce_if(x[i][k])
    for k in range(n - 1):
        m.add(g * pos_start[k + 1] >= pos_end[k] + rules.buffer_minutes)
    return pos_start, pos_end


def _breaks_and_span(
    m: cp_model.CpModel, c: Compiled, pos_start: list[cp_model.IntVar], pos_end: list[cp_model.IntVar]
) -> None:
    """A run of back-to-back interviews (gaps < break_minutes) spans at most break_after; the loop
    at most max_span."""
    rules, g = c.problem.rules, c.g
    n = len(pos_start)
    if rules.break_after_minutes is not None and n > 1:
        brk = [m.new_bool_var(f"brk{k}") for k in range(n - 1)]
        for k in range(n - 1):
            m.add(g * pos_start[k + 1] - pos_end[k] >= rules.break_minutes).only_enforce_if(brk[k])
        for a in range(n):
            for b in range(a + 1, n):
                m.add(pos_end[b] - g * pos_start[a] <= rules.break_after_minutes).only_enforce_if(
                    [brk[j].negated() for j in range(a, b)]
                )
    if rules.max_span_minutes is not None:
        m.add(pos_end[n - 1] - g * pos_start[0] <= rules.max_span_minutes)


def _days(
    m: cp_model.CpModel, c: Compiled, starts: list[cp_model.IntVar]
) -> tuple[cp_model.IntVar, cp_model.IntVar]:
    """The candidate's days: (the finish day, the number of days used); one day when same_day."""
    n, n_days = len(starts), c.n_days
    day_table = list(c.day_of)
    days = [m.new_int_var(0, n_days - 1, f"day{i}") for i in range(n)]
    for i in range(n):
        m.add_element(starts[i], day_table, days[i])
    if c.problem.rules.same_day:
        for i in range(1, n):
            m.add(days[i] == days[0])
    used = [m.new_bool_var(f"used{d}") for d in range(n_days)]
    for i in range(n):
        for d in range(n_days):
            on = m.new_bool_var(f"on{i}_{d}")
            m.add(days[i] == d).only_enforce_if(on)
            m.add(days[i] != d).only_enforce_if(on.negated())
            m.add_implication(on, used[d])
    fday = m.new_int_var(0, n_days - 1, "fday")
    m.add_max_equality(fday, days)
    ndays = m.new_int_var(1, n, "ndays")
    m.add(ndays == sum(used))
    return fday, ndays


def _people(
    m: cp_model.CpModel, c: Compiled, data: _Data, starts: list[cp_model.IntVar]
) -> tuple[list, list]:
    """N distinct pool members free at the start, each person at most once in the loop: the
    (stretch terms, load terms) of the objective."""
    ivs = c.interviews
    load_terms: list = []
    stretch_terms: list = []
    chosen: dict[int, list] = {}
    tz_names = sorted({p.tz for p in c.people})
    st_var: dict[tuple[int, str], cp_model.IntVar] = {}

    def stretch_of(i: int, tz: str) -> cp_model.IntVar:
        """Interviewer-minutes outside comfortable hours for one person in `tz` at interview i."""
        if (i, tz) not in st_var:
            var = m.new_int_var(0, ivs[i].duration, f"st{i}_{tz}")
            m.add_element(starts[i], data.stretch[i, tz], var)
            st_var[i, tz] = var
        return st_var[i, tz]

    for i, iv in enumerate(ivs):
        for p in iv.fixed:
            stretch_terms.append(stretch_of(i, c.people[p].tz))
        if iv.count:
            counts: dict[str, list] = {}
            ys = []
            for p in iv.pool:
                person = c.people[p]
                free = data.free[i, p]
                if not free:
                    continue
                y = m.new_bool_var(f"y{i}_{p}")
                m.add_linear_expression_in_domain(starts[i], _domain(free)).only_enforce_if(y)
                ys.append(y)
                chosen.setdefault(p, []).append(y)
                counts.setdefault(person.tz, []).append(y)
                if person.load:
                    load_terms.append(person.load * y)
            m.add(sum(ys) == iv.count)
            for tz in tz_names:
                if tz in counts:
                    cnt = m.new_int_var(0, iv.count, f"cnt{i}_{tz}")
                    m.add(cnt == sum(counts[tz]))
                    prod = m.new_int_var(0, iv.count * iv.duration, f"pst{i}_{tz}")
                    m.add_multiplication_equality(prod, [cnt, stretch_of(i, tz)])
                    stretch_terms.append(prod)
    for ys in chosen.values():
        if len(ys) > 1:
            m.add_at_most_one(ys)
    return stretch_terms, load_terms


def _best(
    m: cp_model.CpModel,
    solver: cp_model.CpSolver,
    c: Compiled,
    starts: list[cp_model.IntVar],
    count: int,
    t0: float,
) -> ReferenceResult:
    """Solve `count` times, each time cutting off the last option's set of interview times."""
    ivs = c.interviews
    objectives: list[int] = []
    first = 0.0
    status_name = "OPTIMAL"
    occupied: dict[tuple[int, int], cp_model.IntVar] = {}
    for _ in range(count):
        status = solver.solve(m)
        if status != cp_model.OPTIMAL:
            status_name = solver.status_name(status)
            break
        objectives.append(round(solver.objective_value))
        if len(objectives) == 1:
            first = time.perf_counter() - t0
        times = sorted((solver.value(starts[i]), iv.duration) for i, iv in enumerate(ivs))
        m.add_bool_or([_occupied(m, ivs, starts, s, d, occupied).negated() for s, d in times])
    if not objectives and status_name == "OPTIMAL":
        status_name = "INFEASIBLE"
    return ReferenceResult(objectives, first, time.perf_counter() - t0, status_name)


def _occupied(
    m: cp_model.CpModel,
    ivs: Sequence[InterviewData],
    starts: list[cp_model.IntVar],
    s: int,
    d: int,
    occupied: dict[tuple[int, int], cp_model.IntVar],
) -> cp_model.IntVar:
    """A literal true when some interview of `d` minutes starts at `s` (made once, kept in
    `occupied`): the next option must differ in its set of interview times."""
    key = (s, d)
    if key not in occupied:
        occ = m.new_bool_var(f"occ{s}_{d}")
        hits = []
        for i, iv in enumerate(ivs):
            if iv.duration == d:
                hit = m.new_bool_var(f"at{i}_{s}")
                m.add(starts[i] == s).only_enforce_if(hit)
                m.add(starts[i] != s).only_enforce_if(hit.negated())
                m.add_implication(hit, occ)
                hits.append(hit)
        m.add_bool_or(hits).only_enforce_if(occ)
        occupied[key] = occ
    return occupied[key]
