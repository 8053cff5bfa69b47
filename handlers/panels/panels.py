"""Listeners for panels: `/interview panel <candidate>`, the stage select, the one-click fills
(copy a panel, a pool by rotation) and the panel modal."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.views import View

from handlers.common import named_candidate, on_action, on_submit, open_modal
from handlers.context import HandlerContext
from handlers.panels.panels_blocks import PANEL_COPY, PANEL_MODAL, PANEL_STAGE, panel_modal
from handlers.router import CommandRequest, CommandRouter
from handlers.slack_gateway import explain
from handlers.view_state import metadata
from hiring.errors import ExternalServiceError, InvalidInput
from hiring.panels.panels import SeatChoice
from hiring.permissions import Actor


def choices_from(vals: dict[str, Any]) -> dict[str, SeatChoice]:
    """`{interview_key: SeatChoice}` from the modal's `iv:<key>` and `sh:<key>` inputs."""
    choices: dict[str, SeatChoice] = {}
    for block_id, value in vals.items():
        prefix, _, key = block_id.partition(":")
        if not key or prefix not in ("iv", "sh"):
            continue
        choice = choices.setdefault(key, SeatChoice())
        if prefix == "iv" and isinstance(value, list):
            choice.interviewer_ids = [v for v in value if isinstance(v, str)]
        elif prefix == "sh" and isinstance(value, str) and value:
            choice.shadow_id = value
    return choices


def redraw(client: WebClient, view: dict[str, Any], new: View) -> None:
    """`views.update` of the open panel modal; a hash conflict means a newer change (of the stage, or
    another click) already redrew it."""
    try:
        client.views_update(view_id=view["id"], hash=view.get("hash"), view=new)
    except SlackApiError as err:
        if err.response is not None and err.response.get("error") == "hash_conflict":
            return
        raise ExternalServiceError(explain(err)) from err


def register(app: App, ctx: HandlerContext, router: CommandRouter) -> None:
    services = ctx.services

    def panel_command(req: CommandRequest) -> None:
        candidate = named_candidate(services, req)
        if candidate is None:
            return
        draft = services.panels.draft(req.actor, candidate.id)
        open_modal(req.client, req.trigger_id, panel_modal(draft))

    router.add(
        "panel",
        panel_command,
        usage="panel <candidate>",
        summary="choose a stage's interviewers (suggested by fair rotation) and shadows",
    )

    def stage_changed(actor: Actor, body: dict[str, Any], client: WebClient) -> None:
        view = body.get("view") or {}
        meta = metadata(view)
        selected = ((body.get("actions") or [{}])[0].get("selected_option") or {}).get("value")
        if not selected or not meta.get("candidate_id") or selected == meta.get("stage_key"):
            return
        redraw(client, view, panel_modal(services.panels.draft(actor, int(meta["candidate_id"]), selected)))

    on_action(app, ctx, PANEL_STAGE, stage_changed)

    def copy_clicked(actor: Actor, body: dict[str, Any], client: WebClient) -> None:
        view = body.get("view") or {}
        meta = metadata(view)
        action = (body.get("actions") or [{}])[0]
        source = action.get("value") or (action.get("selected_option") or {}).get("value")
        if not source or not meta.get("candidate_id"):
            return
        draft = services.panels.draft(actor, int(meta["candidate_id"]), str(meta["stage_key"]), str(source))
        redraw(client, view, panel_modal(draft, int(meta.get("revision") or 0) + 1))

    on_action(app, ctx, re.compile(f"^{PANEL_COPY}:"), copy_clicked)

    def submit_panel(actor: Actor, vals: dict[str, Any], meta: dict[str, Any], view: dict[str, Any]) -> Any:
        stage_key = str(meta.get("stage_key") or "")
        if vals.get("stage") and vals["stage"] != stage_key:
            raise InvalidInput(
                {"stage": "The interviews below are still for the previous stage; wait a moment."}
            )
        saved = services.panels.save(
            actor,
            int(meta["candidate_id"]),
            stage_key,
            choices_from(vals),
            request_key=f"view:{view.get('id')}",
        )
        if saved is None or not saved.announce:
            return None
        return lambda: services.panels.announce(
            actor.team_id, saved.panel_id, by=actor.user_id, updated=saved.updated
        )

    on_submit(app, ctx, PANEL_MODAL, submit_panel)
