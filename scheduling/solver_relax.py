"""The nearest options when nothing fits: each relaxes exactly one constraint of the problem.

Pure and in ids and numbers (the words belong to `hiring`): a `Relaxation` says what was relaxed
(`kind`), by how much (`value`: the new limit, how many minutes shorter the break or buffer, the new
maximum span in minutes) and for whom (`person`, for limits). The relaxed problem is solved by the same solver, so
every option obeys every other rule. A limit is raised for this problem only; nothing here changes
anyone's settings.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from scheduling.solver import Option, Person, Problem, solve

# Kinds of relaxation, in the order they are tried (the least intrusive first).
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
    """One constraint relaxed: `kind`, its new `value` (limit or minutes; 0 when none), `person` for limits."""

    kind: str
    value: int = 0
    person: str | None = None


def candidates(problem: Problem) -> list[tuple[Relaxation, Problem]]:
    """Every one-constraint relaxation that applies to `problem`, with the relaxed problem."""
    out: list[tuple[Relaxation, Problem]] = []
    fixed = sorted({pid for req in problem.interviews for pid in req.interviewers})
    for pid in fixed:
        person = problem.people[pid]
        if person.daily_limit is not None:
            raised = replace(person, daily_limit=person.daily_limit + 1)
            out.append((Relaxation(DAILY_LIMIT, person.daily_limit + 1, pid), _with_person(problem, raised)))
        if person.weekly_limit is not None:
            raised = replace(person, weekly_limit=person.weekly_limit + 1)
            out.append(
                (Relaxation(WEEKLY_LIMIT, person.weekly_limit + 1, pid), _with_person(problem, raised))
            )
    rules = problem.rules
    if rules.break_after_minutes is not None and rules.break_minutes > 0:
        shorter = max(0, rules.break_minutes - 30)
        out.append(
            (
                Relaxation(SHORTER_BREAK, rules.break_minutes - shorter),
                replace(problem, rules=replace(rules, break_minutes=shorter)),
            )
        )
    if rules.buffer_minutes > 0:
        out.append(
            (
                Relaxation(SHORTER_BUFFER, rules.buffer_minutes),
                replace(problem, rules=replace(rules, buffer_minutes=0)),
            )
        )
    if rules.max_span_minutes is not None:
        longer = rules.max_span_minutes + 60
        out.append(
            (Relaxation(LONGER_SPAN, longer), replace(problem, rules=replace(rules, max_span_minutes=longer)))
        )
    if rules.same_day:
        out.append((Relaxation(MORE_DAYS), replace(problem, rules=replace(rules, same_day=False))))
    if rules.ordered and len(problem.interviews) > 1:
        out.append((Relaxation(ANY_ORDER), replace(problem, rules=replace(rules, ordered=False))))
    return out


def _with_person(problem: Problem, person: Person) -> Problem:
    """`problem` with `person` in place of the person of the same id."""
    return replace(problem, people={**problem.people, person.id: person})


def nearest_options(problem: Problem, most: int = 3) -> list[tuple[Relaxation, Option]]:
    """Up to `most` relaxations that make `problem` fit, each with its best option (tried in the
    order of `candidates`). For a problem where nothing fits."""
    out: list[tuple[Relaxation, Option]] = []
    for relaxation, relaxed in candidates(problem):
        if len(out) >= most:
            break
        solution = solve(replace(relaxed, k=1))
        if solution.options:
            out.append((relaxation, solution.options[0]))
    return out
