"""Block Kit for candidates: the candidate modal and the channel note."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    EmailInputElement,
    InputBlock,
    PlainTextInputElement,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from handlers.block_kit import Rendered, context, modal, option, section
from handlers.mrkdwn import esc, user
from handlers.scheduling.links_blocks import send_link_actions
from hiring.roles.candidates import CandidateView
from hiring.roles.messages import CandidateAdded
from hiring.roles.roles import RoleView

CANDIDATE_MODAL = "candidate_modal"


def candidate_modal(
    *, roles: list[RoleView], default_tz: str, candidate: CandidateView | None = None
) -> View:
    """Add (or edit) a candidate: name, email, phone, role, time zone, accommodations, links and notes."""
    c = candidate
    blocks = [
        *_identity_inputs(roles, default_tz, c),
        *_accommodation_inputs(c),
        _long_text_input("links", "Links (CV, portfolio, code)", (c.links or None) if c else None),
        _long_text_input("notes", "Notes", (c.notes or None) if c else None),
    ]
    return modal(
        callback_id=CANDIDATE_MODAL,
        title="Edit candidate" if c else "New candidate",
        blocks=blocks,
        submit="Save" if c else "Add candidate",
        meta={"candidate_id": c.id} if c else {},
    )


def _identity_inputs(roles: list[RoleView], default_tz: str, c: CandidateView | None) -> list[InputBlock]:
    """The name, email, phone, role and time zone inputs."""
    return [
        InputBlock(
            block_id="name",
            label="Name",
            element=PlainTextInputElement(
                action_id="value", max_length=200, initial_value=c.name if c else None
            ),
        ),
        InputBlock(
            block_id="email",
            label="Email",
            optional=True,
            hint="Calendar invites go here.",
            element=EmailInputElement(action_id="value", initial_value=(c.email or None) if c else None),
        ),
        InputBlock(
            block_id="phone",
            label="Phone",
            optional=True,
            hint="For phone interviews: the interviewer calls this number, e.g. +44 20 7946 0000.",
            element=PlainTextInputElement(
                action_id="value", max_length=40, initial_value=(c.phone or None) if c else None
            ),
        ),
        _role_input(roles, c),
        InputBlock(
            block_id="timezone",
            label="Candidate's time zone",
            hint="An IANA name such as America/New_York.",
            element=PlainTextInputElement(action_id="value", initial_value=c.timezone if c else default_tz),
        ),
    ]


def _role_input(roles: list[RoleView], c: CandidateView | None) -> InputBlock:
    """The role select, preselecting the candidate's role (or the only role there is)."""
    role_options = [option(r.title, str(r.id)) for r in roles][:100]
    initial_role = next((o for o in role_options if c and o.value == str(c.role_id)), None)
    if initial_role is None and len(role_options) == 1:
        initial_role = role_options[0]
    return InputBlock(
        block_id="role",
        label="Role",
        element=StaticSelectElement(action_id="value", options=role_options, initial_option=initial_role),
    )


def _accommodation_inputs(c: CandidateView | None) -> list[InputBlock]:
    """Two accommodations texts, each for its audience: interviewers (their briefings) and the
    hiring manager and recruiters only."""
    return [
        _long_text_input(
            "accommodations",
            "Accommodations for interviewers",
            (c.accommodations or None) if c else None,
            hint="Shown to the interviewers in their briefings, e.g. “Needs captions on video calls”.",
        ),
        _long_text_input(
            "private_accommodations",
            "Private accommodations",
            (c.private_accommodations or None) if c else None,
            hint="Seen only by the hiring manager and recruiters (never interviewers or the channel).",
        ),
    ]


def _long_text_input(
    block_id: str, label: str, initial_value: str | None, hint: str | None = None
) -> InputBlock:
    """An optional multiline text input of up to 3000 characters."""
    return InputBlock(
        block_id=block_id,
        label=label,
        optional=True,
        hint=hint,
        element=PlainTextInputElement(
            action_id="value",
            multiline=True,
            max_length=3000,
            initial_value=initial_value,
        ),
    )


def render_candidate_added(msg: CandidateAdded) -> Rendered:
    text = (
        f"New candidate *{esc(msg.candidate_name)}* for *{esc(msg.role_title)}*, "
        f"starting at {esc(msg.stage_name)} (added by {user(msg.added_by)})."
    )
    return f"New candidate {esc(msg.candidate_name)} for {esc(msg.role_title)}", [
        section(text),
        context("Build their panel with `/interview panel <name>`."),
        send_link_actions(msg.candidate_id),
    ]
