"""Turns domain messages (`hiring.messages` and friends) into a fallback text plus Block Kit blocks.

Builders register themselves per message type with `@render.register`.
"""

from __future__ import annotations

from functools import singledispatch

from slack_sdk.models.blocks import Block

Rendered = tuple[str, list[Block]]


@singledispatch
def render(content: object) -> Rendered:
    """Fallback text and blocks for a domain message."""
    raise TypeError(f"no renderer registered for {type(content).__name__}")
