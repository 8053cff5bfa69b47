"""Block Kit for a person's interview limits: the modal and the App Home's button that opens it."""

from __future__ import annotations

from slack_sdk.models.blocks import ActionsBlock, ButtonElement
from slack_sdk.models.views import View

from handlers.block_kit import context, modal, number_input, section
from handlers.mrkdwn import plain, user
from hiring.people.limits import DEFAULT, MAX_DAILY, MAX_WEEKLY, OWN, POOL, LimitsView

LIMITS_MODAL = "limits_modal"
LIMITS_OPEN = "limits_open"

_SOURCES = {OWN: "set for this person", POOL: "from their interviewer pool", DEFAULT: "the workspace default"}
_FALLBACK = {POOL: "their pool's", DEFAULT: "the workspace default"}


def limits_button() -> ActionsBlock:
    """The App Home's "Set my interview limits" button."""
    return ActionsBlock(
        block_id="limits",
        elements=[ButtonElement(text=plain("Set my interview limits"), action_id=LIMITS_OPEN, value="me")],
    )


def _empty_hint(view: LimitsView, kind: str) -> str:
    """What an empty field falls back to: the pool's limit or the default (as it stands now)."""
    source = view.limits.daily_source if kind == "daily" else view.limits.weekly_source
    value = view.limits.daily if kind == "daily" else view.limits.weekly
    if source == OWN:
        return "Leave empty to go back to the pool's limit or the workspace default."
    return f"Leave empty to keep {_FALLBACK[source]} ({value})."


def limits_modal(view: LimitsView, *, own: bool) -> View:
    """The person's daily and weekly interview limits: the effective ones and where they come from,
    and inputs for their own (empty: the pool's or the default)."""
    whose = "Your" if own else f"{user(view.user_id)}'s"
    lim = view.limits
    blocks = [
        section(f"{whose} interview limits now:"),
        context(
            f"• {lim.daily} a day ({_SOURCES[lim.daily_source]})\n"
            f"• {lim.weekly} a week ({_SOURCES[lim.weekly_source]})"
        ),
        number_input(
            "daily_limit",
            "Interviews per day (at most)",
            MAX_DAILY,
            view.own_daily,
            optional=True,
            hint=_empty_hint(view, "daily"),
        ),
        number_input(
            "weekly_limit",
            "Interviews per week (at most)",
            MAX_WEEKLY,
            view.own_weekly,
            optional=True,
            hint=_empty_hint(view, "weekly"),
        ),
    ]
    return modal(
        callback_id=LIMITS_MODAL,
        title="Interview limits",
        blocks=blocks,
        submit="Save",
        meta={"user_id": view.user_id},
    )
