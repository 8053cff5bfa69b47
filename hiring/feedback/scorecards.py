"""Scorecards: the form after an interview, drafts, submissions and edits until the stage's decision,
shadow scorecards, and the independence rule (no one on the panel sees other people's feedback for a
candidate's stage before their own is in).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from hiring.clock import Clock
from hiring.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from hiring.outbox import Due
from hiring.panels.interview_info import (
    Competency,
    InterviewInfo,
    interview_info,
    person_timezone,
    stage_name,
)
from hiring.permissions import Actor
from hiring.ports import Directory, Notifier, record_sent
from hiring.roles.candidates import live_candidate
from storage.models import Interview, Role, Scorecard, Seat
from storage.repositories.base import again_if_duplicate
from storage.repositories.feedback import HELD_STATUSES
from storage.uow import Database, UnitOfWork

EVIDENCE_MIN_CHARS = 50
TEXT_LIMIT = 3000
RECOMMENDATIONS: dict[str, str] = {
    "strong_no": "Strong no",
    "no": "No",
    "yes": "Yes",
    "strong_yes": "Strong yes",
}
# Scorecard requests are not sent for interviews that ended longer ago than this (e.g. after a long
# outage): they still show as pending in `/interview feedback` and the App Home.
REQUEST_LOOKBACK = timedelta(days=7)


@dataclass
class ScorecardInput:
    """What the scorecard modal collects: raw select values per competency, recommendation and text."""

    ratings: dict[str, str | None] = field(default_factory=dict)
    recommendation: str | None = None
    evidence: str = ""
    private_note: str = ""


@dataclass(frozen=True)
class ScorecardForm:
    """What the scorecard modal shows: the interview, the scale and the saved draft or submission."""

    info: InterviewInfo
    is_shadow: bool
    status: str  # new | draft | submitted
    ratings: dict[str, int]
    recommendation: str | None
    evidence: str
    private_note: str
    submitted_at: datetime | None
    tz: str


@dataclass(frozen=True)
class ScorecardRequest:
    """The DM sent when an interview (`info`) ends: please submit your scorecard (button inside)."""

    info: InterviewInfo
    is_shadow: bool
    due_at: datetime
    tz: str
    has_draft: bool = False


@dataclass(frozen=True)
class ScorecardReceipt:
    """A stored submission (or edit): the DM confirming it to its author, with buttons to edit it and
    to read the panel's feedback, and the people whose App Home it changes."""

    interview_id: int
    candidate_id: int
    stage_key: str
    title: str
    candidate_name: str
    is_shadow: bool
    edited: bool
    author_id: str
    affected: tuple[str, ...]


@dataclass(frozen=True)
class PendingScorecard:
    """A scorecard the user still owes: the interview has ended and the stage is undecided."""

    interview_id: int
    title: str
    candidate_name: str
    role_title: str
    stage_name: str
    ended_at: datetime
    due_at: datetime
    late: bool
    has_draft: bool
    is_shadow: bool


@dataclass(frozen=True)
class ScorecardEntry:
    """One seat's scorecard as a given viewer may see it; hidden content is None, with a reason."""

    interview_title: str
    author_id: str
    is_shadow: bool
    status: str  # submitted | draft | missing
    visible: bool
    reason: str | None = None
    ratings: tuple[tuple[str, str], ...] = ()
    recommendation: str | None = None
    evidence: str | None = None
    private_note: str | None = None
    submitted_at: datetime | None = None

    @property
    def counted(self) -> bool:
        """Shadow scorecards are shown but never counted."""
        return self.status == "submitted" and not self.is_shadow


@dataclass(frozen=True)
class StageFeedback:
    """A candidate's stage feedback for one viewer, with why anything is hidden."""

    candidate_name: str
    role_title: str
    stage_name: str
    viewer: str  # manager | panel | outsider
    reason: str | None
    entries: tuple[ScorecardEntry, ...]
    decided: bool
    submitted: int = 0
    expected: int = 0


