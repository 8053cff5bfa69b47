"""Debriefs: when a stage's feedback is in, the hiring channel gets one summary to decide on.

A stage's debrief is due when every counted scorecard (interviewers, not shadows) of its panel is
submitted, or when the feedback deadline (the last interview's end plus the role's
`feedback_due_hours`) has passed and the role's quorum of scorecards is in. `DebriefService.due`
is an outbox source (`hiring/outbox.py`): it derives what should be posted from current state and
never sends anything itself.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from hiring.clock import Clock
from hiring.outbox import Due
from hiring.permissions import Actor, require_decider
from hiring.plans.plans import spec_of
from hiring.plans.schema import PlanSpec, RatingScale
from hiring.ports import Notifier, Sent
from hiring.roles.candidates import live_candidate
from storage.models import Candidate, Decision, Interview, Notification, Panel, Role, Scorecard
from storage.repositories.decisions import DecisionsRepository
from storage.uow import Database, UnitOfWork

RECOMMENDATION_SCORES = {"strong_no": -2, "no": -1, "yes": 1, "strong_yes": 2}
DECIDABLE = ("active", "on_hold")
OUTLIER_POINTS = 1.5  # a card this far (in points of its scale) from the author's usual is flagged
OUTLIER_MIN_CARDS = 3  # ... when the author has at least this many other submitted cards
EVIDENCE_EXCERPT = 400
MAX_CARDS_SHOWN = 30


DEBRIEF_PREFIX = "debrief:"


def debrief_key(panel_id: int) -> str:
    return f"{DEBRIEF_PREFIX}{panel_id}"


def complete_key(panel_id: int) -> str:
    return f"debrief:{panel_id}:complete"


def competency_label(key: str) -> str:
    """`technical_depth` → `Technical depth`."""
    words = key.replace("_", " ").replace("-", " ").strip()
    return words[:1].upper() + words[1:]


def scale_of(spec: PlanSpec, stage_key: str, interview_key: str) -> RatingScale:
    """The rating scale of one interview of a plan (the plan's default scale when unknown)."""
    try:
        name = spec.interview(stage_key, interview_key).scale
    except (KeyError, ValueError):
        name = "default"
    return spec.scales.get(name) or spec.scales.get("default") or RatingScale()


def normalised(value: float, low: int, high: int) -> float:
    """A rating as a fraction of its scale: 0 at the bottom, 1 at the top."""
    return (value - low) / (high - low) if high > low else 0.0


def int_ratings(ratings: Mapping[str, object]) -> dict[str, int]:
    """The numeric ratings of a scorecard (competencies left unrated are skipped)."""
    return {k: v for k, v in ratings.items() if isinstance(v, int) and not isinstance(v, bool)}


# -- the pure summary ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CardFacts:
    """One scorecard (or missing scorecard) as the summary sees it."""

    author_id: str
    interview_title: str
    recommendation: str | None
    ratings: Mapping[str, int]
    evidence: str
    scale_min: int = 1
    scale_max: int = 4
    is_shadow: bool = False
    counted: bool = True

    @property
    def mean(self) -> float | None:
        values = list(int_ratings(self.ratings).values())
        return sum(values) / len(values) if values else None

    @property
    def position(self) -> float | None:
        """The card's mean rating as a fraction of its scale."""
        mean = self.mean
        return None if mean is None else normalised(mean, self.scale_min, self.scale_max)


@dataclass(frozen=True)
class RatingLine:
    competency: str
    value: int
    scale_max: int


@dataclass(frozen=True)
class CardLine:
    """One submitted scorecard in the debrief."""

    interview_title: str
    author_id: str
    recommendation: str | None
    ratings: list[RatingLine]
    evidence: str
    is_shadow: bool = False
    counted: bool = True


@dataclass(frozen=True)
class CompetencyLine:
    """The aggregate of one competency over the counted scorecards."""

    label: str
    mean: float
    scale_max: int
    count: int
    low: int
    high: int


@dataclass(frozen=True)
class EvidenceLine:
    author_id: str
    interview_title: str
    text: str


@dataclass(frozen=True)
class Flag:
    """Something the decider should notice. `text` is plain (no user text); `user_ids` are mentioned."""

    kind: str  # split | missing | outlier | quorum
    text: str
    user_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Summary:
    cards: list[CardLine]
    competencies: list[CompetencyLine]
    recommendations: list[tuple[str, int]]
    verdict: str | None
    evidence_for: EvidenceLine | None
    evidence_against: EvidenceLine | None
    flags: list[Flag]


def verdict(recommendations: Sequence[str | None]) -> str | None:
    """The panel's overall leaning from the counted recommendations."""
    scores = [RECOMMENDATION_SCORES[r] for r in recommendations if r in RECOMMENDATION_SCORES]
    if not scores:
        return None
    if is_split(recommendations):
        return "Split"
    mean = sum(scores) / len(scores)
    if mean > 1.5:
        return "Strong yes"
    if mean > 0:
        return "Yes"
    if mean >= -1.5:
        return "No"
    return "Strong no"


def is_split(recommendations: Sequence[str | None]) -> bool:
    """True when the panel has both hire and no-hire recommendations."""
    scores = [RECOMMENDATION_SCORES[r] for r in recommendations if r in RECOMMENDATION_SCORES]
    return any(s > 0 for s in scores) and any(s < 0 for s in scores)


def excerpt(text: str, limit: int = EVIDENCE_EXCERPT) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _card_score(card: CardFacts) -> tuple[float, float]:
    rec = RECOMMENDATION_SCORES.get(card.recommendation or "", 0)
    position = card.position
    return float(rec), 0.5 if position is None else position


def strongest_evidence(cards: Sequence[CardFacts]) -> tuple[EvidenceLine | None, EvidenceLine | None]:
    """The most positive and the most negative counted scorecard with written evidence."""
    usable = [c for c in cards if c.counted and not c.is_shadow and c.evidence.strip()]

    def leaning(card: CardFacts) -> int:
        rec = RECOMMENDATION_SCORES.get(card.recommendation or "")
        if rec is not None:
            return 1 if rec > 0 else -1
        position = card.position
        if position is None or position == 0.5:
            return 0
        return 1 if position > 0.5 else -1

    def line(card: CardFacts) -> EvidenceLine:
        return EvidenceLine(card.author_id, card.interview_title, excerpt(card.evidence))

    positive = [c for c in usable if leaning(c) > 0]
    negative = [c for c in usable if leaning(c) < 0]
    best = max(positive, key=_card_score) if positive else None
    worst = min(negative, key=_card_score) if negative else None
    return (line(best) if best else None), (line(worst) if worst else None)


def competency_lines(cards: Sequence[CardFacts], labels: Mapping[str, str]) -> list[CompetencyLine]:
    """Mean rating per competency over the counted cards, in the plan's competency order."""
    values: dict[str, list[tuple[int, int]]] = {}
    for card in cards:
        if not card.counted or card.is_shadow:
            continue
        for key, value in int_ratings(card.ratings).items():
            values.setdefault(key, []).append((value, card.scale_max))
    order = [k for k in labels if k in values] + sorted(k for k in values if k not in labels)
    lines = []
    for key in order:
        ratings = [value for value, _ in values[key]]
        lines.append(
            CompetencyLine(
                label=labels.get(key) or competency_label(key),
                mean=sum(ratings) / len(ratings),
                scale_max=max(top for _, top in values[key]),
                count=len(ratings),
                low=min(ratings),
                high=max(ratings),
            )
        )
    return lines


def outlier_flag(card: CardFacts, usual: tuple[float, int] | None) -> Flag | None:
    """Flag a counted card whose mean is far from its author's usual (their other submitted cards).

    `usual` is (mean position on a 0–1 scale, number of other cards)."""
    if usual is None or card.is_shadow or not card.counted:
        return None
    usual_position, count = usual
    position = card.position
    if position is None or count < OUTLIER_MIN_CARDS:
        return None
    span = card.scale_max - card.scale_min
    diff = (position - usual_position) * span
    if abs(diff) < OUTLIER_POINTS:
        return None
    usual_points = card.scale_min + usual_position * span
    direction = "above" if diff > 0 else "below"
    mean = card.mean or 0.0
    return Flag(
        kind="outlier",
        text=(
            f"rated {card.interview_title} well {direction} their usual: {mean:.1f} here against "
            f"{usual_points:.1f} on average over {count} other scorecards (scale {card.scale_min}–{card.scale_max})"
        ),
        user_ids=(card.author_id,),
    )


def _card_line(c: CardFacts, labels: Mapping[str, str]) -> CardLine:
    """One scorecard's line in a debrief: its ratings in the role's competency order."""
    return CardLine(
        interview_title=c.interview_title,
        author_id=c.author_id,
        recommendation=c.recommendation,
        ratings=[
            RatingLine(labels.get(k) or competency_label(k), v, c.scale_max)
            for k, v in sorted(
                int_ratings(c.ratings).items(),
                key=lambda kv: list(labels).index(kv[0]) if kv[0] in labels else len(labels),
            )
        ],
        evidence=excerpt(c.evidence),
        is_shadow=c.is_shadow,
        counted=c.counted and not c.is_shadow,
    )


def summarise(
    cards: Sequence[CardFacts],
    *,
    labels: Mapping[str, str],
    missing: Sequence[tuple[str, str]] = (),
    usual: Mapping[str, tuple[float, int]] | None = None,
) -> Summary:
    """Everything a debrief says about a stage's scorecards: per card, the aggregate, the strongest
    evidence for and against, and flags (split panel, missing scorecards, unusual ratings).

    `missing` is (interview title, user id) for each counted scorecard not in;
    `usual` maps author id → (mean position 0–1, count) over their other submitted cards."""
    counted = [c for c in cards if c.counted and not c.is_shadow]
    recs = [c.recommendation for c in counted]
    tally = Counter(r for r in recs if r in RECOMMENDATION_SCORES)
    recommendations = [(r, tally[r]) for r in ("strong_yes", "yes", "no", "strong_no") if tally[r]]
    flags: list[Flag] = []
    if is_split(recs):
        yes = sum(n for r, n in recommendations if RECOMMENDATION_SCORES[r] > 0)
        no = sum(n for r, n in recommendations if RECOMMENDATION_SCORES[r] < 0)
        flags.append(Flag("split", f"Split panel: {yes} for hiring, {no} against."))
    if missing:
        flags.append(
            Flag(
                "missing",
                f"{len(missing)} scorecard{'s' if len(missing) != 1 else ''} missing",
                tuple(dict.fromkeys(u for _, u in missing)),
            )
        )
    for card in counted:
        flag = outlier_flag(card, (usual or {}).get(card.author_id))
        if flag is not None:
            flags.append(flag)
    evidence_for, evidence_against = strongest_evidence(cards)
    return Summary(
        cards=[_card_line(c, labels) for c in cards],
        competencies=competency_lines(cards, labels),
        recommendations=recommendations,
        verdict=verdict(recs),
        evidence_for=evidence_for,
        evidence_against=evidence_against,
        flags=flags,
    )


# -- messages ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DecisionOptions:
    """What the decision buttons carry and which of them apply."""

    candidate_id: int
    role_id: int
    stage_key: str
    panel_id: int | None
    next_stage_name: str | None
    on_hold: bool = False

    @property
    def value(self) -> str:
        """The button value: `candidate:role:stage:panel` (a click on a stale message is refused)."""
        return f"{self.candidate_id}:{self.role_id}:{self.stage_key}:{self.panel_id or 0}"


@dataclass(frozen=True)
class DecisionLine:
    """A recorded decision, as shown on the debrief."""

    outcome: str
    decided_by: str
    decided_at: datetime
    stage_name: str
    next_stage_name: str | None = None
    target_role_title: str | None = None
    note: str = ""


@dataclass(frozen=True)
class Debrief:
    """The decision summary of one candidate's stage (also the `/interview decide` prompt)."""

    candidate_name: str
    role_title: str
    stage_name: str
    timezone: str
    summary: Summary
    counted: int
    expected: int
    options: DecisionOptions | None
    decision: DecisionLine | None = None
    prompt: bool = False
    hidden: bool = False


@dataclass(frozen=True)
class DebriefComplete:
    """A thread reply: the scorecards missing from a quorum debrief are all in now."""

    candidate_name: str
    stage_name: str
    counted: int


# -- state from the database ---------------------------------------------------------------------------


@dataclass
class PanelState:
    """A panel's feedback as of now: who should score, who did, and when feedback is due."""

    panel: Panel
    role: Role
    spec: PlanSpec
    expected: list[tuple[Interview, str]]
    cards: list[Scorecard]
    counted: list[Scorecard]
    missing: list[tuple[Interview, str]]
    deadline: datetime | None
    ended: bool
    facts: list[CardFacts] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return bool(self.expected) and not self.missing

    def summary(self, usual: Mapping[str, tuple[float, int]] | None = None) -> Summary:
        """What the debrief says about the scorecards (`usual`: see `summarise`)."""
        labels = {k: competency_label(k) for k in self.spec.competencies}
        missing = [(i.title, u) for i, u in self.missing]
        return summarise(self.facts, labels=labels, missing=missing, usual=usual)

    def quorum(self) -> int:
        wanted = self.role.debrief_quorum
        if wanted is None:
            return len(self.expected)
        return max(1, min(wanted, len(self.expected)))

    def ready(self, now: datetime) -> bool:
        """True when the debrief is due: everything in, or past the deadline with a quorum."""
        if not self.ended or not self.expected:
            return False
        if self.complete:
            return True
        past = self.deadline is not None and now >= self.deadline
        return past and len(self.counted) >= self.quorum()


def panel_state(role: Role, panel: Panel, cards: Sequence[Scorecard], now: datetime) -> PanelState:
    """Work out a panel's feedback state against `role`'s plan and chasing policy."""
    spec = spec_of(role.plan)
    live = [i for i in panel.interviews if i.status != "cancelled"]
    ends = [i.end_at for i in live if i.end_at is not None]
    deadline = max(ends) + timedelta(hours=role.feedback_due_hours) if ends else None
    live_ids = {i.id for i in live}
    submitted = {
        (c.interview_id, c.author_id): c
        for c in cards
        if c.status == "submitted" and c.interview_id in live_ids
    }
    expected: list[tuple[Interview, str]] = []
    shadows: set[tuple[int, str]] = set()
    for interview in live:
        for seat in interview.seats:
            if seat.kind == "shadow":
                shadows.add((interview.id, seat.user_id))
            else:
                expected.append((interview, seat.user_id))
    expected_keys = {(i.id, u) for i, u in expected}
    counted = [
        c for key, c in submitted.items() if key in expected_keys and not c.is_shadow and key not in shadows
    ]
    missing = [(i, u) for i, u in expected if (i.id, u) not in submitted]
    by_id = {i.id: i for i in live}
    counted_ids = {c.id for c in counted}
    order = {i.id: i.position for i in live}
    facts = []
    for card in sorted(submitted.values(), key=lambda c: (order.get(c.interview_id, 0), c.id)):
        interview = by_id[card.interview_id]
        scale = scale_of(spec, panel.stage_key, interview.interview_key)
        facts.append(
            CardFacts(
                author_id=card.author_id,
                interview_title=interview.title,
                recommendation=card.recommendation,
                ratings=int_ratings(card.ratings or {}),
                evidence=card.evidence or "",
                scale_min=scale.min,
                scale_max=scale.max,
                is_shadow=card.id not in counted_ids,
                counted=card.id in counted_ids,
            )
        )
    return PanelState(
        panel=panel,
        role=role,
        spec=spec,
        expected=expected,
        cards=list(submitted.values()),
        counted=counted,
        missing=missing,
        deadline=deadline,
        ended=ended(panel, now),
        facts=facts,
    )


def cards_of(panel: Panel, by_interview: Mapping[int, list[Scorecard]]) -> list[Scorecard]:
    return [c for i in panel.interviews for c in by_interview.get(i.id, [])]


def state_of(uow: UnitOfWork, role: Role, panel: Panel, now: datetime) -> PanelState:
    """A panel's feedback state, its scorecards loaded from the database."""
    by_interview = uow.decisions.scorecards_by_interview(i.id for i in panel.interviews)
    return panel_state(role, panel, cards_of(panel, by_interview), now)


def panel_decided(uow: UnitOfWork, decision: Decision) -> Panel | None:
    """The live panel of the decided stage (the newest one created before the decision)."""
    panels = [
        p
        for p in uow.panels.for_candidate(decision.candidate_id)
        if p.stage_key == decision.stage_key
        and p.status != "cancelled"
        and p.created_at <= decision.decided_at
    ]
    return panels[-1] if panels else None


def ended(panel: Panel, now: datetime) -> bool:
    """True when the panel has live interviews and all of them have ended."""
    live = [i for i in panel.interviews if i.status != "cancelled"]
    return bool(live) and all(i.end_at is not None and i.end_at <= now for i in live)


def usual_ratings(
    decisions: DecisionsRepository, team_id: str, authors: Iterable[str], exclude: Iterable[int]
) -> dict[str, tuple[float, int]]:
    """Each author's mean rating position (0–1) and count over their other submitted, counted cards."""
    authors = sorted(set(authors))
    if not authors:
        return {}
    excluded = set(exclude)
    positions: dict[str, list[float]] = {}
    for card, interview in decisions.recent_counted_cards(team_id, authors):
        if card.id in excluded:
            continue
        values = list(int_ratings(card.ratings or {}).values())
        if not values:
            continue
        panel = interview.panel
        scale = scale_of(spec_of(panel.candidate.role.plan), panel.stage_key, interview.interview_key)
        positions.setdefault(card.author_id, []).append(
            normalised(sum(values) / len(values), scale.min, scale.max)
        )
    return {a: (sum(p) / len(p), len(p)) for a, p in positions.items()}


def decided_after(decisions: Sequence[Decision], panel: Panel) -> bool:
    """True when a final decision closed this panel's stage (or moved the candidate to another role)."""
    return any(
        d.candidate_id == panel.candidate_id
        and d.decided_at >= panel.created_at
        and (d.outcome == "pivot" or (d.stage_key == panel.stage_key and d.outcome != "hold"))
        for d in decisions
    )


def stage_name(spec: PlanSpec, key: str) -> str:
    try:
        return spec.stage(key).name
    except KeyError:
        return key


def next_stage_name(spec: PlanSpec, key: str) -> str | None:
    """The name of the stage after `key` in the plan (None after the last, or for an unknown stage)."""
    try:
        following = spec.next_stage(key)
    except ValueError:
        return None
    return following.name if following else None


def latest(decisions: Iterable[Decision]) -> Decision | None:
    """The most recent of `decisions` (None when there are none)."""
    return max(decisions, key=lambda d: (d.decided_at, d.id), default=None)


def decision_line(decision: Decision, spec: PlanSpec, target_title: str | None) -> DecisionLine:
    return DecisionLine(
        outcome=decision.outcome,
        decided_by=decision.decided_by,
        decided_at=decision.decided_at,
        stage_name=stage_name(spec, decision.stage_key),
        next_stage_name=next_stage_name(spec, decision.stage_key) if decision.outcome == "advance" else None,
        target_role_title=target_title,
        note=decision.note,
    )


def options_for(candidate: Candidate, role: Role, panel_id: int | None) -> DecisionOptions:
    return DecisionOptions(
        candidate_id=candidate.id,
        role_id=role.id,
        stage_key=candidate.stage_key,
        panel_id=panel_id,
        next_stage_name=next_stage_name(spec_of(role.plan), candidate.stage_key),
        on_hold=candidate.status == "on_hold",
    )


# -- the service -------------------------------------------------------------------------------------


class DebriefService:
    """Derives due debriefs, builds them for the channel and for `/interview decide`."""

    def __init__(self, db: Database, clock: Clock, notifier: Notifier) -> None:
        self.db = db
        self.clock = clock
        self.notifier = notifier

    # -- the outbox source ------------------------------------------------------------------------
    def due(self, now: datetime) -> list[Due]:
        """Debriefs (and "all scorecards are in now" follow-ups) that should exist at `now`."""
        items: list[Due] = []
        with self.db.uow("") as uow:
            panels = [p for p in uow.decisions.panels_at_current_stage(DECIDABLE) if ended(p, now)]
            if not panels:
                return []
            decisions = uow.decisions.of_candidates(sorted({p.candidate_id for p in panels}))
            panels = [p for p in panels if not decided_after(decisions, p)]
            keys = [k for p in panels for k in (debrief_key(p.id), complete_key(p.id))]
            sent = uow.outbox.sent_notifications(keys)
            by_interview = uow.decisions.scorecards_by_interview(i.id for p in panels for i in p.interviews)
            for panel in panels:
                first = sent.get(debrief_key(panel.id))
                if first is not None and complete_key(panel.id) in sent:
                    continue
                state = panel_state(panel.candidate.role, panel, cards_of(panel, by_interview), now)
                if first is None:
                    if state.ready(now):
                        items.append(self._first_debrief(uow, state, decisions))
                    continue
                completion = self._completion(uow, state, decisions, first)
                if completion is not None:
                    items.append(completion)
        return items

    def _first_debrief(self, uow: UnitOfWork, state: PanelState, decisions: Sequence[Decision]) -> Due:
        """The debrief posted to the role's hiring channel once the stage's feedback is in."""
        return Due(
            team_id=state.panel.team_id,
            key=debrief_key(state.panel.id),
            kind="debrief",
            to=state.role.channel_id,
            content=self._debrief(uow, state, decisions),
            candidate_id=state.panel.candidate_id,
        )

    def _completion(
        self, uow: UnitOfWork, state: PanelState, decisions: Sequence[Decision], first: Notification
    ) -> Due | None:
        """A reply under a debrief posted at quorum once the missing scorecards are in (it also
        refreshes the debrief); None until then."""
        late = [
            c for c in state.counted if c.submitted_at and first.sent_at and c.submitted_at > first.sent_at
        ]
        if not (state.complete and late and first.channel_id and first.message_ts):
            return None
        panel, debrief = state.panel, self._debrief(uow, state, decisions)
        parent = Sent(channel_id=first.channel_id, ts=first.message_ts)
        return Due(
            team_id=panel.team_id,
            key=complete_key(panel.id),
            kind="debrief_update",
            to=first.channel_id,
            content=DebriefComplete(
                candidate_name=panel.candidate.name,
                stage_name=stage_name(state.spec, panel.stage_key),
                counted=len(state.counted),
            ),
            candidate_id=panel.candidate_id,
            thread_ts=first.message_ts,
            on_sent=lambda _reply: self.notifier.update(panel.team_id, parent, debrief),
        )

    def _debrief(
        self,
        uow: UnitOfWork,
        state: PanelState,
        decisions: Sequence[Decision],
        *,
        buttons: bool = True,
        decision: Decision | None = None,
        target_title: str | None = None,
        prompt: bool = False,
    ) -> Debrief:
        """The debrief of `state`'s panel for its candidate, with the decision buttons (`buttons`)
        and the recorded `decision` (else the latest hold on the stage, if any)."""
        candidate, role = state.panel.candidate, state.role
        usual = usual_ratings(
            uow.decisions,
            state.panel.team_id,
            (c.author_id for c in state.counted),
            (c.id for c in state.cards),
        )
        summary = state.summary(usual)
        if not state.complete and state.expected and not prompt:
            summary.flags.insert(
                0,
                Flag(
                    "quorum",
                    f"Posted at quorum after the feedback deadline: {len(state.counted)} of "
                    f"{len(state.expected)} scorecards in.",
                ),
            )
        shown = decision if decision is not None else _latest_hold(state, decisions)
        return Debrief(
            candidate_name=candidate.name,
            role_title=role.title,
            stage_name=stage_name(state.spec, state.panel.stage_key),
            timezone=role.timezone,
            summary=summary,
            counted=len(state.counted),
            expected=len(state.expected),
            options=options_for(candidate, role, state.panel.id) if buttons else None,
            decision=decision_line(shown, state.spec, target_title) if shown else None,
            prompt=prompt,
        )

    # -- building on demand ----------------------------------------------------------------------
    def for_decision(self, team_id: str, decision_id: int) -> tuple[Debrief, Sent] | None:
        """The debrief of a decided stage, updated with the decision, and where it was posted."""
        now = self.clock.now()
        with self.db.uow(team_id) as uow:
            decision = uow.decisions.decision(decision_id)
            if decision is None:
                return None
            candidate = uow.candidates.get(decision.candidate_id)
            role = uow.roles.get(decision.role_id)
            if candidate is None or role is None:
                return None
            panel = panel_decided(uow, decision)
            if panel is None:
                return None
            message = uow.outbox.sent_notifications([debrief_key(panel.id)]).get(debrief_key(panel.id))
            if message is None or not message.channel_id or not message.message_ts:
                return None
            state = state_of(uow, role, panel, now)
            target = uow.roles.get(decision.target_role_id) if decision.target_role_id else None
            still_open = (
                decision.outcome == "hold"
                and candidate.status == "on_hold"
                and candidate.role_id == role.id
                and candidate.stage_key == decision.stage_key
            )
            debrief = self._debrief(
                uow,
                state,
                [],
                buttons=still_open,
                decision=decision,
                target_title=target.title if target else None,
            )
            return debrief, Sent(channel_id=message.channel_id, ts=message.message_ts)

    def for_candidate(self, actor: Actor, candidate_id: int) -> Debrief:
        """The decision prompt for `/interview decide`: the current stage's scorecards so far, if any."""
        now = self.clock.now()
        with self.db.uow(actor.team_id) as uow:
            candidate = live_candidate(uow, candidate_id)
            role = candidate.role
            require_decider(actor, role)
            spec = spec_of(role.plan)
            panel = uow.panels.current(candidate.id, candidate.stage_key)
            decisions = uow.decisions.history_of(candidate.id)
            if candidate.status not in DECIDABLE:
                return self._closed(uow, candidate, role, decisions)
            if panel is not None:
                state = state_of(uow, role, panel, now)
                debrief = self._debrief(uow, state, decisions, prompt=True)
                if any(u == actor.user_id for _, u in state.missing):  # no scores before their own
                    debrief = replace(debrief, summary=summarise([], labels={}), hidden=True)
                return debrief
            hold = latest(d for d in decisions if d.stage_key == candidate.stage_key and d.outcome == "hold")
            line = decision_line(hold, spec, None) if hold and candidate.status == "on_hold" else None
            return _bare(candidate, role, options_for(candidate, role, None), line)

    def _closed(
        self, uow: UnitOfWork, candidate: Candidate, role: Role, decisions: Sequence[Decision]
    ) -> Debrief:
        """The prompt for a candidate no longer in process: the latest decision, no buttons."""
        last = latest(decisions)
        decided_role = uow.roles.get(last.role_id) if last else None
        target = uow.roles.get(last.target_role_id) if last and last.target_role_id else None
        line = None
        if last is not None and decided_role is not None:
            line = decision_line(last, spec_of(decided_role.plan), target.title if target else None)
        return _bare(candidate, role, None, line)


def _bare(
    candidate: Candidate, role: Role, options: DecisionOptions | None, decision: DecisionLine | None
) -> Debrief:
    """The `/interview decide` prompt of a stage without scorecards to show."""
    return Debrief(
        candidate_name=candidate.name,
        role_title=role.title,
        stage_name=stage_name(spec_of(role.plan), candidate.stage_key),
        timezone=role.timezone,
        summary=summarise([], labels={}),
        counted=0,
        expected=0,
        options=options,
        decision=decision,
        prompt=True,
    )


def _latest_hold(state: PanelState, decisions: Sequence[Decision]) -> Decision | None:
    """The candidate's latest hold on the panel's stage since the panel was created, if any."""
    return latest(
        d
        for d in decisions
        if d.candidate_id == state.panel.candidate_id
        and d.stage_key == state.panel.stage_key
        and d.outcome == "hold"
        and d.decided_at >= state.panel.created_at
    )
