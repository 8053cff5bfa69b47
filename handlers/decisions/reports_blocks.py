"""Block Kit for candidate feedback reports: the recruiter's DM and the edit modal."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    HeaderBlock,
    InputBlock,
    PlainTextInputElement,
)
from slack_sdk.models.views import View

from handlers.block_kit import Rendered, context, modal, section
from handlers.decisions.decisions_blocks import confirmation
from handlers.mrkdwn import esc, plain, user, when
from hiring.decisions.reports import MAX_BODY, ReportDraft, ReportText

REPORT_EDIT = "report_edit"
REPORT_SENT = "report_sent"
REPORT_MODAL = "report_modal"

OUTCOME_TEXT = {
    "advance": "advanced",
    "reject": "rejected",
    "hold": "on hold",
    "offer": "offer",
    "pivot": "pivoted",
}


def body_sections(body: str, limit: int = 2800) -> list[Block]:
    """The report's text in as many sections as it needs (each under Slack's 3,000 characters)."""
    blocks: list[Block] = []
    chunk = ""
    for paragraph in esc(body).split("\n\n"):
        while len(paragraph) > limit:
            if chunk:
                blocks.append(section(chunk))
                chunk = ""
            blocks.append(section(paragraph[:limit]))
            paragraph = paragraph[limit:]
        candidate = f"{chunk}\n\n{paragraph}" if chunk else paragraph
        if len(candidate) > limit:
            blocks.append(section(chunk))
            chunk = paragraph
        else:
            chunk = candidate
    if chunk:
        blocks.append(section(chunk))
    return blocks


def render_report_draft(msg: ReportDraft) -> Rendered:
    outcome = OUTCOME_TEXT.get(msg.outcome, msg.outcome)
    if msg.outcome == "pivot" and msg.target_role_title:
        outcome = f"pivoted to {msg.target_role_title}"
    blocks: list[Block] = [
        HeaderBlock(text=plain(f"Feedback report: {msg.candidate_name}", 150)),
        context(
            f"*{esc(msg.role_title)}* · {esc(msg.stage_name)} · {esc(outcome)} by {user(msg.decided_by)}, "
            f"{when(msg.decided_at, msg.timezone)}"
        ),
        *body_sections(msg.body),
    ]
    if msg.status == "sent":
        sent = f":white_check_mark: Marked sent by {user(msg.sent_by)} · {when(msg.sent_at, msg.timezone)}"
        blocks.append(context(sent))
    else:
        value = str(msg.report_id)
        sure = confirmation(
            "Mark as sent?",
            "Confirm you sent this report to the candidate. It can no longer be edited.",
            "Mark as sent",
        )
        buttons = [
            ButtonElement(text="Edit", action_id=REPORT_EDIT, value=value),
            ButtonElement(
                text="Mark as sent", action_id=REPORT_SENT, value=value, style="primary", confirm=sure
            ),
        ]
        blocks += [
            ActionsBlock(block_id="report", elements=buttons),
            context(
                "A draft for the candidate, written from the scorecards with no interviewer names or scores. "
                "Edit it, send it to the candidate, then mark it sent."
            ),
        ]
    status = "sent" if msg.status == "sent" else "draft"
    return f"Feedback report for {esc(msg.candidate_name)} ({status})", blocks


def report_modal(report: ReportText) -> View:
    """Edit the report's text."""
    blocks = [
        InputBlock(
            block_id="body",
            label="Report for the candidate",
            hint="No interviewer names, no scores. Saved for every recruiter of the role.",
            element=PlainTextInputElement(
                action_id="value", multiline=True, max_length=MAX_BODY, initial_value=report.body
            ),
        )
    ]
    return modal(
        callback_id=REPORT_MODAL,
        title="Feedback report",
        blocks=blocks,
        submit="Save",
        meta={"report_id": report.report_id},
    )
