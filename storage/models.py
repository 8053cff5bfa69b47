"""SQLAlchemy 2.0 typed models for the whole product. Every row is scoped by Slack workspace (`team_id`).

Times are stored as UTC through :class:`UTCDateTime`. Plans are stored as validated JSON documents;
interviews and scorecards reference a plan's stage and interview by their keys.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from storage.slack_tables import bots_table, installations_table, oauth_states_table
from storage.types_utc import UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

TEAM = String(32)
USER = String(32)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON, list[Any]: JSON}


class Person(Base):
    """A Slack user as Loopbot knows them: time zone, working hours (minutes after midnight) and limits."""

    __tablename__ = "people"
    __table_args__ = (UniqueConstraint("team_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(TEAM)
    user_id: Mapped[str] = mapped_column(USER)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str | None] = mapped_column(String(320), nullable=True)
    tz: Mapped[str] = mapped_column(String(64), default="UTC")
    work_start_minute: Mapped[int] = mapped_column(Integer, default=9 * 60)
    work_end_minute: Mapped[int] = mapped_column(Integer, default=17 * 60)
    work_days: Mapped[str] = mapped_column(String(20), default="0,1,2,3,4")
    # Their own interview limits; None: their pool's, else the workspace default (hiring/people/limits.py).
    daily_limit: Mapped[int | None] = mapped_column(Integer, nullable=True)
    weekly_limit: Mapped[int | None] = mapped_column(Integer, nullable=True)
    updated_at: Mapped[datetime]


class Plan(Base):
    """An interview plan: ordered stages of interviews, stored as a validated JSON document."""

    __tablename__ = "plans"
    __table_args__ = (UniqueConstraint("team_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(TEAM)
    key: Mapped[str] = mapped_column(String(80))
    name: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(20), default="builtin")
    definition: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]


class Role(Base):
    """An open position with its hiring channel, hiring manager, plan and chasing policy."""

    __tablename__ = "roles"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(TEAM, index=True)
    title: Mapped[str] = mapped_column(String(200))
    channel_id: Mapped[str] = mapped_column(String(32))
    hiring_manager_id: Mapped[str] = mapped_column(USER)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    status: Mapped[str] = mapped_column(String(16), default="open")
    feedback_due_hours: Mapped[int] = mapped_column(Integer, default=24)
    first_nudge_minutes: Mapped[int] = mapped_column(Integer, default=60)
    nudge_interval_hours: Mapped[int] = mapped_column(Integer, default=24)
    channel_late_after_hours: Mapped[int] = mapped_column(Integer, default=24)
    debrief_quorum: Mapped[int | None] = mapped_column(Integer, nullable=True)
    briefing_minutes: Mapped[int] = mapped_column(Integer, default=30)
    digest_time: Mapped[str] = mapped_column(String(5), default="09:00")
    digest_days: Mapped[str] = mapped_column(String(20), default="0,1,2,3,4")
    # Opt-in: the week's first digest also gets charts in its thread (`/interview digest charts on`).
    digest_charts: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Candidates' scheduling links last this many days; they may cancel or move up to this many hours before.
    link_days: Mapped[int] = mapped_column(Integer, default=7, server_default="7")
    cancel_cutoff_hours: Mapped[int] = mapped_column(Integer, default=24, server_default="24")
    created_by: Mapped[str] = mapped_column(USER)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    plan: Mapped[Plan] = relationship(lazy="joined")
    recruiters: Mapped[list[RoleRecruiter]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="RoleRecruiter.user_id"
    )

    @property
    def recruiter_ids(self) -> list[str]:
        return [r.user_id for r in self.recruiters]


class RoleRecruiter(Base):
    __tablename__ = "role_recruiters"

    role_id: Mapped[int] = mapped_column(ForeignKey("roles.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[str] = mapped_column(USER, primary_key=True)


class Candidate(Base):
    """A person interviewing for a role. Personal fields are blanked on erasure (`erased_at`)."""

    __tablename__ = "candidates"
    __table_args__ = (Index("ix_candidates_team_role", "team_id", "role_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(TEAM)
    role_id: Mapped[int] = mapped_column(ForeignKey("roles.id"))
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320), nullable=True)
    phone: Mapped[str] = mapped_column(String(40), default="", server_default="")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    accommodations: Mapped[str] = mapped_column(Text, default="")  # for interviewers (briefings)
    private_accommodations: Mapped[str] = mapped_column(Text, default="")  # hiring manager and recruiters
    links: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    stage_key: Mapped[str] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(16), default="active")
    status_changed_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(USER)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    erased_at: Mapped[datetime | None] = mapped_column(nullable=True)

    role: Mapped[Role] = relationship(lazy="joined")
    windows: Mapped[list[AvailabilityWindow]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="AvailabilityWindow.start_at"
    )


class AvailabilityWindow(Base):
    """A window in which the candidate can interview (stored UTC; entered in their time zone)."""

    __tablename__ = "availability_windows"

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"), index=True)
    start_at: Mapped[datetime]
    end_at: Mapped[datetime]


class Pool(Base):
    """A pool of interviewers for one kind of interview (engineer, hiring manager, recruiter, ...)."""

    __tablename__ = "pools"
    __table_args__ = (UniqueConstraint("team_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(TEAM)
    name: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime]

    members: Mapped[list[PoolMember]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="PoolMember.user_id"
    )


class PoolMember(Base):
    """A pool member: qualification level and load limits."""

    __tablename__ = "pool_members"
    __table_args__ = (UniqueConstraint("pool_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pool_id: Mapped[int] = mapped_column(ForeignKey("pools.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(USER)
    level: Mapped[str] = mapped_column(String(20), default="qualified")
    daily_limit: Mapped[int] = mapped_column(Integer, default=2)
    weekly_limit: Mapped[int] = mapped_column(Integer, default=5)


class Panel(Base):
    """One candidate's loop for one stage: the interviews and who runs them."""

    __tablename__ = "panels"
    __table_args__ = (Index("ix_panels_candidate", "candidate_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(TEAM)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"))
    stage_key: Mapped[str] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(16), default="ready")
    created_by: Mapped[str] = mapped_column(USER)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    booked_at: Mapped[datetime | None] = mapped_column(nullable=True)

    candidate: Mapped[Candidate] = relationship(lazy="joined")
    interviews: Mapped[list[Interview]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="Interview.position"
    )


