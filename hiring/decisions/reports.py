"""Candidate feedback reports: drafted from the scorecards on every decision, edited and marked sent.

The draft speaks to the candidate: strengths and areas to improve per competency, written from the
interviewers' evidence, with no interviewer names, no scores and no numbers. Recruiters (or the
hiring manager when the role has none) get it by DM, edit it in a modal and mark it sent.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from hiring.clock import Clock
from hiring.decisions.debriefs import competency_label, int_ratings, normalised, stage_name
from hiring.errors import Conflict, DomainError, InvalidInput, NotFound
from hiring.permissions import Actor, require_manager
from hiring.plans.plans import spec_of
from hiring.ports import Directory, Notifier, Sent, record_sent
from storage.models import Candidate, Decision, FeedbackReport, Role
from storage.uow import Database, UnitOfWork

log = logging.getLogger(__name__)

STRONG = 0.6  # a competency whose mean sits at or above this fraction of the scale is a strength
WEAK = 0.4  # ... at or below this, an area to improve
MAX_BODY = 3000


# -- the pure draft ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportCard:
    """What the draft may use from one counted scorecard."""

    ratings: Mapping[str, int]
    evidence: str
    scale_min: int = 1
    scale_max: int = 4


@dataclass(frozen=True)
class ReportFacts:
    """Everything the draft is written from."""

    candidate_name: str
    role_title: str
    stage_name: str
    outcome: str
    competencies: Mapping[str, str]  # key → description ("Solves hard problems and ...")
    cards: Sequence[ReportCard]
    redact: Sequence[str] = ()  # names that must never appear (the interviewers')
    next_stage_name: str | None = None
    target_role_title: str | None = None
    interviewed: bool = True  # the candidate has had at least one interview (any stage)
    stage_interviewed: bool = True  # ... at the stage decided on


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
_BULLET = re.compile(r"^\s*(?:[-*•·]+|\(\w\))\s*")
_FIRST_PERSON = re.compile(r"\b(I|I'm|I'd|I've|I'll|me|my|mine|myself)\b")
_SCORE_WORDS = re.compile(
    r"\b(scor\w*|rat(?:ed|ing|ings)|hire|hiring bar|strong (?:yes|no)|recommend\w*|points?|out of)\b",
    re.IGNORECASE,
)
_SUBJECTS = ("the candidate", "candidate", "she", "he", "they")
_THIRD_PERSON = re.compile(r"\b(she|he|her|him|his|hers|they|them|their|theirs|herself|himself)\b", re.I)
_AUX = {
    "was": "were",
    "is": "are",
    "has": "have",
    "does": "do",
    "wasn't": "weren't",
    "isn't": "aren't",
    "hasn't": "haven't",
    "doesn't": "don't",
    "seems": "seem",
    "needs": "need",
}
_STOP = {
    "about", "after", "their", "there", "these", "those", "through", "under", "where", "which", "while",
    "with", "within", "without", "others", "other", "being", "makes", "would", "could", "should",
}  # fmt: skip
_NEGATIVE = re.compile(
    r"\b(struggl\w*|not|no|never|didn't|couldn't|wasn't|weren't|isn't|doesn't|don't|can't|cannot|unable|"
    r"lack\w*|miss\w*|weak\w*|unclear|confus\w*|rambl\w*|limited|hesitant|incorrect\w*|wrong|poor\w*|"
    r"slow|needed help|little|few|vague\w*|superficial\w*|shallow|without)\b",
    re.IGNORECASE,
)


def first_name(name: str) -> str:
    return (name.split() or [name])[0]


def _name_tokens(names: Sequence[str]) -> list[str]:
    tokens: set[str] = set()
    for name in names:
        name = name.strip()
        if not name:
            continue
        tokens.add(name)
        tokens.update(t for t in re.split(r"[\s._-]+", name) if len(t) >= 3)
    return sorted(tokens, key=len, reverse=True)


def _mentions(text: str, tokens: Sequence[str]) -> bool:
    return any(re.search(rf"\b{re.escape(t)}\b", text, re.IGNORECASE) for t in tokens)


def _base_verb(word: str) -> str:
    """`explains` → `explain`, `fixes` → `fix`, `tries` → `try` (third person to base form)."""
    lower = word.lower()
    if lower in _AUX:
        return _AUX[lower]
    if lower.endswith("ies") and len(lower) > 4:
        return word[:-3] + "y"
    if lower.endswith(("shes", "ches", "xes", "sses", "zes", "oes")):
        return word[:-2]
    if lower.endswith("s") and not lower.endswith("ss"):
        return word[:-1]
    return word


_LEAD_VERBS = {
    "had", "hadn't", "did", "didn't", "could", "couldn't", "would", "wouldn't", "can", "can't",
    "should", "shouldn't", "might", "will", "won't", "was", "wasn't", "is", "isn't", "has", "hasn't",
    "does", "doesn't", "showed", "gave", "made", "took", "wrote", "knew", "thought", "brought",
    "spoke", "understood", "built", "chose", "found", "got", "kept", "led", "ran", "saw", "spent",
    "struggled", "needs", "needed", "seems", "seemed",
}  # fmt: skip
_AFTER_OBJECT = {
    "about", "to", "for", "with", "on", "in", "at", "if", "whether", "and", "or", "that", "the", "a",
    "an", "how", "what", "why", "when", "some", "any", "through", "into", "again", "too", "more",
    "less", "well", "back", "up", "down", "out", "off", "over", "later", "by", "from",
}  # fmt: skip


def _address(text: str, *, plural: bool) -> str | None:
    """Third-person pronouns (the candidate) → second person, mid-sentence. None when a pronoun may
    well be someone else ("asked him", "how they deploy" about a singular subject)."""
    if not plural and re.search(r"\b(?:they|them|their|theirs|themselves)\b", text, flags=re.I):
        return None
    text = re.sub(r"\b(?:she|he)\s+([\w'-]+)", lambda m: "you " + _base_verb(m.group(1)), text, flags=re.I)
    text = re.sub(r"\b(?:himself|herself|themselves|themself)\b", "yourself", text, flags=re.I)
    text = re.sub(r"\b(?:hers|theirs)\b", "yours", text, flags=re.I)
    text = re.sub(r"\b(?:his|their)\b", "your", text, flags=re.I)
    text = re.sub(r"\bthey\b", "you", text, flags=re.I)
    if re.search(r"\b(?:him|them)\b", text, flags=re.I):
        return None

    def her(match: re.Match[str]) -> str:
        following = match.group(2)
        if following and following.lower() not in _AFTER_OBJECT:
            return "your" + match.group(1)
        return "\x00"

    text = re.sub(r"\bher\b(\s+([\w'-]+))?", her, text, flags=re.I)
    return None if "\x00" in text else text


def to_second_person(sentence: str, candidate_name: str) -> str | None:
    """Rewrite an observation about the candidate as one addressed to them, or None when it cannot
    be made to read well ("She explained X" → "You explained X"; "Was calm" → "You were calm")."""
    text = sentence.strip().rstrip(".!;:,")
    if not text:
        return None
    names = [candidate_name.strip(), first_name(candidate_name.strip())]
    names = [n for n in dict.fromkeys(names) if n]
    for name in names:
        text = re.sub(rf"\b{re.escape(name)}'s\b", "your", text, flags=re.IGNORECASE)
    rest: str | None = None
    plural = False
    for subject in [*names, *_SUBJECTS]:
        match = re.match(rf"{re.escape(subject)}\b\s+(.*)$", text, re.IGNORECASE)
        if match:
            words = match.group(1).split(" ", 1)
            plural = subject.lower() == "they"
            if not plural:
                words[0] = _base_verb(words[0])
            rest = " ".join(words)
            break
    if rest is None:
        first, _, tail = text.partition(" ")
        lower = first.lower()
        if lower == "your":
            owned = _address(tail, plural=False)
            return (
                f"Your {owned.strip()}."
                if owned and owned.strip() and not _THIRD_PERSON.search(owned)
                else None
            )
        if lower == "you":
            rest = tail
        elif first[:1].isupper() and (lower.endswith("ed") or lower in _LEAD_VERBS):
            rest = " ".join(w for w in (_base_verb(lower) if lower in _AUX else lower, tail) if w)
        else:
            return None
    for name in names:
        rest = re.sub(rf"\b{re.escape(name)}\b", "you", rest, flags=re.IGNORECASE)
    addressed = _address(rest, plural=plural)
    if not addressed or not addressed.strip() or _THIRD_PERSON.search(addressed):
        return None
    return f"You {addressed.strip()}."


def usable_sentences(evidence: str, candidate_name: str, redact: Sequence[str]) -> list[str]:
    """Evidence sentences safe and readable for the candidate: no digits, no names of interviewers,
    no mentions, no first person, no scoring language, rewritten in the second person."""
    tokens = _name_tokens(redact)
    found = []
    for raw in _SENTENCE_END.split(evidence or ""):
        sentence = _BULLET.sub("", raw).strip()
        if len(sentence) < 12 or len(sentence) > 300:
            continue
        if re.search(r"\d", sentence) or "@" in sentence or "<" in sentence or "http" in sentence:
            continue
        if _FIRST_PERSON.search(sentence) or _SCORE_WORDS.search(sentence):
            continue
        if tokens and _mentions(sentence, tokens):
            continue
        rewritten = to_second_person(sentence, candidate_name)
        if rewritten and not re.search(r"\d", rewritten):
            found.append(rewritten)
    return found


def _keywords(key: str, description: str) -> list[str]:
    """Stems (five-letter prefixes) of a competency's name and description, to match evidence."""
    words = re.findall(r"[a-zA-Z]{5,}", f"{key.replace('_', ' ').replace('-', ' ')} {description}")
    return list(dict.fromkeys(w.lower()[:5] for w in words if w.lower() not in _STOP))


