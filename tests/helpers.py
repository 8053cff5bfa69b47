"""Assertions shared by tests."""

from __future__ import annotations

from typing import Any

# What Slack shows for user text the app escaped, written out here rather than imported from the app
# (handlers.mrkdwn.esc), so the tests pin the visible form: `&<>` as entities (Slack shows them as
# the characters, but never parses a mention or link), the formatting characters as look-alikes.
_SHOWN = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        "*": "\u2217",  # ∗ asterisk operator
        "_": "\u02cd",  # ˍ modifier letter low macron
        "~": "\u223c",  # ∼ tilde operator
        "`": "\u02cb",  # ˋ modifier letter grave accent
    }
)


def shown(text: str) -> str:
    """`text` as it must appear in a mrkdwn field (or a message's fallback text) once escaped."""
    return text.translate(_SHOWN)


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


def plain_texts(node: Any) -> list[str]:
    """Every plain_text string in a block tree (Slack shows these literally: no mentions, no formatting)."""
    found: list[str] = []
    if isinstance(node, dict):
        if node.get("type") == "plain_text" and isinstance(node.get("text"), str):
            found.append(node["text"])
        for value in node.values():
            found.extend(plain_texts(value))
    elif isinstance(node, list):
        for item in node:
            found.extend(plain_texts(item))
    return found


def assert_escaped(user_text: str, blocks: Any, fallback: str = "") -> None:
    """`user_text` (hostile) is shown escaped: never raw in any mrkdwn field nor in the fallback text,
    and its escaped form (`shown`) is in at least one of them, so the user does see it.

    plain_text fields (headers, buttons) are not checked: Slack shows them literally, so the raw
    text is what the user sees there (check that with `plain_texts` where it matters)."""
    texts = [*mrkdwn_texts(blocks), fallback]
    for text in texts:
        assert user_text not in text, f"unescaped user text in: {text!r}"
    assert any(shown(user_text) in text for text in texts), (
        f"{shown(user_text)!r} (the escaped form of {user_text!r}) is in no mrkdwn field nor the fallback: {texts!r}"
    )
