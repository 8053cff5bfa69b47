"""Typed queries for feedback: seats, scorecards, decisions and question assignments of one workspace.

Like every repository it adds and queries and never commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.orm import aliased, defaultload, joinedload

from storage.models import (
    Candidate,
    Decision,
    Interview,
    Panel,
    Question,
    QuestionAssignment,
    Role,
    Scorecard,
    Seat,
)
from storage.repositories.base import Repository

# Interview statuses that mean "it happens (or happened) as booked".
HELD_STATUSES = ("booked", "completed")


def live() -> tuple[ColumnElement[bool], ...]:
    """Conditions (on Interview, Panel and Candidate) for live interviews of unerased candidates."""
    return (
        Interview.status.in_(HELD_STATUSES),
        Panel.status != "cancelled",
        Candidate.erased_at.is_(None),
    )


def undecided() -> ColumnElement[bool]:
    """SQL condition: no decision is recorded yet for the panel's candidate and stage."""
    d = aliased(Decision)
    return ~exists().where(d.candidate_id == Panel.candidate_id, d.stage_key == Panel.stage_key)


class FeedbackRepository(Repository):
    """Seats, scorecards, decisions and question assignments (scoped to one workspace)."""

    def interview(self, interview_id: int) -> Interview | None:
        """The interview with its seats, panel, candidate, role and plan (the candidate's
        availability is loaded only if asked for)."""
        candidate = defaultload(Interview.panel, Panel.candidate)
        query = (
            select(Interview)
            .where(Interview.team_id == self.team_id, Interview.id == interview_id)
            .options(
                joinedload(Interview.seats),  # one round trip instead of three
                candidate.lazyload(Candidate.windows),
                candidate.defaultload(Candidate.role).joinedload(Role.recruiters),
            )
        )
        return self.session.scalars(query).unique().first()

    def scorecard(self, interview_id: int, author_id: str) -> Scorecard | None:
        return self.session.scalar(
            select(Scorecard).where(
                Scorecard.team_id == self.team_id,
                Scorecard.interview_id == interview_id,
                Scorecard.author_id == author_id,
            )
        )

    def stage_scorecards(self, candidate_id: int, stage_key: str) -> list[Scorecard]:
        return list(
            self.session.scalars(
                select(Scorecard)
                .where(
                    Scorecard.team_id == self.team_id,
                    Scorecard.candidate_id == candidate_id,
                    Scorecard.stage_key == stage_key,
                )
                .order_by(Scorecard.id)
            )
        )

    def decision(self, candidate_id: int, stage_key: str) -> Decision | None:
        return self.session.scalar(
            select(Decision)
            .where(
                Decision.team_id == self.team_id,
                Decision.candidate_id == candidate_id,
                Decision.stage_key == stage_key,
            )
            .order_by(Decision.decided_at.desc(), Decision.id.desc())
            .limit(1)
        )

    def stage_seats(self, candidate_id: int, stage_key: str) -> list[tuple[Seat, Interview]]:
        """Every seat on the live interviews of a candidate's stage, in interview order."""
        rows = self.session.execute(
            select(Seat, Interview)
            .join(Interview, Seat.interview_id == Interview.id)
            .join(Panel, Interview.panel_id == Panel.id)
            .where(
                Panel.team_id == self.team_id,
                Panel.candidate_id == candidate_id,
                Panel.stage_key == stage_key,
                Panel.status != "cancelled",
                Interview.status != "cancelled",
            )
            .order_by(Interview.position, Interview.id, Seat.id)
        )
        return [(seat, interview) for seat, interview in rows]

    def latest_stage(self, candidate_id: int) -> str | None:
        """The stage of the candidate's most recent live panel."""
        return self.session.scalar(
            select(Panel.stage_key)
            .where(
                Panel.team_id == self.team_id,
                Panel.candidate_id == candidate_id,
                Panel.status != "cancelled",
            )
            .order_by(Panel.created_at.desc(), Panel.id.desc())
            .limit(1)
        )

    def pending_for(self, user_id: str, now: datetime) -> list[tuple[Seat, Interview, Scorecard | None]]:
        """The user's seats on interviews that have ended, are undecided and lack a submitted scorecard
        (with the draft, if any), oldest first."""
        submitted = aliased(Scorecard)
        query = (
            select(Seat, Interview)
            .join(Interview, Seat.interview_id == Interview.id)
            .join(Panel, Interview.panel_id == Panel.id)
            .join(Candidate, Panel.candidate_id == Candidate.id)
            .where(
                Seat.team_id == self.team_id,
                Seat.user_id == user_id,
                Interview.end_at <= now,
                undecided(),
                ~exists().where(
                    submitted.interview_id == Interview.id,
                    submitted.author_id == user_id,
                    submitted.status == "submitted",
                ),
            )
            .order_by(Interview.end_at, Interview.id)
        )
        rows = list(self.session.execute(query.where(*live())))
        drafts = {
            s.interview_id: s
            for s in self.session.scalars(
                select(Scorecard).where(
                    Scorecard.team_id == self.team_id,
                    Scorecard.author_id == user_id,
                    Scorecard.interview_id.in_([i.id for _, i in rows]),
                )
            )
        }
        return [(seat, interview, drafts.get(interview.id)) for seat, interview in rows]

    def upcoming_for(self, user_id: str, now: datetime) -> list[tuple[Seat, Interview]]:
        """The user's seats on booked interviews that have not ended yet, soonest first."""
        query = (
            select(Seat, Interview)
            .join(Interview, Seat.interview_id == Interview.id)
            .join(Panel, Interview.panel_id == Panel.id)
            .join(Candidate, Panel.candidate_id == Candidate.id)
            .where(Seat.team_id == self.team_id, Seat.user_id == user_id, Interview.end_at > now)
            .order_by(Interview.start_at, Interview.id)
        )
        return [(seat, interview) for seat, interview in self.session.execute(query.where(*live()))]

    def late_for_roles(
        self, role_ids: Sequence[int], ended_before: datetime
    ) -> list[tuple[Seat, Interview, Candidate]]:
        """Interviewer seats (not shadows) of the roles' undecided stages whose interview ended before
        `ended_before` without a submitted scorecard."""
        if not role_ids:
            return []
        submitted = aliased(Scorecard)
        query = (
            select(Seat, Interview, Candidate)
            .join(Interview, Seat.interview_id == Interview.id)
            .join(Panel, Interview.panel_id == Panel.id)
            .join(Candidate, Panel.candidate_id == Candidate.id)
            .where(
                Seat.team_id == self.team_id,
                Seat.kind != "shadow",
                Candidate.role_id.in_(list(role_ids)),
                Interview.end_at <= ended_before,
                undecided(),
                ~exists().where(
                    submitted.interview_id == Interview.id,
                    submitted.author_id == Seat.user_id,
                    submitted.status == "submitted",
                ),
            )
            .order_by(Interview.end_at, Interview.id, Seat.id)
        )
        return [(s, i, c) for s, i, c in self.session.execute(query.where(*live()))]

    # -- questions ------------------------------------------------------------------------------
    def assigned(self, interview_id: int, user_id: str) -> list[Question]:
        return list(
            self.session.scalars(
                select(Question)
                .join(QuestionAssignment, QuestionAssignment.question_id == Question.id)
                .where(
                    QuestionAssignment.team_id == self.team_id,
                    QuestionAssignment.interview_id == interview_id,
                    QuestionAssignment.user_id == user_id,
                )
                .order_by(QuestionAssignment.id)
            )
        )

    def assignments_of_interview(self, interview_id: int) -> list[QuestionAssignment]:
        return list(
            self.session.scalars(
                select(QuestionAssignment).where(
                    QuestionAssignment.team_id == self.team_id,
                    QuestionAssignment.interview_id == interview_id,
                )
            )
        )

    def used_question_ids(self, candidate_id: int) -> set[int]:
        """Questions the candidate already got (any stage, any interviewer)."""
        return set(
            self.session.scalars(
                select(QuestionAssignment.question_id).where(
                    QuestionAssignment.team_id == self.team_id,
                    QuestionAssignment.candidate_id == candidate_id,
                )
            )
        )

    def questions_for(self, focus_keys: Sequence[str], competencies: Sequence[str]) -> list[Question]:
        """Bank questions whose focus is one of `focus_keys` or whose competency is one of
        `competencies`."""
        if not focus_keys and not competencies:
            return []
        return list(
            self.session.scalars(
                select(Question)
                .where(
                    Question.team_id == self.team_id,
                    Question.focus.in_(list(focus_keys)) | Question.competency.in_(list(competencies)),
                )
                .order_by(Question.bank, Question.key, Question.id)
            )
        )