def _on_topic(sentence: str, stems: Sequence[str]) -> bool:
    return any(word[:5] in stems for word in re.findall(r"[a-z]{5,}", sentence.lower()))


def is_negative(sentence: str) -> bool:
    """A rough polarity check, so praise never lands under "areas to improve" (nor the reverse)."""
    return bool(_NEGATIVE.search(sentence))


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text else text


def looked_for(description: str) -> tuple[bool, str]:
    """A competency's description, trimmed for a sentence: (starts with a verb, text).
    "Technical skills: explains a … (a hard …)." → (True, "explains a …")."""
    text = " ".join(description.split())
    head, colon, tail = text.partition(":")
    if colon and tail.strip() and len(head) <= 40 and head[:1].isupper():
        text = tail.strip()
    text = re.sub(r"\s*\([^)]*\)", "", text).strip().rstrip(".;, ")
    if not text:
        return False, ""
    first = re.sub(r"\W+$", "", text.split(" ", 1)[0]).lower()
    verb = first.isalpha() and first.endswith("s") and not first.endswith("ss")
    return verb, _lower_first(text)


@dataclass(frozen=True)
class Point:
    """One competency of the draft."""

    key: str
    label: str
    position: float
    examples: list[str] = field(default_factory=list)


def assess(facts: ReportFacts) -> tuple[list[Point], list[Point]]:
    """Strengths (highest first) and areas to improve (lowest first), each with evidence sentences."""
    positions: dict[str, list[float]] = {}
    for card in facts.cards:
        for key, value in int_ratings(card.ratings).items():
            positions.setdefault(key, []).append(normalised(value, card.scale_min, card.scale_max))
    means = {k: sum(v) / len(v) for k, v in positions.items()}
    used: set[str] = set()
    strengths: list[Point] = []
    areas: list[Point] = []
    order = [k for k in facts.competencies if k in means] + sorted(
        k for k in means if k not in facts.competencies
    )
    ranked = sorted(order, key=lambda k: -abs(means[k] - 0.5))
    for key in ranked:
        mean = means[key]
        if WEAK < mean < STRONG:
            continue
        strong = mean >= STRONG
        words = _keywords(key, facts.competencies.get(key, ""))
        pool: list[tuple[bool, str]] = []
        for card in facts.cards:
            rating = int_ratings(card.ratings).get(key)
            if rating is None:
                continue
            position = normalised(rating, card.scale_min, card.scale_max)
            if (strong and position < STRONG) or (not strong and position > WEAK):
                continue
            rated_here = len(int_ratings(card.ratings)) == 1
            for sentence in usable_sentences(card.evidence, facts.candidate_name, facts.redact):
                if is_negative(sentence) == strong:
                    continue
                on_topic = _on_topic(sentence, words)
                if on_topic or rated_here:
                    pool.append((on_topic, sentence))
        pool.sort(key=lambda item: not item[0])
        examples: list[str] = []
        for _, sentence in pool:
            if sentence not in used and len(examples) < 2:
                examples.append(sentence)
                used.add(sentence)
        point = Point(key, competency_label(key), mean, examples)
        (strengths if strong else areas).append(point)
    strengths.sort(key=lambda p: (-p.position, order.index(p.key)))
    areas.sort(key=lambda p: (p.position, order.index(p.key)))
    return strengths, areas


