"""Listeners for availability: `/interview availability <candidate>`, its one-field modal, the
preview on Enter, and the save (an unpreviewed text is previewed first)."""

from __future__ import annotations

from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from handlers.common import ModalUpdate, on_action, on_submit, open_modal
from handlers.context import HandlerContext
from handlers.router import CommandRequest, CommandRouter
from handlers.scheduling.booking_blocks import (
    AVAILABILITY_FIELD,
    AVAILABILITY_MODAL,
    AVAILABILITY_TEXT,
    availability_modal,
    text_key,
)
from handlers.view_state import metadata, values
from hiring.errors import InvalidInput
from hiring.permissions import Actor, manages


def register(app: App, ctx: HandlerContext, router: CommandRouter) -> None:
    services = ctx.services

    def availability_command(req: CommandRequest) -> None:
        if not req.args:
            req.reply("Name the candidate, e.g. `/interview availability Ada Lovelace`.")
            return
        actor = req.actor
        candidate = services.candidates.find(
            actor.team_id, req.args, suggest_from=lambda c: manages(actor, c.role)
        )
        draft = services.availability.draft(actor, candidate.id)
        open_modal(req.client, req.trigger_id, availability_modal(draft))

    router.add(
        "availability",
        availability_command,
        usage="availability <candidate>",
        summary="enter when a candidate can interview in one line, e.g. `Mon–Wed 9–12, Thu after 14:00`",
    )

    def preview_on_enter(actor: Actor, body: dict[str, Any], client: WebClient) -> None:
        view = body["view"]
        text = str(values(view).get(AVAILABILITY_FIELD) or "")
        draft, understood = services.availability.preview(actor, int(metadata(view)["candidate_id"]), text)
        client.views_update(
            view_id=view["id"], hash=view.get("hash"), view=availability_modal(draft, text, understood)
        )

    on_action(app, ctx, AVAILABILITY_TEXT, preview_on_enter)

    def submit_availability(
        actor: Actor, vals: dict[str, Any], meta: dict[str, Any], view: dict[str, Any]
    ) -> Any:
        text = str(vals.get(AVAILABILITY_FIELD) or "")
        candidate_id = int(meta["candidate_id"])
        if text_key(text) != meta.get("previewed"):
            draft, understood = services.availability.preview(actor, candidate_id, text)
            if understood.error:
                raise InvalidInput({AVAILABILITY_FIELD: understood.error})
            return ModalUpdate(availability_modal(draft, text, understood))
        services.availability.save(actor, candidate_id, text, request_key=f"view:{view.get('id')}")
        return None

    on_submit(app, ctx, AVAILABILITY_MODAL, submit_availability)
