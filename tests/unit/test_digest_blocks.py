"""Digest messages are built as Block Kit JSON directly: check them against slack_sdk's models and
Slack's limits, small and very large."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from slack_sdk.models.blocks import Block

from handlers.render import render
from hiring.chasing.digests import (
    SECTIONS,
    Digest,
    DigestDetail,
    DigestSummary,
    InterviewerDelay,
    LatePerson,
    LateScorecard,
    PendingReport,
    StageCount,
    UpcomingInterview,
    WaitingDecision,
)
from tests.helpers import assert_escaped

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
HOSTILE = "<!here> *Eve* <@UADMIN>"


def digest(n: int, name: str = "Candidate") -> Digest:
    return Digest(
        role_id=1,
        role_title=f"{name} role",
        channel_id="CHIRING",
        tz="Europe/London",
        now=NOW,
        upcoming=tuple(
            UpcomingInterview(
                NOW + timedelta(minutes=10 * i), f"{name} {i} " + "x" * 60, "System design", ("USAM", "ULEE")
            )
            for i in range(n)
        ),
        late=tuple(
            LatePerson(
                f"U{i:04d}",
                (LateScorecard(f"{name} {i}", "Coding", NOW - timedelta(hours=30), timedelta(hours=30)),),
            )
            for i in range(n)
        ),
        waiting=tuple(
            WaitingDecision(f"{name} {i}", "On-site", NOW - timedelta(days=2), timedelta(days=2))
            for i in range(n)
        ),
        stages=(StageCount("Phone", n, 2), StageCount(f"{name} stage", 3)),
        median_feedback=timedelta(hours=5) if n else None,
        feedback_count=n,
        delays=tuple(InterviewerDelay(f"U{i:04d}", 2, timedelta(hours=i % 50)) for i in range(n)),
        reports=tuple(PendingReport(f"{name} {i}", timedelta(days=1)) for i in range(n)),
    )


def payload(content: object) -> tuple[str, list[dict[str, object]]]:
    text, blocks = render(content)
    dicts = [b.to_dict() for b in blocks]
    for parsed, original in zip(Block.parse_all(dicts), dicts, strict=True):
        assert parsed is not None
        parsed.validate_json()
        assert parsed.to_dict() == original
    return text, dicts


def test_every_digest_message_is_valid_block_kit_and_within_limits() -> None:
    for size in (0, 3, 2000):
        d = digest(size)
        messages = [DigestSummary(d), *(DigestDetail(d, s) for s in d.sections())]
        assert len(messages) == (2 if size == 0 else 1 + len(SECTIONS))  # the pipeline is never empty here
        for message in messages:
            _, blocks = payload(message)
            assert 0 < len(blocks) <= 50
            for block in blocks:
                if block["type"] == "section":
                    assert len(block["text"]["text"]) <= 3000  # type: ignore[index]


def test_a_large_section_says_how_many_lines_it_could_not_show() -> None:
    _, blocks = payload(DigestDetail(digest(2000), "upcoming"))
    shown = sum(str(b.get("text", "")).count("• ") for b in blocks)
    assert blocks[0]["text"]["text"] == "Interviews in the next 48 hours (2000)"  # type: ignore[index]
    assert f"…and {2000 - shown} more lines not shown" in str(blocks[-1])


def test_the_summary_shows_the_top_five_and_counts_the_rest() -> None:
    text, blocks = payload(DigestSummary(digest(12)))
    body = str(blocks)
    assert "…and 7 more in the thread" in body
    assert "12 late scorecards" in text and "12 interviews" in text
    empty_text, empty = payload(DigestSummary(digest(0), scheduled=False, details_in_thread=False))
    assert "Nothing in the pipeline" not in str(empty)  # there are candidates on hold in the stages
    assert "Posted on request" in str(empty) and "0 late scorecards" in empty_text


def test_user_text_in_digests_is_escaped() -> None:
    d = digest(3, name=HOSTILE)
    for message in [DigestSummary(d), *(DigestDetail(d, s) for s in d.sections())]:
        text, blocks = payload(message)
        assert_escaped(HOSTILE, blocks, text)
        assert "&lt;!here&gt; ∗Eve∗ &lt;@UADMIN&gt;" in text + str(blocks)
