"""Words for the solver: why an option is good, and which constraint blocks when nothing fits."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
from functools import reduce
from itertools import combinations
from operator import or_

from scheduling.solver_compile import Compiled, InterviewData, bits, zone
from scheduling.solver_model import Person
from scheduling.solver_search import Found, Search, SearchRules

# The work spent looking for the binding constraint (starts tried by the relaxed searches, in all).
EXPLAIN_STEPS = 60_000


def _minutes(n: int) -> str:
    if n % 60 == 0 and n >= 60:
        hours = n // 60
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{n} minutes"


def _names(labels: Sequence[str]) -> str:
    if len(labels) <= 1:
        return "".join(labels)
    return ", ".join(labels[:-1]) + " and " + labels[-1]


def when(c: Compiled, minute: int) -> str:
    """Minute on the grid as 'Tue 24 Nov 15:45 GMT' in the candidate's time zone."""
    t = c.at(minute).astimezone(zone(c.problem.candidate_tz))
    return f"{t:%a} {t.day} {t:%b} {t:%H:%M} {t.tzname()}"


def _hm(n: int, *, length: bool = False) -> str:
    """'45 min', '3 h', '1 h 30' (as in 'a 2 h 45 loop'); as a `length`, '4 h 45 min'."""
    hours, minutes = divmod(n, 60)
    if not hours:
        return f"{minutes} min"
    return f"{hours} h" + ((f" {minutes} min" if length else f" {minutes:02d}") if minutes else "")


def days_text(days: Sequence[date]) -> str:
    """'Tue–Thu' (within a week), 'Mon, Wed' or '24 Nov–3 Dec' (longer)."""
    days = sorted(set(days))
    if not days:
        return "no day"
    within_week = (days[-1] - days[0]).days < 7
    runs: list[tuple[date, date]] = []
    for day in days:
        if runs and (day - runs[-1][1]).days == 1:
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))

    def name(d: date) -> str:
        return f"{d:%a}" if within_week else f"{d.day} {d:%b}"

    parts = []
    for first, last in runs:
        if first == last:
            parts.append(name(first))
        elif (last - first).days == 1:
            parts.append(f"{name(first)}, {name(last)}")
        else:
            parts.append(f"{name(first)}–{name(last)}")
    if not within_week and len(parts) > 3:
        return f"{name(days[0])}–{name(days[-1])}"
    return ", ".join(parts)


def window_days(c: Compiled) -> list[date]:
    """The candidate-local days the (usable) windows touch."""
    tz = zone(c.problem.candidate_tz)
    out: set[date] = set()
    for a, b in c.windows:
        day = c.at(a).astimezone(tz).date()
        last = c.at(b - 1).astimezone(tz).date()
        while day <= last:
            out.add(day)
            day += timedelta(days=1)
    return sorted(out)


# -- reasons ------------------------------------------------------------------------------------


def reasons(c: Compiled, found: Sequence[Found]) -> list[str]:
    """One line per option naming what makes it good (compared with the other options)."""
    out = []
    best = found[0].key if found else None
    min_stretch = min((f.key[4] for f in found), default=0)
    min_load = min((f.key[5] for f in found), default=0)
    min_span = min((f.key[3] for f in found), default=0)
    for rank, f in enumerate(found):
        _, ndays, finish, span, stretch, load = f.key
        ends = when(c, finish)
        day_word = f"{ndays} day{'s' if ndays != 1 else ''}"
        extras = []
        if stretch == 0:
            extras.append("no time-zone stretch")
        if load == min_load and len(found) > 1:
            extras.append("fairest load")
        tail = f" ({', '.join(extras)})" if extras else ""
        if rank == 0:
            out.append(f"Earliest: done {ends} over {day_word}{tail}")
            continue
        assert best is not None
        if ndays < best[1]:
            out.append(f"Fewest days: {day_word}, done {ends}")
        elif span == min_span and span < best[3]:
            out.append(f"Most compact: {_hm(span, length=True)} from first start to last end, done {ends}")
        elif stretch == min_stretch and stretch < best[4]:
            out.append(
                f"Fewest time-zone stretches: {stretch} interviewer-minutes outside 10:00–16:00, done {ends}"
            )
        elif load == min_load and load < best[5]:
            out.append(f"Fairest load: interviewers with the least recent load ({load}), done {ends}")
        else:
            out.append(f"Next earliest: done {ends} over {day_word}{tail}")
    return out


