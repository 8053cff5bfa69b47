"""Typed queries for people (interviewers, recruiters, hiring managers) of one workspace. They add and query; they never commit."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from storage.models import Person
from storage.repositories.base import Repository


class PeopleRepository(Repository):
    def get(self, user_id: str) -> Person | None:
        return self.session.scalar(
            select(Person).where(Person.team_id == self.team_id, Person.user_id == user_id)
        )

    def many(self, user_ids: Sequence[str]) -> dict[str, Person]:
        rows = self.session.scalars(
            select(Person).where(Person.team_id == self.team_id, Person.user_id.in_(list(user_ids)))
        )
        return {p.user_id: p for p in rows}
