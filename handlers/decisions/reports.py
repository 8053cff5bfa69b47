"""Listeners for candidate feedback reports: edit (a modal) and mark as sent, from the recruiter's DM."""

from __future__ import annotations

from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from handlers.common import on_action, on_submit, open_modal
from handlers.context import HandlerContext
from handlers.decisions.reports_blocks import REPORT_EDIT, REPORT_MODAL, REPORT_SENT, report_modal
from handlers.router import CommandRouter
from handlers.view_state import text
from hiring.errors import NotFound
from hiring.permissions import Actor


def report_id_of(raw: Any) -> int:
    value = str(raw or "")
    if not value.isdecimal():
        raise NotFound("That feedback report no longer exists.")
    return int(value)


def button_value(body: dict[str, Any]) -> str:
    action = (body.get("actions") or [{}])[0]
    return str(action.get("value") or "")


def register(app: App, ctx: HandlerContext, router: CommandRouter) -> None:
    services = ctx.services

    def edit_report(actor: Actor, body: dict[str, Any], client: WebClient) -> None:
        report = services.reports.for_edit(actor, report_id_of(button_value(body)))
        open_modal(client, body["trigger_id"], report_modal(report))

    on_action(app, ctx, REPORT_EDIT, edit_report)

    def save_report(actor: Actor, vals: dict[str, Any], meta: dict[str, Any], view: dict[str, Any]) -> Any:
        report_id = report_id_of(meta.get("report_id"))
        saved = services.reports.edit(
            actor, report_id, text(vals, "body"), request_key=f"view:{view.get('id')}"
        )
        if not saved:
            return None
        return lambda: services.reports.refresh(actor.team_id, report_id)

    on_submit(app, ctx, REPORT_MODAL, save_report)

    def mark_sent(actor: Actor, body: dict[str, Any], client: WebClient) -> None:
        report_id = report_id_of(button_value(body))
        if services.reports.mark_sent(actor, report_id):
            services.reports.refresh(actor.team_id, report_id)

    on_action(app, ctx, REPORT_SENT, mark_sent)
