"""Listeners for candidates' scheduling links: `/interview invite <candidate>` and the candidate
message's "Send scheduling link" button (both make a link and show it in a modal, with the e-mail
to send when SMTP is set up), the modal's "Send e-mail", and "Revoke" on the candidate's status."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient

from handlers.common import dm, named_candidate, on_action, on_submit, open_modal, problem_text, tell
from handlers.context import HandlerContext
from handlers.feedback.feedback import action_value
from handlers.roles.status import status_answer
from handlers.router import CommandRequest, CommandRouter
from handlers.scheduling.links_blocks import (
    LINK_EMAIL_MODAL,
    REVOKE_LINK,
    SEND_LINK,
    email_failed_text,
    emailed_text,
    link_modal,
)
from handlers.view_state import text
from hiring.errors import DomainError
from hiring.permissions import Actor
from hiring.scheduling.links import BODY_BLOCK, SUBJECT_BLOCK
from hiring.services import Services

log = logging.getLogger(__name__)


def show_new_link(
    services: Services, actor: Actor, candidate_id: int, client: WebClient, trigger_id: str
) -> None:
    """Make a link for the candidate and open the modal showing it (and the e-mail draft)."""
    issued = services.links.issue(actor, candidate_id)
    draft = services.links.email_draft(issued)
    tz = services.home.timezone(actor.team_id, actor.user_id)
    open_modal(client, trigger_id, link_modal(issued, draft, tz=tz, mail_configured=services.links.can_email))


def register(app: App, ctx: HandlerContext, router: CommandRouter) -> None:
    """Register `/interview invite`, the send and revoke buttons and the e-mail modal."""
    services = ctx.services

    def invite_command(req: CommandRequest) -> None:
        candidate = named_candidate(services, req)
        if candidate is not None:
            show_new_link(services, req.actor, candidate.id, req.client, req.trigger_id)

    router.add(
        "invite",
        invite_command,
        usage="invite <candidate>",
        summary="a personal link where the candidate picks their interview times (to copy, or e-mailed)",
    )

    def send_clicked(actor: Actor, body: dict[str, Any], client: WebClient) -> None:
        value = action_value(body)
        if value.isdecimal():
            show_new_link(services, actor, int(value), client, str(body.get("trigger_id") or ""))

    on_action(app, ctx, SEND_LINK, send_clicked)

    def revoke_clicked(actor: Actor, body: dict[str, Any], client: WebClient) -> None:
        value = action_value(body)
        if not value.isdecimal():
            return
        candidate_id = services.links.candidate_of(actor, int(value))
        services.links.revoke(actor, int(value))
        _answer(client, body, actor, *status_answer(services, actor, candidate_id))

    on_action(app, ctx, REVOKE_LINK, revoke_clicked)

    def submit_email(actor: Actor, vals: dict[str, Any], meta: dict[str, Any], view: dict[str, Any]) -> Any:
        link_id, url = int(meta["link_id"]), str(meta["url"])
        subject, body = text(vals, SUBJECT_BLOCK), text(vals, BODY_BLOCK)
        services.links.check_email(actor, link_id, url=url, subject=subject, body=body)

        def send() -> None:
            try:
                to = services.links.send_email(actor, link_id, url=url, subject=subject, body=body)
            except DomainError as err:
                dm(ctx.client_for(actor.team_id), actor.user_id, email_failed_text(problem_text(err), url))
                return
            dm(ctx.client_for(actor.team_id), actor.user_id, emailed_text(to, url))

        return send

    on_submit(app, ctx, LINK_EMAIL_MODAL, submit_email)


def _answer(client: WebClient, body: dict[str, Any], actor: Actor, text_: str, blocks: list[Any]) -> None:
    """Replace the ephemeral status the button was on (through its response_url), else reply anew."""
    url = body.get("response_url")
    if url:
        try:
            payload = [b.to_dict() if hasattr(b, "to_dict") else b for b in blocks]
            response = WebhookClient(url).send(
                text=text_, blocks=payload, replace_original=True, response_type="ephemeral"
            )
            if response.status_code == 200:
                return
        except Exception:
            log.warning("could not replace the status through response_url; replying anew")
    tell(client, body, actor, text_)
