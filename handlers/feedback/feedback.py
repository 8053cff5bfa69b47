"""Listeners for feedback: `/interview feedback [candidate]`, the "Submit scorecard" button, the
scorecard modal (submit, and close to keep a draft) and reading a candidate's feedback."""

from __future__ import annotations

from functools import partial
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from handlers.block_kit import message_view
from handlers.common import on_action, on_submit, open_modal
from handlers.context import HandlerContext
from handlers.feedback.feedback_blocks import (
    FEEDBACK_VIEW,
    SCORECARD_MODAL,
    SCORECARD_OPEN,
    feedback_blocks,
    feedback_modal,
    pending_blocks,
    scorecard_modal,
)
from handlers.router import CommandRequest, CommandRouter
from handlers.view_state import metadata, text, values
from hiring.errors import DomainError, NotFound
from hiring.feedback.scorecards import ScorecardInput
from hiring.permissions import Actor
from hiring.services import Services


def scorecard_input(vals: dict[str, Any]) -> ScorecardInput:
    """The modal's state: one `c:<competency>` select per competency, then the other fields."""
    recommendation = vals.get("recommendation")
    return ScorecardInput(
        ratings={k[2:]: v for k, v in vals.items() if k.startswith("c:")},
        recommendation=recommendation if isinstance(recommendation, str) else None,
        evidence=text(vals, "evidence"),
        private_note=text(vals, "private_note"),
    )


def decimal_id(raw: Any, gone: str) -> int:
    """An id from a button's value or a modal's metadata; `NotFound(gone)` when it is not one."""
    value = str(raw or "")
    if not value.isdecimal():
        raise NotFound(gone)
    return int(value)


def interview_id_of(raw: Any) -> int:
    return decimal_id(raw, "That interview no longer exists.")


def action_value(body: dict[str, Any]) -> str:
    """A button's value, or the value of the option picked in a select."""
    action = (body.get("actions") or [{}])[0]
    return str(action.get("value") or (action.get("selected_option") or {}).get("value") or "")


def feedback_command(services: Services, req: CommandRequest) -> None:
    """`/interview feedback`: what I owe; `/interview feedback <candidate>`: their feedback."""
    team_id, user_id = req.actor.team_id, req.actor.user_id
    tz = services.home.timezone(team_id, user_id)
    if not req.args:
        req.reply(*pending_blocks(services.scorecards.pending(team_id, user_id), tz))
        return
    candidate = services.candidates.find(team_id, req.args)
    stage = services.scorecards.feedback_stage(team_id, candidate.id, candidate.stage_key)
    req.reply(*feedback_blocks(services.scorecards.visible_scorecards(req.actor, candidate.id, stage), tz))


def open_scorecard(services: Services, actor: Actor, body: dict[str, Any], client: WebClient) -> None:
    """The "Submit scorecard" button: open the form (or say why not)."""
    try:
        view = scorecard_modal(services.scorecards.form(actor, interview_id_of(action_value(body))))
    except DomainError as err:
        view = message_view("Scorecard", err.message)
    open_modal(client, body["trigger_id"], view)


def submit_scorecard(
    services: Services, actor: Actor, vals: dict[str, Any], meta: dict[str, Any], view: dict[str, Any]
) -> Any:
    """Store the submission; after the ack, DM the receipt and refresh the App Homes it changes."""
    submitted = services.scorecards.submit(
        actor,
        interview_id_of(meta.get("interview_id")),
        scorecard_input(vals),
        request_key=f"view:{view.get('id')}",
    )
    if submitted is None:
        return None

    def follow_up() -> None:
        services.scorecards.acknowledge(actor.team_id, submitted)
        services.home.refresh(actor.team_id, submitted.affected)

    return follow_up


def keep_draft(services: Services, actor: Actor, view: dict[str, Any]) -> None:
    """Save what the closed form held as a draft (after the ack)."""
    raw = str(metadata(view).get("interview_id") or "")
    if not raw.isdecimal():
        return
    if services.scorecards.save_draft(actor, int(raw), scorecard_input(values(view))):
        services.home.refresh(actor.team_id, [actor.user_id])


def show_feedback(services: Services, actor: Actor, body: dict[str, Any], client: WebClient) -> None:
    """The "Read the feedback" button: a candidate's stage feedback as the actor may see it."""
    candidate, _, stage = action_value(body).partition(":")
    try:
        if not candidate.isdecimal() or not stage:
            raise NotFound("That candidate no longer exists.")
        feedback = services.scorecards.visible_scorecards(actor, int(candidate), stage)
        view = feedback_modal(feedback, services.home.timezone(actor.team_id, actor.user_id))
    except DomainError as err:
        view = message_view("Feedback", err.message)
    open_modal(client, body["trigger_id"], view)


def register(app: App, ctx: HandlerContext, router: CommandRouter) -> None:
    services = ctx.services
    router.add(
        "feedback",
        partial(feedback_command, services),
        usage="feedback [candidate]",
        summary="the scorecards you owe, or a candidate's feedback (as much as you may see)",
    )
    on_action(app, ctx, SCORECARD_OPEN, partial(open_scorecard, services))
    on_submit(app, ctx, SCORECARD_MODAL, partial(submit_scorecard, services))

    @app.view_closed(SCORECARD_MODAL)
    def closed(ack: Ack, body: dict[str, Any]) -> None:
        """The form was closed: keep a draft, after the ack."""
        ack()
        ctx.background.submit(keep_draft, services, ctx.actor(body), body["view"])

    on_action(app, ctx, FEEDBACK_VIEW, partial(show_feedback, services))
