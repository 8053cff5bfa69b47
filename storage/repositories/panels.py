"""Typed queries for panels and interviewer pools of one workspace. They add and query; they never commit."""

from __future__ import annotations

from sqlalchemy import func, select

from storage.models import (
    Panel,
    Pool,
    PoolMember,
)
from storage.repositories.base import Repository


class PoolRepository(Repository):
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


class PanelRepository(Repository):
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