# -- why nothing fits -------------------------------------------------------------------------------


def _days_of(c: Compiled, mask: int) -> list[date]:
    return [c.first_day + timedelta(days=d) for d in sorted({c.day_of[s] for s in bits(mask)})]


def _interview_problem(c: Compiled, iv: InterviewData) -> str:
    """Why a single interview has no possible start."""
    d = iv.duration
    label = c.problem.interviews[iv.index].label
    window = iv.window_starts
    span = days_text(window_days(c))
    if not window:
        return f"No window of the candidate is {_minutes(d)} long for {label}; ask the candidate for longer windows."
    return (
        _fixed_problem(c, iv, window, span)
        or _room_problem(c, iv, window, span, label)
        or _pool_problem(c, iv, window, span, label)
        or _parts_problem(c, iv, window, span, label)
    )


def _fixed_problem(c: Compiled, iv: InterviewData, window: int, span: str) -> str | None:
    """Why a fixed interviewer alone rules out every start, or None."""
    g, d = c.g, iv.duration
    for p in iv.fixed:
        person = c.people[p]
        who = person.person.label
        if not window & person.raw_starts_for(d, g):
            return (
                f"{who} has no free {_minutes(d)} inside the candidate's windows on {span}; "
                f"widen the windows or swap {who}."
            )
        if not window & person.starts_for(d, g):
            return (
                f"{_limits_reached(c, person.person, _days_of(c, window & person.raw_starts_for(d, g)))}, "
                f"every day {who} is free inside the candidate's windows; widen the windows, "
                f"raise {who}'s limit or swap {who}."
            )
    return None


def _limits_reached(c: Compiled, person: Person, days: Sequence[date]) -> str:
    """'daily limit 2 reached for Carol on Tue, Wed; weekly limit 4 reached for Carol on Thu' for `days`."""
    tz = zone(person.tz)
    per_day = Counter(booked.astimezone(tz).date() for booked in person.existing_bookings)
    daily: list[date] = []
    weekly: list[date] = []
    for day in days:
        if person.daily_limit is not None and per_day.get(day, 0) >= person.daily_limit:
            daily.append(day)
        elif person.weekly_limit is not None:
            weekly.append(day)
    parts = []
    if daily:
        parts.append(f"daily limit {person.daily_limit} reached for {person.label} on {days_text(daily)}")
    if weekly:
        parts.append(f"weekly limit {person.weekly_limit} reached for {person.label} on {days_text(weekly)}")
    text = "; ".join(parts) or f"interview limits reached for {person.label}"
    return text[0].upper() + text[1:]


def _pool_problem(c: Compiled, iv: InterviewData, window: int, span: str, label: str) -> str | None:
    """Why the pool alone rules out every start, or None."""
    d = iv.duration
    if not iv.count:
        return None
    size = len(iv.pool)
    if size < iv.count:
        return (
            f"The pool for {label} has {size} available {'person' if size == 1 else 'people'} "
            f"(interviewers fixed elsewhere in the loop cannot be picked) but {label} needs {iv.count}; "
            f"add people to the pool."
        )
    if not window & c.at_least(iv.pool, iv.count, d, raw=True):
        need = "anyone" if iv.count == 1 else f"{iv.count} people"
        return (
            f"No one in the pool for {label} has {_minutes(d)} free inside the candidate's windows on {span}; "
            "widen the windows or add people to the pool."
            if iv.count == 1
            else f"The pool for {label} never has {need} free together for {_minutes(d)} inside the "
            f"candidate's windows on {span}; widen the windows or add people to the pool."
        )
    if not window & c.at_least(iv.pool, iv.count, d):
        return (
            f"Everyone free in the pool for {label} inside the candidate's windows is at their daily or weekly "
            "interview limit; widen the windows or add people to the pool."
        )
    return None


