"""Listener for `/interview status <candidate>`: an ephemeral summary in plain words."""

from __future__ import annotations

from slack_bolt import App

from handlers.context import HandlerContext
from handlers.roles.status_blocks import status_blocks
from handlers.router import CommandRequest, CommandRouter


def register(app: App, ctx: HandlerContext, router: CommandRouter) -> None:
    services = ctx.services

    def status_command(req: CommandRequest) -> None:
        if not req.args:
            req.reply("Name the candidate, e.g. `/interview status Ada Lovelace`.")
            return
        candidate = services.status.find(req.actor, req.args)
        text, blocks = status_blocks(services.status.status(req.actor, candidate.id))
        req.reply(text, blocks)

    router.add(
        "status",
        status_command,
        usage="status <candidate>",
        summary="where a candidate stands: stage, panels, times, scorecards in, latest decision",
    )
