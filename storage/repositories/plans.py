"""Typed queries for interview plans of one workspace. They add and query; they never commit."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import (
    Plan,
)
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
