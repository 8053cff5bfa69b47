"""`/interview <subcommand>`: one slash command, many subcommands, help for the unknown."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from slack_sdk import WebClient
from sqlalchemy.exc import DataError

from handlers.mrkdwn import esc
from hiring.errors import DomainError
from hiring.permissions import Actor

log = logging.getLogger(__name__)


@dataclass
class CommandRequest:
    """A parsed `/interview` invocation."""

    actor: Actor
    name: str
    args: str
    trigger_id: str
    channel_id: str
    respond: Callable[..., Any]
    client: WebClient
    body: dict[str, Any] = field(default_factory=dict)

    def reply(self, text: str, blocks: list[Any] | None = None) -> None:
        """An ephemeral reply to the person who typed the command."""
        payload: dict[str, Any] = {"text": text, "response_type": "ephemeral", "replace_original": False}
        if blocks is not None:
            payload["blocks"] = [b.to_dict() if hasattr(b, "to_dict") else b for b in blocks]
        self.respond(**payload)


@dataclass
class Subcommand:
    name: str
    run: Callable[[CommandRequest], None]
    usage: str
    summary: str


class CommandRouter:
    """Maps subcommand names to handlers and renders the help listing."""

    def __init__(self) -> None:
        self.commands: dict[str, Subcommand] = {}

    def add(self, name: str, run: Callable[[CommandRequest], None], *, usage: str, summary: str) -> None:
        self.commands[name] = Subcommand(name=name, run=run, usage=usage, summary=summary)

    def help_text(self, unknown: str | None = None) -> str:
        lines = []
        if unknown:
            lines.append(f"I don't know `{esc(unknown)}`. Here is what I can do:")
        else:
            lines.append("*Loopbot* runs your interview loops. Use `/interview <subcommand>`:")
        for sub in self.commands.values():
            lines.append(f"• `/interview {sub.usage}` — {sub.summary}")
        return "\n".join(lines)

    def dispatch(self, request: CommandRequest) -> None:
        """Run the subcommand; unknown ones get help, domain errors get their message."""
        sub = self.commands.get(request.name)
        if sub is None:
            request.reply(self.help_text(None if request.name in ("", "help") else request.name))
            return
        try:
            sub.run(request)
        except DomainError as err:
            request.reply(err.message)
        except DataError:
            # Input the database can't hold (a number out of range, say): nothing was changed.
            log.warning("/interview %s: unusable input refused", request.name, exc_info=True)
            request.reply(
                f"I couldn't use that input. `/interview help` shows what `{request.name}` expects."
            )


def split(text: str) -> tuple[str, str]:
    """`"panel Ada Lovelace"` → `("panel", "Ada Lovelace")`."""
    # NUL can't be stored (PostgreSQL refuses it) and never means anything in a command.
    parts = (text or "").replace("\x00", "").strip().split(None, 1)
    if not parts:
        return "", ""
    return parts[0].lower(), parts[1].strip() if len(parts) > 1 else ""
