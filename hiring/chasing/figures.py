"""The weekly digest's figures, as numbers (handlers draw them): candidates entering each stage in
the last week and the last 8 weeks, time from interview to scorecard per stage and scheduling lead
time (panel ready → first booked) per stage, each as a median and a 90th percentile.

A candidate enters the plan's first stage when added to the role, the next stage when advanced, the
offer when one is made, and a stage of this role when pivoted into it. Erased candidates still
count (counts are anonymous). No names and no scores, as everywhere in a digest.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from hiring.plans.schema import PlanSpec
from storage.repositories.chasing import ChasingRepository

WEEK = timedelta(days=7)
WEEKS = 8
HISTORY = WEEK * WEEKS
OFFER = "Offer"
OFFER_KEY = ":offer"  # the funnel's last step, after every stage (no stage key starts with ":")


@dataclass(frozen=True)
class FunnelStep:
    """How many candidates entered a stage (or got an offer) in the last week and the last 8 weeks."""

    name: str
    week: int
    history: int


@dataclass(frozen=True)
class Spread:
    """A stage's durations over the last 8 weeks: how many, their median and 90th percentile."""

    name: str
    count: int
    median: timedelta | None
    p90: timedelta | None


@dataclass(frozen=True)
class DigestFigures:
    """Everything the weekly charts show, as of `now`."""

    now: datetime
    funnel: tuple[FunnelStep, ...]
    to_scorecard: tuple[Spread, ...]
    lead_time: tuple[Spread, ...]

    @property
    def empty(self) -> bool:
        """Nothing happened in 8 weeks: no chart is worth posting."""
        return not any(s.history for s in self.funnel) and not any(
            s.count for s in (*self.to_scorecard, *self.lead_time)
        )


@dataclass(frozen=True)
class DigestCharts:
    """The digest's charts, shared as one image in the digest's thread."""

    role_title: str
    tz: str
    figures: DigestFigures


def percentile(values: Sequence[float], q: float) -> float:
    """The `q` quantile (0–1) with linear interpolation between closest ranks (the median at 0.5)."""
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def spread(name: str, durations: Sequence[timedelta]) -> Spread:
    if not durations:
        return Spread(name, 0, None, None)
    seconds = [d.total_seconds() for d in durations]
    return Spread(
        name,
        len(seconds),
        timedelta(seconds=percentile(seconds, 0.5)),
        timedelta(seconds=percentile(seconds, 0.9)),
    )


def digest_figures(repo: ChasingRepository, role_id: int, spec: PlanSpec, now: datetime) -> DigestFigures:
    """The figures of one role's weekly charts (every query starts from the role or its candidates)."""
    since = now - HISTORY
    names = {s.key: s.name for s in spec.stages}
    entries = _entries(repo, role_id, spec, since)
    funnel = tuple(
        FunnelStep(
            names.get(key, OFFER),
            sum(1 for at in entries.get(key, ()) if at > now - WEEK),
            len(entries.get(key, ())),
        )
        for key in [*names, OFFER_KEY]
    )
    candidate_ids = [row[0] for row in repo.role_candidates(role_id)]
    delays: dict[str, list[timedelta]] = defaultdict(list)
    for stage_key, submitted_at, end_at in repo.submitted_times("stage", candidate_ids, since, now):
        if submitted_at is not None and end_at is not None:
            delays[stage_key].append(max(submitted_at - end_at, timedelta(0)))
    leads: dict[str, list[timedelta]] = defaultdict(list)
    for stage_key, created_at, booked_at in repo.booking_leads(role_id, since, now):
        if booked_at is not None:
            leads[stage_key].append(max(booked_at - created_at, timedelta(0)))
    return DigestFigures(
        now=now,
        funnel=funnel,
        to_scorecard=_per_stage(names, delays),
        lead_time=_per_stage(names, leads),
    )


def _per_stage(names: dict[str, str], durations: dict[str, list[timedelta]]) -> tuple[Spread, ...]:
    """One spread per plan stage, in plan order, then any stage no longer in the plan."""
    keys = list(names) + sorted(k for k in durations if k not in names)
    return tuple(spread(names.get(k, k), durations.get(k, [])) for k in keys)


def _entries(
    repo: ChasingRepository, role_id: int, spec: PlanSpec, since: datetime
) -> dict[str, list[datetime]]:
    """When candidates entered each stage of the role (by stage key, and `OFFER_KEY`) since `since`."""
    keys = [s.key for s in spec.stages]
    entered: dict[str, list[datetime]] = defaultdict(list)
    added = repo.funnel_additions(role_id, since)
    first_role = _first_roles(repo.pivots_of([row[0] for row in added]))
    for candidate_id, current_role, created_at in added:
        if first_role.get(candidate_id, current_role) == role_id:
            entered[keys[0]].append(created_at)
    for stage_key, outcome, decided_at in repo.funnel_decisions(role_id, since):
        target = _entered_stage(keys, stage_key, outcome)
        if target is not None:
            entered[target].append(decided_at)
    return entered


def _first_roles(pivots: Iterable[tuple[int, int, datetime]]) -> dict[int, int]:
    """Each pivoted candidate's first role: the one their earliest pivot left."""
    first: dict[int, tuple[datetime, int]] = {}
    for candidate_id, role_left, decided_at in pivots:
        if candidate_id not in first or decided_at < first[candidate_id][0]:
            first[candidate_id] = (decided_at, role_left)
    return {candidate_id: role for candidate_id, (_, role) in first.items()}


def _entered_stage(keys: list[str], stage_key: str, outcome: str) -> str | None:
    """The stage key (or `OFFER_KEY`) a decision on `stage_key` moved the candidate into."""
    if outcome == "offer":
        return OFFER_KEY
    if outcome == "pivot":
        return stage_key if stage_key in keys else keys[0]
    if stage_key in keys and keys.index(stage_key) + 1 < len(keys):
        return keys[keys.index(stage_key) + 1]
    return None
