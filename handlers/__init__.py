"""Thin Slack listeners and Block Kit builders. `register(app, ctx)` wires every surface."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltRequest, BoltResponse
from slack_bolt.context.respond import Respond
from slack_bolt.middleware import Middleware
from slack_sdk import WebClient

from handlers import home, workspaces
from handlers.chasing import digests
from handlers.context import HandlerContext
from handlers.decisions import decisions, reports
from handlers.feedback import feedback
from handlers.panels import panels, pools
from handlers.people import limits, people
from handlers.plans import plans
from handlers.privacy import privacy
from handlers.roles import candidates, roles, status
from handlers.router import CommandRequest, CommandRouter, split
from handlers.scheduling import availability, booking, links

log = logging.getLogger(__name__)

FEATURES = (
    roles,
    plans,
    candidates,
    feedback,
    home,
    pools,
    people,
    limits,
    panels,
    availability,
    booking,
    links,
    status,
    digests,
    decisions,
    reports,
    privacy,
    workspaces,
)


class EventDeduplication(Middleware):
    """Slack retries events it thinks we missed (`X-Slack-Retry-Num`): handle each `event_id` once."""

    def __init__(self, ctx: HandlerContext) -> None:
        self.ctx = ctx

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        body = req.body
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if event_id:
            with self.ctx.services.db.uow(body.get("team_id") or "") as uow:
                fresh = uow.idempotency.claim(f"event:{event_id}", self.ctx.clock.now())
                uow.commit()
            if not fresh:
                return BoltResponse(status=200, body="")
        return next()


def register(app: App, ctx: HandlerContext) -> CommandRouter:
    """Register every listener on `app`; returns the `/interview` router (for help and tests)."""
    router = CommandRouter()
    app.use(EventDeduplication(ctx))

    # Registered first: Bolt tries listeners in order, and slash commands are the hot path.
    @app.command("/interview")
    def interview(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        name, args = split(body.get("text", ""))
        respond = Respond(response_url=body.get("response_url"))
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

    for feature in FEATURES:
        feature.register(app, ctx, router)

    @app.view_closed("notice")
    @app.view("notice")
    @app.view("loading")
    def _noop_view(ack: Ack) -> None:
        ack()

    @app.error
    def on_error(error: Exception, body: dict[str, Any]) -> None:
        log.error("unhandled error in a listener: %s", type(error).__name__, exc_info=error)

    return router
