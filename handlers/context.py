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
    modals: list[str] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)

    def actor(self, body: dict[str, Any]) -> Actor:
        """The requesting user from any Slack payload (command, interaction or event)."""
        team_id = (
            body.get("team_id")
            or (body.get("team") or {}).get("id")
            or (body.get("user") or {}).get("team_id")
            or ""
        )
        user = (
            body.get("user_id") or (body.get("user") or {}).get("id") or (body.get("event") or {}).get("user")
        )
        return Actor(team_id=team_id, user_id=user or "", is_admin=(user or "") in self.admins)
