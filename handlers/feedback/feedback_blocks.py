"""Block Kit for feedback: the briefing DM, the scorecard request and receipt, the scorecard modal,
the list of scorecards someone owes and a candidate's stage feedback as the viewer may see it."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    HeaderBlock,
    InputBlock,
    PlainTextInputElement,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from handlers.block_kit import Rendered, call_text, context, modal, option, section, where_text
from handlers.mrkdwn import clip, esc, plain, user, when
from hiring.feedback.briefings import Briefing
from hiring.feedback.scorecards import (
    EVIDENCE_MIN_CHARS,
    RECOMMENDATIONS,
    TEXT_LIMIT,
    PendingScorecard,
    ScorecardEntry,
    ScorecardForm,
    ScorecardReceipt,
    ScorecardRequest,
    StageFeedback,
)
from hiring.panels.interview_info import Competency

SCORECARD_MODAL = "scorecard_modal"
SCORECARD_OPEN = "scorecard_open"
FEEDBACK_VIEW = "feedback_view"
FEEDBACK_MODAL = "feedback_modal"
PENDING_SHOWN = 20
ENTRIES_SHOWN = 40

_URL = re.compile(r"^https?://[^\s<>|]+$")


def clock_time(moment: datetime, tz: str) -> str:
    return f"{moment.astimezone(ZoneInfo(tz)):%H:%M}"


def linkify(text: str) -> str:
    """User text with its http(s) URLs as links and everything else escaped."""
    lines = []
    for line in text.splitlines():
        words = [f"<{w.replace('&', '&amp;')}>" if _URL.match(w) else esc(w) for w in line.split()]
        if words:
            lines.append(" ".join(words))
    return "\n".join(lines)


def feedback_value(candidate_id: int, stage_key: str) -> str:
    return f"{candidate_id}:{stage_key}"


def open_button(interview_id: int, label: str, *, primary: bool = True) -> ButtonElement:
    return ButtonElement(
        text=plain(label),
        action_id=SCORECARD_OPEN,
        value=str(interview_id),
        style="primary" if primary else None,
    )


# -- the briefing -----------------------------------------------------------------------------------
def render_briefing(msg: Briefing) -> Rendered:
    info = msg.info
    start = when(info.start_at, msg.tz, with_zone=False)
    where = where_text(
        info.mode,
        info.room,
        info.video_link,
        address=info.address,
        call=call_text(info.caller_id, info.candidate_name, info.candidate_phone),
    )
    blocks: list[Block] = [
        HeaderBlock(text=plain(f"Briefing: {info.title}", 150)),
        section(
            f"*{esc(info.candidate_name)}* for *{esc(info.role_title)}* — {esc(info.stage_name)}\n"
            f"*When:* {start}–{clock_time(msg.end_at, msg.tz)} ({msg.tz})\n"
            f"*Where:* {where}"
        ),
    ]
    if info.focus:
        blocks.append(section(f"*Focus:* {esc(info.focus)}"))
    if info.competencies:
        lines = [
            f"• *{esc(c.name)}*" + (f" — {esc(c.description)}" if c.description else "")
            for c in info.competencies
        ]
        blocks.append(
            section(f"*Competencies* (rated {info.scale_range} in the scorecard)\n" + "\n".join(lines))
        )
    blocks.append(_questions(msg))
    if msg.candidate_links.strip():
        blocks.append(section(f"*Links*\n{linkify(msg.candidate_links)}"))
    if msg.accommodations.strip():
        blocks.append(section(f"*Accommodations:* {esc(msg.accommodations)}"))
    if msg.private_accommodations.strip():
        blocks.append(
            section(
                "*Private accommodations* (you see them as the hiring manager or a recruiter; the "
                f"other interviewers do not): {esc(msg.private_accommodations)}"
            )
        )
    panel = ", ".join(user(u) for u in msg.interviewer_ids)
    shadows = f"; shadowing: {', '.join(user(u) for u in msg.shadow_ids)}" if msg.shadow_ids else ""
    blocks.append(context(f"Panel: {panel or 'nobody yet'}{shadows}. Times in {msg.tz}."))
    return f"Briefing: {esc(info.title)} with {esc(info.candidate_name)} at {start} ({msg.tz})", blocks


def _questions(msg: Briefing) -> Block:
    """The interviewer's own questions, or what a shadow does instead."""
    if msg.is_shadow:
        leads = ", ".join(user(u) for u in msg.interviewer_ids) or "the interviewer"
        return section(
            f"*You are shadowing* {leads}: observe, and afterwards submit a shadow scorecard "
            "(shown to the panel, never counted)."
        )
    if not msg.questions:
        return section(
            "*Your questions:* the question bank has none left for this interview; bring your own."
        )
    lines = [
        f"{n}. {esc(q.text)}" + (f" _({esc(q.competency)})_" if q.competency else "")
        for n, q in enumerate(msg.questions, 1)
    ]
    return section("*Your questions* (no one else on this candidate's loop has these)\n" + "\n".join(lines))


