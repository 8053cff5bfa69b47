"""Scheduling's rows: the built-in calendar's events (with .ics tokens) and people's busy blocks,
and the booking side's seats, interviews, audited changes and notice claims."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import (
    AuditEvent,
    BusyBlock,
    CalendarEvent,
    Candidate,
    IdempotencyKey,
    Interview,
    Notification,
    Panel,
    Seat,
)
from storage.repositories.base import Repository


class CalendarRepository(Repository):
    """The built-in calendar's events and busy blocks (scoped to one workspace)."""

    def get(self, event_id: str) -> CalendarEvent | None:
        """The workspace's event with this id (None if absent or another workspace's)."""
        return self.owned(CalendarEvent, event_id)

    def id_taken_elsewhere(self, event_id: str) -> bool:
        """True when another workspace already uses this event id."""
        event = self.session.get(CalendarEvent, event_id)
        return event is not None and event.team_id != self.team_id

    def many(self, event_ids: Sequence[str]) -> dict[str, CalendarEvent]:
        if not event_ids:
            return {}
        rows = self.session.scalars(
            select(CalendarEvent).where(
                CalendarEvent.team_id == self.team_id, CalendarEvent.id.in_(list(event_ids))
            )
        )
        return {e.id: e for e in rows}

    def confirmed_between(self, start: datetime, end: datetime) -> list[CalendarEvent]:
        """Confirmed events overlapping [start, end)."""
        return list(
            self.session.scalars(
                select(CalendarEvent)
                .where(
                    CalendarEvent.team_id == self.team_id,
                    CalendarEvent.status == "confirmed",
                    CalendarEvent.start_at < end,
                    CalendarEvent.end_at > start,
                )
                .order_by(CalendarEvent.start_at, CalendarEvent.id)
            )
        )

    def busy_blocks(self, owners: Sequence[str], start: datetime, end: datetime) -> list[BusyBlock]:
        """Busy blocks of these owners (calendar ids, lower case) overlapping [start, end)."""
        if not owners:
            return []
        return list(
            self.session.scalars(
                select(BusyBlock)
                .where(
                    BusyBlock.team_id == self.team_id,
                    BusyBlock.owner.in_([o.lower() for o in owners]),
                    BusyBlock.start_at < end,
                    BusyBlock.end_at > start,
                )
                .order_by(BusyBlock.start_at, BusyBlock.id)
            )
        )

    def add_busy(self, owner: str, start: datetime, end: datetime, label: str, now: datetime) -> BusyBlock:
        """Record busy time for `owner` (an email address, stored lower case)."""
        if end <= start:
            raise ValueError("a busy block must end after it starts")
        return self.add(
            BusyBlock(
                team_id=self.team_id,
                owner=owner.strip().lower(),
                start_at=start,
                end_at=end,
                label=label,
                created_at=now,
            )
        )

    def remove_busy(self, block_id: int, owner: str) -> bool:
        """Delete one of `owner`'s busy blocks; False when there is no such block."""
        block = self.session.scalar(
            select(BusyBlock).where(
                BusyBlock.team_id == self.team_id,
                BusyBlock.id == block_id,
                BusyBlock.owner == owner.strip().lower(),
            )
        )
        if block is None:
            return False
        self.session.delete(block)
        self.session.flush()
        return True


def event_by_token(session: Session, token: str) -> CalendarEvent | None:
    """The event whose invite URL carries `token` (tokens are unguessable and unique everywhere)."""
    return session.scalar(select(CalendarEvent).where(CalendarEvent.ics_token == token))


