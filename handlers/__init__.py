"""Thin Slack listeners and Block Kit builders. `register(app, ctx)` wires every surface."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltResponse
from slack_sdk import WebClient

from handlers import candidates, roles
from handlers.context import HandlerContext
from handlers.router import CommandRequest, CommandRouter, split

log = logging.getLogger(__name__)

FEATURES = (roles, candidates)


def register(app: App, ctx: HandlerContext) -> CommandRouter:
    """Register every listener on `app`; returns the `/interview` router (for help and tests)."""
    router = CommandRouter()
    for feature in FEATURES:
        feature.register(app, ctx, router)

    @app.middleware
    def deduplicate_events(body: dict[str, Any], next: Any) -> Any:
        """Slack retries events it thinks we missed: handle each `event_id` once."""
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if event_id:
            team_id = body.get("team_id") or ""
            with ctx.services.db.uow(team_id) as uow:
                fresh = uow.idempotency.claim(f"event:{event_id}", ctx.clock.now())
                uow.commit()
            if not fresh:
                return BoltResponse(status=200, body="")
        return next()

    @app.command("/interview")
    def interview(ack: Ack, body: dict[str, Any], respond: Any, client: WebClient) -> None:
        ack()
        name, args = split(body.get("text", ""))
        request = CommandRequest(
            actor=ctx.actor(body),
            name=name,
            args=args,
            trigger_id=body.get("trigger_id", ""),
            channel_id=body.get("channel_id", ""),
            respond=respond,
            client=client,
            body=body,
        )
        try:
            router.dispatch(request)
        except Exception:
            log.exception("/interview %s failed", name)
            request.reply("Something went wrong on my side; nothing was changed. Please try again.")

    @app.view_closed("notice")
    @app.view("notice")
    @app.view("loading")
    def _noop_view(ack: Ack) -> None:
        ack()

    @app.error
    def on_error(error: Exception, body: dict[str, Any]) -> None:
        log.error("unhandled error in a listener: %s", type(error).__name__, exc_info=error)

    return router
