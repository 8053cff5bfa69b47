"""The chasing messages are built as Block Kit JSON directly: check them against slack_sdk's models."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from slack_sdk.models.blocks import Block

from handlers.json_blocks import JsonBlock
from handlers.render import render
from hiring.chasing.reminders import LateFeedbackEscalation, LateFeedbackLine, ScorecardNudge
from tests.helpers import assert_escaped

NOW = datetime(2026, 11, 24, 11, 0, tzinfo=UTC)
HOSTILE = "<!channel> *Bobby* <@UADMIN> & co"


def messages(name: str = "Grace Hopper", title: str = "System design") -> list[object]:
    return [
        ScorecardNudge(
            7,
            name,
            "Backend",
            title,
            NOW - timedelta(hours=3),
            NOW + timedelta(hours=21),
            NOW,
            "Asia/Kolkata",
        ),
        ScorecardNudge(
            7, name, "Backend", title, NOW - timedelta(hours=30), NOW - timedelta(hours=6), NOW, "UTC", True
        ),
        LateFeedbackEscalation(
            7, name, "Backend", title, ("USAM", "ULEE"), NOW - timedelta(hours=2), NOW, "Europe/London"
        ),
        LateFeedbackLine(name, "Backend", title, ("USAM",), NOW - timedelta(days=1, hours=3), NOW),
    ]


@pytest.mark.parametrize("content", messages(), ids=["nudge", "late-nudge", "escalation", "channel-line"])
def test_every_chasing_message_is_valid_block_kit(content: object) -> None:
    text, blocks = render(content)
    assert text and all(isinstance(b, JsonBlock) for b in blocks)
    payload = [b.to_dict() for b in blocks]
    parsed = Block.parse_all(payload)
    for block, original in zip(parsed, payload, strict=True):
        assert block is not None
        block.validate_json()
        assert block.to_dict() == original  # the same JSON slack_sdk itself would produce


def test_the_nudge_has_the_submit_button_and_says_how_late() -> None:
    _, blocks = render(messages()[1])
    payload = [b.to_dict() for b in blocks]
    button = payload[1]["elements"][0]
    assert (button["action_id"], button["value"], button["text"]["text"]) == (
        "scorecard_open",
        "7",
        "Submit scorecard",
    )
    assert "6 h ago" in payload[0]["text"]["text"] and "You have a draft" in payload[0]["text"]["text"]
    on_time = render(messages()[0])[1][0].to_dict()["text"]["text"]
    assert "(Asia/Kolkata)" in on_time and "still to do" in on_time


def test_user_text_is_escaped_and_clipped_to_slacks_limits() -> None:
    for content in messages(name=HOSTILE, title=HOSTILE):
        text, blocks = render(content)
        assert_escaped(HOSTILE, [b.to_dict() for b in blocks], text)
        assert "&lt;!channel&gt; ∗Bobby∗ &lt;@UADMIN&gt; &amp; co" in str([b.to_dict() for b in blocks])
    for content in messages(name="x" * 5000):
        _, blocks = render(content)
        for block in (b.to_dict() for b in blocks):
            if block["type"] == "section":
                assert len(block["text"]["text"]) <= 3000
        Block.parse_all([b.to_dict() for b in blocks])


def test_shared_blocks_are_not_changed_by_rendering() -> None:
    first = [b.to_dict() for b in render(messages()[0])[1]]
    render(messages(name="Someone else")[0])
    assert [b.to_dict() for b in render(messages()[0])[1]] == first
