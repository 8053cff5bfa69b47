"""Block Kit for scheduling: the availability modal, the options modal (times in the viewer's and the
candidate's time zones), confirmations, the cancel modal, busy blocks, and the notices about
bookings, moves, cancellations and declines."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.blocks.basic_components import DispatchActionConfig
from slack_sdk.models.views import View

from handlers.block_kit import Rendered, call_text, context, loading, message_view, modal, section, where_text
from handlers.mrkdwn import clip, esc, user
from hiring.scheduling.availability import MAX_TEXT, AvailabilityDraft, Understood
from hiring.scheduling.booking import (
    BookingResult,
    CancelPreview,
    ScheduleOption,
    ScheduleOptions,
)
from hiring.scheduling.busy import BusyView
from hiring.scheduling.messages import (
    DeclineNotice,
    InterviewNotice,
    LoopNotice,
    ReplacementNotice,
    SlotLine,
)

AVAILABILITY_MODAL = "availability_modal"
AVAILABILITY_FIELD = "when"
AVAILABILITY_TEXT = "availability_text"
SCHEDULE_VIEW = "schedule_options"
BOOK_OPTION = "book_option"
CANCEL_VIEW = "cancel_loop_view"
CANCEL_LOOP = "cancel_loop"
BUSY_REMOVE = "busy_remove"
REPLACE_INTERVIEWER = "replace_interviewer"
DECLINE_INTERVIEW = "decline_interview"
MODES = {"online": "video", "onsite": "on-site"}


# -- time --------------------------------------------------------------------------------------------


def day_text(moment: datetime, tz: str) -> str:
    local = moment.astimezone(ZoneInfo(tz))
    return f"{local:%a} {local.day} {local:%b}"


def span_text(start: datetime, end: datetime, tz: str, *, with_day: bool = True) -> str:
    """`Tue 24 Nov 10:00–11:00` in `tz` (the end's day added when it differs)."""
    zone = ZoneInfo(tz)
    a, b = start.astimezone(zone), end.astimezone(zone)
    head = f"{day_text(start, tz)} " if with_day else ""
    tail = f"{b:%H:%M}" if a.date() == b.date() else f"{day_text(end, tz)} {b:%H:%M}"
    return f"{head}{a:%H:%M}–{tail}"


def _zone_name(tz: str) -> str:
    return esc(tz.replace("_", " "))


def _people(interviewers: Sequence[str], shadows: Sequence[str] = ()) -> str:
    text = ", ".join(user(u) for u in interviewers) or "nobody"
    if shadows:
        text += f"; shadow {', '.join(user(u) for u in shadows)}"
    return text


# -- availability ----------------------------------------------------------------------------------


def text_key(text: str) -> str:
    """A short fingerprint of the availability text last previewed (kept in private_metadata)."""
    return hashlib.sha256(text.strip().encode()).hexdigest()[:16]


def availability_modal(
    draft: AvailabilityDraft, text: str | None = None, understood: Understood | None = None
) -> View:
    """One field in the availability grammar ("Mon–Wed 9–12, Thu after 14:00"), pre-filled with the
    stored windows, and below it what Loopbot understood: the stored windows when nothing was typed
    yet, else the preview of `text` (or why it was not understood). Saving an unpreviewed text shows
    its preview first."""
    typed = draft.text if text is None else text
    blocks: list[Any] = [
        section(f"*{esc(draft.candidate_name)}* · {esc(draft.role_title)}"),
        InputBlock(
            block_id=AVAILABILITY_FIELD,
            label="When can they interview?",
            dispatch_action=True,
            hint=PlainTextObject(
                text="Days then times, parts separated by commas: Mon–Wed 9–12, Thu after 14:00; 12 Jan "
                "9:30–11; weekdays morning; next Mon afternoon. Press Enter to preview."
            ),
            element=PlainTextInputElement(
                action_id=AVAILABILITY_TEXT,
                initial_value=typed or None,
                max_length=MAX_TEXT,
                placeholder="Mon–Wed 9–12, Thu after 14:00",
                dispatch_action_config=DispatchActionConfig(trigger_actions_on=["on_enter_pressed"]),
            ),
        ),
        context(
            f"Times in the candidate's time zone, *{_zone_name(draft.timezone)}*. Saving replaces the windows."
        ),
    ]
    if understood is None:
        lines = [f"• {w.day:%a} {w.day.day} {w.day:%b} {w.start:%H:%M}–{w.end:%H:%M}" for w in draft.windows]
        head = "*Saved now*" if lines else "*Saved now:* no windows yet."
    elif understood.error:
        head, lines = f":warning: {esc(understood.error)}", []
    else:
        lines = [f"• {span_text(start, end, draft.timezone)}" for start, end in understood.windows]
        head = f"*What I understood* ({len(lines)} window{'s' if len(lines) != 1 else ''}) — Save to keep it:"
    blocks.append(section("\n".join([head, *lines])))
    return modal(
        callback_id=AVAILABILITY_MODAL,
        title="Availability",
        blocks=blocks,
        submit="Save",
        meta={
            "candidate_id": draft.candidate_id,
            "previewed": text_key(typed) if understood is None or not understood.error else "",
        },
    )


# -- options ---------------------------------------------------------------------------------------


def _slot_line(slot: SlotLine, viewer_tz: str, candidate_tz: str) -> str:
    """`• *Coding* Tue 24 Nov 10:00–11:00 (05:00–06:00 for the candidate) — @Sam · video`."""
    mine = span_text(slot.start, slot.end, viewer_tz)
    seen, told = slot.start.astimezone(ZoneInfo(viewer_tz)), slot.start.astimezone(ZoneInfo(candidate_tz))
    local = span_text(slot.start, slot.end, candidate_tz, with_day=seen.date() != told.date())
    theirs = "" if seen.utcoffset() == told.utcoffset() else f" ({local} for the candidate)"
    where = where_text(slot.mode, slot.room, slot.video_link)
    return (
        f"• *{esc(slot.title)}* {mine}{theirs} — {_people(slot.interviewer_ids, slot.shadow_ids)} · {where}"
    )


def options_view(options: ScheduleOptions, rooms: Sequence[str], *, note: str | None = None) -> View:
    """The schedule modal: up to five options, each with its times in the viewer's and the
    candidate's time zones, interviewers, room or video, the reason, and a button to book it."""
    o = options
    title = "Reschedule" if o.moving else "Schedule"
    blocks: list[Any] = [
        section(
            f"*{esc(o.candidate_name)}* · {esc(o.role_title)} — {esc(o.stage_name)}\n"
            f"Times in your time zone ({_zone_name(o.viewer_tz)}), then the candidate's "
            f"({_zone_name(o.candidate_tz)})."
        )
    ]
    if note:
        blocks.append(section(f":warning: {note}"))
    if o.current:
        lines = [_slot_line(s, o.viewer_tz, o.candidate_tz) for s in o.current]
        blocks.append(section("*Booked now*\n" + "\n".join(lines)))
    for extra in o.notes:
        blocks.append(context(extra))
    if not o.options:
        reason = o.blocked or "Nothing fits."
        blocks.append(SectionBlock(text=PlainTextObject(text=clip(f"Nothing fits. {reason}"), emoji=False)))
        blocks.extend(_nearest_blocks(o, rooms))
    for option in o.options:
        blocks.append(_option_section(o, option, rooms, "option", f"Option {option.index + 1}"))
        blocks.append(
            ContextBlock(
                elements=[PlainTextObject(text=clip(option.reason or "A good fit.", 2000), emoji=False)]
            )
        )
    return modal(
        callback_id=SCHEDULE_VIEW,
        title=title,
        blocks=blocks,
        submit=None,
        meta={"candidate_id": o.candidate_id, "panel_id": o.panel_id, "moving": o.moving},
    )


def _nearest_blocks(o: ScheduleOptions, rooms: Sequence[str]) -> list[Any]:
    """The nearest options when nothing fits: each labelled with the one rule it relaxes, with a
    button that books it (the relaxation holds for this booking only)."""
    if not o.nearest:
        return []
    blocks: list[Any] = [section("*Nearest options*, each relaxing one rule for this booking only:")]
    for option in o.nearest:
        label = f"{option.reason[0].upper()}{option.reason[1:]}"
        blocks.append(_option_section(o, option, rooms, "relaxed", label))
    return blocks


def _option_section(
    o: ScheduleOptions, option: ScheduleOption, rooms: Sequence[str], kind: str, label: str
) -> SectionBlock:
    """One option: `label` and its day, a line per interview, and a button that books it (block id
    `kind:index`; the first of the ranked options is the primary one)."""
    lines = [f"*{label}* · {day_text(option.slots[0].start, o.viewer_tz)}"]
    lines.extend(_slot_line(s, o.viewer_tz, o.candidate_tz) for s in option.slots)
    return SectionBlock(
        block_id=f"{kind}:{option.index}",
        text=MarkdownTextObject(text=clip("\n".join(lines))),
        accessory=ButtonElement(
            text="Move here" if o.moving else "Book this",
            action_id=BOOK_OPTION,
            value=option.choice.encode(rooms),
            style="primary" if kind == "option" and option.index == 0 else None,
        ),
    )


def working_view(moving: bool) -> View:
    return loading("Reschedule" if moving else "Schedule", "Writing the calendar events…")


def problem_view(title: str, message: str) -> View:
    return message_view(title, f":warning: {message}")


def booked_view(result: BookingResult, viewer_tz: str) -> View:
    """The confirmation once the whole loop is booked (or moved)."""
    verb = "Moved" if result.moved else "Booked"
    lines = [f"*{verb}* · *{esc(result.candidate_name)}* — {esc(result.stage_name)}"]
    lines.extend(_slot_line(s, viewer_tz, result.candidate_tz) for s in result.slots)
    blocks: list[Any] = [section("\n".join(lines))]
    told = "The hiring channel and each interviewer have been told."
    if result.candidate_invited and not result.invite_urls:
        told += " The candidate got the calendar invitations."
    blocks.append(context(told))
    if not result.candidate_invited:
        blocks.append(
            section(
                ":warning: The candidate has no email address, so no invitation went to them. Add one with "
                "`/interview candidate` and reschedule, or send them the times yourself."
            )
        )
    if result.invite_urls:
        links = ", ".join(
            f"<{url}|{esc(slot.title)}>" for url, slot in zip(result.invite_urls, result.slots, strict=False)
        )
        blocks.append(
            section(
                f"The built-in calendar sends no email: send the candidate their invitations (.ics): {links}"
            )
        )
    if result.dropped_shadows:
        blocks.append(context(f"Not free then, so not shadowing: {_people(result.dropped_shadows)}"))
    return modal(
        callback_id="notice", title="Reschedule" if result.moved else "Schedule", blocks=blocks, submit=None
    )


# -- cancelling ------------------------------------------------------------------------------------


def cancel_view(preview: CancelPreview, viewer_tz: str) -> View:
    """Confirm cancelling the booked loop (a button, so the outcome shows in the modal)."""
    lines = [f"Cancel *{esc(preview.candidate_name)}*'s {esc(preview.stage_name)}?"]
    lines.extend(
        f"• *{esc(s.title)}* {span_text(s.start, s.end, viewer_tz)} — {_people(s.interviewer_ids, s.shadow_ids)}"
        for s in preview.slots
    )
    blocks = [
        section("\n".join(lines)),
        context("Every calendar event is cancelled; the interviewers and the hiring channel are told."),
        ActionsBlock(
            block_id="confirm",
            elements=[
                ButtonElement(
                    text="Cancel the interviews",
                    action_id=CANCEL_LOOP,
                    value=f"{preview.candidate_id}:{preview.panel_id}",
                    style="danger",
                )
            ],
        ),
    ]
    return View(
        type="modal",
        callback_id=CANCEL_VIEW,
        title=PlainTextObject(text="Cancel interviews"),
        close=PlainTextObject(text="Keep them"),
        blocks=blocks,
        private_metadata="",
    )


def cancelled_view(candidate_name: str) -> View:
    return message_view(
        "Cancel interviews",
        f"*Cancelled.* {esc(candidate_name)}'s interviews are off every calendar; the interviewers "
        "and the hiring channel have been told.",
    )


# -- busy blocks -----------------------------------------------------------------------------------


def busy_blocks(items: Sequence[BusyView], *, added: BusyView | None = None) -> list[Any]:
    """Your busy time in the built-in calendar, each with a "Remove" button."""
    blocks: list[Any] = []
    if added is not None:
        blocks.append(
            section(
                f"Marked busy: {span_text(added.start, added.end, added.tz)} ({_zone_name(added.tz)}) — "
                f"{esc(added.label)}. Options will keep clear of it."
            )
        )
    if not items:
        blocks.append(
            section(
                "You have no busy time marked. Add some with `/interview busy 2026-11-24 09:00-12:30 dentist`."
            )
        )
        return blocks
    blocks.append(section(f"*Your busy time* ({_zone_name(items[0].tz)})"))
    for item in items[:45]:
        blocks.append(
            SectionBlock(
                block_id=f"busy:{item.id}",
                text=MarkdownTextObject(
                    text=clip(f"{span_text(item.start, item.end, item.tz)} — {esc(item.label)}")
                ),
                accessory=ButtonElement(text="Remove", action_id=BUSY_REMOVE, value=str(item.id)),
            )
        )
    return blocks


# -- notices ---------------------------------------------------------------------------------------

LOOP_HEADS = {"booked": "Loop booked", "moved": "Loop moved", "cancelled": "Loop cancelled"}


def render_loop_notice(msg: LoopNotice) -> Rendered:
    head = LOOP_HEADS.get(msg.kind, "Loop changed")
    lines = [f"*{head}* for *{esc(msg.candidate_name)}* ({esc(msg.role_title)}) — {esc(msg.stage_name)}"]
    for s in msg.slots:
        was = ""
        if s.previous_start is not None and s.previous_start != s.start:
            was = f" (was {day_text(s.previous_start, msg.tz)} {s.previous_start.astimezone(ZoneInfo(msg.tz)):%H:%M})"
        call = call_text(s.interviewer_ids[0] if s.interviewer_ids else None, msg.candidate_name, None)
        where = (
            ""
            if msg.kind == "cancelled"
            else f" · {where_text(s.mode, s.room, address=s.address, call=call)}"
        )
        lines.append(
            f"• *{esc(s.title)}* {span_text(s.start, s.end, msg.tz)}{was} — "
            f"{_people(s.interviewer_ids, s.shadow_ids)}{where}"
        )
    verb = {"booked": "Booked", "moved": "Moved", "cancelled": "Cancelled"}.get(msg.kind, "Changed")
    note = f"{verb} by {user(msg.by)}. Times in {_zone_name(msg.tz)}."
    if msg.kind != "cancelled" and not msg.candidate_invited:
        note += " The candidate has no email address, so they got no invitation."
    blocks = [section("\n".join(lines)), context(note)]
    return f"{head} for {esc(msg.candidate_name)}: {esc(msg.stage_name)}", blocks


def _interview_head(msg: InterviewNotice) -> str:
    role = "shadowing" if msg.is_shadow else "interviewing"
    name, title = esc(msg.candidate_name), esc(msg.title)
    return {
        "booked": f"You're {role} *{name}*: *{title}*",
        "moved": f"*Moved:* your *{title}* with *{name}*",
        "cancelled": f"*Cancelled:* your *{title}* with *{name}*",
        "added": f"You're now interviewing *{name}*: *{title}*, in place of someone who can't make it",
        "removed": f"You're off *{title}* with *{name}*; someone else takes it. Thanks for saying so.",
    }.get(msg.kind, f"*{title}* with *{name}* changed")


def render_interview_notice(msg: InterviewNotice) -> Rendered:
    lines = [_interview_head(msg), f"{esc(msg.stage_name)} · {esc(msg.role_title)}"]
    when_text = f"{span_text(msg.start, msg.end, msg.tz)} ({_zone_name(msg.tz)})"
    if msg.kind == "moved" and msg.previous_start is not None:
        lines.append(
            f"*When:* {when_text}, was {day_text(msg.previous_start, msg.tz)} "
            f"{msg.previous_start.astimezone(ZoneInfo(msg.tz)):%H:%M}"
        )
    else:
        lines.append(f"*When:* {when_text}")
    if msg.kind not in ("cancelled", "removed"):
        call = call_text(msg.caller_id, msg.candidate_name, msg.phone)
        lines.append(
            f"*Where:* {where_text(msg.mode, msg.room, msg.video_link, address=msg.address, call=call)}"
        )
        if msg.colleague_ids:
            lines.append(f"*With:* {_people(msg.colleague_ids)}")
    if msg.ics_url:
        label = "Updated invitation" if msg.kind in ("moved", "cancelled") else "Add to your calendar"
        lines.append(f"<{msg.ics_url}|{label} (.ics)>")
    blocks: list[Any] = [section("\n".join(lines))]
    if msg.kind in ("booked", "moved", "added"):
        blocks.append(context("You'll get a briefing before it starts."))
    if msg.can_decline:
        button = ButtonElement(text="Can't make it", action_id=DECLINE_INTERVIEW, value=str(msg.interview_id))
        blocks.append(ActionsBlock(block_id="decline", elements=[button]))
    fallback = f"{esc(msg.title)} with {esc(msg.candidate_name)}: {span_text(msg.start, msg.end, msg.tz)}"
    return fallback, blocks


def render_decline_notice(msg: DeclineNotice) -> Rendered:
    when_text = f"{span_text(msg.start, msg.end, msg.tz)} ({_zone_name(msg.tz)})"
    lines = [
        f"{user(msg.declined_by)} declined *{esc(msg.title)}* with *{esc(msg.candidate_name)}* "
        f"({esc(msg.role_title)}), {when_text}."
    ]
    after: list[Any] = []
    if msg.resolved_with:
        lines.append(
            f"Replaced by {user(msg.resolved_with)} (by {user(msg.resolved_by)}); the invitation is updated."
        )
    elif msg.replacement_id:
        lines.append(
            f"Proposed from the same pool: {user(msg.replacement_id)}, free then and next in the fair rotation."
        )
        button = ButtonElement(
            text="Replace interviewer",
            action_id=REPLACE_INTERVIEWER,
            value=f"{msg.seat_id}:{msg.replacement_id}",
            style="primary",
        )
        after = [
            ActionsBlock(block_id="replace", elements=[button]),
            context("Or move the whole loop with `/interview reschedule`."),
        ]
    else:
        lines.append(msg.note or "Nobody else in the pool is free then.")
    blocks = [section("\n".join(lines)), *after]
    return f"An interviewer declined {esc(msg.title)} with {esc(msg.candidate_name)}", blocks


def render_replacement_notice(msg: ReplacementNotice) -> Rendered:
    text = (
        f"{user(msg.new_id)} replaces {user(msg.old_id)} on *{esc(msg.title)}* with *{esc(msg.candidate_name)}*, "
        f"{day_text(msg.start, msg.tz)} {msg.start.astimezone(ZoneInfo(msg.tz)):%H:%M} ({_zone_name(msg.tz)})."
    )
    return f"Interviewer replaced for {esc(msg.candidate_name)}", [
        section(text),
        context(f"Changed by {user(msg.by)}."),
    ]
