"""Block Kit for candidates' scheduling links: the "Send scheduling link" button, the modal with the
link to copy (and the e-mail to send), the links on a candidate's status, and what a candidate did
through one (channel thread and DMs)."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    SectionBlock,
)
from slack_sdk.models.views import View

from handlers.block_kit import Rendered, context, modal, section
from handlers.mrkdwn import clip, esc, user, when
from handlers.scheduling.booking_blocks import span_text
from hiring.scheduling.links import BODY_BLOCK, SUBJECT_BLOCK, EmailDraft, IssuedLink, LinkView
from hiring.scheduling.messages import LinkActivity

SEND_LINK = "link_send"
REVOKE_LINK = "link_revoke"
LINK_EMAIL_MODAL = "link_email"
LINK_MODAL = "link_shown"
MAX_LISTED = 10
STATES = {"active": "active", "used": "used by the candidate", "expired": "expired", "revoked": "revoked"}
ACTIVITY_HEADS = {
    "booked": "booked their interviews",
    "availability": "sent their availability",
    "rescheduled": "moved their interviews",
    "cancelled": "cancelled their interviews",
    "accommodations": "asked for accommodations",
}


def send_link_actions(candidate_id: int) -> ActionsBlock:
    """The candidate message's "Send scheduling link" button."""
    return ActionsBlock(
        block_id="candidate_actions",
        elements=[ButtonElement(text="Send scheduling link", action_id=SEND_LINK, value=str(candidate_id))],
    )


def link_modal(issued: IssuedLink, draft: EmailDraft | None, *, tz: str, mail_configured: bool) -> View:
    """The link to copy and, when e-mail is possible, the e-mail the candidate will get (editable);
    else why not: no mail server configured, or no address on file."""
    name = esc(issued.candidate_name)
    blocks: list[Block] = [
        section(
            f"A personal scheduling link for *{name}* — {esc(issued.stage_label)}, {esc(issued.role_title)}:"
        ),
        section(f"```{issued.url}```"),  # raw: nothing is formatted in a code block; esc would swap `_`
        context(
            f"Works until {when(issued.expires_at, tz)}. Anyone with it can book {name}'s interviews, so "
            "send it to them only. Revoke it from `/interview status`."
        ),
    ]
    meta: dict[str, Any] = {"link_id": issued.link_id, "url": issued.url}
    if draft is None:
        if not mail_configured:
            why = (
                "E-mail is not set up for Loopbot (`SMTP_HOST`): copy the link and send it to "
                f"{name} yourself."
            )
        else:
            why = f"{name} has no e-mail address on file: copy the link and send it to them yourself."
        blocks.append(section(why))
        return modal(callback_id=LINK_MODAL, title="Scheduling link", blocks=blocks, submit=None, meta=meta)
    blocks.extend(
        [
            section(f"*The e-mail to {esc(draft.to)}* (change it as you like; keep the link in it):"),
            InputBlock(
                block_id=SUBJECT_BLOCK,
                label="Subject",
                element=PlainTextInputElement(action_id="value", max_length=200, initial_value=draft.subject),
            ),
            InputBlock(
                block_id=BODY_BLOCK,
                label="Message",
                element=PlainTextInputElement(
                    action_id="value", multiline=True, max_length=3000, initial_value=draft.body
                ),
            ),
        ]
    )
    return modal(
        callback_id=LINK_EMAIL_MODAL, title="Scheduling link", blocks=blocks, submit="Send e-mail", meta=meta
    )


def links_status_blocks(links: list[LinkView], tz: str) -> list[Block]:
    """The candidate's scheduling links on their status, a Revoke button on each one that still works."""
    if not links:
        return []
    blocks: list[Block] = [section("*Scheduling links:*")]
    for link in links[:MAX_LISTED]:
        until = (
            "expired" if link.state == "expired" else f"until {when(link.expires_at, tz, with_zone=False)}"
        )
        text = (
            f"• {esc(link.stage_label)} · *{STATES.get(link.state, link.state)}*, {until} · made by "
            f"{user(link.created_by)} {when(link.created_at, tz, with_zone=False)}"
        )
        if link.emailed_at is not None:
            text += " · e-mailed"
        if link.state in ("active", "used"):
            blocks.append(
                SectionBlock(text=MarkdownTextObject(text=clip(text)), accessory=_revoke(link.link_id))
            )
        else:
            blocks.append(section(text))
    if len(links) > MAX_LISTED:
        blocks.append(context(f"…and {len(links) - MAX_LISTED} older links."))
    return blocks


def _revoke(link_id: int) -> ButtonElement:
    return ButtonElement(
        text="Revoke",
        action_id=REVOKE_LINK,
        value=str(link_id),
        style="danger",
        confirm=ConfirmObject(
            title="Revoke this link?",
            text="The candidate's page stops working at once. You can send a new link later.",
            confirm="Revoke",
            deny="Keep it",
        ),
    )


def emailed_text(to: str, issued_url: str) -> str:
    """Told after the e-mail went out."""
    return f"E-mailed the scheduling link to {esc(to)}: <{issued_url}>"


def email_failed_text(problem: str, url: str) -> str:
    """Told when the e-mail could not be sent: the link still works."""
    return f"The e-mail was not sent. {problem} The link still works; copy it and send it yourself: <{url}>"


def render_link_activity(msg: LinkActivity) -> Rendered:
    """What the candidate did on their scheduling page; their own words quoted and escaped."""
    did = ACTIVITY_HEADS.get(msg.kind, "used their scheduling link")
    name = esc(msg.candidate_name)
    head = f"*{name}* {did} through their scheduling link"
    lines = [head if msg.in_thread else f"{head} — {esc(msg.role_title)}, {esc(msg.stage_name)}"]
    for start, end in msg.times:
        lines.append(f"• {span_text(start, end, msg.tz)}")
    if msg.summary:
        lines.append(f"*Available:* {esc(msg.summary)}")
    if msg.note:
        quoted = "\n".join(f"> {esc(line)}" for line in msg.note.splitlines() if line.strip())
        lines.append(f"*In their words:*\n{quoted}")
    elif msg.kind == "accommodations" and msg.in_thread:
        lines.append("_What they asked for went to the recruiters and the hiring manager only._")
    blocks: list[Block] = [section(clip("\n".join(lines)))]
    if msg.times:
        blocks.append(context(f"Times in {esc(msg.tz.replace('_', ' '))}."))
    return f"{name} {did} through their scheduling link", blocks
