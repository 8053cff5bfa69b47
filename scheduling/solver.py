"""The slot solver: the K best ways to schedule a stage's interviews. Pure, deterministic, no I/O.

Input (`Problem`): the candidate's availability windows, the people (time zone, working hours and
days, busy time, daily/weekly limits counting their existing bookings, recent load), the rooms, the
stage's interviews (duration, fixed interviewers and/or N of a pool, shadow candidates, on-site)
and rules (order, same day, buffers, breaks, maximum span). Output (`Solution`): up to `k` options,
best first, each with every interview's time, interviewers, shadows and room and a one-line reason;
or, when nothing fits, `blocked`: the constraint that blocks, in words.

Rules every option satisfies (all times on a grid of `granularity` minutes, UTC-aligned):
- every interview lies inside the candidate's windows (touching windows join) and starts at or
  after `now`;
- every interviewer is inside their working hours on a working day (their own time zone, converted
  per local date so daylight-saving changes are right), not busy, and under `daily_limit` (their
  local day) and `weekly_limit` (their local ISO week) counting `existing_bookings` plus this loop;
- a person sits at most one interview of the loop (so nobody is double-booked), pool seats are
  filled by N distinct pool members, shadows are free too and never block;
- consecutive interviews are at least `buffer_minutes` apart; two or more interviews that follow
  each other with gaps shorter than `break_minutes` span at most `break_after_minutes`;
- `ordered`: the given order; `same_day`: one candidate-local day; `max_span_minutes`: first
  start to last end; on-site interviews get a room that is free.

Objective (smaller is better), compared lexicographically — see `Score`:
  1. finish day: the candidate's day the loop ends on (done soonest),
  2. days: how many of the candidate's days it uses (fewest days),
  3. finish minute: when the last interview ends (earliest),
  4. span: first start to last end (compact: the candidate waits least between interviews),
  5. stretch: interviewer-minutes outside 10:00–16:00 in their own time zone (fewest time-zone stretches),
  6. load: the sum of the chosen interviewers' `recent_load` (fair rotation).
As one number, `Option.objective = (((((finish_day * (n + 1) + days) * F + finish) * F + span) * S
+ stretch) * L + load` with n interviews, F = horizon minutes + 1, S = 1 + the most interviewer-minutes,
L = 1 + the sum of the recent loads of everyone named in the stage (so the weights keep the
lexicographic order; see `objective_weights`). The exact CP-SAT reference in
`benchmarks/solver_cpsat.py` minimises this same number.

Options are distinct: no two share the same set of interview times (each time set appears once,
with its best assignment of interviews and people). Ties keep the first found in a deterministic
search (people by cost then id), so the same input gives the same output.

How (see `solver_compile` and `solver_search`): the problem becomes bitsets of possible starts on
the grid, then an exact branch and bound with admissible bounds finds the K best. On pathological
inputs the search stops after `MAX_STEPS` starts tried and returns the best options found so far
(no benchmark or realistic stage comes near: they need well under a thousand). When nothing fits,
`solver_explain` checks each interview alone, then relaxes one rule at a time to name the binding one;
`solver_relax.nearest_options` gives the nearest options, each relaxing one constraint.
"""

from __future__ import annotations

from datetime import timedelta

from scheduling.solver_compile import Compiled, compile_problem
from scheduling.solver_explain import blocked_reason, pool_shortage, reasons, static_block
from scheduling.solver_model import (
    Interval,
    InterviewReq,
    Option,
    Person,
    Problem,
    Room,
    Score,
    Slot,
    Solution,
    StageRules,
)
from scheduling.solver_search import Found, Search, SearchRules

# Starts the search may try before checking pools fully, and in all (a safety net: past it, the best
# options found so far are returned). Every benchmark instance needs fewer than a thousand.
FIRST_STEPS = 5_000
MAX_STEPS = 200_000

__all__ = [
    "Interval",
    "InterviewReq",
    "Option",
    "Person",
    "Problem",
    "Room",
    "Score",
    "Slot",
    "Solution",
    "StageRules",
    "objective_weights",
    "solve",
]


def objective_weights(c: Compiled) -> tuple[int, int, int, int, int, int]:
    """Weights of the `Score` fields in `Option.objective` (same order as `Score.key()`)."""
    n = len(c.interviews)
    f = c.horizon + 1
    s = sum((len(iv.fixed) + iv.count) * iv.duration for iv in c.interviews) + 1
    load = sum(p.load for p in c.people) + 1
    w_span = s * load
    w_finish = f * w_span
    w_days = f * w_finish
    return ((n + 1) * w_days, w_days, w_finish, w_span, load, 1)


def solve(problem: Problem) -> Solution:
    """The `problem.k` best options, best first, or why nothing fits."""
    c = compile_problem(problem)
    if c is None or not c.interviews:
        return Solution([], blocked_reason(c, problem.now))
    static = static_block(c)
    if static:
        return Solution([], static)
    search = Search(c, SearchRules.of(c), problem.k, step_limit=FIRST_STEPS)
    found = search.run()
    if search.exhausted:
        # A hard instance: look at every pool member now (cheap next to the search), rule out pools
        # whose free members are too few for distinct people (the usual cause), fold the pools into
        # the possible starts for tighter bounds, and search much longer.
        shortage = pool_shortage(c, complete=True)
        if shortage:
            return Solution([], shortage)
        c.fold_pools()
        if any(not iv.starts for iv in c.interviews):
            return Solution([], blocked_reason(c, problem.now))
        found = Search(c, SearchRules.of(c), problem.k, step_limit=MAX_STEPS).run()
    if not found:
        return Solution([], blocked_reason(c, problem.now))
    weights = objective_weights(c)
    lines = reasons(c, found)
    return Solution([_option(c, f, weights, line) for f, line in zip(found, lines, strict=True)])


def _option(c: Compiled, f: Found, weights: tuple[int, ...], reason: str) -> Option:
    ivs = c.interviews
    g = c.g
    ids = [p.person.id for p in c.people]
    used = 0
    for i, _ in f.layout:
        for p in (*ivs[i].fixed, *f.picks.get(i, ())):
            used |= 1 << p
    room_ids = [room_id for room_id, _ in c.rooms]
    last_room: int | None = None
    slots = []
    for i, s in f.layout:
        iv = ivs[i]
        start = c.at(s * g)
        shadows: list[str] = []
        ranked = sorted(iv.shadows, key=lambda p: (c.people[p].load, ids[p]))
        for p in ranked:
            if len(shadows) >= iv.shadow_count:
                break
            if not used >> p & 1 and c.people[p].free_at(iv.duration, s):
                used |= 1 << p
                shadows.append(ids[p])
        room = None
        if iv.onsite:
            free = [r for r, mask in enumerate(c.room_starts(iv.duration)) if mask >> s & 1]
            pick = last_room if last_room in free else free[0]
            room, last_room = room_ids[pick], pick
        slots.append(
            Slot(
                interview_key=iv.key,
                start=start,
                end=start + timedelta(minutes=iv.duration),
                interviewers=tuple(ids[p] for p in (*iv.fixed, *f.picks.get(i, ()))),
                shadows=tuple(shadows),
                room=room,
            )
        )
    score = Score(*f.key)
    objective = sum(w * v for w, v in zip(weights, f.key, strict=True))
    return Option(tuple(slots), score, objective, reason)
