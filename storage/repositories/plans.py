"""Typed queries for interview plans of one workspace. They add and query; they never commit."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import Candidate, Interview, Panel, Plan, Role
from storage.repositories.base import Repository


class PlanRepository(Repository):
    def get(self, plan_id: int) -> Plan | None:
        return self.session.scalar(select(Plan).where(Plan.team_id == self.team_id, Plan.id == plan_id))

    def by_key(self, key: str) -> Plan | None:
        return self.session.scalar(select(Plan).where(Plan.team_id == self.team_id, Plan.key == key))

    def all(self) -> list[Plan]:
        return list(
            self.session.scalars(select(Plan).where(Plan.team_id == self.team_id).order_by(Plan.name))
        )

    def stage_keys_in_use(self, plan_id: int) -> set[str]:
        """Stages that candidates (not erased) of roles using the plan are at."""
        return set(
            self.session.scalars(
                select(Candidate.stage_key)
                .join(Role, Candidate.role_id == Role.id)
                .where(Role.team_id == self.team_id, Role.plan_id == plan_id, Candidate.erased_at.is_(None))
                .distinct()
            )
        )

    def interview_keys_in_use(self, plan_id: int) -> list[tuple[str, str]]:
        """(stage key, interview key) of every panel interview of candidates of roles using the plan."""
        rows = self.session.execute(
            select(Panel.stage_key, Interview.interview_key)
            .join(Interview, Interview.panel_id == Panel.id)
            .join(Candidate, Panel.candidate_id == Candidate.id)
            .join(Role, Candidate.role_id == Role.id)
            .where(Role.team_id == self.team_id, Role.plan_id == plan_id)
            .distinct()
        ).all()
        return [(stage, key) for stage, key in rows]
