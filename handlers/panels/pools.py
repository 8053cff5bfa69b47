"""Listeners for interviewer pools: `/interview pool [name]`, `/interview pools` and the pool modal."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from handlers.common import on_submit, open_modal
from handlers.context import HandlerContext
from handlers.panels.pools_blocks import POOL_MODAL, pool_modal, pools_listing
from handlers.router import CommandRequest, CommandRouter
from handlers.view_state import text
from hiring.panels.pools import PoolInput
from hiring.permissions import Actor


def _ids(vals: dict[str, Any], key: str) -> list[str]:
    value = vals.get(key)
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def register(app: App, ctx: HandlerContext, router: CommandRouter) -> None:
    services = ctx.services

    def pool_command(req: CommandRequest) -> None:
        services.pools.require_manager(req.actor)
        pool = services.pools.find(req.actor.team_id, req.args) if req.args else None
        view = pool_modal(kinds=services.pools.kinds(req.actor.team_id), pool=pool)
        open_modal(req.client, req.trigger_id, view)

    def pools_command(req: CommandRequest) -> None:
        pools = services.pools.list(req.actor.team_id)
        members = sorted({u for p in pools for u in p.member_ids})
        req.reply(pools_listing(pools, services.pools.loads(req.actor.team_id, members)))

    router.add(
        "pool",
        pool_command,
        usage="pool [name]",
        summary="create an interviewer pool (kind, members by level, load limits), or edit one",
    )
    router.add("pools", pools_command, usage="pools", summary="list the interviewer pools and their load")

    def submit_pool(actor: Actor, vals: dict[str, Any], meta: dict[str, Any], view: dict[str, Any]) -> Any:
        data = PoolInput(
            name=text(vals, "name"),
            kind=vals.get("kind") if isinstance(vals.get("kind"), str) else None,
            qualified=_ids(vals, "qualified"),
            reverse_shadow=_ids(vals, "reverse_shadow"),
            shadow=_ids(vals, "shadow"),
            daily_limit=text(vals, "daily_limit"),
            weekly_limit=text(vals, "weekly_limit"),
        )
        pool_id = meta.get("pool_id")
        pool = services.pools.save(
            actor,
            data,
            pool_id=int(pool_id) if pool_id else None,
            request_key=f"view:{view.get('id')}",
        )
        if pool is None:
            return None
        members = pool.member_ids
        # Names, emails and time zones come from Slack after the ack (users.info per member).
        return lambda: services.people.ensure_many(actor.team_id, members)

    on_submit(app, ctx, POOL_MODAL, submit_pool)
