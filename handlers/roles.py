"""Listeners for roles: `/interview role`, `/interview roles` and the role modal."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from handlers.blocks.roles import ROLE_MODAL, role_modal, roles_listing
from handlers.common import on_submit, open_modal
from handlers.context import HandlerContext
from handlers.router import CommandRequest, CommandRouter
from handlers.view_state import text
from hiring.permissions import Actor, require_manager
from hiring.roles import RoleInput


def register(app: App, ctx: HandlerContext, router: CommandRouter) -> None:
    services = ctx.services

    def role_command(req: CommandRequest) -> None:
        role = None
        if req.args:
            role = services.roles.find(req.actor.team_id, req.args)
            require_manager(req.actor, role, "edit this role")
        plans = services.plans.list(req.actor.team_id)
        view = role_modal(plans=plans, requester_id=req.actor.user_id, default_tz=ctx.default_tz, role=role)
        open_modal(req.client, req.trigger_id, view)

    def roles_command(req: CommandRequest) -> None:
        roles = services.roles.list(req.actor.team_id)
        counts = services.candidates.active_counts(req.actor.team_id)
        req.reply(roles_listing(roles, counts))

    router.add("role", role_command, usage="role [title]", summary="create a role, or edit one by its title")
    router.add("roles", roles_command, usage="roles", summary="list the open roles")

    def submit_role(actor: Actor, vals: dict[str, Any], meta: dict[str, Any], view: dict[str, Any]) -> Any:
        plan = vals.get("plan")
        data = RoleInput(
            title=text(vals, "title"),
            channel_id=vals.get("channel"),
            hiring_manager_id=vals.get("hiring_manager"),
            recruiter_ids=list(vals.get("recruiters") or []),
            plan_id=int(plan) if isinstance(plan, str) and plan.isdigit() else None,
            timezone=text(vals, "timezone") or ctx.default_tz,
        )
        if meta.get("role_id"):
            services.roles.update(actor, int(meta["role_id"]), data)
            return None
        role = services.roles.create(actor, data, request_key=f"view:{view.get('id')}")
        if role is None:
            return None
        return lambda: services.roles.announce(actor.team_id, role.id)

    on_submit(app, ctx, ROLE_MODAL, submit_role)
