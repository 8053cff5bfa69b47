"""Small builders shared by every feature."""

from __future__ import annotations

import json
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    NumberInputElement,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from handlers.mrkdwn import clip, esc, plain, user
from hiring.scheduling.formats import ONSITE, PHONE, format_of

Rendered = tuple[str, list[Block]]  # fallback text and blocks of one message


def section(text: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=clip(text)))


def context(text: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=clip(text, 2000))])


def option(label: str, value: str) -> Option:
    return Option(text=PlainTextObject(text=plain(label)), value=value)


def text_input(
    block_id: str,
    label: str,
    initial: str | None = None,
    *,
    optional: bool | None = None,
    hint: str | None = None,
    max_length: int | None = None,
    multiline: bool | None = None,
    placeholder: str | None = None,
) -> InputBlock:
    """A plain-text input (its value under the action id `value`)."""
    return InputBlock(
        block_id=block_id,
        label=label,
        optional=optional,
        hint=hint,
        element=PlainTextInputElement(
            action_id="value",
            initial_value=initial,
            max_length=max_length,
            multiline=multiline,
            placeholder=placeholder,
        ),
    )


def select_input(
    block_id: str, label: str, options: list[Option], selected: str | None, *, hint: str | None = None
) -> InputBlock:
    """A static select of at most 100 `options` (action id `value`), preselecting the one whose
    value is `selected`."""
    options = options[:100]
    initial = next((o for o in options if selected is not None and o.value == selected), None)
    return InputBlock(
        block_id=block_id,
        label=label,
        hint=hint,
        element=StaticSelectElement(action_id="value", options=options, initial_option=initial),
    )


def number_input(
    block_id: str,
    label: str,
    maximum: int,
    initial: int | None,
    *,
    optional: bool = False,
    hint: str | None = None,
) -> InputBlock:
    """A whole-number input from 1 to `maximum` (an interview limit, say)."""
    return InputBlock(
        block_id=block_id,
        label=label,
        optional=optional,
        hint=hint,
        element=NumberInputElement(
            action_id="value",
            is_decimal_allowed=False,
            min_value=1,
            max_value=maximum,
            initial_value=str(initial) if initial is not None else None,
        ),
    )


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


# -- where an interview happens ----------------------------------------------------------------


def room_text(room: str) -> str:
    """A configured room id (admin settings, e.g. a Google resource calendar id) as inline code."""
    safe = room.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("`", "'")
    return f"`{safe}`"


def where_text(
    mode: str, room: str | None, video_link: str | None = None, *, address: str = "", call: str = ""
) -> str:
    """How and where: `phone — <call>`, `room X, <address>` or the video link."""
    fmt = format_of(mode)
    if fmt == PHONE:
        return f"phone call (no video) — {call}" if call else "phone call (no video)"
    if fmt == ONSITE:
        place = f"room {room_text(room)}" if room else "on-site (room to be confirmed)"
        return f"{place}, {esc(address)}" if address else place
    if video_link and video_link.startswith(("https://", "http://")):
        return f"<{video_link.replace('&', '&amp;')}|video call>"
    return "video call (the link is in the calendar invite)"


def call_text(caller_id: str | None, candidate_name: str, phone: str | None) -> str:
    """Who calls whom: with the number in DMs (`phone`), without it in the hiring channel (None)."""
    caller = user(caller_id) if caller_id else "the interviewer"
    text = f"{caller} calls {esc(candidate_name)}"
    if phone is None:
        return text
    if phone:
        return f"{text} on {esc(phone)}"
    return f"{text}; no phone number on file yet (add it with `/interview candidate {esc(candidate_name)}`)"
