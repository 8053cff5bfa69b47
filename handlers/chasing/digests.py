"""`/interview digest [role]`: post a role's hiring digest to its channel now, and
`/interview digest charts on|off [role]`: the weekly charts in its thread (opt-in per role).

Also imports the chasing and digest renderers, so every message the tick sends can be rendered.
"""

from __future__ import annotations

from slack_bolt import App

from handlers.context import HandlerContext
from handlers.router import CommandRequest, CommandRouter
from hiring.chasing.digests import ChartsSetting

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
SWITCH = {"on": True, "off": False}


def charts_reply(setting: ChartsSetting) -> str:
    """What `/interview digest charts on|off` says it did."""
    where = f"*{setting.role_title}* in <#{setting.channel_id}>"
    if not setting.on:
        return f"Weekly charts are {'now ' if setting.changed else ''}off for {where}."
    day = (
        f"the {WEEKDAYS[setting.weekday]} digest"
        if setting.weekday is not None
        else "the week's first digest"
    )
    return (
        f"Weekly charts are {'now ' if setting.changed else ''}on for {where}: they come in the thread of "
        f"{day} (and of `/interview digest`): candidates entering each stage over the last week and 8 weeks, "
        "time from interview to scorecard and scheduling lead time per stage. No names, no scores."
    )


def register(app: App, ctx: HandlerContext, router: CommandRouter) -> None:
    services = ctx.services

    def charts_command(req: CommandRequest, args: str) -> None:
        switch, _, role = args.partition(" ")
        if switch.lower() not in SWITCH:
            req.reply("Say `/interview digest charts on [role]` or `/interview digest charts off [role]`.")
            return
        for role_id in services.digests.role_ids_for(req.actor, req.channel_id, role):
            req.reply(charts_reply(services.digests.set_charts(req.actor, role_id, SWITCH[switch.lower()])))

    def digest_command(req: CommandRequest) -> None:
        first, _, rest = req.args.partition(" ")
        if first.lower() == "charts":
            charts_command(req, rest.strip())
            return
        role_ids = services.digests.role_ids_for(req.actor, req.channel_id, req.args)
        request_key = req.trigger_id or str(req.body.get("response_url", ""))[-40:]
        posted = []
        for role_id in role_ids:
            result = services.digests.post_now(req.actor, role_id, request_key)
            if result.posted:
                posted.append(f"<#{result.channel_id}>")
        if posted:
            req.reply(f"Posted the hiring digest in {', '.join(posted)} (details in its thread).")

    router.add(
        "digest",
        digest_command,
        usage="digest [role] | digest charts on|off [role]",
        summary="post a role's hiring digest to its channel now; weekly charts in its thread, on or off",
    )
