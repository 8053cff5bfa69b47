"""Typed queries for reminders and digests of one workspace. Adds and queries; never commits.

The digest's and the tick's lookups return plain rows through the session's connection (no ORM
entities): they run over every candidate of a role, or every pending scorecard, each time."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Literal, TypeVarTuple

from sqlalchemy import ColumnElement, Select, String, and_, cast, exists, literal, or_, select
from sqlalchemy.engine import Row
from sqlalchemy.orm import aliased

from storage.models import (
    Candidate,
    Decision,
    FeedbackReport,
    Interview,
    Notification,
    Panel,
    Role,
    Scorecard,
    Seat,
)
from storage.repositories.base import Repository, among
from storage.repositories.feedback import unsubmitted

Ts = TypeVarTuple("Ts")
RoleSettings = Row[int, str, str, str, str, str, int, int, int, int]


class ChasingRepository(Repository):
    """Typed queries for reminders and digests (scoped to one workspace)."""

    def _rows(self, query: Select[*Ts]) -> Sequence[Row[*Ts]]:
        return self.session.connection().execute(query).all()

    # -- the reminder ladder (every workspace) ---------------------------------------------------
    def pending_scorecards(
        self, now: datetime, since: datetime, held: Sequence[str], chased: Sequence[str]
    ) -> Sequence[Row[str, int, str, datetime | None, str, str | None, int, str, int]]:
        """Interviewer seats of every workspace's `held` interviews that ended in (`since`, `now`]
        with no submitted scorecard: (team, interview id, title, end, user, draft status or None,
        candidate id, name, role id), on a live panel of a `chased` candidate of an open role
        whose stage is undecided."""
        submitted = aliased(Scorecard)
        decided = aliased(Decision)
        return self._rows(
            select(
                Interview.team_id,
                Interview.id,
                Interview.title,
                Interview.end_at,
                Seat.user_id,
                submitted.status,
                Candidate.id,
                Candidate.name,
                Candidate.role_id,
            )
            .join(Seat, Seat.interview_id == Interview.id)
            .join(Panel, Panel.id == Interview.panel_id)
            .join(Candidate, Candidate.id == Panel.candidate_id)
            .join(Role, Role.id == Candidate.role_id)
            .outerjoin(
                submitted,
                and_(submitted.interview_id == Interview.id, submitted.author_id == Seat.user_id),
            )
            .where(
                Interview.status.in_(held),
                Interview.end_at <= now,
                Interview.end_at > since,
                Seat.kind == "interviewer",
                Panel.status != "cancelled",
                Candidate.status.in_(chased),
                Candidate.erased_at.is_(None),
                Role.status == "open",
                (submitted.id.is_(None)) | (submitted.status != "submitted"),
                ~exists().where(
                    decided.candidate_id == Panel.candidate_id, decided.stage_key == Panel.stage_key
                ),
            )
        )

    def role_settings(self, role_ids: Sequence[int]) -> list[RoleSettings]:
        """(id, title, channel, hiring manager, time zone, digest days, feedback due hours, first
        nudge minutes, nudge interval hours, channel late hours) of each role, 500 roles a query."""
        rows: list[RoleSettings] = []
        for i in range(0, len(role_ids), 500):
            rows.extend(
                self.session.execute(
                    select(
                        Role.id,
                        Role.title,
                        Role.channel_id,
                        Role.hiring_manager_id,
                        Role.timezone,
                        Role.digest_days,
                        Role.feedback_due_hours,
                        Role.first_nudge_minutes,
                        Role.nudge_interval_hours,
                        Role.channel_late_after_hours,
                    ).where(Role.id.in_(role_ids[i : i + 500]))
                )
            )
        return rows

    # -- digest schedules (every workspace) ------------------------------------------------------
    def open_role_schedules(self) -> Sequence[Row[int, str, str, str, str]]:
        """(id, team, time zone, digest days, digest time) of every workspace's open roles."""
        return self.session.execute(
            select(Role.id, Role.team_id, Role.timezone, Role.digest_days, Role.digest_time).where(
                Role.status == "open"
            )
        ).all()

    # -- a role's digest -------------------------------------------------------------------------
    def _in_role(self, role_id: int, chased: Sequence[str]) -> ColumnElement[bool]:
        return and_(
            Candidate.team_id == self.team_id,
            Candidate.role_id == role_id,
            Candidate.status.in_(chased),
            Candidate.erased_at.is_(None),
        )

    def digest_panels(
        self, role_id: int, chased: Sequence[str], debrief_prefix: str
    ) -> Sequence[Row[int, int, str, datetime, str, datetime | None]]:
        """(id, candidate id, stage, created, candidate name, debrief sent) of the live panels of the
        role's `chased` candidates; the debrief's send time (its outbox row, keyed `debrief_prefix`
        and the panel id) only for the candidate's current stage."""
        return self._rows(
            select(
                Panel.id,
                Panel.candidate_id,
                Panel.stage_key,
                Panel.created_at,
                Candidate.name,
                Notification.sent_at,
            )
            .join(Candidate, Candidate.id == Panel.candidate_id)
            .outerjoin(
                Notification,
                and_(
                    Panel.stage_key == Candidate.stage_key,
                    Notification.key == literal(debrief_prefix) + cast(Panel.id, String),
                    Notification.sent_at.is_not(None),
                ),
            )
            .where(self._in_role(role_id, chased), Panel.status != "cancelled")
        )

    def digest_interviews(
        self, role_id: int, chased: Sequence[str]
    ) -> Sequence[Row[int, int, str, datetime | None, datetime | None, str]]:
        """(id, panel id, title, start, end, status) of the interviews on live panels of the role's
        `chased` candidates, in any status (filter them in Python: checked in SQL, SQLite would
        scan the status index of every interview)."""
        return self._rows(
            select(
                Interview.id,
                Interview.panel_id,
                Interview.title,
                Interview.start_at,
                Interview.end_at,
                Interview.status,
            )
            .select_from(Candidate)
            .join(Panel, Panel.candidate_id == Candidate.id)
            .join(Interview, Interview.panel_id == Panel.id)
            .where(self._in_role(role_id, chased), Panel.status != "cancelled")
        )

    def digest_decisions(self, role_id: int, chased: Sequence[str]) -> Sequence[Row[int, str, str, datetime]]:
        """(candidate id, stage, outcome, decided at) of the decisions on the role's `chased` candidates."""
        return self._rows(
            select(Decision.candidate_id, Decision.stage_key, Decision.outcome, Decision.decided_at)
            .select_from(Candidate)
            .join(Decision, Decision.candidate_id == Candidate.id)
            .where(self._in_role(role_id, chased))
        )

    def interviewers_of(self, interview_ids: Sequence[int]) -> Sequence[Row[int, str]]:
        """(interview id, user) of the interviewer seats of these interviews, in seat order."""
        if not interview_ids:
            return []
        return self._rows(
            select(Seat.interview_id, Seat.user_id)
            .where(among(self.session, Seat.interview_id, interview_ids), Seat.kind == "interviewer")
            .order_by(Seat.id)
        )

    def interviewers_without_scorecard(self, interview_ids: Sequence[int]) -> Sequence[Row[int, str]]:
        """(interview id, user) of the interviewer seats of these interviews with no submitted
        scorecard (an anti-join: most are in), in seat order."""
        if not interview_ids:
            return []
        return self._rows(
            select(Seat.interview_id, Seat.user_id)
            .where(
                among(self.session, Seat.interview_id, interview_ids),
                Seat.kind == "interviewer",
                unsubmitted(),
            )
            .order_by(Seat.id)
        )

    def role_candidates(self, role_id: int) -> Sequence[Row[int, str, str, bool]]:
        """(id, stage, status, not erased) of every candidate of the role, in any status."""
        return self._rows(
            select(Candidate.id, Candidate.stage_key, Candidate.status, Candidate.erased_at.is_(None)).where(
                Candidate.team_id == self.team_id, Candidate.role_id == role_id
            )
        )

    def unsent_reports(self, role_id: int) -> Sequence[Row[str, datetime, int]]:
        """(candidate name, created, id) of the unsent feedback reports on the role's unerased candidates."""
        return self._rows(
            select(Candidate.name, FeedbackReport.created_at, FeedbackReport.id)
            .select_from(Candidate)
            .join(FeedbackReport, FeedbackReport.candidate_id == Candidate.id)
            .where(
                Candidate.team_id == self.team_id,
                Candidate.role_id == role_id,
                Candidate.erased_at.is_(None),
                FeedbackReport.sent_at.is_(None),
            )
        )

    # -- the weekly digest's figures ---------------------------------------------------------------
    def funnel_additions(self, role_id: int, since: datetime) -> Sequence[Row[int, int, datetime]]:
        """(id, current role, created) of candidates created since `since` who are in the role now
        or were pivoted out of it (any status, erased ones too: counts stay)."""
        pivoted_out = select(Decision.candidate_id).where(
            Decision.team_id == self.team_id, Decision.role_id == role_id, Decision.outcome == "pivot"
        )
        return self._rows(
            select(Candidate.id, Candidate.role_id, Candidate.created_at).where(
                Candidate.team_id == self.team_id,
                Candidate.created_at >= since,
                or_(Candidate.role_id == role_id, Candidate.id.in_(pivoted_out)),
            )
        )

    def pivots_of(self, candidate_ids: Sequence[int]) -> Sequence[Row[int, int, datetime]]:
        """(candidate id, role left, decided at) of the pivots of these candidates."""
        if not candidate_ids:
            return []
        return self._rows(
            select(Decision.candidate_id, Decision.role_id, Decision.decided_at).where(
                among(self.session, Decision.candidate_id, candidate_ids), Decision.outcome == "pivot"
            )
        )

    def funnel_decisions(self, role_id: int, since: datetime) -> Sequence[Row[str, str, datetime]]:
        """(stage, outcome, decided at) of the role's advances and offers, and of pivots into the
        role, decided since `since`."""
        return self._rows(
            select(Decision.stage_key, Decision.outcome, Decision.decided_at).where(
                Decision.team_id == self.team_id,
                Decision.decided_at >= since,
                or_(
                    and_(Decision.role_id == role_id, Decision.outcome.in_(("advance", "offer"))),
                    and_(Decision.target_role_id == role_id, Decision.outcome == "pivot"),
                ),
            )
        )

    def submitted_times(
        self, by: Literal["author", "stage"], candidate_ids: Sequence[int], since: datetime, until: datetime
    ) -> Sequence[Row[str, datetime | None, datetime | None]]:
        """(author or stage, `by`; submitted at, interview end) of the submitted, non-shadow scorecards
        on these candidates submitted between `since` and `until` (found through the candidate index)."""
        if not candidate_ids:
            return []
        return self._rows(
            select(
                Scorecard.author_id if by == "author" else Scorecard.stage_key,
                Scorecard.submitted_at,
                Interview.end_at,
            )
            .join(Interview, Interview.id == Scorecard.interview_id)
            .where(
                among(self.session, Scorecard.candidate_id, candidate_ids),
                Scorecard.status == "submitted",
                Scorecard.is_shadow.is_(False),
                Scorecard.submitted_at >= since,
                Scorecard.submitted_at <= until,
            )
        )

    def booking_leads(
        self, role_id: int, since: datetime, until: datetime
    ) -> Sequence[Row[str, datetime, datetime | None]]:
        """(stage, created, first booked) of the panels of the role's candidates first booked between
        `since` and `until` (moved or cancelled since, too: they were booked)."""
        return self._rows(
            select(Panel.stage_key, Panel.created_at, Panel.booked_at)
            .select_from(Candidate)
            .join(Panel, Panel.candidate_id == Candidate.id)
            .where(
                Candidate.team_id == self.team_id,
                Candidate.role_id == role_id,
                Panel.booked_at >= since,
                Panel.booked_at <= until,
            )
        )
