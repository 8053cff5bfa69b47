"""What every listener gets: the services, the background pool, the clock and the admin list."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from slack_sdk import WebClient

from handlers.background import Background
from hiring.clock import Clock
from hiring.permissions import Actor
from hiring.services import Services


@dataclass
class HandlerContext:
    services: Services
    background: Background
    clock: Clock
    admins: frozenset[str]
    client_for: Callable[[str], WebClient]
    public_url: str = "http://localhost:3000"
    default_tz: str = "UTC"
    # Called once a workspace is removed (uninstalled, bot token revoked): forget its client, count it.
    workspace_removed: Callable[[str, str], None] = field(default=lambda team_id, reason: None)
    modals: list[str] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)

    def actor(self, body: dict[str, Any]) -> Actor:
        """The requesting user from any Slack payload (command, interaction or event); parts of an
        unexpected shape name no one."""
        team_id = first_text(body.get("team_id"), part(body, "team", "id"), part(body, "user", "team_id"))
        user = first_text(body.get("user_id"), part(body, "user", "id"), part(body, "event", "user"))
        return Actor(team_id=team_id, user_id=user, is_admin=user in self.admins)


def part(body: dict[str, Any], outer: str, inner: str) -> Any:
    """`body[outer][inner]` when `body[outer]` is an object, else None."""
    value = body.get(outer)
    return value.get(inner) if isinstance(value, dict) else None


def first_text(*values: Any) -> str:
    """The first non-empty string among `values`, or ""."""
    return next((v for v in values if isinstance(v, str) and v), "")
