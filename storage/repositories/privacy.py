"""Typed queries for erasure and data export of one workspace. Adds and queries; never commits."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update

from storage.models import AvailabilityWindow, Candidate, FeedbackReport, Interview, Panel, Scorecard
from storage.repositories.base import Repository


class PrivacyRepository(Repository):
    """Typed queries for erasure and data export (scoped to one workspace)."""

    def interviews_of(self, candidate_id: int) -> list[Interview]:
        """Every interview on any of the candidate's panels."""
        return list(
            self.session.scalars(select(Interview).join(Panel).where(Panel.candidate_id == candidate_id))
        )

    def erase_personal_records(self, candidate_id: int) -> None:
        """Delete the candidate's availability; blank their scorecards' text and their feedback reports."""
        s = self.session
        s.execute(delete(AvailabilityWindow).where(AvailabilityWindow.candidate_id == candidate_id))
        s.execute(
            update(Scorecard)
            .where(Scorecard.candidate_id == candidate_id)
            .values(evidence="", private_note="")
        )
        s.execute(update(FeedbackReport).where(FeedbackReport.candidate_id == candidate_id).values(body=""))

    def rejected_before(self, cutoff: datetime) -> list[tuple[str, int]]:
        """(team_id, candidate_id) of unerased candidates, in every workspace, rejected before `cutoff`."""
        rows = self.session.execute(
            select(Candidate.team_id, Candidate.id).where(
                Candidate.status == "rejected",
                Candidate.erased_at.is_(None),
                Candidate.status_changed_at < cutoff,
            )
        )
        return [(team_id, candidate_id) for team_id, candidate_id in rows]
