"""Typed queries for panels and interviewer pools of one workspace. They add and query; they never commit."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select

from storage.models import Candidate, Interview, Panel, Pool, PoolMember, Seat
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

    def memberships(self, user_id: str) -> list[PoolMember]:
        return list(
            self.session.scalars(
                select(PoolMember)
                .join(Pool)
                .where(Pool.team_id == self.team_id, PoolMember.user_id == user_id)
            )
        )

    def recent_seat_counts(self, user_ids: Sequence[str], since: datetime) -> dict[str, int]:
        """Seats per person on live interviews at or after `since` (by interview time, or panel
        creation while unbooked)."""
        anchor = func.coalesce(Interview.start_at, Panel.created_at)
        live = (Interview.status != "cancelled", Panel.status != "cancelled")
        rows = self.session.execute(
            select(Seat.user_id, func.count(Seat.id))
            .join(Interview, Seat.interview_id == Interview.id)
            .join(Panel, Interview.panel_id == Panel.id)
            .where(Seat.team_id == self.team_id, Seat.user_id.in_(user_ids), anchor >= since, *live)
            .group_by(Seat.user_id)
        ).all()
        return {user_id: count for user_id, count in rows}

    def last_seat_ids(self, user_ids: Sequence[str]) -> dict[str, int]:
        """Each person's latest seat id (assignment order)."""
        rows = self.session.execute(
            select(Seat.user_id, func.max(Seat.id))
            .where(Seat.team_id == self.team_id, Seat.user_id.in_(user_ids))
            .group_by(Seat.user_id)
        ).all()
        return {user_id: seat_id for user_id, seat_id in rows}

    def interview_starts(
        self, user_ids: Sequence[str], start: datetime, end: datetime
    ) -> list[tuple[str, datetime]]:
        """(person, start) of every live interview seat of the people starting in [`start`, `end`)."""
        rows = self.session.execute(
            select(Seat.user_id, Interview.start_at)
            .join(Interview, Seat.interview_id == Interview.id)
            .join(Panel, Interview.panel_id == Panel.id)
            .where(
                Seat.team_id == self.team_id,
                Seat.user_id.in_(user_ids),
                Interview.status != "cancelled",
                Panel.status != "cancelled",
                Interview.start_at.is_not(None),
                Interview.start_at >= start,
                Interview.start_at < end,
            )
        ).all()
        return [(user_id, start_at) for user_id, start_at in rows if start_at is not None]


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

    def of_role_stage(self, role_id: int, stage_key: str, *, limit: int = 100) -> list[Panel]:
        """Live panels for one stage of a role's candidates (not erased), the newest first."""
        return list(
            self.session.scalars(
                select(Panel)
                .join(Candidate, Candidate.id == Panel.candidate_id)
                .where(
                    Panel.team_id == self.team_id,
                    Candidate.team_id == self.team_id,
                    Candidate.role_id == role_id,
                    Candidate.erased_at.is_(None),
                    Panel.stage_key == stage_key,
                    Panel.status != "cancelled",
                )
                .order_by(Panel.updated_at.desc(), Panel.id.desc())
                .limit(limit)
            )
        )

    def seated_candidate_ids(self, user_id: str) -> set[int]:
        """Candidates whose live panels have the person as interviewer or shadow."""
        rows = self.session.scalars(
            select(Panel.candidate_id)
            .join(Interview, Interview.panel_id == Panel.id)
            .join(Seat, Seat.interview_id == Interview.id)
            .where(
                Seat.team_id == self.team_id,
                Seat.user_id == user_id,
                Panel.status != "cancelled",
                Interview.status != "cancelled",
            )
            .distinct()
        )
        return set(rows)