class BookingRepository(Repository):
    """Seats, interviews, audited changes and notice claims for booking, declines and notices.

    Methods that say "every workspace" are for the tick's sources (a unit of work with team "")."""

    def seat(self, seat_id: int) -> Seat | None:
        """The workspace's interview seat."""
        return self.session.scalar(select(Seat).where(Seat.team_id == self.team_id, Seat.id == seat_id))

    def interview(self, interview_id: int) -> Interview | None:
        """The workspace's interview."""
        return self.owned(Interview, interview_id)

    def interviews_with_events(self, event_ids: Sequence[str]) -> list[Interview]:
        """The workspace's interviews whose calendar event is one of `event_ids`."""
        return list(
            self.session.scalars(
                select(Interview).where(
                    Interview.team_id == self.team_id, Interview.event_id.in_(list(event_ids))
                )
            )
        )

    def booked_starts(
        self, user_ids: Sequence[str], start: datetime, end: datetime, *, besides_panel: int
    ) -> dict[str, list[datetime]]:
        """Start times of the people's interviewer seats on booked interviews of live panels other
        than `besides_panel`, starting in [start, end)."""
        rows = self.session.execute(
            select(Seat.user_id, Interview.start_at)
            .join(Interview, Seat.interview_id == Interview.id)
            .join(Panel, Interview.panel_id == Panel.id)
            .where(
                Seat.team_id == self.team_id,
                Seat.user_id.in_(list(user_ids)),
                Seat.kind != "shadow",
                Interview.status == "booked",
                Panel.status != "cancelled",
                Panel.id != besides_panel,
                Interview.start_at >= start,
                Interview.start_at < end,
            )
        ).all()
        starts: dict[str, list[datetime]] = {}
        for user_id, start_at in rows:
            if start_at is not None:
                starts.setdefault(user_id, []).append(start_at)
        return starts

    def stages_interviewed(self, candidate_id: int, now: datetime) -> set[str]:
        """Stage keys at which the candidate has had an interview: booked, on a live panel, and
        started by `now` (any role, so a pivot keeps what happened before it)."""
        rows = self.session.scalars(
            select(Panel.stage_key)
            .join(Interview, Interview.panel_id == Panel.id)
            .where(
                Panel.team_id == self.team_id,
                Panel.candidate_id == candidate_id,
                Panel.status != "cancelled",
                Interview.status == "booked",
                Interview.start_at <= now,
            )
            .distinct()
        )
        return set(rows)

    def upcoming_events(self, now: datetime) -> list[tuple[str, str | None]]:
        """(team, event id) of booked interviews after `now` on booked panels of unerased
        candidates, in every workspace."""
        rows = self.session.execute(
            select(Interview.team_id, Interview.event_id)
            .join(Panel, Interview.panel_id == Panel.id)
            .join(Candidate, Panel.candidate_id == Candidate.id)
            .where(
                Interview.status == "booked",
                Interview.start_at > now,
                Interview.event_id.is_not(None),
                Panel.status == "booked",
                Candidate.erased_at.is_(None),
            )
            .order_by(Interview.team_id, Interview.id)
        ).all()
        return [(team_id, event_id) for team_id, event_id in rows]

    def forget_request(self, key: str) -> None:
        """Drop the workspace's idempotency key `key`, so the same request can be made again."""
        claimed = self.session.get(IdempotencyKey, (self.team_id, key))
        if claimed is not None:
            self.session.delete(claimed)

    def audit_event(self, audit_id: int) -> AuditEvent | None:
        """The workspace's audit event."""
        return self.owned(AuditEvent, audit_id)

    def recent_changes(self, actions: Sequence[str], since: datetime) -> list[tuple[str, int]]:
        """(team, audit id) of audit events with one of `actions` since `since`, in every workspace."""
        rows = self.session.execute(
            select(AuditEvent.team_id, AuditEvent.id)
            .where(AuditEvent.action.in_(list(actions)), AuditEvent.at >= since)
            .order_by(AuditEvent.id)
        ).all()
        return [(team_id, audit_id) for team_id, audit_id in rows]

    def changed_later(self, event: AuditEvent, actions: Sequence[str]) -> bool:
        """Whether an audit event with one of `actions` on the same subject follows `event`."""
        later = self.session.scalar(
            select(func.count(AuditEvent.id)).where(
                AuditEvent.team_id == self.team_id,
                AuditEvent.subject_type == event.subject_type,
                AuditEvent.subject_id == event.subject_id,
                AuditEvent.action.in_(list(actions)),
                AuditEvent.id > event.id,
            )
        )
        return bool(later)

    def replacements_of(self, seat_id: int) -> list[dict[str, Any] | None]:
        """The `before` of each audited replacement of the seat (who held it)."""
        return list(
            self.session.scalars(
                select(AuditEvent.before).where(
                    AuditEvent.team_id == self.team_id,
                    AuditEvent.action == "seat.replaced",
                    AuditEvent.subject_type == "seat",
                    AuditEvent.subject_id == str(seat_id),
                )
            )
        )

    def claims_since(self, prefix: str, since: datetime) -> list[tuple[str, datetime | None]]:
        """(key, sent at) of notifications keyed `prefix…` claimed since `since`, in every workspace."""
        rows = self.session.execute(
            select(Notification.key, Notification.sent_at).where(
                Notification.key.startswith(prefix), Notification.claimed_at >= since
            )
        ).all()
        return [(key, sent_at) for key, sent_at in rows]