def _opening(facts: ReportFacts) -> str:
    if facts.outcome == "advance":
        following = f" ({facts.next_stage_name})" if facts.next_stage_name else ""
        return f"We are pleased to invite you to the next stage of the process{following}."
    if facts.outcome == "offer":
        return (
            "We are delighted to tell you that we would like to make you an offer; "
            "we will be in touch shortly with the details."
        )
    if facts.outcome == "reject":
        return (
            "After careful consideration, we have decided not to move forward with your application "
            "at this time. We know this is disappointing, and we hope the feedback below is useful."
        )
    if facts.outcome == "hold":
        return (
            "We need a little more time before we can confirm the next step, "
            "and we will be in touch as soon as we can."
        )
    if facts.outcome == "pivot":
        target = f"our {facts.target_role_title} role" if facts.target_role_title else "another of our roles"
        who = "The team felt" if facts.interviewed else "Having read your application, we think"
        return f"{who} your experience is an even closer fit for {target}, and we would like to continue the process with that team."
    return "Thank you again for your time."


def _point_text(point: Point, description: str, strong: bool) -> str:
    verb, wanted = looked_for(description)
    if strong:
        if point.examples:
            text = f"{point.label}: this came through clearly. " + " ".join(point.examples)
        elif wanted and verb:
            text = f"{point.label}: this came through clearly; we look for someone who {wanted}, and you showed that."
        elif wanted:
            text = f"{point.label}: this came through clearly ({wanted})."
        else:
            text = f"{point.label}: this came through clearly."
    else:
        text = f"{point.label}: we would have liked to see more here."
        if wanted and verb:
            text += f" We look for someone who {wanted}."
        elif wanted:
            text = f"{point.label}: we would have liked to see more here ({wanted})."
        if point.examples:
            text += " " + " ".join(point.examples)
    return f"• {text}"


