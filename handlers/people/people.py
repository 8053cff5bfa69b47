"""Listeners for people: `/interview hours` shows or sets your own working hours."""

from __future__ import annotations

from slack_bolt import App
from slack_sdk.models.blocks import PlainTextObject, SectionBlock

from handlers.context import HandlerContext
from handlers.mrkdwn import clip
from handlers.panels.pools_blocks import hours_reply
from handlers.router import CommandRequest, CommandRouter
from hiring.errors import InvalidInput
from hiring.people.people import split_hours_args


def register(app: App, ctx: HandlerContext, router: CommandRouter) -> None:
    services = ctx.services

    def hours_command(req: CommandRequest) -> None:
        if not req.args:
            hours = services.people.hours(req.actor.team_id, req.actor.user_id)
            if hours is None:
                req.reply("Slack does not know you, so I can't keep working hours for you.")
                return
            req.reply(hours_reply(hours, changed=False))
            return
        try:
            parts = split_hours_args(req.args)
            hours = services.people.set_hours(req.actor, parts.start, parts.end, parts.days, parts.tz)
        except InvalidInput as err:
            # Plain text: the messages quote what was typed, and time zone names keep their "_".
            problems = "\n".join(f"• {message}" for message in err.errors.values())
            details = f"Nothing was changed:\n{problems}\nFor example: /interview hours 09:00-17:30 Mon-Fri"
            req.reply(
                "Nothing was changed: I could not read those working hours.",
                [SectionBlock(text=PlainTextObject(text=clip(details), emoji=False))],
            )
            return
        req.reply(hours_reply(hours, changed=True))

    router.add(
        "hours",
        hours_command,
        usage="hours [09:00-17:30] [Mon-Fri] [Europe/Berlin]",
        summary="show or set your working hours (time zone defaults to your Slack one)",
    )
