"""Small builders shared by every feature."""

from __future__ import annotations

import json
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    MarkdownTextObject,
    Option,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from handlers.mrkdwn import clip, plain

Rendered = tuple[str, list[Block]]  # fallback text and blocks of one message


def section(text: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=clip(text)))


def context(text: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=clip(text, 2000))])


def option(label: str, value: str) -> Option:
    return Option(text=PlainTextObject(text=plain(label)), value=value)


def modal(
    *,
    callback_id: str,
    title: str,
    blocks: list[Any],
    submit: str | None = "Save",
    meta: dict[str, Any] | None = None,
    notify_on_close: bool = False,
    external_id: str | None = None,
) -> View:
    """A modal view (title and buttons trimmed to Slack's 24 characters)."""
    private = json.dumps(meta or {}, separators=(",", ":"))
    if len(private) > 3000:
        raise ValueError("private_metadata over 3,000 characters")
    return View(
        type="modal",
        callback_id=callback_id,
        title=PlainTextObject(text=plain(title, 24)),
        submit=PlainTextObject(text=plain(submit, 24)) if submit else None,
        close=PlainTextObject(text="Cancel"),
        blocks=blocks,
        private_metadata=private,
        notify_on_close=notify_on_close,
        external_id=external_id,
    )


def loading(title: str, text: str = "Working on it…") -> View:
    """A placeholder modal opened at once while slow data is fetched."""
    return modal(
        callback_id="loading", title=title, blocks=[section(f":hourglass_flowing_sand: {text}")], submit=None
    )


def message_view(title: str, text: str) -> View:
    return modal(callback_id="notice", title=title, blocks=[section(text)], submit=None)
