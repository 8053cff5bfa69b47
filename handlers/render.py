"""Turns what Loopbot says (domain message dataclasses) into a fallback text plus Block Kit blocks.

Every renderer is listed here, in one table: a new kind of message adds its dataclass and the
function that renders it (in the capability's `*_blocks.py`). What Loopbot shares as an image rather
than a message (a chart) is in the second table, `FILES`: its function draws the PNG.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from handlers.block_kit import Rendered
from handlers.charts import digest_chart
from handlers.charts.files import Chart
from handlers.chasing import digests_blocks, reminders_blocks
from handlers.decisions import decisions_blocks, reports_blocks
from handlers.feedback import feedback_blocks
from handlers.panels import panels_blocks
from handlers.plans import plans_blocks
from handlers.privacy import privacy_blocks
from handlers.roles import candidates_blocks, roles_blocks
from handlers.scheduling import booking_blocks, links_blocks
from hiring.chasing.digests import DigestDetail, DigestSummary
from hiring.chasing.figures import DigestCharts
from hiring.chasing.reminders import LateFeedbackEscalation, LateFeedbackLine, ScorecardNudge
from hiring.decisions.debriefs import Debrief, DebriefComplete
from hiring.decisions.decisions import PivotArrival, PivotNotice
from hiring.decisions.reports import ReportDraft
from hiring.feedback.briefings import Briefing
from hiring.feedback.scorecards import ScorecardReceipt, ScorecardRequest
from hiring.plans.plans import PlanSaved
from hiring.privacy.erasure import ErasedNotice
from hiring.roles.messages import CandidateAdded, PanelSummary, RoleAnnouncement
from hiring.scheduling.messages import (
    DeclineNotice,
    InterviewNotice,
    LinkActivity,
    LoopNotice,
    ReplacementNotice,
)

RENDERERS: dict[type, Callable[[Any], Rendered]] = {
    DigestSummary: digests_blocks.render_digest_summary,
    DigestDetail: digests_blocks.render_digest_detail,
    ScorecardNudge: reminders_blocks.render_scorecard_nudge,
    LateFeedbackEscalation: reminders_blocks.render_late_feedback_escalation,
    LateFeedbackLine: reminders_blocks.render_late_feedback_line,
    Debrief: decisions_blocks.render_debrief,
    DebriefComplete: decisions_blocks.render_debrief_complete,
    PivotArrival: decisions_blocks.render_pivot_arrival,
    PivotNotice: decisions_blocks.render_pivot_notice,
    ReportDraft: reports_blocks.render_report_draft,
    Briefing: feedback_blocks.render_briefing,
    ScorecardRequest: feedback_blocks.render_scorecard_request,
    ScorecardReceipt: feedback_blocks.render_scorecard_receipt,
    PanelSummary: panels_blocks.render_panel_summary,
    PlanSaved: plans_blocks.render_plan_saved,
    ErasedNotice: privacy_blocks.render_erased_notice,
    CandidateAdded: candidates_blocks.render_candidate_added,
    RoleAnnouncement: roles_blocks.render_role_announcement,
    LoopNotice: booking_blocks.render_loop_notice,
    InterviewNotice: booking_blocks.render_interview_notice,
    DeclineNotice: booking_blocks.render_decline_notice,
    ReplacementNotice: booking_blocks.render_replacement_notice,
    LinkActivity: links_blocks.render_link_activity,
}


FILES: dict[type, Callable[[Any], Chart]] = {
    DigestCharts: digest_chart.render_digest_charts,
}


def as_file(content: object) -> Chart | None:
    """The chart to upload for a domain message shared as an image, or None for a message."""
    draw = FILES.get(type(content))
    return draw(content) if draw is not None else None


def render(content: object) -> Rendered:
    """Fallback text and blocks for a domain message."""
    renderer = RENDERERS.get(type(content))
    if renderer is None:
        raise TypeError(f"no renderer registered for {type(content).__name__}")
    return renderer(content)
