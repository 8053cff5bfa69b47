"""Typed queries for debriefs, decisions, pivots and feedback reports of one workspace. Adds and queries; never commits."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import select

from storage.models import Candidate, Decision, FeedbackReport, Interview, Panel, Scorecard
from storage.repositories.base import Repository


class DecisionsRepository(Repository):
    """Typed queries for debriefs, decisions, pivots and feedback reports (scoped to one workspace)."""

    # -- decisions ------------------------------------------------------------------------------
    def decision(self, decision_id: int) -> Decision | None:
        """The workspace's decision with this id (None if absent or another workspace's)."""
        return self.owned(Decision, decision_id)

    def history_of(self, candidate_id: int) -> list[Decision]:
        """Every decision on the candidate, oldest first."""
        return list(
            self.session.scalars(
                select(Decision)
                .where(Decision.candidate_id == candidate_id)
                .order_by(Decision.decided_at, Decision.id)
            )
        )

    def of_candidates(self, candidate_ids: Sequence[int]) -> list[Decision]:
        """Every decision on these candidates (any workspace: the tick looks at all of them)."""
        return list(self.session.scalars(select(Decision).where(Decision.candidate_id.in_(candidate_ids))))

    # -- debriefs -------------------------------------------------------------------------------
    def panels_at_current_stage(self, statuses: Sequence[str]) -> list[Panel]:
        """Live panels (every workspace) of unerased candidates in one of `statuses` whose stage is
        the candidate's current one, by id."""
        return list(
            self.session.scalars(
                select(Panel)
                .join(Candidate, Panel.candidate_id == Candidate.id)
                .where(
                    Panel.status != "cancelled",
                    Candidate.status.in_(statuses),
                    Candidate.erased_at.is_(None),
                    Candidate.stage_key == Panel.stage_key,
                )
                .order_by(Panel.id)
            ).unique()
        )

    def scorecards_by_interview(self, interview_ids: Iterable[int]) -> dict[int, list[Scorecard]]:
        """Scorecards by interview id (queried 500 interviews at a time)."""
        ids = sorted(set(interview_ids))
        found: dict[int, list[Scorecard]] = {}
        for i in range(0, len(ids), 500):
            query = (
                select(Scorecard).where(Scorecard.interview_id.in_(ids[i : i + 500])).order_by(Scorecard.id)
            )
            for card in self.session.scalars(query):
                found.setdefault(card.interview_id, []).append(card)
        return found

    def recent_counted_cards(self, team_id: str, authors: Sequence[str]) -> list[tuple[Scorecard, Interview]]:
        """The authors' latest submitted, counted scorecards in `team_id` (up to 200 each on average),
        newest first, with their interviews. `team_id` is explicit: the tick runs for every workspace."""
        rows = self.session.execute(
            select(Scorecard, Interview)
            .join(Interview, Scorecard.interview_id == Interview.id)
            .where(
                Scorecard.team_id == team_id,
                Scorecard.author_id.in_(authors),
                Scorecard.status == "submitted",
                Scorecard.is_shadow.is_(False),
            )
            .order_by(Scorecard.submitted_at.desc(), Scorecard.id.desc())
            .limit(200 * len(authors))
        )
        return [(card, interview) for card, interview in rows]

    # -- feedback reports -----------------------------------------------------------------------
    def report(self, report_id: int) -> FeedbackReport | None:
        """The workspace's feedback report with this id (None if absent or another workspace's)."""
        return self.owned(FeedbackReport, report_id)

    def report_id_for(self, decision_id: int) -> int | None:
        """The id of the report drafted for a decision."""
        return self.session.scalar(select(FeedbackReport.id).where(FeedbackReport.decision_id == decision_id))

    def unsent_reports(self, role_id: int | None = None) -> list[tuple[FeedbackReport, Decision, Candidate]]:
        """Reports not marked sent, of unerased candidates, oldest first (optionally of one role's
        decisions), each with its decision and candidate."""
        query = (
            select(FeedbackReport, Decision, Candidate)
            .join(Decision, FeedbackReport.decision_id == Decision.id)
            .join(Candidate, FeedbackReport.candidate_id == Candidate.id)
            .where(
                FeedbackReport.team_id == self.team_id,
                FeedbackReport.status != "sent",
                Candidate.erased_at.is_(None),
            )
            .order_by(FeedbackReport.created_at, FeedbackReport.id)
        )
        if role_id is not None:
            query = query.where(Decision.role_id == role_id)
        return [(report, decision, candidate) for report, decision, candidate in self.session.execute(query)]
