"""Block Kit for roles: the role modal, the announcement and the roles listing."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ConversationFilter,
    ConversationSelectElement,
    HeaderBlock,
    InputBlock,
    PlainTextObject,
    UserMultiSelectElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from handlers.block_kit import Rendered, context, modal, option, section, select_input, text_input
from handlers.mrkdwn import esc, plain, user
from hiring.plans.plans import PlanView
from hiring.roles.messages import RoleAnnouncement
from hiring.roles.roles import RoleView

ROLE_MODAL = "role_modal"


def role_modal(
    *, plans: list[PlanView], requester_id: str, default_tz: str, role: RoleView | None = None
) -> View:
    """Create (or edit) a role: title, hiring channel, hiring manager, recruiters, plan, time zone."""
    blocks = [
        text_input(
            "title",
            "Role title",
            role.title if role else None,
            max_length=150,
            placeholder="Senior Backend Engineer",
        ),
        InputBlock(
            block_id="channel",
            label="Hiring channel",
            hint="Loopbot must be a member of it (/invite @Loopbot).",
            element=ConversationSelectElement(
                action_id="value",
                initial_conversation=role.channel_id if role else None,
                filter=ConversationFilter(include=["public", "private"], exclude_bot_users=True),
            ),
        ),
        InputBlock(
            block_id="hiring_manager",
            label="Hiring manager",
            element=UserSelectElement(
                action_id="value", initial_user=role.hiring_manager_id if role else requester_id
            ),
        ),
        InputBlock(
            block_id="recruiters",
            label="Recruiters",
            optional=True,
            element=UserMultiSelectElement(
                action_id="value", initial_users=role.recruiter_ids if role and role.recruiter_ids else None
            ),
        ),
        _plan_input(plans, role),
        text_input(
            "timezone",
            "Time zone",
            role.timezone if role else default_tz,
            hint="An IANA name such as Europe/London; digests go out in it.",
        ),
        *_link_inputs(role),
    ]
    meta = {"role_id": role.id} if role else {}
    return modal(
        callback_id=ROLE_MODAL,
        title="Edit role" if role else "New role",
        blocks=blocks,
        submit="Save" if role else "Create role",
        meta=meta,
    )


def _link_inputs(role: RoleView | None) -> list[InputBlock]:
    """How long candidates' scheduling links last, and until when they may cancel or move."""
    return [
        text_input(
            "link_days",
            "Scheduling links last (days)",
            str(role.link_days if role else 7),
            optional=True,
            hint="How long a candidate's personal scheduling link works, 1 to 30 days.",
            max_length=2,
        ),
        text_input(
            "cancel_cutoff_hours",
            "Candidates may cancel or move until (hours before)",
            str(role.cancel_cutoff_hours if role else 24),
            optional=True,
            hint="On their scheduling page; 0 to 336 hours before the first interview.",
            max_length=3,
        ),
    ]


def _plan_input(plans: list[PlanView], role: RoleView | None) -> InputBlock:
    """The interview plan select, preselecting the role's plan."""
    plan_options = [option(p.name, str(p.id)) for p in plans]
    return select_input("plan", "Interview plan", plan_options, str(role.plan_id) if role else None)


def render_role_announcement(msg: RoleAnnouncement) -> Rendered:
    recruiters = ", ".join(user(r) for r in msg.recruiter_ids) or "none yet"
    stages = " → ".join(esc(s) for s in msg.stages)
    blocks = [
        HeaderBlock(text=PlainTextObject(text=plain(f"New role: {msg.title}", 150))),
        section(
            f"*Hiring manager:* {user(msg.hiring_manager_id)}\n*Recruiters:* {recruiters}\n"
            f"*Plan:* {esc(msg.plan_name)}\n*Stages:* {stages}"
        ),
        context(f"Times in {esc(msg.timezone)}. Add candidates with `/interview candidate`."),
    ]
    return f"New role: {esc(msg.title)}", blocks


def roles_listing(roles: list[RoleView], counts: dict[int, int]) -> str:
    if not roles:
        return "No open roles yet. Create one with `/interview role`."
    lines = [
        f"• *{esc(role.title)}* in <#{role.channel_id}> — hiring manager {user(role.hiring_manager_id)}, "
        f"plan {esc(role.plan_name)}, {counts.get(role.id, 0)} active candidate(s)"
        for role in roles
    ]
    return "\n".join(["*Open roles*", *lines])
