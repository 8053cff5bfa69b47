"""Listeners for candidate feedback reports: edit (a modal) and mark as sent, from the recruiter's DM."""

from __future__ import annotations

from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from handlers.common import on_action, on_submit, open_modal
from handlers.context import HandlerContext
from handlers.decisions.reports_blocks import REPORT_EDIT, REPORT_MODAL, REPORT_SENT, report_modal
from handlers.feedback.feedback import action_value, decimal_id
from handlers.router import CommandRouter
from handlers.view_state import text
from hiring.permissions import Actor


def report_id_of(raw: Any) -> int:
    return decimal_id(raw, "That feedback report no longer exists.")


def register(app: App, ctx: HandlerContext, router: CommandRouter) -> None:
    services = ctx.services

    def edit_report(actor: Actor, body: dict[str, Any], client: WebClient) -> None:
        report = services.reports.for_edit(actor, report_id_of(action_value(body)))
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
        report_id = report_id_of(action_value(body))
        if services.reports.mark_sent(actor, report_id):
            services.reports.refresh(actor.team_id, report_id)

    on_action(app, ctx, REPORT_SENT, mark_sent)
