"""Block Kit for `/interview status`: plain words, counts of scorecards only, never ratings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from handlers.block_kit import context, section
from handlers.mrkdwn import esc, user, when
from hiring.roles.status import CandidateStatus, InterviewStatus, PanelStatus

MODES = {"online": "video", "onsite": "on-site"}
PANEL_STATES = {"ready": "ready, not booked yet", "booked": "booked"}
OUTCOMES = {
    "advance": "advanced",
    "reject": "rejected",
    "hold": "put on hold",
    "offer": "offer made",
    "pivot": "pivoted",
}
MESSAGE_BLOCK_LIMIT = 50


def _interview_line(iv: InterviewStatus, tz: str, *, full: bool) -> str:
    head = f"*{esc(iv.title)}* · {iv.duration_minutes} min · {MODES.get(iv.mode, iv.mode)}"
    moment = when(iv.start_at, tz) if iv.start_at else "not booked"
    if iv.status not in ("planned", "booked"):
        moment = f"{moment} ({esc(iv.status)})"
    where = f" · {esc(iv.room)}" if iv.room else ""
    if not full:
        seat = "you shadow" if iv.my_seat == "shadow" else "you interview"
        return f"• {head} — {moment}{where} ({seat})"
    people = ", ".join(user(u) for u in iv.interviewer_ids) or "nobody yet"
    shadows = f"; shadow {', '.join(user(u) for u in iv.shadow_ids)}" if iv.shadow_ids else ""
    return f"• {head} — {people}{shadows} — {moment}{where}"


def _panel_text(panel: PanelStatus, tz: str, *, full: bool) -> str:
    state = PANEL_STATES.get(panel.status, panel.status)
    lines = [f"*{esc(panel.stage_name)}* panel ({esc(state)})" if full else f"*{esc(panel.stage_name)}*"]
    lines.extend(_interview_line(iv, tz, full=full) for iv in panel.interviews)
    return "\n".join(lines)


def _accommodation_blocks(status: CandidateStatus) -> list[Any]:
    """Accommodations, each labelled with who sees it (the private ones only reach this view when
    the viewer is the hiring manager, a recruiter or an admin)."""
    blocks = []
    if status.accommodations.strip():
        blocks.append(section(f"*Accommodations* (interviewers see these): {esc(status.accommodations)}"))
    if status.private_accommodations.strip():
        blocks.append(
            section(
                "*Private accommodations* (hiring manager and recruiters only): "
                f"{esc(status.private_accommodations)}"
            )
        )
    return blocks


def status_blocks(status: CandidateStatus, links: Sequence[Any] = ()) -> tuple[str, list[Any]]:
    """Fallback text and blocks: everything but scores for managers (with `links`, the blocks of
    their scheduling links), own schedule for interviewers."""
    name, role = esc(status.candidate_name), esc(status.role_title)
    blocks: list[Any] = []
    if not status.full:
        blocks.append(section(f"*{name}* — {role}\nYour interviews with them:"))
        blocks.extend(section(_panel_text(p, status.tz, full=False)) for p in status.panels)
        if not status.panels:
            blocks.append(section("None of your interviews with them is scheduled."))
        blocks.extend(_accommodation_blocks(status))
        blocks.append(context(f"Times in {status.tz}."))
        return f"Your interviews with {name}", blocks[:MESSAGE_BLOCK_LIMIT]
    since = f" since {when(status.status_since, status.tz, with_zone=False)}" if status.status_since else ""
    blocks.append(
        section(f"*{name}* — {role}\nStage: *{esc(status.stage_name)}* · {esc(status.status)}{since}")
    )
    blocks.extend(section(_panel_text(p, status.tz, full=True)) for p in status.panels)
    if not status.panels:
        blocks.append(section("No panel yet. Build one with `/interview panel`."))
    counts = "; ".join(
        f"{esc(c.stage_name)}: {c.submitted}" + (f" of {c.expected}" if c.expected else "")
        for c in status.scorecards
    )
    blocks.append(section(f"*Scorecards in:* {counts or 'none yet'}"))
    blocks.extend(_accommodation_blocks(status))
    decision = status.decision
    if decision is not None:
        outcome = OUTCOMES.get(decision.outcome, decision.outcome)
        target = f" to {esc(decision.target_role_title)}" if decision.target_role_title else ""
        blocks.append(
            section(
                f"*Latest decision:* {esc(outcome)}{target} after {esc(decision.stage_name)}, by "
                f"{user(decision.decided_by)} on {when(decision.decided_at, status.tz, with_zone=False)}"
            )
        )
    else:
        blocks.append(section("*Latest decision:* none yet"))
    blocks.extend(links)
    blocks.append(context(f"Times in {status.tz}. Ratings are never shown here."))
    if len(blocks) > MESSAGE_BLOCK_LIMIT:
        blocks = [*blocks[: MESSAGE_BLOCK_LIMIT - 1], context("…and more; the list was cut short.")]
    return f"Status of {name}", blocks
