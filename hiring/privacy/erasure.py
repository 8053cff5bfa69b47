"""Erasure and retention of candidates' personal data, and the audit trail.

Erasing a candidate blanks every personal field (name, email, notes, links, accommodations,
availability, scorecard evidence and notes, decision notes, feedback reports), deletes their
scheduling links, keeps anonymous counts (stages, decisions, ratings), rewrites Loopbot's own Slack
messages that named them, and cancels their future calendar events. The audit trail keeps who did
what and when; it never held personal text.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from hiring.clock import Clock
from hiring.errors import NotFound, PermissionDenied
from hiring.permissions import Actor
from hiring.ports import Notifier, Sent
from scheduling.calendar_protocol import CalendarGateway
from storage.models import AuditEvent, Candidate
from storage.uow import Database, UnitOfWork

log = logging.getLogger(__name__)

SYSTEM = "USLACKBOT"


@dataclass(frozen=True)
class ErasedNotice:
    """What an erased candidate's messages say afterwards."""

    candidate_id: int


@dataclass
class Erasure:
    """What an erasure changed outside the database, to finish after the commit."""

    team_id: str
    candidate_id: int
    messages: list[Sent] = field(default_factory=list)
    event_ids: list[str] = field(default_factory=list)
    messages_updated: int = 0
    events_cancelled: int = 0
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ErasureTarget:
    """The candidate a person may erase, as the confirmation modal shows them."""

    id: int
    name: str


@dataclass(frozen=True)
class AuditLine:
    at: datetime
    actor_id: str
    action: str
    subject: str


def _cancel_future_interviews(uow: UnitOfWork, candidate: Candidate, now: datetime) -> list[str]:
    """Cancel the candidate's future booked interviews (and panels left with none), scrub their calendar
    events of the candidate; return the ids of the future events to cancel in the calendar."""
    interviews = uow.privacy.interviews_of(candidate.id)
    event_ids = [i.event_id for i in interviews if i.event_id]
    future = [i for i in interviews if i.status == "booked" and i.start_at and i.start_at > now]
    for interview in future:
        interview.status = "cancelled"
    for panel in {i.panel for i in interviews}:
        if panel.status == "booked" and all(i.status == "cancelled" for i in panel.interviews):
            panel.status = "cancelled"
    if event_ids:
        _scrub_calendar_events(uow, event_ids, candidate.email)
    return [i.event_id for i in future if i.event_id]


def _scrub_calendar_events(uow: UnitOfWork, event_ids: list[str], email: str | None) -> None:
    """Drop the candidate's name, description and email from the stored calendar events."""
    for event in uow.calendar.many(event_ids).values():
        event.summary = "Interview (candidate data erased)"
        event.description = ""
        event.attendees = [
            a for a in event.attendees or [] if (a.get("email") if isinstance(a, dict) else a) != email
        ]


def _blank_candidate(candidate: Candidate, now: datetime) -> None:
    """Blank the candidate's personal fields and mark them erased."""
    candidate.name = f"Erased candidate #{candidate.id}"
    candidate.email = None
    candidate.phone = ""
    candidate.notes = ""
    candidate.links = ""
    candidate.accommodations = ""
    candidate.private_accommodations = ""
    candidate.erased_at = now
    candidate.updated_at = now


