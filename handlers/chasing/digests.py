"""`/interview digest [role]`: post a role's hiring digest to its channel now.

Also imports the chasing and digest renderers, so every message the tick sends can be rendered.
"""

from __future__ import annotations

from slack_bolt import App

from handlers.context import HandlerContext
from handlers.router import CommandRequest, CommandRouter


def register(app: App, ctx: HandlerContext, router: CommandRouter) -> None:
    services = ctx.services

    def digest_command(req: CommandRequest) -> None:
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
        usage="digest [role]",
        summary="post a role's hiring digest to its channel now",
    )
