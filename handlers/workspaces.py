"""Slack's `app_uninstalled` and `tokens_revoked` events: the workspace's tokens go, its jobs stop.

With OAuth (an installation store) Bolt's own token revocation listeners delete the workspace's
installation and bot token (`delete_all`, `delete_bot`); in single-workspace token mode there is no
store and Slack has already invalidated the token. Either way the workspace is marked removed, so
the tick and the scheduled jobs pass it by; its data stay (installing Loopbot again resumes it)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext

from handlers.context import HandlerContext
from handlers.router import CommandRouter

log = logging.getLogger(__name__)


def register(app: App, ctx: HandlerContext, router: CommandRouter) -> None:
    """Listen for uninstalls and revoked tokens; the store's clean-up runs after the ack."""
    store = app.installation_store is not None
    delete_all = app.default_app_uninstalled_event_listener() if store else None
    delete_tokens = app.default_tokens_revoked_event_listener() if store else None

    @app.event("app_uninstalled")
    def uninstalled(ack: Ack, context: BoltContext) -> None:
        ack()
        clean_up = (lambda: delete_all(context=context)) if delete_all else None
        ctx.background.submit(remove, context.team_id or "", "app_uninstalled", clean_up)

    @app.event("tokens_revoked")
    def tokens_revoked(ack: Ack, event: dict[str, Any], context: BoltContext) -> None:
        ack()
        tokens = event.get("tokens")
        if not isinstance(tokens, dict):
            log.info("tokens_revoked without a list of tokens; nothing to do")
            return
        clean_up = (lambda: delete_tokens(event=event, context=context)) if delete_tokens else None
        if tokens.get("bot"):
            ctx.background.submit(remove, context.team_id or "", "tokens_revoked", clean_up)
        elif clean_up is not None:  # only people's tokens: the bot goes on working
            ctx.background.submit(clean_up)

    def remove(team_id: str, reason: str, clean_up: Callable[[], object] | None) -> None:
        fresh = bool(team_id) and ctx.services.workspaces.removed(team_id, reason)  # first: ticks skip it
        if clean_up is not None:
            clean_up()
        if fresh:
            ctx.workspace_removed(team_id, reason)
            log.info("%s: workspace %s removed; its jobs stop, its data stay", reason, team_id)