def _thanks(facts: ReportFacts) -> str:
    """The first thanks, for what the candidate has actually done so far: applied, interviewed
    earlier in the process, or interviewed at the stage decided on."""
    if not facts.interviewed:
        return (
            f"Thank you for your interest in the {facts.role_title} role and for the time you took to apply."
        )
    if not facts.stage_interviewed or not facts.stage_name:
        return f"Thank you for the time you have spent interviewing with us for the {facts.role_title} role so far."
    return f"Thank you for the time you spent interviewing with us for the {facts.role_title} role ({facts.stage_name})."


def _nothing_to_say(facts: ReportFacts) -> str:
    """The feedback part when no competency stands out either way."""
    if facts.cards:
        return (
            "The interviewers saw a balanced picture across the areas we assessed, "
            "with no single one standing out either way."
        )
    if not facts.interviewed:
        return (
            "This decision was made on your application, before any interview, so there is no "
            "interview feedback to share; we are happy to answer questions about it."
        )
    return "We will share more detailed feedback on this stage as soon as we can."


def draft_report(facts: ReportFacts) -> str:
    """The report's text, ready for the recruiter to edit (plain text, no names, no numbers); its
    words fit how far the candidate got (no thanks for interviewing before any interview)."""
    strengths, areas = assess(facts)
    hello = first_name(facts.candidate_name) or "there"
    parts = [f"Hi {hello},", f"{_thanks(facts)} {_opening(facts)}"]
    grow = "Where you could grow" if facts.outcome in ("advance", "offer", "hold") else "What held you back"
    for heading, points, strong in (("What went well", strengths, True), (grow, areas, False)):
        if points:
            lines = [_point_text(p, facts.competencies.get(p.key, ""), strong) for p in points]
            parts.append("\n".join([heading, *lines]))
    if not strengths and not areas:
        parts.append(_nothing_to_say(facts))
    closing = {
        "reject": "Thank you again for your interest, and we wish you every success in your search.",
        "offer": "Congratulations, and thank you again.",
    }.get(facts.outcome, "Thank you again, and we look forward to speaking with you.")
    parts.append(closing)
    parts.append(f"Best wishes,\nThe {facts.role_title} hiring team")
    body = "\n\n".join(parts)
    return body if len(body) <= MAX_BODY else body[: MAX_BODY - 1] + "…"


# -- messages ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportDraft:
    """The report as DM'd to a recruiter (with edit / mark-as-sent buttons until it is sent)."""

    report_id: int
    candidate_name: str
    role_title: str
    stage_name: str
    outcome: str
    decided_by: str
    decided_at: datetime
    body: str
    status: str
    timezone: str
    sent_by: str | None = None
    sent_at: datetime | None = None
    target_role_title: str | None = None


