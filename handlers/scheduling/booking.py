"""Listeners for scheduling: `/interview schedule`, `reschedule`, `cancel` and `busy`, the "Book
this" and "Cancel the interviews" buttons, and the buttons of decline notices.

The schedule modal opens at once on a loading view (the trigger expires about 3 s after the
command); free/busy and the solver run after that, and the modal is updated with the options.
A click first swaps the modal to "Writing the calendar events…" with the view's hash, so a second
click on the same modal loses the race and does nothing.
"""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import PlainTextObject, SectionBlock
from slack_sdk.models.views import View

from handlers.block_kit import context, loading
from handlers.common import named_candidate, on_action, open_modal, tell
from handlers.context import HandlerContext
from handlers.feedback.feedback import action_value
from handlers.mrkdwn import clip, user
from handlers.router import CommandRequest, CommandRouter
from handlers.scheduling.booking_blocks import (
    BOOK_OPTION,
    BUSY_REMOVE,
    CANCEL_LOOP,
    DECLINE_INTERVIEW,
    REPLACE_INTERVIEWER,
    booked_view,
    busy_blocks,
    cancel_view,
    cancelled_view,
    options_view,
    problem_view,
    span_text,
    working_view,
)
from handlers.slack_gateway import explain
from handlers.view_state import metadata
from hiring.errors import DomainError, ExternalServiceError, InvalidInput, NotFound
from hiring.permissions import Actor
from hiring.scheduling.booking import Choice
from hiring.scheduling.busy import USAGE as BUSY_USAGE
from hiring.services import Services

log = logging.getLogger(__name__)

OOPS = "Something went wrong on my side; nothing was changed. Please try again."


def _title(moving: bool) -> str:
    return "Reschedule" if moving else "Schedule"


def register(app: App, ctx: HandlerContext, router: CommandRouter) -> None:
    """Register every scheduling command and button."""
    _register_schedule(app, ctx, router)
    _register_cancel(app, ctx, router)
    _register_busy(app, ctx, router)
    _register_declines(app, ctx)


# -- schedule and reschedule ----------------------------------------------------------------------
def _register_schedule(app: App, ctx: HandlerContext, router: CommandRouter) -> None:
    """`/interview schedule`, `/interview reschedule` and the "Book this" button."""
    services = ctx.services
    router.add(
        "schedule",
        lambda req: _options_command(services, req, moving=False),
        usage="schedule <candidate>",
        summary="see the best times for the candidate's panel and book the whole loop in one click",
    )
    router.add(
        "reschedule",
        lambda req: _options_command(services, req, moving=True),
        usage="reschedule <candidate>",
        summary="move a booked loop: the same calendar events, updated for everyone",
    )

    on_action(app, ctx, BOOK_OPTION, partial(_book_clicked, services))


def _update(client: WebClient, view_id: str, view: View, view_hash: str | None = None) -> bool:
    """Replace the modal; False when its hash is stale (another click got there first) or the
    person closed it."""
    try:
        client.views_update(view_id=view_id, hash=view_hash, view=view)
    except SlackApiError as err:
        if err.response is not None and err.response.get("error") in ("hash_conflict", "not_found"):
            return False
        raise ExternalServiceError(explain(err)) from err
    return True


def _show_options(
    services: Services,
    client: WebClient,
    actor: Actor,
    candidate_id: int,
    view_id: str,
    *,
    moving: bool,
    note: str | None = None,
) -> None:
    """Work out the options (free/busy, the solver) and put them in the modal."""
    try:
        options = services.scheduling.options(actor, candidate_id, moving=moving)
        view = options_view(options, services.scheduling.rooms, note=note)
    except DomainError as err:
        told = err.message if not note or note == err.message else f"{note} {err.message}"
        view = problem_view(_title(moving), told)
    except Exception:
        log.exception("working out scheduling options failed")
        view = problem_view(_title(moving), OOPS)
    _update(client, view_id, view)


def _find(services: Services, req: CommandRequest) -> int | None:
    """The candidate the command names (checked schedulable by the actor), or None after asking for one."""
    candidate = named_candidate(services, req)
    if candidate is None:
        return None
    services.scheduling.check(req.actor, candidate.id)
    return candidate.id


def _options_command(services: Services, req: CommandRequest, *, moving: bool) -> None:
    """Open the schedule (or reschedule) modal on a loading view, then fill in the options."""
    candidate_id = _find(services, req)
    if candidate_id is None:
        return
    view = open_modal(req.client, req.trigger_id, loading(_title(moving), "Looking at everyone's calendars…"))
    _show_options(services, req.client, req.actor, candidate_id, view["id"], moving=moving)


def _book_clicked(services: Services, actor: Actor, body: dict[str, Any], client: WebClient) -> None:
    """Book (or move) the loop as the clicked option says, and show what was booked."""
    view = body.get("view") or {}
    meta = metadata(view)
    candidate_id = int(meta.get("candidate_id") or 0)
    moving = bool(meta.get("moving"))
    if not candidate_id or not view.get("id"):
        return
    if not _update(client, view["id"], working_view(moving), view.get("hash")):
        return  # a second click on the same modal: the first one is booking
    try:
        choice = Choice.decode(action_value(body), services.scheduling.rooms)
        place = services.scheduling.reschedule if moving else services.scheduling.book
        result = place(actor, candidate_id, choice, request_key=f"book:{view['id']}")
    except DomainError as err:
        _show_options(services, client, actor, candidate_id, view["id"], moving=moving, note=err.message)
        return
    except Exception:
        log.exception("booking failed")
        _update(client, view["id"], problem_view(_title(moving), OOPS))
        return
    if result is None:
        return
    tz = services.home.timezone(actor.team_id, actor.user_id)
    _update(client, view["id"], booked_view(result, tz))
    services.scheduling.announce(actor.team_id, result.audit_id)
    services.home.refresh(actor.team_id, result.people)