class Interview(Base):
    """One interview of a panel; booked interviews carry times and the calendar event id we chose."""

    __tablename__ = "interviews"
    __table_args__ = (
        Index("ix_interviews_status_end", "status", "end_at"),
        Index("ix_interviews_panel", "panel_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(TEAM)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panels.id", ondelete="CASCADE"))
    interview_key: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(200))
    focus: Mapped[str] = mapped_column(Text, default="")
    duration_minutes: Mapped[int] = mapped_column(Integer)
    mode: Mapped[str] = mapped_column(String(10), default="online")
    position: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16), default="planned")
    start_at: Mapped[datetime | None] = mapped_column(nullable=True)
    end_at: Mapped[datetime | None] = mapped_column(nullable=True)
    room: Mapped[str | None] = mapped_column(String(200), nullable=True)
    video_link: Mapped[str | None] = mapped_column(String(500), nullable=True)
    event_id: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True)
    ics_token: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True)

    panel: Mapped[Panel] = relationship(back_populates="interviews", lazy="joined")
    seats: Mapped[list[Seat]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="Seat.id"
    )


class Seat(Base):
    """An interviewer (or shadow) on an interview, with their calendar response."""

    __tablename__ = "seats"
    __table_args__ = (
        UniqueConstraint("interview_id", "user_id"),
        Index("ix_seats_user", "team_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(TEAM)
    interview_id: Mapped[int] = mapped_column(ForeignKey("interviews.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(USER)
    kind: Mapped[str] = mapped_column(String(16), default="interviewer")
    pool_id: Mapped[int | None] = mapped_column(ForeignKey("pools.id", ondelete="SET NULL"), nullable=True)
    response_status: Mapped[str] = mapped_column(String(16), default="needsAction")
    decline_handled_at: Mapped[datetime | None] = mapped_column(nullable=True)


class BusyBlock(Base):
    """Busy time a person adds to the built-in calendar (`/interview busy`).

    `owner` is the calendar id, as in Google: the person's email address (lower case), or a room.
    """

    __tablename__ = "busy_blocks"
    __table_args__ = (Index("ix_busy_blocks_owner", "team_id", "owner"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(TEAM)
    owner: Mapped[str] = mapped_column(String(320))
    start_at: Mapped[datetime]
    end_at: Mapped[datetime]
    label: Mapped[str] = mapped_column(String(200), default="busy")
    created_at: Mapped[datetime]


class CalendarEvent(Base):
    """An event of the built-in calendar, with an iCalendar invite served at an unguessable URL."""

    __tablename__ = "calendar_events"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    team_id: Mapped[str] = mapped_column(TEAM, index=True)
    summary: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    location: Mapped[str] = mapped_column(String(300), default="")
    organizer: Mapped[str] = mapped_column(String(320), default="")
    start_at: Mapped[datetime]
    end_at: Mapped[datetime]
    attendees: Mapped[list[Any]]
    status: Mapped[str] = mapped_column(String(16), default="confirmed")
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    ics_token: Mapped[str] = mapped_column(String(64), unique=True)
    video_link: Mapped[str | None] = mapped_column(String(500), nullable=True)
    updated_at: Mapped[datetime]


class Question(Base):
    """A question of the shared bank, by focus and competency."""

    __tablename__ = "questions"
    __table_args__ = (UniqueConstraint("team_id", "bank", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(TEAM)
    bank: Mapped[str] = mapped_column(String(80))
    key: Mapped[str] = mapped_column(String(120))
    focus: Mapped[str] = mapped_column(String(80))
    competency: Mapped[str] = mapped_column(String(80), default="")
    text: Mapped[str] = mapped_column(Text)


class QuestionAssignment(Base):
    """A question given to an interviewer for a candidate; never given twice to the same candidate."""

    __tablename__ = "question_assignments"
    __table_args__ = (UniqueConstraint("candidate_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(TEAM)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"))
    interview_id: Mapped[int] = mapped_column(ForeignKey("interviews.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(USER)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"))


class Scorecard(Base):
    """An interviewer's scorecard for one interview; a draft until submitted, editable until decided."""

    __tablename__ = "scorecards"
    __table_args__ = (
        UniqueConstraint("interview_id", "author_id"),
        Index("ix_scorecards_candidate", "candidate_id", "stage_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(TEAM)
    interview_id: Mapped[int] = mapped_column(ForeignKey("interviews.id", ondelete="CASCADE"))
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"))
    stage_key: Mapped[str] = mapped_column(String(80))
    author_id: Mapped[str] = mapped_column(USER)
    is_shadow: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    ratings: Mapped[dict[str, Any]]
    recommendation: Mapped[str | None] = mapped_column(String(16), nullable=True)
    evidence: Mapped[str] = mapped_column(Text, default="")
    private_note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    submitted_at: Mapped[datetime | None] = mapped_column(nullable=True)


class Decision(Base):
    """A hiring manager's decision on a candidate's stage: advance, reject, hold, offer or pivot."""

    __tablename__ = "decisions"
    __table_args__ = (Index("ix_decisions_candidate", "candidate_id", "stage_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(TEAM)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"))
    role_id: Mapped[int] = mapped_column(ForeignKey("roles.id"))
    stage_key: Mapped[str] = mapped_column(String(80))
    outcome: Mapped[str] = mapped_column(String(16))
    target_role_id: Mapped[int | None] = mapped_column(ForeignKey("roles.id"), nullable=True)
    decided_by: Mapped[str] = mapped_column(USER)
    decided_at: Mapped[datetime]
    note: Mapped[str] = mapped_column(Text, default="")


class FeedbackReport(Base):
    """A drafted feedback report for the candidate, edited and marked sent by the recruiter."""

    __tablename__ = "feedback_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(TEAM, index=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"), index=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id", ondelete="CASCADE"), unique=True)
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    sent_at: Mapped[datetime | None] = mapped_column(nullable=True)
    sent_by: Mapped[str | None] = mapped_column(USER, nullable=True)


class SchedulingLink(Base):
    """A candidate's personal scheduling link for one stage. Only the sha256 of its token is kept."""

    __tablename__ = "scheduling_links"
    __table_args__ = (Index("ix_scheduling_links_team_candidate", "team_id", "candidate_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(TEAM)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"))
    stage_key: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    created_by: Mapped[str] = mapped_column(USER)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None] = mapped_column(nullable=True)
    revoked_by: Mapped[str | None] = mapped_column(USER, nullable=True)
    last_used_at: Mapped[datetime | None] = mapped_column(nullable=True)
    emailed_at: Mapped[datetime | None] = mapped_column(nullable=True)
    acted_at: Mapped[datetime | None] = mapped_column(nullable=True)  # the candidate last acted through it

    candidate: Mapped[Candidate] = relationship(lazy="joined")


class LinkAction(Base):
    """Something a candidate did through a scheduling link, kept until its notices are out (and
    deleted with the link): `kind`, the booked `times` (ISO pairs), their availability `summary`
    and `note` in their own words."""

    __tablename__ = "link_actions"
    __table_args__ = (Index("ix_link_actions_at", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(TEAM)
    link_id: Mapped[int] = mapped_column(ForeignKey("scheduling_links.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    times: Mapped[list[Any]]
    summary: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime]

    link: Mapped[SchedulingLink] = relationship(lazy="joined")


class LinkAttempt(Base):
    """Rate limiting shared by every replica: requests counted per key (`token:<hash>`, `addr:<ip>`)
    in a fixed window starting at `window_start`."""

    __tablename__ = "link_attempts"

    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(index=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class Notification(Base):
    """A claimed notification: the unique `key` makes every reminder, debrief and digest exactly-once."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_pending", "sent_at", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(TEAM)
    key: Mapped[str] = mapped_column(String(255), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]]
    claimed_at: Mapped[datetime]
    claimed_by: Mapped[str] = mapped_column(String(64))
    lease_until: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    sent_at: Mapped[datetime | None] = mapped_column(nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    channel_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    message_ts: Mapped[str | None] = mapped_column(String(32), nullable=True)


class SlackMessage(Base):
    """Every message Loopbot posted (channel and ts), so it can be updated or erased later."""

    __tablename__ = "slack_messages"
    __table_args__ = (
        UniqueConstraint("channel_id", "ts"),
        Index("ix_slack_messages_candidate", "candidate_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(TEAM)
    channel_id: Mapped[str] = mapped_column(String(32))
    ts: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(32))
    candidate_id: Mapped[int | None] = mapped_column(
        ForeignKey("candidates.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[datetime]


class AuditEvent(Base):
    """Who did (or saw) what, when, with the state before and after."""

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_candidate", "team_id", "candidate_id"),
        Index("ix_audit_events_at", "team_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(TEAM)
    at: Mapped[datetime]
    actor_id: Mapped[str] = mapped_column(USER)
    action: Mapped[str] = mapped_column(String(64))
    subject_type: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[str] = mapped_column(String(64))
    candidate_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)


class IdempotencyKey(Base):
    """A request already handled (a Slack retry, a double click): the second one changes nothing."""

    __tablename__ = "idempotency_keys"

    team_id: Mapped[str] = mapped_column(TEAM, primary_key=True)
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    created_at: Mapped[datetime]


class Workspace(Base):
    """A Slack workspace Loopbot knows of: `removed_at` is set when the app was uninstalled or its
    bot token revoked (its jobs stop; its data stay), and cleared when it is installed again."""

    __tablename__ = "workspaces"

    team_id: Mapped[str] = mapped_column(TEAM, primary_key=True)
    removed_at: Mapped[datetime | None] = mapped_column(nullable=True)
    reason: Mapped[str] = mapped_column(String(32), default="")
    changed_at: Mapped[datetime]


class Replica(Base):
    """A live `loopbot run` / `worker` process: it bumps `beats` every few seconds while it lives. A
    replica whose count stops moving is declared dead by another one, which frees its claims and
    deletes its row; a replica that stops gracefully frees its claims and deletes its row itself."""

    __tablename__ = "replicas"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    beats: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[datetime]
    heartbeat_at: Mapped[datetime]  # its clock's time at the last beat (for people; liveness uses `beats`)


# slack_sdk's installation and OAuth state stores (multi-workspace installs) keep their rows in
# these tables; declaring them here lets Alembic create them like every other table.
SlackInstallations = installations_table(Base.metadata)
SlackBots = bots_table(Base.metadata)
SlackOAuthStates = oauth_states_table(Base.metadata)
