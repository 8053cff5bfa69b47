"""Listeners for interview limits: `/interview limits [@person]`, the App Home's button, the modal."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from handlers.common import on_action, on_submit, open_modal
from handlers.context import HandlerContext
from handlers.people.limits_blocks import LIMITS_MODAL, LIMITS_OPEN, limits_modal
from handlers.router import CommandRequest, CommandRouter
from handlers.view_state import text
from hiring.errors import InvalidInput
from hiring.permissions import Actor

_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")


def mentioned_user(args: str) -> str:
    """The user id of `<@U123|name>` (how Slack escapes a mention in a command); InvalidInput otherwise."""
    match = _MENTION.fullmatch(args.strip())
    if match is None:
        raise InvalidInput({"person": "Name one person with an @mention, e.g. /interview limits @Sam."})
    return match.group(1)


def register(app: App, ctx: HandlerContext, router: CommandRouter) -> None:
    services = ctx.services

    def limits_command(req: CommandRequest) -> None:
        if req.args.strip():
            try:
                user_id = mentioned_user(req.args)
            except InvalidInput as err:
                req.reply(err.errors["person"])
                return
        else:
            user_id = req.actor.user_id
        view = services.limits.show(req.actor, user_id)
        open_modal(req.client, req.trigger_id, limits_modal(view, own=user_id == req.actor.user_id))

    router.add(
        "limits",
        limits_command,
        usage="limits [@person]",
        summary="set your daily and weekly interview limits (or someone else's, if you manage pools)",
    )

    def open_own(actor: Actor, body: dict[str, Any], client: WebClient) -> None:
        view = services.limits.show(actor, actor.user_id)
        open_modal(client, body["trigger_id"], limits_modal(view, own=True))

    on_action(app, ctx, LIMITS_OPEN, open_own)

    def submit_limits(actor: Actor, vals: dict[str, Any], meta: dict[str, Any], view: dict[str, Any]) -> Any:
        user_id = str(meta["user_id"])
        saved = services.limits.save(
            actor,
            user_id,
            text(vals, "daily_limit"),
            text(vals, "weekly_limit"),
            request_key=f"view:{view.get('id')}",
        )
        if saved is None:
            return None
        # Name, email and time zone from Slack after the ack (a person Loopbot did not know yet).
        return lambda: services.people.ensure(actor.team_id, user_id)

    on_submit(app, ctx, LIMITS_MODAL, submit_limits)