# -- cancel ---------------------------------------------------------------------------------------
def _register_cancel(app: App, ctx: HandlerContext, router: CommandRouter) -> None:
    """`/interview cancel` and the "Cancel the interviews" button."""
    services = ctx.services

    def cancel_command(req: CommandRequest) -> None:
        candidate_id = _find(services, req)
        if candidate_id is None:
            return
        preview = services.scheduling.cancel_preview(req.actor, candidate_id)
        tz = services.home.timezone(req.actor.team_id, req.actor.user_id)
        open_modal(req.client, req.trigger_id, cancel_view(preview, tz))

    router.add(
        "cancel",
        cancel_command,
        usage="cancel <candidate>",
        summary="cancel a booked loop: every calendar event is cancelled and everyone is told",
    )

    on_action(app, ctx, CANCEL_LOOP, partial(_cancel_clicked, services))


def _cancel_clicked(services: Services, actor: Actor, body: dict[str, Any], client: WebClient) -> None:
    """Cancel the loop the modal shows, and say so in the modal."""
    view = body.get("view") or {}
    candidate, _, panel = action_value(body).partition(":")
    if not (candidate.isdecimal() and panel.isdecimal() and view.get("id")):
        return
    title = "Cancel interviews"
    if not _update(client, view["id"], loading(title, "Cancelling the calendar events…"), view.get("hash")):
        return
    try:
        result = services.scheduling.cancel(
            actor, int(candidate), int(panel), request_key=f"cancel:{view['id']}"
        )
    except DomainError as err:
        _update(client, view["id"], problem_view(title, err.message))
        return
    except Exception:
        log.exception("cancelling failed")
        _update(client, view["id"], problem_view(title, OOPS))
        return
    if result is None:
        return
    _update(client, view["id"], cancelled_view(result.candidate_name))
    services.scheduling.announce(actor.team_id, result.audit_id)
    services.home.refresh(actor.team_id, result.people)


# -- busy blocks ----------------------------------------------------------------------------------
def _register_busy(app: App, ctx: HandlerContext, router: CommandRouter) -> None:
    """`/interview busy` and its "Remove" buttons."""
    services = ctx.services
    router.add(
        "busy",
        lambda req: _busy_command(services, req),
        usage="busy [2026-11-24 09:00-12:30 label]",
        summary="mark yourself busy in the built-in calendar (times in your time zone), or list and remove it",
    )

    def busy_removed(actor: Actor, body: dict[str, Any], client: WebClient) -> None:
        value = action_value(body)
        if not value.isdecimal():
            raise NotFound("That busy time is gone already.")
        mine = {b.id: b for b in services.busy.mine(actor)}
        services.busy.remove(actor, int(value))
        gone = mine.get(int(value))
        what = f" ({span_text(gone.start, gone.end, gone.tz)})" if gone else ""
        tell(client, body, actor, f"Removed that busy time{what}.")

    on_action(app, ctx, BUSY_REMOVE, busy_removed)


def _busy_command(services: Services, req: CommandRequest) -> None:
    """List the actor's busy time, or add the busy time typed."""
    if not req.args or req.args.strip().lower() == "list":
        req.reply("Your busy time", busy_blocks(services.busy.mine(req.actor)))
        return
    try:
        added = services.busy.add(req.actor, req.args)
    except InvalidInput as err:
        # Plain text: the messages quote what was typed.
        problems = " ".join(err.errors.values())
        text = PlainTextObject(text=clip(f"{problems} For example: {BUSY_USAGE}"), emoji=False)
        req.reply("Nothing was added: I could not read that busy time.", [SectionBlock(text=text)])
        return
    req.reply("Marked busy", busy_blocks(services.busy.mine(req.actor), added=added))


# -- declines -------------------------------------------------------------------------------------
def _register_declines(app: App, ctx: HandlerContext) -> None:
    """The buttons of decline notices: replace the interviewer, or decline one's own interview."""
    services = ctx.services

    on_action(app, ctx, REPLACE_INTERVIEWER, partial(_replace_clicked, services))

    def decline_clicked(actor: Actor, body: dict[str, Any], client: WebClient) -> None:
        value = action_value(body)
        if not value.isdecimal():
            return
        tell(client, body, actor, services.scheduling.decline_own(actor, int(value)))

    on_action(app, ctx, DECLINE_INTERVIEW, decline_clicked)


def _replace_clicked(services: Services, actor: Actor, body: dict[str, Any], client: WebClient) -> None:
    """Give the declined seat to the person picked, and mark the decline notice as handled."""
    seat, _, new_user = action_value(body).partition(":")
    if not seat.isdecimal() or not new_user:
        return
    result = services.scheduling.replace(actor, int(seat), new_user, request_key=f"replace:{seat}:{new_user}")
    if result is None:
        return
    services.scheduling.announce(actor.team_id, result.audit_id)
    services.home.refresh(actor.team_id, [result.old_id, result.new_id])
    message = body.get("message") or {}
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")
    if channel and message.get("ts"):
        kept = [b for b in message.get("blocks", []) if b.get("type") == "section"][:1]
        done = context(
            f"Replaced by {user(result.new_id)} (by {user(actor.user_id)}); the invitation is updated."
        )
        try:
            client.chat_update(
                channel=channel,
                ts=message["ts"],
                text=message.get("text") or "Interviewer replaced",
                blocks=[*kept, done.to_dict()],
            )
        except SlackApiError:
            log.warning("could not update the decline notice")
