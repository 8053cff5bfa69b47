"""Listeners for decisions: the debrief's buttons, the pivot modal, `/interview decide` and
`/interview calibration`."""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient

from handlers.common import FollowUp, dm, on_action, on_submit, open_modal, tell
from handlers.context import HandlerContext
from handlers.decisions.decisions_blocks import (
    ACTIONS,
    PIVOT,
    PIVOT_MODAL,
    calibration_blocks,
    pivot_modal,
    recorded_text,
)
from handlers.feedback.calibration import chart_note, share_calibration
from handlers.feedback.feedback import action_value
from handlers.render import render
from handlers.router import CommandRequest, CommandRouter
from handlers.view_state import text
from hiring.decisions.decisions import Recorded
from hiring.errors import Conflict, InvalidInput, NotFound
from hiring.permissions import Actor
from hiring.services import Services

log = logging.getLogger(__name__)


def parse_target(value: str) -> tuple[int, int, str]:
    """What a decision button (`candidate:role:stage:panel`) was pressed on: candidate id, role id
    and stage key."""
    parts = value.split(":")
    if len(parts) < 3 or not parts[0].isdecimal() or not parts[1].isdecimal() or not parts[2]:
        raise NotFound("That decision button is out of date; use `/interview decide <candidate>`.")
    return int(parts[0]), int(parts[1]), parts[2]


def confirm(client: WebClient, body: dict[str, Any], actor: Actor, recorded: Recorded) -> None:
    """Tell the decider what was recorded, unless they pressed the debrief itself (which now shows
    it), and what could not be done."""
    clicked = (body.get("container") or {}).get("message_ts")
    on_debrief = recorded.debrief is not None and clicked == recorded.debrief.ts
    if not on_debrief:
        message = recorded_text(recorded)
        url = body.get("response_url")
        sent = False
        if url:
            try:
                response = WebhookClient(url).send(
                    text=message, replace_original=True, response_type="ephemeral"
                )
                sent = response.status_code == 200
            except Exception:
                log.warning("could not answer through response_url; replying ephemerally instead")
        if not sent:
            tell(client, body, actor, message)
    if recorded.problems:
        tell(client, body, actor, "The decision is recorded, but: " + " ".join(recorded.problems))


def decide_command(services: Services, req: CommandRequest) -> None:
    """`/interview decide <candidate>`: the decision prompt for the candidate's current stage."""
    if not req.args:
        raise NotFound("Name the candidate, e.g. `/interview decide Ada Lovelace`.")
    candidate = services.candidates.find(req.actor.team_id, req.args)
    req.reply(*render(services.debriefs.for_candidate(req.actor, candidate.id)))


def calibration_command(ctx: HandlerContext, req: CommandRequest) -> None:
    """`/interview calibration <role>`: each interviewer's ratings against their panels', and the
    chart of them in the asker's DM (drawn after the ack)."""
    if not req.args:
        raise NotFound("Name the role, e.g. `/interview calibration Senior Backend Engineer`.")
    role = ctx.services.roles.find(req.actor.team_id, req.args)
    report = ctx.services.calibration.report(req.actor, role.id)
    fallback, blocks = calibration_blocks(report)
    req.reply(fallback, [*blocks, *chart_note(report)])
    ctx.background.submit(share_calibration, ctx, req.actor, report)


def decision_clicked(
    services: Services, outcome: str, actor: Actor, body: dict[str, Any], client: WebClient
) -> None:
    """A decision button on a debrief or prompt: record it, then confirm to the decider."""
    candidate_id, role_id, stage_key = parse_target(action_value(body))
    decision = services.decisions.decide(
        actor, candidate_id=candidate_id, outcome=outcome, role_id=role_id, stage_key=stage_key
    )
    if decision is None:
        return  # the same decision is being recorded by another click
    confirm(client, body, actor, services.decisions.after_decision(actor.team_id, decision.id))


def pivot_clicked(services: Services, actor: Actor, body: dict[str, Any], client: WebClient) -> None:
    """The "Pivot" button: open the modal to choose the other role."""
    choice = services.decisions.pivot_targets(actor, *parse_target(action_value(body)))
    open_modal(client, body["trigger_id"], pivot_modal(choice))


def submit_pivot(
    ctx: HandlerContext, actor: Actor, vals: dict[str, Any], meta: dict[str, Any], view: dict[str, Any]
) -> FollowUp:
    """The pivot modal: record the pivot before the ack; announce it and DM the decider after."""
    role = vals.get("role")
    if not (isinstance(role, str) and role.isdecimal()):
        raise InvalidInput({"role": "Choose the role to pivot to."})
    if not str(meta.get("candidate_id", "")).isdecimal():
        raise Conflict("This pivot form is out of date; press the button again.")
    decision = ctx.services.decisions.decide(
        actor,
        candidate_id=int(meta["candidate_id"]),
        outcome="pivot",
        role_id=int(meta["role_id"]) if str(meta.get("role_id", "")).isdecimal() else None,
        stage_key=meta.get("stage_key") or None,
        target_role_id=int(role),
        note=text(vals, "note"),
        request_key=f"view:{view.get('id')}",
    )
    if decision is None:
        return None
    return partial(after_pivot, ctx, actor, decision.id)


def after_pivot(ctx: HandlerContext, actor: Actor, decision_id: int) -> None:
    """Tell the decider what the pivot did (unless the debrief shows it) and what could not be done."""
    client = ctx.client_for(actor.team_id)
    recorded = ctx.services.decisions.after_decision(actor.team_id, decision_id)
    if recorded.debrief is None:
        dm(client, actor.user_id, recorded_text(recorded))
    if recorded.problems:
        dm(client, actor.user_id, "The pivot is recorded, but: " + " ".join(recorded.problems))


def register(app: App, ctx: HandlerContext, router: CommandRouter) -> None:
    services = ctx.services
    router.add(
        "decide",
        partial(decide_command, services),
        usage="decide <candidate>",
        summary="advance, reject, hold, make an offer or pivot to another role (hiring manager)",
    )
    router.add(
        "calibration",
        partial(calibration_command, ctx),
        usage="calibration <role>",
        summary="each interviewer's ratings against their panels'",
    )
    for action_id, outcome in ACTIONS.items():
        on_action(app, ctx, action_id, partial(decision_clicked, services, outcome))
    on_action(app, ctx, PIVOT, partial(pivot_clicked, services))
    on_submit(app, ctx, PIVOT_MODAL, partial(submit_pivot, ctx))
