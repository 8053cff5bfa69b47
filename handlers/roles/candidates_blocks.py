"""Block Kit for candidates: the candidate modal and the channel note."""

from __future__ import annotations

from slack_sdk.models.blocks import EmailInputElement, InputBlock
from slack_sdk.models.views import View

from handlers.block_kit import Rendered, context, modal, option, section, select_input, text_input
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
        text_input("name", "Name", c.name if c else None, max_length=200),
        InputBlock(
            block_id="email",
            label="Email",
            optional=True,
            hint="Calendar invites go here.",
            element=EmailInputElement(action_id="value", initial_value=(c.email or None) if c else None),
        ),
        text_input(
            "phone",
            "Phone",
            (c.phone or None) if c else None,
            optional=True,
            hint="For phone interviews: the interviewer calls this number, e.g. +44 20 7946 0000.",
            max_length=40,
        ),
        _role_input(roles, c),
        text_input(
            "timezone",
            "Candidate's time zone",
            c.timezone if c else default_tz,
            hint="An IANA name such as America/New_York.",
        ),
    ]


def _role_input(roles: list[RoleView], c: CandidateView | None) -> InputBlock:
    """The role select, preselecting the candidate's role (or the only role there is)."""
    ids = [str(r.id) for r in roles][:100]
    mine = str(c.role_id) if c else None
    selected = mine if mine in ids else (ids[0] if len(ids) == 1 else None)
    return select_input("role", "Role", [option(r.title, str(r.id)) for r in roles], selected)


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
    return text_input(
        block_id, label, initial_value, optional=True, hint=hint, max_length=3000, multiline=True
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
