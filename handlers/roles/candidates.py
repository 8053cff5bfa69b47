"""Listeners for candidates: `/interview candidate [name]` and the candidate modal."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from handlers.common import on_submit, open_modal
from handlers.context import HandlerContext
from handlers.roles.candidates_blocks import CANDIDATE_MODAL, candidate_modal
from handlers.router import CommandRequest, CommandRouter
from handlers.view_state import text
from hiring.errors import PermissionDenied
from hiring.permissions import Actor
from hiring.roles.candidates import CandidateInput


def register(app: App, ctx: HandlerContext, router: CommandRouter) -> None:
    services = ctx.services

    def candidate_command(req: CommandRequest) -> None:
        candidate = None
        if req.args:
            candidate = services.candidates.editable(req.actor, req.args)
        roles = services.candidates.roles_for(req.actor)
        if not roles:
            raise PermissionDenied(
                "You can add candidates only to roles you manage. Create a role with `/interview role`, "
                "or ask its hiring manager to add you as a recruiter."
            )
        open_modal(
            req.client,
            req.trigger_id,
            candidate_modal(roles=roles, default_tz=ctx.default_tz, candidate=candidate),
        )

    router.add(
        "candidate",
        candidate_command,
        usage="candidate [name]",
        summary="add a candidate, or edit one by name",
    )

    def submit_candidate(
        actor: Actor, vals: dict[str, Any], meta: dict[str, Any], view: dict[str, Any]
    ) -> Any:
        role = vals.get("role")
        data = CandidateInput(
            name=text(vals, "name"),
            email=text(vals, "email"),
            phone=text(vals, "phone"),
            role_id=int(role) if isinstance(role, str) and role.isdecimal() else None,
            timezone=text(vals, "timezone") or ctx.default_tz,
            accommodations=text(vals, "accommodations"),
            private_accommodations=text(vals, "private_accommodations"),
            links=text(vals, "links"),
            notes=text(vals, "notes"),
        )
        existing = meta.get("candidate_id")
        candidate = services.candidates.save(
            actor,
            data,
            candidate_id=int(existing) if existing else None,
            request_key=f"view:{view.get('id')}",
        )
        if candidate is None or existing:
            return None
        return lambda: services.candidates.announce(actor.team_id, candidate.id, actor.user_id)

    on_submit(app, ctx, CANDIDATE_MODAL, submit_candidate)
