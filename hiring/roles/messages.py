"""What Loopbot says, as plain data. `handlers.render` turns each into Block Kit.

Services hand these to a `Notifier`; one dataclass per kind of message keeps the domain free of Slack.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class RoleAnnouncement:
    title: str
    hiring_manager_id: str
    recruiter_ids: list[str]
    plan_name: str
    stages: list[str]
    timezone: str


@dataclass(frozen=True)
class PanelInterviewLine:
    title: str
    duration_minutes: int
    mode: str
    interviewer_ids: list[str]
    shadow_ids: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class PanelSummary:
    """A panel saved for a candidate's stage, ready for booking (no scores, ever)."""

    candidate_id: int
    candidate_name: str
    role_title: str
    stage_name: str
    created_by: str
    interviews: list[PanelInterviewLine]
    updated: bool = False


@dataclass(frozen=True)
class CandidateAdded:
    candidate_id: int
    candidate_name: str
    role_title: str
    stage_name: str
    added_by: str
