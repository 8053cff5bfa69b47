"""The App Home tab: published when someone opens it, paged with "More" buttons, and re-published
whenever the domain says something on it changed (`services.home.refresh`)."""

from __future__ import annotations

import threading
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from handlers.blocks.home import HOME_MORE, home_view
from handlers.common import on_action
from handlers.context import HandlerContext
from handlers.feedback import action_value
from handlers.router import CommandRouter
from hiring.home import HomeCursor
from hiring.permissions import Actor


def register(app: App, ctx: HandlerContext, router: CommandRouter) -> None:
    services = ctx.services

    def publish(team_id: str, user_id: str, cursor: HomeCursor | None = None) -> None:
        page = services.home.build(team_id, user_id, cursor)
        ctx.client_for(team_id).views_publish(user_id=user_id, view=home_view(page))

    pending: set[tuple[str, str]] = set()
    lock = threading.Lock()

    def publish_soon(team_id: str, user_id: str) -> None:
        """Coalesce refreshes: one publish per person in flight, however many changes asked for it."""
        with lock:
            if (team_id, user_id) in pending:
                return
            pending.add((team_id, user_id))

        def run() -> None:
            with lock:
                pending.discard((team_id, user_id))
            publish(team_id, user_id)

        ctx.background.submit(run)

    services.home.attach(publish_soon)

    @app.event("app_home_opened")
    def home_opened(ack: Ack, body: dict[str, Any], event: dict[str, Any]) -> None:
        ack()
        if event.get("tab", "home") != "home":
            return
        actor = ctx.actor(body)
        ctx.background.submit(publish, actor.team_id, actor.user_id)

    def more(actor: Actor, body: dict[str, Any], client: WebClient) -> None:
        publish(actor.team_id, actor.user_id, HomeCursor.decode(action_value(body)))

    on_action(app, ctx, HOME_MORE, more)
