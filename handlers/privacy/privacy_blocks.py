"""Block Kit for erasure and the audit trail."""

from __future__ import annotations

from slack_sdk.models.blocks import CheckboxesElement, InputBlock
from slack_sdk.models.views import View

from handlers.block_kit import Rendered, context, modal, option, section
from handlers.mrkdwn import esc, user
from hiring.privacy.erasure import AuditLine, ErasedNotice, ErasureTarget

FORGET_MODAL = "forget_modal"
CONFIRM = "erase"


def forget_modal(candidate: ErasureTarget) -> View:
    """Confirm erasure: what goes, what stays."""
    return modal(
        callback_id=FORGET_MODAL,
        title="Erase candidate data",
        submit="Erase",
        meta={"candidate_id": candidate.id},
        blocks=[
            section(
                f"Erase *{esc(candidate.name)}*'s personal data for good: name, email, notes, links, "
                "accommodations, availability, written evidence and feedback reports. Their future "
                "interviews are cancelled and my messages that named them are rewritten."
            ),
            context("Anonymous counts (stages, decisions, ratings) and the audit trail are kept."),
            InputBlock(
                block_id="confirm",
                label="Confirm",
                element=CheckboxesElement(
                    action_id="value", options=[option("Yes, erase this candidate's personal data", CONFIRM)]
                ),
            ),
        ],
    )


def render_erased_notice(msg: ErasedNotice) -> Rendered:
    text = f"This message was about candidate #{msg.candidate_id}, whose personal data has been erased."
    return text, [context(text)]


def audit_text(name: str, lines: list[AuditLine]) -> list[str]:
    """The audit trail as sections of at most ~2,800 characters."""
    if not lines:
        return [f"No audit events for *{esc(name)}*."]
    rows = [f"*Audit trail for {esc(name)}* ({len(lines)} events, times UTC)"]
    rows += [
        f"• {line.at:%Y-%m-%d %H:%M} — {user(line.actor_id)} `{line.action}` ({esc(line.subject)})"
        for line in lines
    ]
    chunks: list[str] = []
    current = ""
    for row in rows:
        if len(current) + len(row) + 1 > 2800:
            chunks.append(current)
            current = ""
        current = f"{current}\n{row}" if current else row
    chunks.append(current)
    return chunks[:45]
