"""Readable text for what people see in the simulated workspace (the demo prints it)."""

from __future__ import annotations

import html
import re
from typing import Any

from bot.sandbox.fake_slack import FakeSlack

_MENTION = re.compile(r"<@(\w+)>")
_CHANNEL = re.compile(r"<#(\w+)(\|[^>]*)?>")


def _text(obj: Any) -> str:
    if isinstance(obj, dict):
        return str(obj.get("text", ""))
    return str(obj or "")


def readable(fake: FakeSlack, text: str) -> str:
    """Mentions and channel links as names, entities unescaped."""
    text = _MENTION.sub(
        lambda m: "@" + (fake.users[m.group(1)].real_name if m.group(1) in fake.users else m.group(1)), text
    )
    text = _CHANNEL.sub(
        lambda m: "#" + (fake.channels[m.group(1)].name if m.group(1) in fake.channels else m.group(1)), text
    )
    return html.unescape(text)


def blocks_text(fake: FakeSlack, blocks: list[dict[str, Any]]) -> list[str]:
    """One or more lines per block."""
    lines: list[str] = []
    for block in blocks:
        kind = block.get("type")
        if kind == "header":
            lines.append(f"== {_text(block.get('text'))} ==")
        elif kind == "section":
            if block.get("text"):
                lines.extend(readable(fake, _text(block["text"])).splitlines())
            for f in block.get("fields") or []:
                lines.append("  " + readable(fake, _text(f)))
            accessory = block.get("accessory")
            if accessory and accessory.get("type") == "button":
                lines.append(f"  [{_text(accessory.get('text'))}]")
        elif kind == "context":
            lines.append("  (" + " ".join(readable(fake, _text(e)) for e in block.get("elements", [])) + ")")
        elif kind == "actions":
            buttons = [f"[{_text(e.get('text'))}]" for e in block.get("elements", []) if e.get("text")]
            lines.append("  " + " ".join(buttons))
        elif kind == "divider":
            lines.append("  ---")
        elif kind == "input":
            element = block.get("element", {})
            initial = (
                element.get("initial_value")
                or ", ".join(f"<@{u}>" for u in [element.get("initial_user")] if u)
                or ", ".join(f"<@{u}>" for u in element.get("initial_users") or [])
                or _text((element.get("initial_option") or {}).get("text"))
                or ""
            )
            shown = f": {readable(fake, str(initial))}" if initial else ""
            lines.append(
                f"  {_text(block.get('label'))}{' (optional)' if block.get('optional') else ''}{shown}"
            )
    return lines


def view_text(fake: FakeSlack, view: dict[str, Any]) -> list[str]:
    lines = [f"┌ modal “{_text(view.get('title'))}”"]
    lines.extend("│ " + line for line in blocks_text(fake, view.get("blocks", [])))
    lines.append(f"└ [{_text(view['submit'])}]" if view.get("submit") else "└")
    return lines
