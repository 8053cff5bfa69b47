"""What briefings, scorecards and the App Home need to know about one booked interview, from its plan.

Also: the time zone to show a person times in (their stored one, else their Slack profile's).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from hiring.errors import DomainError
from hiring.plans.plans import spec_of
from hiring.plans.schema import InterviewSpec, RatingScale, StageSpec
from hiring.ports import Directory
from hiring.text import valid_timezone
from storage.models import Interview, Plan
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Competency:
    """A competency scored in an interview: its key, a readable name and the plan's description."""

    key: str
    name: str
    description: str


@dataclass(frozen=True)
class ScalePoint:
    value: int
    label: str


@dataclass(frozen=True)
class InterviewInfo:
    """One interview with its candidate, role, stage and the plan's competencies and scale."""

    interview_id: int
    interview_key: str
    focus_key: str
    title: str
    focus: str
    mode: str
    start_at: datetime | None
    end_at: datetime | None
    video_link: str | None
    room: str | None
    address: str
    candidate_phone: str
    caller_id: str | None
    stage_key: str
    stage_name: str
    candidate_id: int
    candidate_name: str
    role_id: int
    role_title: str
    hiring_manager_id: str
    recruiter_ids: tuple[str, ...]
    competencies: tuple[Competency, ...]
    scale: tuple[ScalePoint, ...]
    feedback_due_hours: int
    briefing_minutes: int
    role_timezone: str

    @property
    def scale_range(self) -> str:
        return f"{self.scale[0].value}–{self.scale[-1].value}" if self.scale else ""

    @property
    def points(self) -> set[int]:
        return {p.value for p in self.scale}


def humanise(key: str) -> str:
    """`technical_depth` → `Technical depth`."""
    words = key.replace("-", " ").replace("_", " ").split()
    return " ".join(words).capitalize() if words else key


def _specs(
    interview: Interview,
) -> tuple[StageSpec | None, InterviewSpec | None, dict[str, str], RatingScale]:
    plan = spec_of(interview.panel.candidate.role.plan)
    try:
        stage: StageSpec | None = plan.stage(interview.panel.stage_key)
    except KeyError:
        stage = None
    spec = None
    if stage is not None:
        spec = next((i for i in stage.interviews if i.key == interview.interview_key), None)
    scale = plan.scales.get(spec.scale if spec else "default") or next(iter(plan.scales.values()), None)
    return stage, spec, plan.competencies, scale or RatingScale()


def interview_info(interview: Interview) -> InterviewInfo:
    """Gather what feedback needs about `interview` (loaded in an open unit of work)."""
    panel = interview.panel
    candidate = panel.candidate
    role = candidate.role
    stage, spec, described, scale = _specs(interview)
    competencies = tuple(
        Competency(key=c, name=humanise(c), description=" ".join(described.get(c, "").split()))
        for c in (spec.competencies if spec else [])
    )
    return InterviewInfo(
        interview_id=interview.id,
        interview_key=interview.interview_key,
        focus_key=spec.focus_key if spec else interview.interview_key,
        title=interview.title,
        focus=interview.focus or (spec.focus if spec else ""),
        mode=interview.mode,
        start_at=interview.start_at,
        end_at=interview.end_at,
        video_link=interview.video_link,
        room=interview.room,
        address=" ".join(spec_of(role.plan).address.split()),
        candidate_phone=candidate.phone or "",
        caller_id=next((s.user_id for s in interview.seats if s.kind != "shadow"), None),
        stage_key=panel.stage_key,
        stage_name=stage.name if stage else humanise(panel.stage_key),
        candidate_id=candidate.id,
        candidate_name=candidate.name,
        role_id=role.id,
        role_title=role.title,
        hiring_manager_id=role.hiring_manager_id,
        recruiter_ids=tuple(role.recruiter_ids),
        competencies=competencies,
        scale=tuple(ScalePoint(value=v, label=scale.label(v)) for v in scale.points()),
        feedback_due_hours=role.feedback_due_hours,
        briefing_minutes=role.briefing_minutes,
        role_timezone=role.timezone,
    )


def stage_name(plan: Plan, stage_key: str) -> str:
    """The readable name of a plan's stage (its key, humanised, when the plan no longer has it)."""
    try:
        return spec_of(plan).stage(stage_key).name
    except KeyError:
        return humanise(stage_key)


def person_timezone(uow: UnitOfWork, directory: Directory, user_id: str, fallback: str = "UTC") -> str:
    """The time zone to show `user_id` times in: the stored one, else the Slack profile's, else
    `fallback`."""
    person = uow.people.get(user_id)
    if person is not None and valid_timezone(person.tz):
        return person.tz
    try:
        profile = directory.profile(uow.team_id, user_id)
    except DomainError:
        log.warning("no profile for %s; showing times in %s", user_id, fallback)
        profile = None
    if profile is not None and valid_timezone(profile.tz):
        return profile.tz
    return fallback
