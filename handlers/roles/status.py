"""Listener for `/interview status <candidate>`: an ephemeral summary in plain words."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from handlers.context import HandlerContext
from handlers.roles.status_blocks import status_blocks
from handlers.router import CommandRequest, CommandRouter
from handlers.scheduling.links_blocks import links_status_blocks
from hiring.permissions import Actor
from hiring.services import Services


def status_answer(services: Services, actor: Actor, candidate_id: int) -> tuple[str, list[Any]]:
    """The status of a candidate as `actor` may see it; managers also see the scheduling links."""
    status = services.status.status(actor, candidate_id)
    links = services.links.listed(actor.team_id, candidate_id) if status.full else []
    return status_blocks(status, links_status_blocks(links, status.tz))


def register(app: App, ctx: HandlerContext, router: CommandRouter) -> None:
    services = ctx.services

    def status_command(req: CommandRequest) -> None:
        if not req.args:
            req.reply("Name the candidate, e.g. `/interview status Ada Lovelace`.")
            return
        candidate = services.status.find(req.actor, req.args)
        req.reply(*status_answer(services, req.actor, candidate.id))

    router.add(
        "status",
        status_command,
        usage="status <candidate>",
        summary="where a candidate stands: stage, panels, times, scorecards in, latest decision, scheduling links",
    )
