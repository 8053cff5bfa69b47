"""Typed queries for feedback: seats, scorecards, decisions and question assignments of one workspace.

Like every repository it adds and queries and never commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, exists, func, or_, select
from sqlalchemy.exc import IntegrityError
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


def unsubmitted() -> ColumnElement[bool]:
    """SQL condition: the seat's person has not submitted a scorecard for the seat's interview."""
    card = aliased(Scorecard)
    return ~exists().where(
        card.interview_id == Seat.interview_id, card.author_id == Seat.user_id, card.status == "submitted"
    )


def seats(*columns: Any) -> Select[Any]:
    """`columns` of seats joined to their interview, its panel and the panel's candidate."""
    return (
        select(*columns)
        .select_from(Seat)
        .join(Interview, Seat.interview_id == Interview.id)
        .join(Panel, Interview.panel_id == Panel.id)
        .join(Candidate, Panel.candidate_id == Candidate.id)
    )


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

    def locked_seat(self, seat_id: int) -> Seat | None:
        """The workspace's seat, locked (`FOR UPDATE`) until the transaction ends."""
        return self.session.scalar(
            select(Seat).where(Seat.team_id == self.team_id, Seat.id == seat_id).with_for_update()
        )

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
        query = (
            seats(Seat, Interview)
            .where(
                Seat.team_id == self.team_id,
                Seat.user_id == user_id,
                Interview.end_at <= now,
                undecided(),
                unsubmitted(),
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
            seats(Seat, Interview)
            .where(Seat.team_id == self.team_id, Seat.user_id == user_id, Interview.end_at > now)
            .order_by(Interview.start_at, Interview.id)
        )
        return [(seat, interview) for seat, interview in self.session.execute(query.where(*live()))]

    def seat_starts(self, user_id: str, start: datetime, end: datetime) -> list[datetime]:
        """When the user's seats (interviewer or shadow) on live booked interviews start, for
        interviews starting in [`start`, `end`): their load, as the pools' limits count it."""
        query = seats(Interview.start_at).where(
            Seat.team_id == self.team_id,
            Seat.user_id == user_id,
            Interview.start_at >= start,
            Interview.start_at < end,
            *live(),
        )
        return [at for at in self.session.scalars(query) if at is not None]

    def late_for_roles(
        self, role_ids: Sequence[int], ended_before: datetime
    ) -> list[tuple[Seat, Interview, Candidate]]:
        """Interviewer seats (not shadows) of the roles' undecided stages whose interview ended before
        `ended_before` without a submitted scorecard."""
        if not role_ids:
            return []
        query = (
            seats(Seat, Interview, Candidate)
            .where(
                Seat.team_id == self.team_id,
                Seat.kind != "shadow",
                Candidate.role_id.in_(list(role_ids)),
                Interview.end_at <= ended_before,
                undecided(),
                unsubmitted(),
            )
            .order_by(Interview.end_at, Interview.id, Seat.id)
        )
        return [(s, i, c) for s, i, c in self.session.execute(query.where(*live()))]

    def seats_awaiting_scorecards(
        self, now: datetime, lookback: timedelta
    ) -> Sequence[Row[int, str, datetime | None]]:
        """(seat id, team id, interview end) of every seat, in every workspace, of an interview that
        ended within `lookback`, on an undecided stage, whose scorecard is not submitted yet; oldest
        interview first."""
        return self.session.execute(
            seats(Seat.id, Seat.team_id, Interview.end_at)
            .where(
                *live(),
                Interview.end_at <= now,
                Interview.end_at > now - lookback,
                undecided(),
                unsubmitted(),
            )
            .order_by(Interview.end_at, Seat.id)
        ).all()

    # -- briefings ------------------------------------------------------------------------------
    def longest_briefing_minutes(self) -> int | None:
        """The longest briefing time of any role in any workspace (None when there are no roles)."""
        return self.session.scalar(select(func.max(Role.briefing_minutes)))

    def seats_starting(
        self, after: datetime, until: datetime
    ) -> Sequence[Row[int, str, str, datetime | None, int, int]]:
        """(seat id, team id, user id, start, the role's briefing minutes, candidate id) of every seat,
        in every workspace, of a booked interview of an unerased candidate starting after `after` and
        no later than `until`; soonest first."""
        return self.session.execute(
            seats(
                Seat.id, Seat.team_id, Seat.user_id, Interview.start_at, Role.briefing_minutes, Candidate.id
            )
            .join(Role, Candidate.role_id == Role.id)
            .where(
                Interview.status == "booked",
                Panel.status != "cancelled",
                Candidate.erased_at.is_(None),
                Interview.start_at > after,
                Interview.start_at <= until,
            )
            .order_by(Interview.start_at, Seat.id)
        ).all()

    # -- calibration ----------------------------------------------------------------------------
    def candidate_ids_of_role(self, role_id: int) -> list[int]:
        """The ids of the role's candidates and of those pivoted into or out of it, sorted."""
        pivots = list(
            self.session.scalars(
                select(Decision).where(
                    Decision.team_id == self.team_id,
                    Decision.outcome == "pivot",
                    or_(Decision.role_id == role_id, Decision.target_role_id == role_id),
                )
            )
        )
        candidate_ids = set(
            self.session.scalars(
                select(Candidate.id).where(Candidate.team_id == self.team_id, Candidate.role_id == role_id)
            )
        ) | {d.candidate_id for d in pivots}
        return sorted(candidate_ids)

    def submitted_scorecards(self, candidate_ids: Sequence[int]) -> list[tuple[Scorecard, Interview, Panel]]:
        """The submitted interviewer (not shadow) scorecards of these candidates, with their interview
        and panel."""
        rows = self.session.execute(
            select(Scorecard, Interview, Panel)
            .join(Interview, Scorecard.interview_id == Interview.id)
            .join(Panel, Interview.panel_id == Panel.id)
            .where(
                Scorecard.team_id == self.team_id,
                Scorecard.candidate_id.in_(candidate_ids),
                Scorecard.status == "submitted",
                Scorecard.is_shadow.is_(False),
            )
        )
        return [(card, interview, panel) for card, interview, panel in rows]

    def pivots_of(self, candidate_ids: Sequence[int]) -> list[Decision]:
        """The pivot decisions of these candidates, oldest first."""
        return list(
            self.session.scalars(
                select(Decision)
                .where(Decision.candidate_id.in_(candidate_ids), Decision.outcome == "pivot")
                .order_by(Decision.decided_at, Decision.id)
            )
        )

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

    def assign_question(self, assignment: QuestionAssignment) -> bool:
        """Store the assignment in a savepoint; False when the candidate already has that question
        (another briefing took it a moment ago)."""
        try:
            with self.session.begin_nested():
                self.session.add(assignment)
        except IntegrityError:
            return False
        return True

    def drop_assignments_outside(self, interview_id: int, seated: set[str]) -> None:
        """Delete the interview's assignments of people no longer seated on it (replaced before
        asking them)."""
        stale = select(QuestionAssignment).where(
            QuestionAssignment.team_id == self.team_id,
            QuestionAssignment.interview_id == interview_id,
            QuestionAssignment.user_id.not_in(seated),
        )
        for assignment in self.session.scalars(stale):
            self.session.delete(assignment)
        self.session.flush()

    def question(self, question_id: int) -> Question | None:
        return self.owned(Question, question_id)

    def bank_questions(self, bank: str) -> list[Question]:
        """The questions of one bank of the workspace."""
        return list(
            self.session.scalars(
                select(Question).where(Question.team_id == self.team_id, Question.bank == bank)
            )
        )

    def questions_matching(self, focus_keys: Sequence[str], competencies: Sequence[str]) -> list[Question]:
        """The workspace's questions with a focus in `focus_keys` and a competency in `competencies` or
        none (either list empty: any), unordered."""
        query = select(Question).where(Question.team_id == self.team_id)
        if focus_keys:
            query = query.where(Question.focus.in_(list(focus_keys)))
        if competencies:
            query = query.where(Question.competency.in_([*competencies, ""]))
        return list(self.session.scalars(query))

    def add_questions(self, questions: Sequence[Question]) -> None:
        """Store new questions and flush them with any changes to loaded ones."""
        self.session.add_all(questions)
        self.session.flush()
