"""Typed queries for the audit trail, posted Slack messages and idempotency keys. They add and query; they never commit."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from storage.models import (
    AuditEvent,
    IdempotencyKey,
    SlackMessage,
)
from storage.repositories.base import Repository, insert_ignoring


class AuditRepository(Repository):
    def record(
        self,
        *,
        at: datetime,
        actor_id: str,
        action: str,
        subject_type: str,
        subject_id: object,
        candidate_id: int | None = None,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
    ) -> AuditEvent:
        """Write one audit event (who, what, when, before/after) in the current transaction."""
        return self.add(
            AuditEvent(
                team_id=self.team_id,
                at=at,
                actor_id=actor_id,
                action=action,
                subject_type=subject_type,
                subject_id=str(subject_id),
                candidate_id=candidate_id,
                before=before,
                after=after,
            )
        )

    def for_candidate(self, candidate_id: int) -> list[AuditEvent]:
        return list(
            self.session.scalars(
                select(AuditEvent)
                .where(AuditEvent.team_id == self.team_id, AuditEvent.candidate_id == candidate_id)
                .order_by(AuditEvent.at, AuditEvent.id)
            )
        )

    def latest(self, action: str, subject_type: str, subject_id: str) -> AuditEvent | None:
        """The most recent event of `action` on one subject."""
        return self.session.scalar(
            select(AuditEvent)
            .where(
                AuditEvent.team_id == self.team_id,
                AuditEvent.action == action,
                AuditEvent.subject_type == subject_type,
                AuditEvent.subject_id == subject_id,
            )
            .order_by(AuditEvent.id.desc())
            .limit(1)
        )

    def all(self) -> list[AuditEvent]:
        return list(
            self.session.scalars(
                select(AuditEvent).where(AuditEvent.team_id == self.team_id).order_by(AuditEvent.id)
            )
        )


class MessageRepository(Repository):
    def record(self, *, channel_id: str, ts: str, kind: str, candidate_id: int | None, at: datetime) -> None:
        self.add(
            SlackMessage(
                team_id=self.team_id,
                channel_id=channel_id,
                ts=ts,
                kind=kind,
                candidate_id=candidate_id,
                created_at=at,
            )
        )

    def posted_since(self, candidate_id: int, kind: str, since: datetime) -> bool:
        """Whether a message of `kind` about the candidate was posted at or after `since`."""
        found = self.session.scalar(
            select(SlackMessage.id)
            .where(
                SlackMessage.team_id == self.team_id,
                SlackMessage.candidate_id == candidate_id,
                SlackMessage.kind == kind,
                SlackMessage.created_at >= since,
            )
            .limit(1)
        )
        return found is not None

    def for_candidate(self, candidate_id: int) -> list[SlackMessage]:
        return list(
            self.session.scalars(
                select(SlackMessage).where(
                    SlackMessage.team_id == self.team_id, SlackMessage.candidate_id == candidate_id
                )
            )
        )


class IdempotencyRepository(Repository):
    def claim(self, key: str, at: datetime) -> bool:
        """Record `key` in this transaction; False when it was already there (a retry or double click)."""
        inserted = self.session.execute(
            insert_ignoring(self.session, IdempotencyKey)
            .values(team_id=self.team_id, key=key, created_at=at)
            .returning(IdempotencyKey.key)
        )
        return inserted.first() is not None
