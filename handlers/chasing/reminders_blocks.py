"""Block Kit for chasing late feedback: the nudge DM, the hiring manager's escalation and the channel line.

None of these ever shows a score: only who, which interview, and how late.

These go out by the thousand in one tick, so they are built as Block Kit JSON directly (see
`handlers/json_blocks.py` for why and how it is checked).
"""

from __future__ import annotations

from datetime import timedelta

from slack_sdk.models.blocks import Block

from handlers.block_kit import Rendered
from handlers.json_blocks import JsonBlock, json_context, json_section
from handlers.mrkdwn import esc, plain, user, when
from hiring.chasing.reminders import LateFeedbackEscalation, LateFeedbackLine, ScorecardNudge

# The feedback feature registers this action (it opens the scorecard modal for the interview id).
SCORECARD_OPEN = "scorecard_open"


def span(delta: timedelta) -> str:
    """A short human duration: `25 min`, `3 h`, `3 h 20 min`, `1 day`, `2 days 4 h`."""
    minutes = max(int(delta.total_seconds() // 60), 0)
    if minutes < 60:
        return f"{minutes} min"
    hours, rest = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {rest} min" if rest and hours < 6 else f"{hours} h"
    days, hours = divmod(hours, 24)
    text = f"{days} day{'s' if days != 1 else ''}"
    return f"{text} {hours} h" if hours else text


def mentions(user_ids: tuple[str, ...] | list[str]) -> str:
    return ", ".join(user(u) for u in user_ids) or "nobody"


NUDGE_NOTE = (
    "Nobody sees the other scores before submitting their own. I only remind you in your working hours."
)
ESCALATION_NOTE = (
    "They keep getting reminders in their working hours. The hiring channel hears about it after a day."
)


# Blocks with constant text are built (and clipped) once and shared by every message.
NUDGE_NOTE_BLOCK = json_context(NUDGE_NOTE)
ESCALATION_NOTE_BLOCK = json_context(ESCALATION_NOTE)
SUBMIT_TEXT = {"type": "plain_text", "text": plain("Submit scorecard"), "emoji": True}


def render_scorecard_nudge(msg: ScorecardNudge) -> Rendered:
    candidate, title = esc(msg.candidate_name), esc(msg.interview_title)
    who = f"*{candidate}* — {title} ({esc(msg.role_title)})"
    if msg.overdue:
        lead = (
            f":warning: Your scorecard for {who} is late: it was due {when(msg.due_at, msg.tz)}, "
            f"{span(msg.now - msg.due_at)} ago."
        )
    else:
        lead = (
            f":memo: Your scorecard for {who} is still to do. The interview ended "
            f"{when(msg.ended_at, msg.tz, with_zone=False)}; it is due {when(msg.due_at, msg.tz)}."
        )
    if msg.has_draft:
        lead += "\nYou have a draft: finish it and press *Submit*."
    button = {
        "type": "button",
        "action_id": SCORECARD_OPEN,
        "text": SUBMIT_TEXT,
        "value": str(msg.interview_id),
        "style": "primary",
    }
    blocks: list[Block] = [
        json_section(lead),
        JsonBlock({"type": "actions", "block_id": "nudge", "elements": [button]}),
        NUDGE_NOTE_BLOCK,
    ]
    return f"Scorecard {'late' if msg.overdue else 'to do'}: {candidate} – {title}", blocks


def render_late_feedback_escalation(msg: LateFeedbackEscalation) -> Rendered:
    candidate, title = esc(msg.candidate_name), esc(msg.interview_title)
    text = (
        f":hourglass: Feedback on *{candidate}* — {title} ({esc(msg.role_title)}) is late from "
        f"{mentions(msg.interviewer_ids)}. It was due {when(msg.due_at, msg.tz)}, {span(msg.late_by)} ago."
    )
    return f"Late feedback on {candidate} – {title}", [json_section(text), ESCALATION_NOTE_BLOCK]


def render_late_feedback_line(msg: LateFeedbackLine) -> Rendered:
    candidate, title, late = esc(msg.candidate_name), esc(msg.interview_title), span(msg.late_by)
    text = (
        f":hourglass: Late feedback: *{candidate}* — {title}: {mentions(msg.interviewer_ids)}, {late} late."
    )
    return f"Late feedback: {candidate} – {title}, {late} late", [json_section(text)]
