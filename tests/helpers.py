"""Assertions shared by tests."""

from __future__ import annotations

from typing import Any

HOSTILE = ("<!channel>", "<!here>", "<@U", "<http", "*bold*", "_it_")


def mrkdwn_texts(node: Any) -> list[str]:
    """Every mrkdwn string in a block tree (plain_text is never parsed for mentions or formatting)."""
    found: list[str] = []
    if isinstance(node, dict):
        if node.get("type") == "mrkdwn" and isinstance(node.get("text"), str):
            found.append(node["text"])
        for value in node.values():
            found.extend(mrkdwn_texts(value))
    elif isinstance(node, list):
        for item in node:
            found.extend(mrkdwn_texts(item))
    return found


def assert_escaped(user_text: str, blocks: Any, fallback: str = "") -> None:
    """`user_text` (hostile) must not appear raw in any mrkdwn field nor in the fallback text."""
    for text in [*mrkdwn_texts(blocks), fallback]:
        assert user_text not in text, f"unescaped user text in: {text!r}"
