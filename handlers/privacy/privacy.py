"""Listeners for privacy: `/interview forget <candidate>` (with a confirmation modal) and
`/interview audit <candidate>`."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from handlers.block_kit import section
from handlers.common import dm, on_submit, open_modal
from handlers.context import HandlerContext
from handlers.privacy.privacy_blocks import CONFIRM, FORGET_MODAL, audit_text, forget_modal
from handlers.router import CommandRequest, CommandRouter
from hiring.errors import InvalidInput, PermissionDenied
from hiring.permissions import Actor


def register(app: App, ctx: HandlerContext, router: CommandRouter) -> None:
    services = ctx.services

    def forget_command(req: CommandRequest) -> None:
        candidate = services.candidates.find(
            req.actor.team_id, req.args, suggest_from=lambda c: services.privacy.may_forget(req.actor, c)
        )
        target = services.privacy.candidate_for_erasure(req.actor, candidate.id)
        open_modal(req.client, req.trigger_id, forget_modal(target))

    def audit_command(req: CommandRequest) -> None:
        if not req.actor.is_admin:
            raise PermissionDenied("Only a workspace admin may read the audit trail.")
        candidate = services.candidates.find(req.actor.team_id, req.args)
        lines = services.privacy.audit_trail(req.actor, candidate.id)
        chunks = audit_text(candidate.name, lines)
        req.reply(chunks[0][:150], blocks=[section(chunk) for chunk in chunks])

    router.add(
        "forget", forget_command, usage="forget <candidate>", summary="erase a candidate's personal data"
    )
    router.add("audit", audit_command, usage="audit <candidate>", summary="who did and saw what (admins)")

    def submit_forget(actor: Actor, vals: dict[str, Any], meta: dict[str, Any], view: dict[str, Any]) -> Any:
        if CONFIRM not in (vals.get("confirm") or []):
            raise InvalidInput({"confirm": "Tick the box to confirm the erasure."})
        candidate_id = int(meta.get("candidate_id") or 0)
        erasure = services.privacy.forget(actor, candidate_id)

        def finish() -> None:
            done = services.privacy.finish(erasure)
            summary = (
                f"Candidate #{candidate_id} erased: {done.messages_updated} message(s) rewritten, "
                f"{done.events_cancelled} future event(s) cancelled."
            )
            if done.problems:
                summary += " Some things could not be changed: " + "; ".join(done.problems[:5])
            dm(ctx.client_for(actor.team_id), actor.user_id, summary)

        return finish

    on_submit(app, ctx, FORGET_MODAL, submit_forget)
