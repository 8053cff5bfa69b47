"""Listeners for availability: `/interview availability <candidate>` and its modal."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from handlers.common import on_submit, open_modal
from handlers.context import HandlerContext
from handlers.router import CommandRequest, CommandRouter
from handlers.scheduling.booking_blocks import AVAILABILITY_MODAL, availability_modal
from hiring.permissions import Actor, manages
from hiring.scheduling.availability import WindowInput, row_ids


def window_rows(vals: dict[str, Any], view: dict[str, Any]) -> list[WindowInput]:
    """The modal's rows (`d0`/`f0`/`t0`, …) in order, as typed."""
    rows = []
    index = 0
    block_ids = {b.get("block_id") for b in view.get("blocks", [])}
    while row_ids(index)[0] in block_ids:
        d_id, f_id, t_id = row_ids(index)
        rows.append(
            WindowInput(
                day=vals.get(d_id) if isinstance(vals.get(d_id), str) else None,
                start=vals.get(f_id) if isinstance(vals.get(f_id), str) else None,
                end=vals.get(t_id) if isinstance(vals.get(t_id), str) else None,
            )
        )
        index += 1
    return rows


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
        summary="enter when a candidate can interview (days and times in their time zone)",
    )

    def submit_availability(
        actor: Actor, vals: dict[str, Any], meta: dict[str, Any], view: dict[str, Any]
    ) -> Any:
        services.availability.save(
            actor,
            int(meta["candidate_id"]),
            window_rows(vals, view),
            request_key=f"view:{view.get('id')}",
        )
        return None

    on_submit(app, ctx, AVAILABILITY_MODAL, submit_availability)