class PrivacyService:
    """Forget candidates on request or after the retention period; show audit trails to admins."""

    def __init__(
        self, db: Database, clock: Clock, notifier: Notifier, calendar: CalendarGateway | None = None
    ) -> None:
        self.db = db
        self.clock = clock
        self.notifier = notifier
        self.calendar = calendar

    def may_forget(self, actor: Actor, candidate: Candidate) -> bool:
        """Recruiters of the candidate's role and workspace admins."""
        return actor.is_admin or actor.user_id in candidate.role.recruiter_ids

    def _erasable(self, uow: UnitOfWork, actor: Actor, candidate_id: int) -> Candidate:
        """The unerased candidate, if `actor` may erase them."""
        candidate = uow.candidates.get(candidate_id)
        if candidate is None or candidate.erased_at is not None:
            raise NotFound("That candidate does not exist or was already erased.")
        if not self.may_forget(actor, candidate):
            raise PermissionDenied(
                "Only the role's recruiters or a workspace admin may erase a candidate's data."
            )
        return candidate

    def candidate_for_erasure(self, actor: Actor, candidate_id: int) -> ErasureTarget:
        """The candidate to confirm the erasure of (NotFound, PermissionDenied as `forget` would raise)."""
        with self.db.uow(actor.team_id) as uow:
            candidate = self._erasable(uow, actor, candidate_id)
            return ErasureTarget(candidate.id, candidate.name)

    def forget(self, actor: Actor, candidate_id: int, *, reason: str = "request") -> Erasure:
        """Erase the candidate's personal data in one transaction; `finish` does Slack and the calendar."""
        now = self.clock.now()
        with self.db.uow(actor.team_id) as uow:
            candidate = self._erasable(uow, actor, candidate_id)
            erasure = Erasure(team_id=actor.team_id, candidate_id=candidate_id)
            erasure.event_ids = _cancel_future_interviews(uow, candidate, now)
            _blank_candidate(candidate, now)
            uow.privacy.erase_personal_records(candidate_id)
            uow.links.delete_for_candidate(candidate_id)  # their scheduling links stop working at once
            erasure.messages = [Sent(m.channel_id, m.ts) for m in uow.messages.for_candidate(candidate_id)]
            uow.audit.record(
                at=now,
                actor_id=actor.user_id,
                action="candidate.erased",
                subject_type="candidate",
                subject_id=candidate_id,
                candidate_id=candidate_id,
                after={"reason": reason, "messages": len(erasure.messages), "events": len(erasure.event_ids)},
            )
            uow.commit()
        return erasure

    def finish(self, erasure: Erasure) -> Erasure:
        """Rewrite Loopbot's messages that named the candidate and cancel their future events."""
        notice = ErasedNotice(erasure.candidate_id)
        with self.db.uow(erasure.team_id) as uow:
            removed = uow.workspaces.is_removed()
        if removed and erasure.messages:  # uninstalled: Slack would refuse every update
            erasure.problems.append(
                "Loopbot is no longer installed in this workspace; its messages stay as they were."
            )
        for sent in () if removed else erasure.messages:
            try:
                self.notifier.update(erasure.team_id, sent, notice)
                erasure.messages_updated += 1
            except Exception as exc:  # a deleted channel, a message gone: say so, keep going
                erasure.problems.append(
                    f"message {sent.channel_id}/{sent.ts}: {getattr(exc, 'message', exc)}"
                )
        if erasure.event_ids and self.calendar is not None:
            try:
                self.calendar.cancel(erasure.team_id, erasure.event_ids)
                erasure.events_cancelled = len(erasure.event_ids)
            except Exception as exc:
                erasure.problems.append(f"calendar: {getattr(exc, 'message', exc)}")
        return erasure

    def retention_sweep(self, days: int | None) -> list[Erasure]:
        """Erase rejected candidates whose decision is older than `days` (the periodic job runs it)."""
        if not days:
            return []
        cutoff = self.clock.now() - timedelta(days=days)
        with self.db.uow("") as uow:
            due = uow.privacy.rejected_before(cutoff)
        done = []
        for team_id, candidate_id in due:
            system = Actor(team_id=team_id, user_id=SYSTEM, is_admin=True)
            try:
                done.append(self.finish(self.forget(system, candidate_id, reason=f"retention ({days} days)")))
            except NotFound:
                continue
        return done

    def audit_trail(self, actor: Actor, candidate_id: int, *, limit: int = 200) -> list[AuditLine]:
        """Who did and who saw what, when (admins only; reading it is itself audited)."""
        if not actor.is_admin:
            raise PermissionDenied("Only a workspace admin may read the audit trail.")
        now = self.clock.now()
        with self.db.uow(actor.team_id) as uow:
            candidate = uow.candidates.get(candidate_id)
            if candidate is None:
                raise NotFound("That candidate does not exist.")
            rows: Sequence[AuditEvent] = uow.audit.for_candidate(candidate_id)
            lines = [AuditLine(r.at, r.actor_id, r.action, f"{r.subject_type} {r.subject_id}") for r in rows][
                -limit:
            ]
            uow.audit.record(
                at=now,
                actor_id=actor.user_id,
                action="audit.viewed",
                subject_type="candidate",
                subject_id=candidate_id,
                candidate_id=candidate_id,
            )
            uow.commit()
        return lines
