"""Block Kit for candidates' scheduling links: what a candidate did through one (channel and DMs)."""

from __future__ import annotations

from slack_sdk.models.blocks import Block

from handlers.block_kit import Rendered, context, section
from handlers.mrkdwn import clip, esc
from handlers.scheduling.booking_blocks import span_text
from hiring.scheduling.messages import LinkActivity

ACTIVITY_HEADS = {
    "booked": "booked their interviews",
    "availability": "sent their availability",
    "rescheduled": "moved their interviews",
    "cancelled": "cancelled their interviews",
    "accommodations": "asked for accommodations",
}


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
    blocks: list[Block] = [section(clip("\n".join(lines)))]
    if msg.times:
        blocks.append(context(f"Times in {esc(msg.tz.replace('_', ' '))}."))
    return f"{name} {did} through their scheduling link", blocks