def _room_problem(c: Compiled, iv: InterviewData, window: int, span: str, label: str) -> str | None:
    """Why the rooms alone rule out every start of an on-site interview, or None."""
    d = iv.duration
    if not iv.onsite:
        return None
    rooms = c.room_starts(d)
    if not rooms:
        return f"{label} is on-site but no rooms are set up; add a room."
    if not window & reduce(or_, rooms, 0):
        return f"No room is free for {_minutes(d)} inside the candidate's windows on {span}; widen the windows or book another room."
    return None


def _parts_problem(c: Compiled, iv: InterviewData, window: int, span: str, label: str) -> str:
    """Each part fits alone: name two that never meet, or else everyone the interview needs."""
    g, d = c.g, iv.duration
    parts: list[tuple[str, int, bool]] = [  # (who, when free, a person one could swap)
        (c.people[p].person.label, c.people[p].starts_for(d, g), True) for p in iv.fixed
    ]
    if iv.count:
        who = "someone" if iv.count == 1 else f"{iv.count} people"
        parts.append((f"{who} from the pool", c.at_least(iv.pool, iv.count, d), False))
    if iv.onsite:
        parts.append(("a room", reduce(or_, c.room_starts(d), 0), False))
    for (name_a, mask_a, person_a), (name_b, mask_b, person_b) in combinations(parts, 2):
        if not window & mask_a & mask_b:
            swap = name_a if person_a else name_b if person_b else "someone"
            return (
                f"{name_a} and {name_b} share no free {'hour' if d == 60 else _minutes(d)} inside the candidate's windows "
                f"on {span} ({label} needs {_hm(d, length=True)} together); widen the windows or swap {swap}."
            )
    return (
        f"No {_minutes(d)} inside the candidate's windows on {span} suits everyone {label} needs "
        f"({_names([p for p, _, _ in parts])}); widen the windows or swap someone."
    )


def pool_shortage(c: Compiled, complete: bool = False) -> str | None:
    """Interviews whose pools cannot give them all distinct people (Hall's condition, checked on
    every group of pooled interviews: on the pools, then on the members free at all). Big pools'
    members are looked at one by one only when `complete`."""
    pooled = [iv for iv in c.interviews if iv.count]
    effective = {}
    for iv in pooled:
        if iv.pool_exact or complete:
            effective[iv.index] = {p for p in iv.pool if c.people[p].starts_for(iv.duration, c.g) & iv.starts}
        else:
            effective[iv.index] = set(iv.pool)
    for size in range(2, len(pooled) + 1):
        for group in combinations(pooled, size):
            need = sum(iv.count for iv in group)
            members = set().union(*(iv.pool for iv in group))
            free = set().union(*(effective[iv.index] for iv in group))
            labels = _names([c.problem.interviews[iv.index].label for iv in group])
            if len(members) < need:
                return (
                    f"{labels} need {need} different people but their pools have only {len(members)} "
                    "between them (a person sits one interview per loop); add people to the pools."
                )
            if len(free) < need:
                return (
                    f"{labels} need {need} different people but only {len(free)} of their pool members "
                    f"{'is' if len(free) == 1 else 'are'} free inside the candidate's windows (a person sits one "
                    "interview per loop); "
                    "widen the windows or add people to the pools."
                )
    return None


def static_block(c: Compiled) -> str | None:
    """What blocks the loop before any search: a person fixed twice, an interview that has no
    possible start, pools too small for distinct people. None when the search is needed."""
    for pid, keys in sorted(c.fixed_twice.items()):
        who = c.problem.people[pid].label
        labels = [iv.label for iv in c.problem.interviews if iv.key in keys]
        return f"{who} is fixed on {_names(labels)}; a person sits one interview per loop, so swap {who} on one of them."
    short = window_shortage(c)
    if short:
        return short
    for iv in c.interviews:
        if not iv.starts:
            return _interview_problem(c, iv)
    return pool_shortage(c)


