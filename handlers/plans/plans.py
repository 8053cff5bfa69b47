"""Listeners for interview plans: `/interview plans`, `/interview plan [key]` and the plan modal."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from handlers.common import on_submit, open_modal
from handlers.context import HandlerContext
from handlers.plans.plans_blocks import PLAN_MODAL, plan_detail, plan_modal, plans_listing
from handlers.router import CommandRequest, CommandRouter
from handlers.view_state import text
from hiring.permissions import Actor
from hiring.plans.plans import DEFINITION


def register(app: App, ctx: HandlerContext, router: CommandRouter) -> None:
    services = ctx.services

    def plans_command(req: CommandRequest) -> None:
        req.reply(*plans_listing(services.plans.list(req.actor.team_id)))

    def plan_command(req: CommandRequest) -> None:
        if req.args:
            req.reply(*plan_detail(services.plans.find(req.actor.team_id, req.args)))
            return
        services.plans.check_author(req.actor)
        open_modal(req.client, req.trigger_id, plan_modal())

    router.add("plans", plans_command, usage="plans", summary="list the interview plans and their stages")
    router.add(
        "plan",
        plan_command,
        usage="plan [key]",
        summary="show a plan by its key, or add a plan from YAML",
    )

    def submit_plan(actor: Actor, vals: dict[str, Any], meta: dict[str, Any], view: dict[str, Any]) -> Any:
        saved = services.plans.create_from_text(
            actor, text(vals, DEFINITION), request_key=f"view:{view.get('id')}"
        )
        if saved is None:
            return None
        plan, created = saved
        return lambda: services.plans.announce_saved(actor.team_id, plan.id, actor.user_id, created=created)

    on_submit(app, ctx, PLAN_MODAL, submit_plan)
