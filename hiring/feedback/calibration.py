"""Interviewer calibration: each interviewer's rating distribution against the panels they sat on.

Ratings are put on the role's plan's default scale (cards on another scale are converted through
their position on it). An interviewer's mean is compared with the mean their co-panelists gave the
same candidates at the same stages, so a tough pool of candidates does not make someone look harsh.
Each interviewer's distribution comes with their panels' (what the others gave on those panels), so
a chart can set the two side by side; people with fewer than `MIN_CARDS` scorecards are kept, marked.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from hiring.clock import Clock
from hiring.decisions.debriefs import RECOMMENDATION_SCORES, int_ratings, normalised, scale_of
from hiring.errors import NotFound
from hiring.permissions import Actor, require_manager
from hiring.plans.plans import spec_of
from hiring.plans.schema import RatingScale
from storage.models import Decision, Panel, Role
from storage.uow import Database

MIN_CARDS = 3  # fewer scorecards than this are too few to judge
IN_LINE = 0.5  # within this many points of the panel counts as in line


@dataclass(frozen=True)
class InterviewerCalibration:
    user_id: str
    cards: int
    distribution: dict[int, int]
    panel_distribution: dict[int, int]
    mean: float
    panel_mean: float | None
    delta: float | None
    leaning: str
    hire_share: float | None

    @property
    def too_few(self) -> bool:
        return self.cards < MIN_CARDS


@dataclass(frozen=True)
class Calibration:
    role_id: int
    role_title: str
    scale_min: int
    scale_max: int
    labels: dict[int, str]
    cards: int
    distribution: dict[int, int]
    mean: float | None
    interviewers: list[InterviewerCalibration]


def leaning(cards: int, delta: float | None) -> str:
    """How an interviewer rates compared with their panels."""
    if cards < MIN_CARDS or delta is None:
        return "too few scorecards to judge"
    if abs(delta) < IN_LINE:
        return "in line with their panels"
    return "more generous than their panels" if delta > 0 else "harsher than their panels"


class CalibrationService:
    """Computes the calibration of a role's interviewers."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def report(self, actor: Actor, role_id: int) -> Calibration:
        """Every interviewer who scored candidates of the role (managers of the role only)."""
        with self.db.uow(actor.team_id) as uow:
            role = uow.roles.get(role_id)
            if role is None:
                raise NotFound("That role does not exist.")
            require_manager(actor, role, "see interviewer calibration for this role")
            spec = spec_of(role.plan)
            default = spec.scales.get("default") or next(iter(spec.scales.values()))
            ids = uow.feedback.candidate_ids_of_role(role.id)
            rows = uow.feedback.submitted_scorecards(ids)
            all_pivots = uow.feedback.pivots_of(ids)
            span = default.max - default.min
            # per panel: author → list of ratings on the default scale
            by_panel: dict[int, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
            recs: dict[str, list[str]] = defaultdict(list)
            for card, interview, panel in rows:
                if _role_at(panel, all_pivots) != role.id:
                    continue
                scale = scale_of(spec, panel.stage_key, interview.interview_key)
                for value in int_ratings(card.ratings or {}).values():
                    position = normalised(value, scale.min, scale.max)
                    by_panel[panel.id][card.author_id].append(default.min + position * span)
                if card.recommendation in RECOMMENDATION_SCORES:
                    recs[card.author_id].append(card.recommendation)
            return _calibration(role, default, by_panel, recs)


def _role_at(panel: Panel, pivots: list[Decision]) -> int:
    """The role a panel was run for: the role the candidate was in when it was created."""
    for pivot in pivots:
        if pivot.candidate_id == panel.candidate_id and pivot.decided_at >= panel.created_at:
            return pivot.role_id
    return panel.candidate.role_id


def _calibration(
    role: Role, scale: RatingScale, by_panel: dict[int, dict[str, list[float]]], recs: dict[str, list[str]]
) -> Calibration:
    """The role's calibration from each panel's ratings on `scale` (by author) and each author's
    recommendations."""
    low, high = scale.min, scale.max
    everyone: list[float] = []
    mine: dict[str, list[float]] = defaultdict(list)
    others: dict[str, list[float]] = defaultdict(list)
    cards: Counter[str] = Counter()
    for authors in by_panel.values():
        for author, values in authors.items():
            everyone.extend(values)
            mine[author].extend(values)
            cards[author] += 1
            for other, theirs in authors.items():
                if other != author:
                    others[author].extend(theirs)
    interviewers = []
    for author in sorted(mine, key=lambda a: (-cards[a], a)):
        values = mine[author]
        mean = sum(values) / len(values)
        panel_mean = sum(others[author]) / len(others[author]) if others[author] else None
        delta = mean - panel_mean if panel_mean is not None else None
        rec = recs.get(author) or []
        interviewers.append(
            InterviewerCalibration(
                user_id=author,
                cards=cards[author],
                distribution=_histogram(values, low, high),
                panel_distribution=_histogram(others[author], low, high),
                mean=mean,
                panel_mean=panel_mean,
                delta=delta,
                leaning=leaning(cards[author], delta),
                hire_share=(sum(1 for r in rec if RECOMMENDATION_SCORES[r] > 0) / len(rec)) if rec else None,
            )
        )
    return Calibration(
        role_id=role.id,
        role_title=role.title,
        scale_min=low,
        scale_max=high,
        labels=dict(scale.labels),
        cards=sum(cards.values()),
        distribution=_histogram(everyone, low, high),
        mean=sum(everyone) / len(everyone) if everyone else None,
        interviewers=interviewers,
    )


def _histogram(values: list[float], low: int, high: int) -> dict[int, int]:
    counts = Counter(min(high, max(low, round(v))) for v in values)
    return {point: counts.get(point, 0) for point in range(low, high + 1)}