def window_shortage(c: Compiled) -> str | None:
    """The candidate's windows are shorter than the loop itself (in all, or on any one day when the
    stage is on one day), or None."""
    total = sum(iv.duration for iv in c.interviews)
    have = sum(b - a for a, b in c.windows)
    if have < total:
        return (
            f"The candidate's windows total {_hm(have)} for a {_hm(total)} loop; "
            "ask the candidate for more windows."
        )
    if not c.problem.rules.same_day:
        return None
    per_day: dict[int, int] = {}
    g, bounds = c.g, c.day_first
    for a, b in c.windows:  # each window split at the candidate's midnights
        day = c.day_of[min(a // g, c.n_grid - 1)]
        while a < b:
            end = min(b, bounds[day + 1] * g) if day + 1 < len(bounds) else b
            end = max(end, a + 1)
            per_day[day] = per_day.get(day, 0) + min(end, b) - a
            a, day = end, day + 1
    longest = max(per_day.values(), default=0)
    if longest < total:
        return (
            f"The candidate's longest day of windows is {_hm(longest)} for a {_hm(total)} loop on one day; "
            "ask the candidate for a longer day or allow more than one day."
        )
    return None


def blocked_reason(c: Compiled | None, problem_now: datetime | None) -> str:
    """The binding constraint, found by checking each interview alone and then relaxing one rule at a time."""
    if c is None:  # no availability (after `problem_now`, when known)
        after = (
            f" after {problem_now:%a} {problem_now.day} {problem_now:%b} {problem_now:%H:%M} UTC"
            if problem_now
            else ""
        )
        return f"The candidate has no availability{after}; ask the candidate for new windows."
    if not c.interviews:
        return "The stage has no interviews to schedule."
    static = static_block(c)
    if static:
        return static
    shortage = pool_shortage(c, complete=True)
    if shortage:
        return shortage
    c.fold_pools()  # every pool member's free time, for tight relaxed searches
    for iv in c.interviews:
        if not iv.starts:
            return _interview_problem(c, iv)
    rules = SearchRules.of(c)
    span = days_text(window_days(c))
    n = len(c.interviews)
    budget = EXPLAIN_STEPS
    for applies, relaxed, message in _relaxations(c, rules, span):
        if applies and budget > 0:
            search = Search(c, relaxed, 1, step_limit=budget)
            found = search.run()
            budget -= search.steps
            if found:
                return message
    clash = _clashing_pair(c, rules, span, budget)
    if clash:
        return clash
    return (
        f"The {n} interviews do not fit together inside the candidate's windows on {span} with everyone free; "
        "widen the windows or swap interviewers."
    )


def _relaxations(c: Compiled, rules: SearchRules, span: str) -> list[tuple[bool, SearchRules, str]]:
    """(whether the rule applies, the rules without it, the message when that makes the loop fit), in order."""
    n = len(c.interviews)
    total = sum(iv.duration for iv in c.interviews)
    return [
        (
            rules.same_day,
            replace(rules, same_day=False),
            f"No single day on {span} fits all {n} interviews ({_minutes(total)}) with everyone free; "
            "allow more than one day, widen the windows or swap interviewers.",
        ),
        (
            rules.max_span is not None,
            replace(rules, max_span=None),
            f"The loop does not fit within its maximum span of {_minutes(rules.max_span or 0)} with everyone free; "
            "allow a longer span or widen the windows.",
        ),
        (
            rules.break_after is not None,
            replace(rules, break_after=None),
            f"The breaks ({_minutes(rules.break_minutes)} after {_minutes(rules.break_after or 0)} in a row) do not fit "
            "with everyone free; widen the windows or allow longer runs.",
        ),
        (
            rules.ordered,
            replace(rules, ordered=False),
            "The interviews do not fit in the required order with everyone free; allow any order or widen the windows.",
        ),
        (
            rules.buffer > 0,
            replace(rules, buffer=0),
            f"The {_minutes(rules.buffer)} buffers between interviews do not fit with everyone free; "
            "shorten the buffers or widen the windows.",
        ),
    ]


def _clashing_pair(c: Compiled, rules: SearchRules, span: str, budget: int) -> str | None:
    """Two interviews that cannot both happen under the rules (searched within `budget` steps), or None."""
    for a, b in combinations(range(len(c.interviews)), 2):
        if budget <= 0:
            break
        search = Search(c, rules, 1, step_limit=budget)
        found = search.run(only=1 << a | 1 << b)
        budget -= search.steps
        if not found and not search.exhausted:
            la, lb = c.problem.interviews[a].label, c.problem.interviews[b].label
            return (
                f"{la} and {lb} cannot both fit inside the candidate's windows on {span} with their interviewers "
                "free and the stage's rules; widen the windows or swap interviewers."
            )
    return None
