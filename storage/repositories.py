"""Repositories: typed queries scoped to one workspace. They add and query; they never commit."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Table, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from storage.models import (
    AuditEvent,
    Candidate,
    IdempotencyKey,
    Panel,
    Person,
    Plan,
    Pool,
    PoolMember,
    Role,
    SlackMessage,
)


class _Repository:
    def __init__(self, session: Session, team_id: str) -> None:
        self.session = session
        self.team_id = team_id

    def add(self, obj: Any) -> Any:
        self.session.add(obj)
        self.session.flush()
        return obj


class PeopleRepository(_Repository):
    def get(self, user_id: str) -> Person | None:
        return self.session.scalar(
            select(Person).where(Person.team_id == self.team_id, Person.user_id == user_id)
        )

    def many(self, user_ids: Sequence[str]) -> dict[str, Person]:
        rows = self.session.scalars(
            select(Person).where(Person.team_id == self.team_id, Person.user_id.in_(list(user_ids)))
        )
        return {p.user_id: p for p in rows}


class PlanRepository(_Repository):
    def get(self, plan_id: int) -> Plan | None:
        return self.session.scalar(select(Plan).where(Plan.team_id == self.team_id, Plan.id == plan_id))

    def by_key(self, key: str) -> Plan | None:
        return self.session.scalar(select(Plan).where(Plan.team_id == self.team_id, Plan.key == key))

    def all(self) -> list[Plan]:
        return list(
            self.session.scalars(select(Plan).where(Plan.team_id == self.team_id).order_by(Plan.name))
        )


class RoleRepository(_Repository):
    def get(self, role_id: int) -> Role | None:
        return self.session.scalar(select(Role).where(Role.team_id == self.team_id, Role.id == role_id))

    def all(self, *, status: str | None = "open") -> list[Role]:
        query = select(Role).where(Role.team_id == self.team_id)
        if status:
            query = query.where(Role.status == status)
        return list(self.session.scalars(query.order_by(Role.title, Role.id)))


class CandidateRepository(_Repository):
    def get(self, candidate_id: int, *, lock: bool = False) -> Candidate | None:
        """The candidate; `lock` holds the row until the transaction ends (on PostgreSQL; SQLite's
        transactions are one writer at a time already)."""
        query = select(Candidate).where(Candidate.team_id == self.team_id, Candidate.id == candidate_id)
        if lock:
            query = query.with_for_update(of=Candidate)
        return self.session.scalar(query)

    def all(self, *, include_erased: bool = False) -> list[Candidate]:
        query = select(Candidate).where(Candidate.team_id == self.team_id)
        if not include_erased:
            query = query.where(Candidate.erased_at.is_(None))
        return list(self.session.scalars(query.order_by(Candidate.name, Candidate.id)))

    def for_role(self, role_id: int) -> list[Candidate]:
        return list(
            self.session.scalars(
                select(Candidate)
                .where(
                    Candidate.team_id == self.team_id,
                    Candidate.role_id == role_id,
                    Candidate.erased_at.is_(None),
                )
                .order_by(Candidate.name, Candidate.id)
            )
        )

    def stage_counts(self, role_id: int) -> dict[tuple[str, str], int]:
        rows = self.session.execute(
            select(Candidate.stage_key, Candidate.status, func.count())
            .where(Candidate.team_id == self.team_id, Candidate.role_id == role_id)
            .group_by(Candidate.stage_key, Candidate.status)
        )
        return {(stage, status): count for stage, status, count in rows}


class PoolRepository(_Repository):
    def get(self, pool_id: int) -> Pool | None:
        return self.session.scalar(select(Pool).where(Pool.team_id == self.team_id, Pool.id == pool_id))

    def by_name(self, name: str) -> Pool | None:
        return self.session.scalar(
            select(Pool).where(Pool.team_id == self.team_id, func.lower(Pool.name) == name.lower())
        )

    def all(self) -> list[Pool]:
        return list(
            self.session.scalars(select(Pool).where(Pool.team_id == self.team_id).order_by(Pool.name))
        )

    def by_kind(self, kind: str) -> list[Pool]:
        return list(
            self.session.scalars(
                select(Pool).where(Pool.team_id == self.team_id, Pool.kind == kind).order_by(Pool.name)
            )
        )

    def memberships(self, user_id: str) -> list[PoolMember]:
        return list(
            self.session.scalars(
                select(PoolMember)
                .join(Pool)
                .where(Pool.team_id == self.team_id, PoolMember.user_id == user_id)
            )
        )


class PanelRepository(_Repository):
    def get(self, panel_id: int) -> Panel | None:
        return self.session.scalar(select(Panel).where(Panel.team_id == self.team_id, Panel.id == panel_id))

    def for_candidate(self, candidate_id: int) -> list[Panel]:
        return list(
            self.session.scalars(
                select(Panel)
                .where(Panel.team_id == self.team_id, Panel.candidate_id == candidate_id)
                .order_by(Panel.created_at, Panel.id)
            )
        )

    def current(self, candidate_id: int, stage_key: str) -> Panel | None:
        """The live (not cancelled) panel of a candidate's stage."""
        return self.session.scalar(
            select(Panel)
            .where(
                Panel.team_id == self.team_id,
                Panel.candidate_id == candidate_id,
                Panel.stage_key == stage_key,
                Panel.status != "cancelled",
            )
            .order_by(Panel.id.desc())
            .limit(1)
        )


class AuditRepository(_Repository):
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

    def all(self) -> list[AuditEvent]:
        return list(
            self.session.scalars(
                select(AuditEvent).where(AuditEvent.team_id == self.team_id).order_by(AuditEvent.id)
            )
        )


class MessageRepository(_Repository):
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

    def for_candidate(self, candidate_id: int) -> list[SlackMessage]:
        return list(
            self.session.scalars(
                select(SlackMessage).where(
                    SlackMessage.team_id == self.team_id, SlackMessage.candidate_id == candidate_id
                )
            )
        )


def insert_ignoring(session: Session, table: Table | type[Any]) -> Any:
    """`INSERT … ON CONFLICT DO NOTHING` for the session's database (SQLite or PostgreSQL)."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(table).on_conflict_do_nothing()


class IdempotencyRepository(_Repository):
    def claim(self, key: str, at: datetime) -> bool:
        """Record `key` in this transaction; False when it was already there (a retry or double click)."""
        inserted = self.session.execute(
            insert_ignoring(self.session, IdempotencyKey)
            .values(team_id=self.team_id, key=key, created_at=at)
            .returning(IdempotencyKey.key)
        )
        return inserted.first() is not None