def validate(info: InterviewInfo, data: ScorecardInput) -> tuple[dict[str, int], dict[str, str]]:
    """Clean ratings and field errors (block id → message) for a scorecard submission."""
    errors: dict[str, str] = {}
    ratings: dict[str, int] = {}
    points = info.points
    for c in info.competencies:
        raw = data.ratings.get(c.key)
        value = int(raw) if isinstance(raw, str) and raw.lstrip("-").isdecimal() else None
        if raw in (None, ""):
            errors[f"c:{c.key}"] = f"Rate {c.name.lower()} on the {info.scale_range} scale."
        elif value is None or value not in points:
            errors[f"c:{c.key}"] = f"Choose one of the options ({info.scale_range})."
        else:
            ratings[c.key] = value
    if not data.recommendation:
        errors["recommendation"] = "Choose an overall recommendation: strong no, no, yes or strong yes."
    elif data.recommendation not in RECOMMENDATIONS:
        errors["recommendation"] = "Choose one of: strong no, no, yes or strong yes."
    evidence = data.evidence.strip()
    if len(evidence) < EVIDENCE_MIN_CHARS:
        have = f"you have {len(evidence)}" if evidence else "it is empty"
        errors["evidence"] = (
            f"Write at least {EVIDENCE_MIN_CHARS} characters of evidence — what the candidate said or did "
            f"that supports your ratings ({have})."
        )
    elif len(evidence) > TEXT_LIMIT:
        errors["evidence"] = (
            f"Keep the evidence under {TEXT_LIMIT:,} characters (you have {len(evidence):,})."
        )
    if len(data.private_note.strip()) > TEXT_LIMIT:
        errors["private_note"] = f"Keep the note under {TEXT_LIMIT:,} characters."
    return ratings, errors


def snapshot(card: Scorecard) -> dict[str, Any]:
    """Audited fields of a scorecard (texts are summarised, so erasure leaves nothing in the audit)."""
    return {
        "status": card.status,
        "is_shadow": card.is_shadow,
        "ratings": dict(card.ratings or {}),
        "recommendation": card.recommendation,
        "evidence_chars": len(card.evidence or ""),
        "has_private_note": bool(card.private_note),
    }


def unsent(uow: UnitOfWork, keys: Iterable[str]) -> set[str]:
    """The keys among `keys` that have not been sent yet (so sources skip rebuilding sent items)."""
    keys = list(keys)
    return set(keys) - uow.outbox.sent_among(keys)