# -- request and receipt ----------------------------------------------------------------------------
def render_scorecard_request(msg: ScorecardRequest) -> Rendered:
    info = msg.info
    kind = "shadow scorecard" if msg.is_shadow else "scorecard"
    where = esc(info.role_title) + (f", {esc(info.stage_name)}" if info.stage_name != info.title else "")
    text = (
        f"Your interview *{esc(info.title)}* with *{esc(info.candidate_name)}* ({where}) has ended. "
        f"Please submit your {kind} by *{when(msg.due_at, msg.tz)}*."
    )
    label = "Continue your draft" if msg.has_draft else f"Submit {kind}"
    blocks: list[Block] = [
        section(text),
        ActionsBlock(block_id="scorecard", elements=[open_button(info.interview_id, label)]),
        context(
            "Other people's feedback on this candidate stays hidden from you until yours is in."
            + (" Shadow scorecards are shown to the panel but not counted." if msg.is_shadow else "")
        ),
    ]
    return f"Please submit your {kind} for {esc(info.title)} with {esc(info.candidate_name)}", blocks


def render_scorecard_receipt(msg: ScorecardReceipt) -> Rendered:
    kind = "shadow scorecard" if msg.is_shadow else "scorecard"
    verb = "updated" if msg.edited else "in"
    text = f"Thanks — your {kind} for *{esc(msg.title)}* with *{esc(msg.candidate_name)}* is {verb}."
    blocks: list[Block] = [
        section(text),
        ActionsBlock(
            block_id="receipt",
            elements=[
                open_button(msg.interview_id, "Edit scorecard", primary=False),
                ButtonElement(
                    text="See the panel's feedback",
                    action_id=FEEDBACK_VIEW,
                    value=feedback_value(msg.candidate_id, msg.stage_key),
                ),
            ],
        ),
        context("You can edit it until the hiring manager records the decision on this stage."),
    ]
    return f"Your {kind} for {esc(msg.title)} is {verb}", blocks


# -- the scorecard modal ----------------------------------------------------------------------------
def scorecard_modal(form: ScorecardForm) -> View:
    """Ratings per competency on the plan's scale, a recommendation, evidence and a private note;
    prefilled with the draft (or the submitted scorecard, when editing)."""
    blocks: list[Block] = [
        *scorecard_intro(form),
        *(rating_input(form, c) for c in form.info.competencies),
        recommendation_input(form),
        *text_inputs(form),
    ]
    return modal(
        callback_id=SCORECARD_MODAL,
        title="Shadow scorecard" if form.is_shadow else "Scorecard",
        blocks=blocks,
        submit="Save changes" if form.status == "submitted" else "Submit",
        meta={"interview_id": form.info.interview_id},
        notify_on_close=True,
    )


def scorecard_intro(form: ScorecardForm) -> list[Block]:
    """The interview the scorecard is for, and what state the scorecard is in."""
    info = form.info
    ended = when(info.end_at, form.tz) if info.end_at else "not booked"
    intro = (
        f"*{esc(info.title)}* with *{esc(info.candidate_name)}*\n"
        f"{esc(info.role_title)} — {esc(info.stage_name)} · ended {ended}"
    )
    notes = []
    if form.is_shadow:
        notes.append("This is a *shadow* scorecard: the panel sees it, the decision does not count it.")
    if form.status == "submitted" and form.submitted_at:
        notes.append(
            f"Submitted {when(form.submitted_at, form.tz)}; you can edit it until the decision is recorded."
        )
    elif form.status == "draft":
        notes.append("Your draft was saved when you closed this form.")
    notes.append("Closing this form keeps a draft. Others' feedback stays hidden from you until yours is in.")
    return [section(intro), context(" ".join(notes))]


def rating_input(form: ScorecardForm, c: Competency) -> InputBlock:
    """A select of the scale's points for one competency."""
    info = form.info
    options = [option(p.label, str(p.value)) for p in info.scale]
    initial = next((o for o in options if o.value == str(form.ratings.get(c.key))), None)
    return InputBlock(
        block_id=f"c:{c.key}",
        label=plain(c.name, 2000),
        hint=plain(c.description, 2000) if c.description else None,
        element=StaticSelectElement(
            action_id="value",
            placeholder=plain(f"Rate {info.scale_range}"),
            options=options,
            initial_option=initial,
        ),
    )


def recommendation_input(form: ScorecardForm) -> InputBlock:
    options = [option(label, key) for key, label in RECOMMENDATIONS.items()]
    return InputBlock(
        block_id="recommendation",
        label="Overall recommendation",
        element=StaticSelectElement(
            action_id="value",
            placeholder="Choose",
            options=options,
            initial_option=next((o for o in options if o.value == form.recommendation), None),
        ),
    )


