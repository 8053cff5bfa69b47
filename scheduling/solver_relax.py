"""The nearest options when nothing fits: each relaxes exactly one constraint of the problem.

Pure and in ids and numbers (the words belong to `hiring`): a `Relaxation` says what was relaxed
(`kind`), by how much (`value`: the new limit, how many minutes shorter the break or buffer, the new
maximum span in minutes) and for whom (`person`, for limits). The relaxed problem is solved by the same solver, so
every option obeys every other rule. A limit is raised for this problem only; nothing here changes
anyone's settings. A pool swap (`SWAP`) puts another person (`instead`, from the caller's `Swap`s,
already in `problem.people`) in `person`'s place on one interview; swaps are tried first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from scheduling.solver import Option, Problem, solve

# Kinds of relaxation, in the order they are tried (the one a recruiter reaches for first, first).
SWAP = "swap"
DAILY_LIMIT = "daily_limit"
WEEKLY_LIMIT = "weekly_limit"
SHORTER_BREAK = "shorter_break"
SHORTER_BUFFER = "shorter_buffer"
LONGER_SPAN = "longer_span"
MORE_DAYS = "more_days"
ANY_ORDER = "any_order"
# Built by the caller, who reads everyone's calendars for that week: the candidate's windows a week later.
ONE_WEEK_LATER = "one_week_later"


@dataclass(frozen=True, slots=True)
class Relaxation:
    """One constraint relaxed: `kind`, its new `value` (limit or minutes; 0 when none), `person` for
    limits; for a swap, `person` leaves `interview` (its key) and `instead` sits it."""

    kind: str
    value: int = 0
    person: str | None = None
    interview: str | None = None
    instead: str | None = None


@dataclass(frozen=True, slots=True)
class Swap:
    """Someone who may sit `interview` in `out`'s place (`instead`, a person of the problem)."""

    interview: str
    out: str
    instead: str


def swapped(problem: Problem, swap: Swap) -> Problem:
    """`problem` with `swap.instead` in `swap.out`'s place on `swap.interview`."""
    interviews = tuple(
        replace(
            req,
            interviewers=tuple(swap.instead if u == swap.out else u for u in req.interviewers),
            shadows=tuple(u for u in req.shadows if u != swap.instead),
        )
        if req.key == swap.interview and swap.out in req.interviewers
        else req
        for req in problem.interviews
    )
    return replace(problem, interviews=interviews)


def candidates(problem: Problem) -> list[tuple[Relaxation, Problem]]:
    """Every one-constraint relaxation that applies to `problem`, with the relaxed problem."""
    out: list[tuple[Relaxation, Problem]] = []
    fixed = sorted({pid for req in problem.interviews for pid in req.interviewers})
    for pid in fixed:
        person = problem.people[pid]
        for kind in (DAILY_LIMIT, WEEKLY_LIMIT):  # each kind names the `Person` field it raises
            limit: int | None = getattr(person, kind)
            if limit is not None:
                raised: dict[str, Any] = {kind: limit + 1}
                people = {**problem.people, pid: replace(person, **raised)}
                out.append((Relaxation(kind, limit + 1, pid), replace(problem, people=people)))
    rules = problem.rules

    def relaxed(**changes: Any) -> Problem:
        return replace(problem, rules=replace(rules, **changes))

    if rules.break_after_minutes is not None and rules.break_minutes > 0:
        shorter = max(0, rules.break_minutes - 30)
        out.append((Relaxation(SHORTER_BREAK, rules.break_minutes - shorter), relaxed(break_minutes=shorter)))
    if rules.buffer_minutes > 0:
        out.append((Relaxation(SHORTER_BUFFER, rules.buffer_minutes), relaxed(buffer_minutes=0)))
    if rules.max_span_minutes is not None:
        longer = rules.max_span_minutes + 60
        out.append((Relaxation(LONGER_SPAN, longer), relaxed(max_span_minutes=longer)))
    if rules.same_day:
        out.append((Relaxation(MORE_DAYS), relaxed(same_day=False)))
    if rules.ordered and len(problem.interviews) > 1:
        out.append((Relaxation(ANY_ORDER), relaxed(ordered=False)))
    return out


def _swap_options(problem: Problem, swaps: Sequence[Swap], most: int) -> list[tuple[Relaxation, Option]]:
    """For each interviewer of each interview, the first of `swaps` (in the caller's order) that
    makes `problem` fit in their place, with its best option (up to `most`)."""
    out: list[tuple[Relaxation, Option]] = []
    done: set[tuple[str, str]] = set()
    for swap in swaps:
        if len(out) >= most:
            break
        if (swap.interview, swap.out) in done or swap.instead not in problem.people:
            continue
        solution = solve(replace(swapped(problem, swap), k=1))
        if solution.options:
            done.add((swap.interview, swap.out))
            relaxation = Relaxation(SWAP, 0, swap.out, swap.interview, swap.instead)
            out.append((relaxation, solution.options[0]))
    return out


def nearest_options(
    problem: Problem, most: int = 3, swaps: Sequence[Swap] = ()
) -> list[tuple[Relaxation, Option]]:
    """Up to `most` relaxations that make `problem` fit, each with its best option: pool swaps
    first, then the order of `candidates`. For a problem where nothing fits."""
    out = _swap_options(problem, swaps, most)
    for relaxation, relaxed in candidates(problem):
        if len(out) >= most:
            break
        solution = solve(replace(relaxed, k=1))
        if solution.options:
            out.append((relaxation, solution.options[0]))
    return out