class ScorecardService:
    """Opens, drafts, submits and shows scorecards; only the interview's own interviewers may write
    them, and nothing changes once the stage's decision is recorded."""

    def __init__(self, db: Database, clock: Clock, directory: Directory, notifier: Notifier) -> None:
        self.db = db
        self.clock = clock
        self.directory = directory
        self.notifier = notifier

    # -- writing ------------------------------------------------------------------------------------
    def _check(
        self, uow: UnitOfWork, actor: Actor, interview_id: int, now: datetime
    ) -> tuple[Interview, Seat, InterviewInfo]:
        """The interview and the actor's seat on it, or the reason they may not write its scorecard."""
        repo = uow.feedback
        interview = repo.interview(interview_id)
        if interview is None or interview.panel.candidate.erased_at is not None:
            raise NotFound("That interview no longer exists.")
        seat = next((s for s in interview.seats if s.user_id == actor.user_id), None)
        if seat is None:
            raise PermissionDenied(
                "Only the people who ran this interview can write its scorecard. "
                "`/interview feedback` lists the scorecards you owe."
            )
        info = interview_info(interview)
        if interview.status == "cancelled" or interview.panel.status == "cancelled":
            raise Conflict(
                f"“{info.title}” with {info.candidate_name} was cancelled, so it has no scorecard."
            )
        if interview.start_at is None or interview.status not in HELD_STATUSES:
            raise Conflict(f"“{info.title}” with {info.candidate_name} is not booked yet.")
        if now < interview.start_at:
            raise Conflict(
                f"“{info.title}” with {info.candidate_name} has not started yet; "
                "its scorecard opens when the interview starts."
            )
        if repo.decision(info.candidate_id, info.stage_key) is not None:
            raise Conflict(
                f"The decision on {info.candidate_name}'s {info.stage_name} has been recorded, so its "
                "scorecards can no longer be changed."
            )
        return interview, seat, info

    def form(self, actor: Actor, interview_id: int) -> ScorecardForm:
        """What the modal shows: the plan's competencies and scale, prefilled with the draft or the
        submitted scorecard."""
        now = self.clock.now()
        with self.db.uow(actor.team_id) as uow:
            _, seat, info = self._check(uow, actor, interview_id, now)
            card = uow.feedback.scorecard(interview_id, actor.user_id)
            tz = person_timezone(uow, self.directory, actor.user_id, info.role_timezone)
            ratings = {k: int(v) for k, v in (card.ratings or {}).items()} if card else {}
            return ScorecardForm(
                info=info,
                is_shadow=seat.kind == "shadow",
                status=card.status if card else "new",
                ratings={k: v for k, v in ratings.items() if v in info.points},
                recommendation=card.recommendation if card else None,
                evidence=card.evidence if card else "",
                private_note=card.private_note if card else "",
                submitted_at=card.submitted_at if card else None,
                tz=tz,
            )

    def _write(
        self, uow: UnitOfWork, info: InterviewInfo, seat: Seat, now: datetime, **fields: Any
    ) -> tuple[Scorecard, bool]:
        """Create or update the author's scorecard (unique per interview and author) with `fields`
        (a first submission is stamped `submitted_at`) and audit it; returns it and whether it was
        submitted before (an edit). A concurrent first write breaks the unique constraint (see
        `again_if_duplicate`)."""
        card = uow.feedback.scorecard(info.interview_id, seat.user_id)
        before = snapshot(card) if card is not None else None
        edited = before is not None and before["status"] == "submitted"
        new = card is None
        if card is None:
            card = Scorecard(
                team_id=seat.team_id,
                interview_id=info.interview_id,
                candidate_id=info.candidate_id,
                stage_key=info.stage_key,
                author_id=seat.user_id,
                is_shadow=seat.kind == "shadow",
                status="draft",
                created_at=now,
            )
        for name, value in fields.items():
            setattr(card, name, value)
        card.updated_at = now
        if card.status == "submitted" and card.submitted_at is None:
            card.submitted_at = now
        if new:
            uow.feedback.add(card)
        uow.flush()
        if card.status != "submitted":
            action = "scorecard.draft_saved"
        else:
            action = "scorecard.updated" if edited else "scorecard.submitted"
        uow.audit.record(
            at=now,
            actor_id=seat.user_id,
            action=action,
            subject_type="scorecard",
            subject_id=card.id,
            candidate_id=info.candidate_id,
            before=before,
            after=snapshot(card),
        )
        return card, edited

    def submit(
        self, actor: Actor, interview_id: int, data: ScorecardInput, *, request_key: str | None = None
    ) -> ScorecardReceipt | None:
        """Validate and store the actor's scorecard (an edit updates it in place). None when
        `request_key` was already handled (a Slack retry)."""
        return again_if_duplicate(lambda: self._submit(actor, interview_id, data, request_key))

    def _submit(
        self, actor: Actor, interview_id: int, data: ScorecardInput, request_key: str | None
    ) -> ScorecardReceipt | None:
        now = self.clock.now()
        with self.db.uow(actor.team_id) as uow:
            # A Slack retry stops here; the claim is undone if anything below refuses the submission.
            if request_key and not uow.idempotency.claim(request_key, now):
                return None
            _, seat, info = self._check(uow, actor, interview_id, now)
            ratings, errors = validate(info, data)
            if errors:
                raise InvalidInput(errors)
            card, edited = self._write(
                uow,
                info,
                seat,
                now,
                ratings=ratings,
                recommendation=data.recommendation,
                evidence=data.evidence.strip(),
                private_note=data.private_note.strip(),
                is_shadow=seat.kind == "shadow",
                status="submitted",
            )
            uow.commit()
            affected = tuple(dict.fromkeys([actor.user_id, info.hiring_manager_id, *info.recruiter_ids]))
            return ScorecardReceipt(
                interview_id=interview_id,
                candidate_id=info.candidate_id,
                stage_key=info.stage_key,
                title=info.title,
                candidate_name=info.candidate_name,
                is_shadow=card.is_shadow,
                edited=edited,
                author_id=actor.user_id,
                affected=affected,
            )

    def save_draft(self, actor: Actor, interview_id: int, data: ScorecardInput) -> bool:
        """Keep what a closed modal held, unvalidated, so it reopens filled. A submitted scorecard is
        never downgraded to a draft. False when nothing was saved."""
        return again_if_duplicate(lambda: self._save_draft(actor, interview_id, data))

    def _save_draft(self, actor: Actor, interview_id: int, data: ScorecardInput) -> bool:
        now = self.clock.now()
        with self.db.uow(actor.team_id) as uow:
            try:
                _, seat, info = self._check(uow, actor, interview_id, now)
            except (NotFound, PermissionDenied, Conflict):
                return False
            existing = uow.feedback.scorecard(interview_id, actor.user_id)
            if existing is not None and existing.status == "submitted":
                return False
            ratings = {}
            for c in info.competencies:
                raw = data.ratings.get(c.key)
                if isinstance(raw, str) and raw.isdecimal() and int(raw) in info.points:
                    ratings[c.key] = int(raw)
            recommendation = data.recommendation if data.recommendation in RECOMMENDATIONS else None
            evidence = data.evidence.strip()[:TEXT_LIMIT]
            note = data.private_note.strip()[:TEXT_LIMIT]
            if existing is None and not (ratings or recommendation or evidence or note):
                return False
            self._write(
                uow,
                info,
                seat,
                now,
                ratings=ratings,
                recommendation=recommendation,
                evidence=evidence,
                private_note=note,
            )
            uow.commit()
            return True

    def acknowledge(self, team_id: str, receipt: ScorecardReceipt) -> None:
        """DM the author the receipt (edit and read-the-panel buttons) and remember the message."""
        sent = self.notifier.send(team_id, receipt.author_id, receipt)
        record_sent(self.db, team_id, sent, "scorecard_receipt", receipt.candidate_id, self.clock.now())

    # -- reading --------------------------------------------------------------------------------
    def pending(self, team_id: str, user_id: str) -> list[PendingScorecard]:
        """The scorecards `user_id` still owes, oldest interview first."""
        now = self.clock.now()
        with self.db.uow(team_id) as uow:
            result = []
            for seat, interview, draft in uow.feedback.pending_for(user_id, now):
                info = interview_info(interview)
                assert info.end_at is not None
                due = info.end_at + timedelta(hours=info.feedback_due_hours)
                result.append(
                    PendingScorecard(
                        interview_id=info.interview_id,
                        title=info.title,
                        candidate_name=info.candidate_name,
                        role_title=info.role_title,
                        stage_name=info.stage_name,
                        ended_at=info.end_at,
                        due_at=due,
                        late=now > due,
                        has_draft=draft is not None,
                        is_shadow=seat.kind == "shadow",
                    )
                )
            return result

    def visible_scorecards(self, actor: Actor, candidate_id: int, stage_key: str) -> StageFeedback:
        """A candidate's stage feedback as `actor` may see it. Panel members (interviewers and shadows,
        whatever else they are) see other people's ratings, recommendations and evidence only once all
        their own scorecards for the stage are submitted; the hiring manager, the role's recruiters and
        admins who are not on the panel see every submitted scorecard; private notes are for the hiring
        manager (and admins) only; anyone else sees nothing. Every scorecard of someone else that is
        shown is audited as `scorecard.viewed`."""
        now = self.clock.now()
        with self.db.uow(actor.team_id) as uow:
            repo = uow.feedback
            candidate = live_candidate(uow, candidate_id)
            role = candidate.role
            name = stage_name(role.plan, stage_key)
            decided = repo.decision(candidate_id, stage_key) is not None
            seats = repo.stage_seats(candidate_id, stage_key)
            cards = {(c.interview_id, c.author_id): c for c in repo.stage_scorecards(candidate_id, stage_key)}
            viewer, can_see, reason = _access(actor, role, name, seats, cards)
            base: dict[str, Any] = {
                "candidate_name": candidate.name,
                "role_title": role.title,
                "stage_name": name,
                "decided": decided,
                "viewer": viewer,
                "reason": reason,
            }
            if viewer == "outsider":
                return StageFeedback(**base, entries=())
            sees_notes = actor.is_admin or actor.user_id == role.hiring_manager_id
            entries, viewed = self._entries(uow, actor, seats, cards, can_see, sees_notes)
            for card in viewed:
                uow.audit.record(
                    at=now,
                    actor_id=actor.user_id,
                    action="scorecard.viewed",
                    subject_type="scorecard",
                    subject_id=card.id,
                    candidate_id=candidate_id,
                )
            if viewed:
                uow.commit()
            counted = [e for e in entries if not e.is_shadow]
            return StageFeedback(
                **base,
                entries=tuple(entries),
                submitted=sum(1 for e in counted if e.status == "submitted"),
                expected=len(counted),
            )

    def _entries(
        self,
        uow: UnitOfWork,
        actor: Actor,
        seats: list[tuple[Seat, Interview]],
        cards: dict[tuple[int, str], Scorecard],
        can_see: bool,
        sees_notes: bool,
    ) -> tuple[list[ScorecardEntry], list[Scorecard]]:
        """One entry per seat (then per scorecard whose author has since left the panel), and the
        scorecards of others the entries show."""
        infos: dict[int, InterviewInfo] = {}
        pairs: list[tuple[Interview, str, bool, Scorecard | None]] = [
            (i, s.user_id, s.kind == "shadow", cards.pop((i.id, s.user_id), None)) for s, i in seats
        ]
        for orphan in cards.values():
            interview = uow.feedback.interview(orphan.interview_id)
            if interview is not None:
                pairs.append((interview, orphan.author_id, orphan.is_shadow, orphan))
        entries = []
        viewed = []
        for interview, author, is_shadow, card in pairs:
            info = infos.setdefault(interview.id, interview_info(interview))
            entry = self._entry(actor, info, author, is_shadow, card, can_see, sees_notes)
            if entry.visible and card is not None and author != actor.user_id:
                viewed.append(card)
            entries.append(entry)
        return entries, viewed

    @staticmethod
    def _entry(
        actor: Actor,
        info: InterviewInfo,
        author: str,
        is_shadow: bool,
        card: Scorecard | None,
        can_see: bool,
        sees_notes: bool,
    ) -> ScorecardEntry:
        status = card.status if card is not None else "missing"
        own = author == actor.user_id
        common: dict[str, Any] = {
            "interview_title": info.title,
            "author_id": author,
            "is_shadow": is_shadow,
            "status": status,
            "submitted_at": card.submitted_at if card else None,
        }
        if card is None or not (own or (can_see and status == "submitted")):
            if card is None or status != "submitted":
                reason = "Not submitted yet."
            else:
                reason = "Hidden until you submit your own scorecard for this stage."
            return ScorecardEntry(**common, visible=False, reason=reason)
        names = {c.key: c for c in info.competencies}
        labels = {p.value: p.label for p in info.scale}
        ratings = tuple(
            (names.get(k, Competency(k, k, "")).name, labels.get(int(v), str(v)))
            for k, v in (card.ratings or {}).items()
        )
        return ScorecardEntry(
            **common,
            visible=True,
            ratings=ratings,
            recommendation=card.recommendation,
            evidence=card.evidence,
            private_note=(card.private_note or None) if (own or sees_notes) else None,
        )

    def feedback_stage(self, team_id: str, candidate_id: int, current_stage: str) -> str:
        """The stage whose feedback to show for a candidate: their current stage when it has a panel,
        else the stage of their most recent panel."""
        with self.db.uow(team_id) as uow:
            if uow.feedback.stage_seats(candidate_id, current_stage):
                return current_stage
            return uow.feedback.latest_stage(candidate_id) or current_stage

    # -- the scorecard request at the interview's end (an outbox source) -----------------------
    def due_requests(self, now: datetime) -> list[Due]:
        """A "submit your scorecard" DM for every seat of an interview that has ended (within
        `REQUEST_LOOKBACK`), whose stage is undecided and whose scorecard is not submitted yet."""
        with self.db.uow("") as uow:
            rows = uow.feedback.seats_awaiting_scorecards(now, REQUEST_LOOKBACK)
            keys = {seat_id: f"scorecard-request:{seat_id}:{end:%Y%m%dT%H%M}" for seat_id, _, end in rows}
            fresh = unsent(uow, keys.values())
        due = []
        for seat_id, team_id, _ in rows:
            if keys[seat_id] not in fresh:
                continue
            with self.db.uow(team_id) as uow:
                seat = uow.booking.seat(seat_id)
                if seat is None:
                    continue
                interview = uow.booking.interview(seat.interview_id)
                assert interview is not None and interview.end_at is not None
                info = interview_info(interview)
                has_draft = uow.feedback.scorecard(interview.id, seat.user_id)
                content = ScorecardRequest(
                    info=info,
                    is_shadow=seat.kind == "shadow",
                    due_at=interview.end_at + timedelta(hours=info.feedback_due_hours),
                    tz=person_timezone(uow, self.directory, seat.user_id, info.role_timezone),
                    has_draft=has_draft is not None,
                )
                due.append(
                    Due(
                        team_id=team_id,
                        key=keys[seat_id],
                        kind="scorecard_request",
                        to=seat.user_id,
                        content=content,
                        candidate_id=info.candidate_id,
                    )
                )
        return due


def _access(
    actor: Actor,
    role: Role,
    name: str,
    seats: list[tuple[Seat, Interview]],
    cards: dict[tuple[int, str], Scorecard],
) -> tuple[str, bool, str | None]:
    """Who `actor` is to the stage (panel, manager or outsider), whether they may see other people's
    scorecards, and why not."""
    mine = [(s, i) for s, i in seats if s.user_id == actor.user_id]
    is_manager = (
        actor.is_admin or actor.user_id == role.hiring_manager_id or actor.user_id in role.recruiter_ids
    )
    if mine:
        owed = [
            i.title for s, i in mine if (c := cards.get((i.id, s.user_id))) is None or c.status != "submitted"
        ]
        if not owed:
            return "panel", True, None
        return (
            "panel",
            False,
            "Other people's feedback stays hidden until you submit your own scorecard for "
            f"this stage ({', '.join(owed)}), so that every opinion is independent.",
        )
    if is_manager:
        return "manager", True, None
    return (
        "outsider",
        False,
        f"Only the panel of {name}, the hiring manager and the recruiters see its feedback.",
    )