@dataclass(frozen=True)
class ReportText:
    """A report's current text, for its edit modal."""

    report_id: int
    body: str


@dataclass(frozen=True)
class UnsentReport:
    """A report drafted and not yet marked sent (digests list them)."""

    report_id: int
    candidate_id: int
    candidate_name: str
    role_id: int
    outcome: str
    created_at: datetime


# -- the service -------------------------------------------------------------------------------------


def report_recipients(role: Role) -> list[str]:
    """Who receives the draft: the role's recruiters, or its hiring manager when there are none."""
    return list(role.recruiter_ids) or [role.hiring_manager_id]


def message_kind(report_id: int) -> str:
    """The `slack_messages.kind` of a report's DMs, so every copy can be updated."""
    return f"report:{report_id}"


class ReportService:
    """Drafts, shows, edits and marks sent candidate feedback reports."""

    def __init__(self, db: Database, clock: Clock, notifier: Notifier, directory: Directory) -> None:
        self.db = db
        self.clock = clock
        self.notifier = notifier
        self.directory = directory

    def names_of(self, team_id: str, user_ids: Sequence[str]) -> list[str]:
        """Every name an interviewer goes by (stored and from the directory), for redaction."""
        names: list[str] = list(user_ids)
        known: set[str] = set()
        with self.db.uow(team_id) as uow:
            for person in uow.people.many(user_ids).values():
                names.append(person.display_name)
                if person.display_name and person.display_name != person.user_id:
                    known.add(person.user_id)
        for user_id in user_ids:
            if user_id in known:
                continue
            try:
                profile = self.directory.profile(team_id, user_id)
            except DomainError:
                log.warning("could not read a profile for redaction; using stored names only")
                continue
            if profile is not None:
                names.append(profile.name)
                if profile.email:
                    names.append(profile.email.split("@")[0])
        return [n for n in dict.fromkeys(names) if n]

    def create(
        self, uow: UnitOfWork, decision: Decision, facts: ReportFacts, now: datetime
    ) -> FeedbackReport:
        """Save the draft for `decision` in the caller's transaction (the decision's)."""
        report = FeedbackReport(
            team_id=decision.team_id,
            candidate_id=decision.candidate_id,
            decision_id=decision.id,
            body=draft_report(facts),
            status="draft",
            created_at=now,
            updated_at=now,
        )
        uow.decisions.add(report)
        after = {"decision_id": decision.id, "outcome": decision.outcome, "status": "draft"}
        _audit(uow, report, decision.decided_by, "report.drafted", now, after=after)
        return report

    def _load(self, uow: UnitOfWork, report_id: int) -> tuple[FeedbackReport, Decision, Candidate, Role]:
        report = uow.decisions.report(report_id)
        if report is None:
            raise NotFound("That feedback report no longer exists.")
        decision = uow.decisions.decision(report.decision_id)
        candidate = uow.candidates.get(report.candidate_id)
        if decision is None or candidate is None or candidate.erased_at is not None:
            raise NotFound("That candidate's data was erased.")
        role = uow.roles.get(decision.role_id)
        assert role is not None
        return report, decision, candidate, role

    def draft_message(self, team_id: str, report_id: int) -> ReportDraft:
        """The DM content of a report, as it stands."""
        with self.db.uow(team_id) as uow:
            report, decision, candidate, role = self._load(uow, report_id)
            target = uow.roles.get(decision.target_role_id) if decision.target_role_id else None
            return ReportDraft(
                report_id=report.id,
                candidate_name=candidate.name,
                role_title=role.title,
                stage_name=stage_name(spec_of(role.plan), decision.stage_key),
                outcome=decision.outcome,
                decided_by=decision.decided_by,
                decided_at=decision.decided_at,
                body=report.body,
                status=report.status,
                timezone=role.timezone,
                sent_by=report.sent_by,
                sent_at=report.sent_at,
                target_role_title=target.title if target else None,
            )

    def deliver(self, team_id: str, report_id: int) -> list[str]:
        """DM the draft to each recipient; returns the recipients it could not reach."""
        with self.db.uow(team_id) as uow:
            report, _, _, role = self._load(uow, report_id)
            recipients = report_recipients(role)
            candidate_id = report.candidate_id
        content = self.draft_message(team_id, report_id)
        failed = []
        for user_id in recipients:
            try:
                sent = self.notifier.send(team_id, user_id, content)
            except DomainError:
                log.warning("could not DM a feedback report; digests list it as not sent")
                failed.append(user_id)
                continue
            record_sent(self.db, team_id, sent, message_kind(report_id), candidate_id, self.clock.now())
        return failed

    def refresh(self, team_id: str, report_id: int) -> None:
        """Update every DM of the report to show its current text and status."""
        content = self.draft_message(team_id, report_id)
        with self.db.uow(team_id) as uow:
            report = uow.decisions.report(report_id)
            assert report is not None
            messages = [
                m
                for m in uow.messages.for_candidate(report.candidate_id)
                if m.kind == message_kind(report_id)
            ]
        for message in messages:
            try:
                self.notifier.update(team_id, Sent(channel_id=message.channel_id, ts=message.ts), content)
            except DomainError:
                log.warning("could not update a feedback report DM")

    def for_edit(self, actor: Actor, report_id: int) -> ReportText:
        """The report's text, for its edit modal (managers of the role only; not once sent)."""
        with self.db.uow(actor.team_id) as uow:
            report = self._unsent(uow, actor, report_id, "edit this feedback report")
            return ReportText(report_id=report.id, body=report.body)

    def edit(self, actor: Actor, report_id: int, body: str, *, request_key: str | None = None) -> bool:
        """Save a new text (audited). False when `request_key` was already handled."""
        body = body.strip()
        if not body:
            raise InvalidInput({"body": "The report cannot be empty."})
        if len(body) > MAX_BODY:
            raise InvalidInput({"body": f"Keep the report under {MAX_BODY} characters."})
        now = self.clock.now()
        with self.db.uow(actor.team_id) as uow:
            report = self._unsent(uow, actor, report_id, "edit this feedback report")
            if request_key and not uow.idempotency.claim(request_key, now):
                return False
            before = {"length": len(report.body)}
            after = {"length": len(body), "changed": report.body != body}
            report.body = body
            report.updated_at = now
            _audit(uow, report, actor.user_id, "report.edited", now, before=before, after=after)
            uow.commit()
            return True

    def mark_sent(self, actor: Actor, report_id: int) -> bool:
        """Record that the report went to the candidate (audited). False for a doubled click."""
        now = self.clock.now()
        with self.db.uow(actor.team_id) as uow:
            report = self._unsent(uow, actor, report_id, "mark this feedback report as sent")
            if not uow.idempotency.claim(f"report-sent:{report.id}", now):
                return False
            report.status = "sent"
            report.sent_at = now
            report.sent_by = actor.user_id
            report.updated_at = now
            sent = {"status": "sent"}
            _audit(uow, report, actor.user_id, "report.sent", now, before={"status": "draft"}, after=sent)
            uow.commit()
            return True

    def _unsent(self, uow: UnitOfWork, actor: Actor, report_id: int, what: str) -> FeedbackReport:
        """The report, if `actor` may `what` (a manager of its role) and it has not been sent yet."""
        report, _, candidate, role = self._load(uow, report_id)
        require_manager(actor, role, what)
        if report.status == "sent":
            who = f"<@{report.sent_by}>" if report.sent_by else "someone"
            raise Conflict(
                f"The report for {candidate.name} was already marked sent by {who}; it can no longer be edited."
            )
        return report

    def unsent(self, team_id: str, role_id: int | None = None) -> list[UnsentReport]:
        """Reports drafted and not yet sent, oldest first (optionally for one role)."""
        with self.db.uow(team_id) as uow:
            return [
                UnsentReport(
                    report_id=report.id,
                    candidate_id=candidate.id,
                    candidate_name=candidate.name,
                    role_id=decision.role_id,
                    outcome=decision.outcome,
                    created_at=report.created_at,
                )
                for report, decision, candidate in uow.decisions.unsent_reports(role_id)
            ]


def _audit(
    uow: UnitOfWork,
    report: FeedbackReport,
    actor_id: str,
    action: str,
    now: datetime,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any],
) -> None:
    """Audit `action` on `report`: what it was before (when it existed) and is after."""
    uow.audit.record(
        at=now,
        actor_id=actor_id,
        action=action,
        subject_type="feedback_report",
        subject_id=report.id,
        candidate_id=report.candidate_id,
        before=before,
        after=after,
    )
