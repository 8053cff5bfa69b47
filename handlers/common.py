"""Listener plumbing shared by every surface: ack first, map domain errors, hand off slow work."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from sqlalchemy.exc import DataError

from handlers.context import HandlerContext
from handlers.view_state import StaleForm, metadata, values
from hiring.errors import DomainError, InvalidInput
from hiring.permissions import Actor
from hiring.text import unescape

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ModalUpdate:
    """A submit handler's answer that keeps the modal open showing `view` (`response_action:
    update`), e.g. a preview to check before saving."""

    view: Any


FollowUp = Callable[[], None] | None
SubmitHandler = Callable[[Actor, dict[str, Any], dict[str, Any], dict[str, Any]], FollowUp | ModalUpdate]
ActionHandler = Callable[[Actor, dict[str, Any], WebClient], None]


def first_input_block(view: dict[str, Any]) -> str | None:
    for block in view.get("blocks", []):
        if block.get("type") == "input":
            return block.get("block_id")
    return None


def on_submit(app: App, ctx: HandlerContext, callback_id: str, handle: SubmitHandler) -> None:
    """Register a modal submission: validate and save before the ack (errors shown next to the
    field, nothing saved), then run the returned follow-up (posts, DMs) after the ack."""
    ctx.modals.append(callback_id)

    @app.view(callback_id)
    def _submit(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        view = body["view"]
        actor = ctx.actor(body)
        try:
            follow_up = handle(actor, values(view), metadata(view), view)
        except InvalidInput as err:  # modal errors are plain text: no mrkdwn escapes there
            ack(response_action="errors", errors={k: unescape(v) for k, v in err.errors.items()})
            return
        except DomainError as err:
            block = first_input_block(view)
            if block:
                ack(response_action="errors", errors={block: unescape(err.message)})
            else:
                ack()
                message = err.message
                after_ack(lambda: dm(client, actor.user_id, message), lambda exc: None)
            return
        except (KeyError, ValueError, TypeError, AttributeError, DataError):
            # A submission that doesn't have the shape this modal gave it (tampered, or left open
            # across an upgrade): nothing was saved; say so plainly.
            log.warning("modal %s: malformed submission refused", callback_id, exc_info=True)
            block = first_input_block(view)
            message = StaleForm().message
            ack(response_action="errors", errors={block: message}) if block else ack()
            return
        except Exception:
            log.exception("modal %s failed", callback_id)
            block = first_input_block(view)
            message = "Something went wrong on my side and nothing was saved. Please try again."
            ack(response_action="errors", errors={block: message}) if block else ack()
            return
        if isinstance(follow_up, ModalUpdate):
            ack(response_action="update", view=follow_up.view)
            return
        ack()
        if follow_up is not None:
            ctx.background.submit(
                after_ack, follow_up, lambda exc: dm(client, actor.user_id, problem_text(exc))
            )


def on_action(app: App, ctx: HandlerContext, action_id: str | re.Pattern[str], handle: ActionHandler) -> None:
    """Register a button or select (an action id, or a pattern of them): ack at once, do the work
    after, tell the user what went wrong."""
    ctx.actions.append(action_id if isinstance(action_id, str) else action_id.pattern)

    @app.action(action_id)
    def _action(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        actor = ctx.actor(body)
        after_ack(
            lambda: handle(actor, body, client), lambda exc: tell(client, body, actor, problem_text(exc))
        )


def after_ack(work: Callable[[], None], report: Callable[[Exception], None]) -> None:
    """Run the slow part of a listener (already on a worker thread, after the ack); a failure is
    logged and explained to the user instead of being lost."""
    try:
        work()
    except Exception as exc:
        if not isinstance(exc, DomainError):
            log.exception("work after the ack failed")
        try:
            report(exc)
        except Exception:
            log.exception("could not tell the user about a failure")


def problem_text(exc: Exception) -> str:
    if isinstance(exc, DomainError):
        return exc.message
    return "Something went wrong on my side; nothing was changed. Please try again."


def dm(client: WebClient, user_id: str, text: str) -> None:
    """A direct message to a user (used for problems found after the ack)."""
    channel = client.conversations_open(users=user_id)["channel"]["id"]
    client.chat_postMessage(channel=channel, text=text)


def tell(client: WebClient, body: dict[str, Any], actor: Actor, text: str) -> None:
    """An ephemeral answer where the user clicked (channel), else a DM."""
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")
    if channel and not channel.startswith("D"):
        try:
            client.chat_postEphemeral(channel=channel, user=actor.user_id, text=text)
            return
        except Exception:
            log.warning("ephemeral reply failed; sending a DM instead")
    dm(client, actor.user_id, text)


def open_modal(client: WebClient, trigger_id: str, view: Any) -> dict[str, Any]:
    """`views.open` at once (the trigger expires about 3 s after the click)."""
    response = client.views_open(trigger_id=trigger_id, view=view)
    return response["view"]
