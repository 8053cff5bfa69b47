"""The App Home tab: published when someone opens it, paged with "More" buttons, and re-published
whenever the domain says something on it changed (`services.home.refresh`)."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from handlers.background import Coalescer
from handlers.common import on_action
from handlers.context import HandlerContext
from handlers.feedback.feedback import action_value
from handlers.home_blocks import HOME_MORE, home_view
from handlers.router import CommandRouter
from hiring.home import HomeCursor
from hiring.permissions import Actor

log = logging.getLogger(__name__)


def register(app: App, ctx: HandlerContext, router: CommandRouter) -> None:
    services = ctx.services

    def publish(team_id: str, user_id: str, cursor: HomeCursor | None = None) -> None:
        page = services.home.build(team_id, user_id, cursor)
        try:
            ctx.client_for(team_id).views_publish(user_id=user_id, view=home_view(page))
        except SlackApiError as err:  # e.g. a deactivated user: nothing to show, nothing to retry
            log.warning("App Home of %s not published: %s", user_id, err.response.get("error"))

    refreshes = Coalescer(ctx.background, lambda key: publish(*key))
    services.home.attach(lambda team_id, user_id: refreshes.ask((team_id, user_id)))

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
