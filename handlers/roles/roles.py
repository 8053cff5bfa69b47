"""Listeners for roles: `/interview role`, `/interview roles` and the role modal."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import App

from handlers.common import on_submit, open_modal
from handlers.context import HandlerContext
from handlers.roles.roles_blocks import ROLE_MODAL, role_modal, roles_listing
from handlers.router import CommandRequest, CommandRouter
from handlers.view_state import text
from hiring.permissions import Actor
from hiring.plans.plans import PlanView
from hiring.roles.roles import RoleInput

_REQUESTER = "UREQUESTERPLACEHOLDER"
_templates: dict[tuple[object, ...], str] = {}


def new_role_view(plans: list[PlanView], requester_id: str, default_tz: str) -> dict[str, Any]:
    """The "New role" modal, built once per plan list and rendered per requester (it is opened on
    every `/interview role`, so it should cost microseconds, not a Block Kit build)."""
    key = (tuple((p.id, p.name) for p in plans), default_tz)
    template = _templates.get(key)
    if template is None:
        view = role_modal(plans=plans, requester_id=_REQUESTER, default_tz=default_tz)
        template = _templates.setdefault(key, json.dumps(view.to_dict()))
    return json.loads(template.replace(_REQUESTER, requester_id))


def register(app: App, ctx: HandlerContext, router: CommandRouter) -> None:
    services = ctx.services

    def role_command(req: CommandRequest) -> None:
        role = None
        if req.args:
            role = services.roles.editable(req.actor, req.args)
        plans = services.plans.list(req.actor.team_id)
        if role is None:
            open_modal(req.client, req.trigger_id, new_role_view(plans, req.actor.user_id, ctx.default_tz))
            return
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
            plan_id=int(plan) if isinstance(plan, str) and plan.isdecimal() else None,
            timezone=text(vals, "timezone") or ctx.default_tz,
            link_days=text(vals, "link_days"),
            cancel_cutoff_hours=text(vals, "cancel_cutoff_hours"),
        )
        if meta.get("role_id"):
            services.roles.update(actor, int(meta["role_id"]), data)
            return None
        role = services.roles.create(actor, data, request_key=f"view:{view.get('id')}")
        if role is None:
            return None
        return lambda: services.roles.announce(actor.team_id, role.id)

    on_submit(app, ctx, ROLE_MODAL, submit_role)
