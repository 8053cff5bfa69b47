"""Typed queries for roles and their candidates of one workspace. They add and query; they never commit."""

from __future__ import annotations

from sqlalchemy import func, select

from storage.models import Candidate, Role, Scorecard
from storage.repositories.base import Repository


class RoleRepository(Repository):
    def get(self, role_id: int) -> Role | None:
        return self.session.scalar(select(Role).where(Role.team_id == self.team_id, Role.id == role_id))

    def all(self, *, status: str | None = "open") -> list[Role]:
        query = select(Role).where(Role.team_id == self.team_id)
        if status:
            query = query.where(Role.status == status)
        return list(self.session.scalars(query.order_by(Role.title, Role.id)))


class CandidateRepository(Repository):
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

    def active_counts(self) -> dict[int, int]:
        """Active candidates (not erased) per role id."""
        rows = self.session.execute(
            select(Candidate.role_id, func.count())
            .where(
                Candidate.team_id == self.team_id, Candidate.status == "active", Candidate.erased_at.is_(None)
            )
            .group_by(Candidate.role_id)
        )
        return {role_id: n for role_id, n in rows}

    def submitted_scorecards(self, candidate_id: int) -> dict[str, int]:
        """Submitted scorecards of the candidate's interviewers (not shadows) per stage key."""
        rows = self.session.execute(
            select(Scorecard.stage_key, func.count(Scorecard.id))
            .where(
                Scorecard.team_id == self.team_id,
                Scorecard.candidate_id == candidate_id,
                Scorecard.status == "submitted",
                Scorecard.is_shadow.is_(False),
            )
            .group_by(Scorecard.stage_key)
        ).all()
        return {stage: count for stage, count in rows}