def text_inputs(form: ScorecardForm) -> list[Block]:
    """The evidence and the private note to the hiring manager."""
    return [
        InputBlock(
            block_id="evidence",
            label="Evidence",
            hint=f"At least {EVIDENCE_MIN_CHARS} characters: what the candidate said or did that supports "
            "your ratings.",
            element=PlainTextInputElement(
                action_id="value", multiline=True, max_length=TEXT_LIMIT, initial_value=form.evidence or None
            ),
        ),
        InputBlock(
            block_id="private_note",
            label="Private note to the hiring manager",
            optional=True,
            hint="Only the hiring manager sees this.",
            element=PlainTextInputElement(
                action_id="value",
                multiline=True,
                max_length=TEXT_LIMIT,
                initial_value=form.private_note or None,
            ),
        ),
    ]


# -- what I owe -------------------------------------------------------------------------------------
def pending_item(p: PendingScorecard, tz: str) -> Block:
    late = " · :warning: *late*" if p.late else ""
    draft = " · draft saved" if p.has_draft else ""
    shadow = " (shadow)" if p.is_shadow else ""
    label = (
        "Continue draft"
        if p.has_draft
        else ("Submit shadow scorecard" if p.is_shadow else "Submit scorecard")
    )
    block = section(
        f"*{esc(p.title)}*{shadow} with {esc(p.candidate_name)} — {esc(p.role_title)}\n"
        f"Ended {when(p.ended_at, tz, with_zone=False)} · due {when(p.due_at, tz, with_zone=False)}{late}{draft}"
    )
    block.accessory = open_button(p.interview_id, label)
    return block


def pending_blocks(pending: list[PendingScorecard], tz: str) -> Rendered:
    """`/interview feedback`: the scorecards I owe, each with its button."""
    if not pending:
        text = "You're all caught up: no scorecards to submit."
        return text, [section(text)]
    late = sum(1 for p in pending if p.late)
    head = f"*Scorecards you owe:* {len(pending)}" + (f" ({late} late)" if late else "")
    blocks: list[Block] = [section(head)]
    blocks.extend(pending_item(p, tz) for p in pending[:PENDING_SHOWN])
    if len(pending) > PENDING_SHOWN:
        blocks.append(context(f"…and {len(pending) - PENDING_SHOWN} more in the Loopbot App Home tab."))
    blocks.append(context(f"Times in {tz}."))
    return f"You owe {len(pending)} scorecard(s)", blocks


# -- a candidate's stage feedback -------------------------------------------------------------------
def entry_block(e: ScorecardEntry, tz: str) -> Block:
    shadow = " · shadow, not counted" if e.is_shadow else ""
    head = f"{user(e.author_id)} — *{esc(e.interview_title)}*{shadow}"
    if not e.visible:
        return section(f"{head}\n{esc(e.reason or 'Hidden.')}")
    status = (
        f"submitted {when(e.submitted_at, tz, with_zone=False)}"
        if e.status == "submitted" and e.submitted_at
        else "draft (only you see it)"
    )
    lines = [f"{head} · {status}"]
    if e.recommendation:
        lines.append(f"*Recommendation:* {RECOMMENDATIONS.get(e.recommendation, e.recommendation)}")
    lines.extend(f"• {esc(name)}: {esc(label)}" for name, label in e.ratings)
    if e.evidence:
        lines.append(f"*Evidence:* {esc(e.evidence)}")
    if e.private_note:
        lines.append(f"*Private note to the hiring manager:* {esc(e.private_note)}")
    return section(clip("\n".join(lines)))


def feedback_blocks(fb: StageFeedback, tz: str) -> Rendered:
    """A candidate's stage feedback, as much as the viewer may see."""
    title = f"{esc(fb.candidate_name)} — {esc(fb.stage_name)} ({esc(fb.role_title)})"
    if fb.viewer == "outsider":
        return fb.reason or "Hidden.", [section(esc(fb.reason or "Hidden."))]
    status = f"{fb.submitted} of {fb.expected} scorecards in" + (" · decision recorded" if fb.decided else "")
    blocks: list[Block] = [section(f"*{title}*\n{status}")]
    if fb.reason:
        blocks.append(context(f":lock: {esc(fb.reason)}"))
    blocks.extend(entry_block(e, tz) for e in fb.entries[:ENTRIES_SHOWN])
    if len(fb.entries) > ENTRIES_SHOWN:
        blocks.append(context(f"…and {len(fb.entries) - ENTRIES_SHOWN} more."))
    blocks.append(context(f"Times in {tz}. Shadow scorecards are shown but never counted."))
    return f"Feedback for {esc(fb.candidate_name)} — {esc(fb.stage_name)}", blocks


def feedback_modal(fb: StageFeedback, tz: str) -> View:
    _, blocks = feedback_blocks(fb, tz)
    return modal(callback_id=FEEDBACK_MODAL, title="Feedback", blocks=blocks, submit=None)
