"""Block Kit built as JSON directly, for messages sent in bulk (reminders, digests).

slack_sdk's `to_dict()` validates by reflecting over every attribute of every object, about 0.1 ms a
block (0.3 ms a reminder, measured in benchmarks/tick_bench.py), which alone would use up a tick's
budget when ten thousand reminders are due. These helpers build the same JSON (text clipped to
Slack's limits here) and wrap it in `JsonBlock`, a `Block` whose `to_dict()` returns it as it is.
tests/unit/test_chasing_blocks.py and test_digest_blocks.py check the output against slack_sdk's
models, and the Slack fake validates every message the integration tests send.
"""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import Block

from handlers.mrkdwn import clip, plain


class JsonBlock(Block):
    """A block given as ready Block Kit JSON; `to_dict()` returns it as it is."""

    def __init__(self, payload: dict[str, Any]) -> None:
        super().__init__(type=payload["type"], block_id=payload.get("block_id"))
        self.payload = payload

    def to_dict(self, *args: Any) -> dict[str, Any]:
        return self.payload


def json_section(text: str) -> JsonBlock:
    """A mrkdwn section (text clipped to 3,000 characters)."""
    return JsonBlock({"type": "section", "text": {"type": "mrkdwn", "text": clip(text)}})


def json_context(text: str) -> JsonBlock:
    """A context line of mrkdwn (clipped to 2,000 characters)."""
    return JsonBlock({"type": "context", "elements": [{"type": "mrkdwn", "text": clip(text, 2000)}]})


def json_header(text: str) -> JsonBlock:
    """A header (plain text, 150 characters)."""
    return JsonBlock(
        {"type": "header", "text": {"type": "plain_text", "text": plain(text, 150), "emoji": True}}
    )


def json_divider() -> JsonBlock:
    return JsonBlock({"type": "divider"})
