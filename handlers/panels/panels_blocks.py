"""Block Kit for panels: the panel modal (stage select, interviewers per interview, shadows) and the
summary posted to the hiring channel."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    InputBlock,
    StaticSelectElement,
    UserMultiSelectElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from handlers.block_kit import Rendered, context, modal, option, section
from handlers.mrkdwn import esc, plain, user
from hiring.errors import DomainError
from hiring.panels.panels import PanelDraft
from hiring.panels.pools import kind_label
from hiring.roles.messages import PanelSummary

PANEL_MODAL = "panel_modal"
PANEL_STAGE = "panel_stage"
PANEL_COPY = (
    "panel_copy"  # action ids `panel_copy:previous`, `panel_copy:pool:<kind>`, `panel_copy:candidate`
)
MODAL_BLOCK_LIMIT = 100
MODES = {"online": "video", "onsite": "on-site"}


def _minutes(n: int) -> str:
    return f"{n} min" if n < 60 or n % 60 else f"{n // 60} h"


def _people(n: int) -> str:
    return "1 interviewer" if n == 1 else f"{n} interviewers"


def panel_modal(draft: PanelDraft, revision: int = 0) -> View:
    """The panel modal for one stage: a stage select (changing it redraws the modal), ways to fill
    it in one click (copy the previous stage's panel or another candidate's, a pool by rotation),
    one interviewer picker per interview (`iv:<key>`, pre-filled) and a shadow picker where
    allowed. `revision` changes the pickers' action ids so a refill replaces what Slack kept."""
    blocks: list[Any] = [
        section(f"*{esc(draft.candidate_name)}* · {esc(draft.role_title)}"),
        _stage_select(draft),
    ]
    if not draft.interviews:
        blocks.append(section(f"{esc(draft.stage_name)} has no interviews to staff; choose another stage."))
    elif not draft.editable:
        blocks.extend(_booked_panel_blocks(draft))
    else:
        blocks.extend(_copy_blocks(draft))
        blocks.extend(_panel_picker_blocks(draft, revision))
    if len(blocks) > MODAL_BLOCK_LIMIT:
        raise DomainError(
            f"{draft.stage_name} has too many interviews to fit one Slack modal; split the stage in the plan."
        )
    return modal(
        callback_id=PANEL_MODAL,
        title="Panel",
        blocks=blocks,
        submit="Save panel",  # Slack requires a submit button beside input blocks
        meta={"candidate_id": draft.candidate_id, "stage_key": draft.stage_key, "revision": revision},
    )


def _stage_select(draft: PanelDraft) -> InputBlock:
    """The stage select; choosing another stage redraws the modal."""
    stage_options = [option(name, key) for key, name in draft.stages][:100]
    current = next((o for o in stage_options if o.value == draft.stage_key), None)
    return InputBlock(
        block_id="stage",
        label="Stage",
        dispatch_action=True,
        element=StaticSelectElement(action_id=PANEL_STAGE, options=stage_options, initial_option=current),
    )


def _booked_panel_blocks(draft: PanelDraft) -> list[Any]:
    """A booked stage's panel, read-only, with a pointer to rescheduling."""
    blocks: list[Any] = [
        section(
            f"The {esc(draft.stage_name)} panel is already booked — use `/interview reschedule` to change it."
        )
    ]
    for iv in draft.interviews:
        people = ", ".join(user(u) for u in iv.interviewer_ids) or "nobody"
        shadow = f" (shadow {user(iv.shadow_id)})" if iv.shadow_id else ""
        blocks.append(section(f"• *{esc(iv.name)}* — {people}{shadow}"))
    return blocks


def _copy_blocks(draft: PanelDraft) -> list[Any]:
    """One-click fills: the previous stage's panel, another candidate's panel for this stage (a
    select), and each pool by fair rotation."""
    elements: list[Any] = []
    if draft.previous_stage:
        elements.append(
            ButtonElement(
                text=plain("Copy the previous stage", 75),
                action_id=f"{PANEL_COPY}:previous",
                value="previous",
            )
        )
    if draft.others:
        elements.append(
            StaticSelectElement(
                action_id=f"{PANEL_COPY}:candidate",
                placeholder=plain("Copy another candidate's", 150),
                options=[option(name, f"candidate:{cid}") for cid, name in draft.others[:100]],
            )
        )
    for kind in draft.pools[: 25 - len(elements)]:
        elements.append(
            ButtonElement(
                text=plain(f"Fill {kind_label(kind)} by rotation", 75),
                action_id=f"{PANEL_COPY}:pool:{kind}"[:255],
                value=f"pool:{kind}",
            )
        )
    blocks: list[Any] = [ActionsBlock(block_id="copy", elements=elements)] if elements else []
    if draft.filled:
        blocks.append(context(f"{esc(draft.filled)} Check the people, then save."))
    return blocks


def _panel_picker_blocks(draft: PanelDraft, revision: int = 0) -> list[Any]:
    """An editable stage: a note, then an interviewer picker (and shadow picker) per interview."""
    note = (
        "This stage's panel is saved; saving again replaces its interviewers."
        if draft.saved
        else "Suggested by fair rotation: the qualified pool members with the fewest recent interviews."
    )
    blocks: list[Any] = [context(note)]
    for iv in draft.interviews:
        # The action id carries the stage so Slack does not keep another stage's picks on redraw.
        blocks.append(
            InputBlock(
                block_id=f"iv:{iv.key}",
                label=plain(
                    f"{iv.name} · {_minutes(iv.duration_minutes)} · {MODES.get(iv.mode, iv.mode)} · "
                    f"choose {iv.count}",
                    2000,
                ),
                hint=plain(
                    f"{_people(iv.count)} from the {kind_label(iv.kind)} pools ({iv.qualified} qualified).",
                    2000,
                ),
                element=UserMultiSelectElement(
                    action_id=f"pick:{draft.stage_key}:{revision}",
                    initial_users=iv.interviewer_ids or None,
                    max_selected_items=max(iv.count, len(iv.interviewer_ids)),
                ),
            )
        )
        if iv.shadow_allowed:
            blocks.append(
                InputBlock(
                    block_id=f"sh:{iv.key}",
                    label=plain(f"Shadow for {iv.name}", 2000),
                    optional=True,
                    element=UserSelectElement(
                        action_id=f"shadow:{draft.stage_key}:{revision}", initial_user=iv.shadow_id
                    ),
                )
            )
    return blocks


def render_panel_summary(msg: PanelSummary) -> Rendered:
    verb = "updated" if msg.updated else "ready"
    lines = [
        f"*Panel {verb}* for *{esc(msg.candidate_name)}* ({esc(msg.role_title)}) — {esc(msg.stage_name)}"
    ]
    for iv in msg.interviews:
        people = ", ".join(user(u) for u in iv.interviewer_ids) or "nobody yet"
        shadows = f"; shadow {', '.join(user(u) for u in iv.shadow_ids)}" if iv.shadow_ids else ""
        lines.append(
            f"• *{esc(iv.title)}* · {_minutes(iv.duration_minutes)} · {MODES.get(iv.mode, iv.mode)} — "
            f"{people}{shadows}"
        )
    blocks = [
        section("\n".join(lines)),
        context(f"{'Changed' if msg.updated else 'Saved'} by {user(msg.created_by)}. Ready for booking."),
    ]
    return f"Panel {verb} for {esc(msg.candidate_name)}: {esc(msg.stage_name)}", blocks
