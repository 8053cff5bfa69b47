"""Block Kit for debriefs and decisions: the debrief (with its decision buttons), the pivot modal,
the messages a pivot sends, and interviewer calibration."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    DividerBlock,
    HeaderBlock,
    InputBlock,
    PlainTextInputElement,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from handlers.block_kit import Rendered, context, modal, option, section
from handlers.mrkdwn import clip, esc, plain, user, when
from hiring.decisions.debriefs import (
    MAX_CARDS_SHOWN,
    CardLine,
    Debrief,
    DebriefComplete,
    DecisionLine,
    DecisionOptions,
    Summary,
)
from hiring.decisions.decisions import PivotArrival, PivotChoice, PivotNotice, Recorded
from hiring.feedback.calibration import Calibration
from hiring.feedback.scorecards import RECOMMENDATIONS

ADVANCE = "decision_advance"
REJECT = "decision_reject"
HOLD = "decision_hold"
OFFER = "decision_offer"
PIVOT = "decision_pivot"
PIVOT_MODAL = "pivot_modal"
ACTIONS = {ADVANCE: "advance", REJECT: "reject", HOLD: "hold", OFFER: "offer"}

RECOMMENDATION_EMOJI = {
    "strong_yes": ":star-struck:",
    "yes": ":thumbsup:",
    "no": ":thumbsdown:",
    "strong_no": ":no_entry:",
}
FLAG_EMOJI = {"split": ":scales:", "missing": ":hourglass:", "outlier": ":mag:", "quorum": ":stopwatch:"}


def recommendation_text(recommendation: str | None) -> str:
    if recommendation not in RECOMMENDATIONS:
        return "no recommendation"
    return f"{RECOMMENDATION_EMOJI[recommendation]} {RECOMMENDATIONS[recommendation]}"


def quote(text: str) -> str:
    """User text as a mrkdwn block quote (escaped)."""
    return "\n".join("> " + esc(line) for line in text.splitlines() or [""])


def confirmation(title: str, text: str, confirm: str) -> ConfirmObject:
    """The dialog Slack shows before a button with consequences does anything."""
    return ConfirmObject(title=title, text=text, confirm=confirm, deny="Cancel")


def decision_text(line: DecisionLine, tz: str) -> str:
    """`Advanced to *On-site* by @Hana · Tue 24 Nov 10:00 (Europe/London)`."""
    what = {
        "advance": f"Advanced to {esc(line.next_stage_name)}" if line.next_stage_name else "Advanced",
        "reject": "Rejected",
        "hold": "Put on hold",
        "offer": "Offer approved",
        "pivot": f"Pivoted to {esc(line.target_role_title)}" if line.target_role_title else "Pivoted",
    }.get(line.outcome, esc(line.outcome))
    emoji = {
        "advance": ":arrow_forward:",
        "reject": ":x:",
        "hold": ":double_vertical_bar:",
        "offer": ":tada:",
    }
    text = (
        f"{emoji.get(line.outcome, ':twisted_rightwards_arrows:')} *{what}* after the {esc(line.stage_name)}"
    )
    text += f" by {user(line.decided_by)} · {when(line.decided_at, tz)}"
    if line.note:
        text += "\n" + quote(line.note)
    return text


def decision_buttons(options: DecisionOptions) -> ActionsBlock:
    """Advance (or make an offer on the last stage), hold, pivot and reject; values carry the stage."""
    value = options.value
    if options.next_stage_name:
        advance = plain(f"Advance to {options.next_stage_name}")
        first = ButtonElement(text=advance, action_id=ADVANCE, value=value, style="primary")
    else:
        offer = confirmation(
            "Make an offer?",
            "This records the decision to make an offer and drafts the candidate's feedback report.",
            "Make an offer",
        )
        first = ButtonElement(
            text="Make an offer", action_id=OFFER, value=value, style="primary", confirm=offer
        )
    reject = confirmation(
        "Reject the candidate?",
        "This records the rejection and drafts a feedback report for the recruiter to send.",
        "Reject",
    )
    buttons = [
        first,
        *([] if options.on_hold else [ButtonElement(text="Hold", action_id=HOLD, value=value)]),
        ButtonElement(text="Pivot to another role", action_id=PIVOT, value=value),
        ButtonElement(text="Reject", action_id=REJECT, value=value, style="danger", confirm=reject),
    ]
    return ActionsBlock(block_id="decision", elements=buttons)


def card_text(card: CardLine) -> str:
    who = f"{user(card.author_id)}" + (
        " _(shadow, not counted)_" if card.is_shadow or not card.counted else ""
    )
    ratings = (
        " · ".join(f"{esc(r.competency)} *{r.value}*/{r.scale_max}" for r in card.ratings) or "no ratings"
    )
    text = f"*{esc(card.interview_title)}* — {who} · {recommendation_text(card.recommendation)}\n{ratings}"
    if card.evidence:
        text += "\n" + quote(card.evidence)
    return text


def summary_blocks(summary: Summary, *, limit: int = MAX_CARDS_SHOWN) -> list[Block]:
    """Per-card sections, the aggregate and the strongest evidence for and against."""
    blocks: list[Block] = [section(card_text(c)) for c in summary.cards[:limit]]
    if len(summary.cards) > limit:
        blocks.append(context(f"…and {len(summary.cards) - limit} more scorecards."))
    if summary.competencies:
        lines = ["*Aggregate*"]
        for c in summary.competencies:
            spread = f"{c.low}–{c.high}" if c.low != c.high else f"all {c.low}"
            lines.append(
                f"• {esc(c.label)}: *{c.mean:.1f}* of {c.scale_max} ({spread}, {c.count} rating{'s' if c.count != 1 else ''})"
            )
        blocks.append(section("\n".join(lines)))
    evidence = [
        f"*Strongest evidence {side}* ({user(e.author_id)}, {esc(e.interview_title)})\n{quote(e.text)}"
        for side, e in (("for", summary.evidence_for), ("against", summary.evidence_against))
        if e is not None
    ]
    if evidence:
        blocks.append(section("\n".join(evidence)))
    return blocks


def flag_lines(summary: Summary) -> list[str]:
    lines = []
    for flag in summary.flags:
        who = ", ".join(user(u) for u in flag.user_ids)
        emoji = FLAG_EMOJI.get(flag.kind, ":warning:")
        if flag.kind == "outlier":
            lines.append(f"{emoji} {who} {esc(flag.text)}")
        elif who:
            lines.append(f"{emoji} {esc(flag.text)}: {who}")
        else:
            lines.append(f"{emoji} {esc(flag.text)}")
    return lines


def tally(summary: Summary) -> str:
    if not summary.recommendations:
        return "no recommendations yet"
    return " · ".join(f"{n} {RECOMMENDATIONS[r].lower()}" for r, n in summary.recommendations)


def render_debrief(msg: Debrief) -> Rendered:
    name, stage = esc(msg.candidate_name), esc(msg.stage_name)
    title = f"Decide: {msg.candidate_name}" if msg.prompt else f"Debrief: {msg.candidate_name}"
    blocks: list[Block] = [HeaderBlock(text=plain(f"{title} — {msg.stage_name}", 150))]
    if msg.expected:
        progress = f"{msg.counted} of {msg.expected} scorecard{'s' if msg.expected != 1 else ''} in"
    else:
        progress = "no interviews at this stage"
    lines = [f"*{esc(msg.role_title)}* · {stage} · {progress}"]
    if msg.summary.verdict and not msg.hidden:
        lines.append(f"Panel leaning: *{esc(msg.summary.verdict)}* ({tally(msg.summary)})")
    blocks.append(section("\n".join(lines)))
    if msg.hidden:
        blocks.append(
            section(
                ":lock: You still owe a scorecard for this stage. Submit yours first "
                "(`/interview feedback`) to see the others'; no one sees other scores before submitting."
            )
        )
    else:
        flags = flag_lines(msg.summary)
        if flags:
            blocks.append(section("\n".join(flags)))
        if msg.summary.cards:
            blocks.append(DividerBlock())
            blocks.extend(summary_blocks(msg.summary))
    if msg.decision is not None:
        blocks += [DividerBlock(), section(decision_text(msg.decision, msg.timezone))]
    if msg.options is not None:
        blocks += [
            decision_buttons(msg.options),
            context("Only the hiring manager or a workspace admin can decide."),
        ]
    verb = "Decide on" if msg.prompt else "Debrief for"
    return f"{verb} {name} — {stage}", blocks


def render_debrief_complete(msg: DebriefComplete) -> Rendered:
    text = (
        f":white_check_mark: All {msg.counted} scorecards for *{esc(msg.candidate_name)}*'s "
        f"{esc(msg.stage_name)} are in now; the debrief above is updated."
    )
    return f"All scorecards for {esc(msg.candidate_name)} are in", [section(text)]


def render_pivot_arrival(msg: PivotArrival) -> Rendered:
    name = esc(msg.candidate_name)
    blocks: list[Block] = [
        HeaderBlock(text=plain(f"Pivoted to {msg.to_role_title}: {msg.candidate_name}", 150)),
        section(
            f"{user(msg.decided_by)} moved *{name}* from *{esc(msg.from_role_title)}* to *{esc(msg.to_role_title)}*. "
            f"They continue at *{esc(msg.stage_name)}*. Hiring manager: {user(msg.hiring_manager_id)}."
            + (f"\n{quote(msg.note)}" if msg.note else "")
        ),
    ]
    if msg.summary.cards:
        leaning = f"panel leaning: *{esc(msg.summary.verdict or '—')}* ({tally(msg.summary)})"
        blocks += [DividerBlock(), section(f"*Scorecards so far* · {leaning}")]
        blocks.extend(summary_blocks(msg.summary, limit=20))
    if msg.history:
        lines = ["*History*"]
        for h in msg.history:
            lines.append(
                f"• {esc(h.stage_name)} ({esc(h.role_title)}): {esc(h.outcome)} by {user(h.decided_by)}, "
                f"{when(h.decided_at, msg.timezone)}"
            )
        blocks.append(section("\n".join(lines)))
    blocks.append(context(f"Decide on the next step with `/interview decide #{msg.candidate_id}`."))
    return f"{name} was pivoted to {esc(msg.to_role_title)}", blocks


def render_pivot_notice(msg: PivotNotice) -> Rendered:
    a = msg.arrival
    text = (
        f"{user(a.decided_by)} pivoted *{esc(a.candidate_name)}* from *{esc(a.from_role_title)}* to your "
        f"role *{esc(a.to_role_title)}*; they continue at *{esc(a.stage_name)}*. Their scorecards and "
        f"history are in <#{msg.channel_id}>."
    )
    if a.note:
        text += "\n" + quote(a.note)
    return f"{esc(a.candidate_name)} was pivoted to your role", [section(text)]


def pivot_modal(choice: PivotChoice) -> View:
    """Choose the open role to pivot the candidate to, with an optional note."""
    options = [option(title, str(role_id)) for role_id, title in choice.roles][:100]
    blocks = [
        section(
            f"Move *{esc(choice.candidate_name)}* from *{esc(choice.role_title)}* ({esc(choice.stage_name)}) "
            "to another open role. "
            "Their scorecards and history go with them; the other role's hiring manager is told."
        ),
        InputBlock(
            block_id="role",
            label="Role",
            element=StaticSelectElement(
                action_id="value", options=options, initial_option=options[0] if len(options) == 1 else None
            ),
        ),
        InputBlock(
            block_id="note",
            label="Why this role fits better",
            optional=True,
            element=PlainTextInputElement(action_id="value", multiline=True, max_length=2000),
        ),
    ]
    return modal(
        callback_id=PIVOT_MODAL,
        title="Pivot to another role",
        blocks=blocks,
        submit="Pivot",
        meta={"candidate_id": choice.candidate_id, "role_id": choice.role_id, "stage_key": choice.stage_key},
    )


def recorded_text(recorded: Recorded) -> str:
    """The confirmation shown to the decider when they did not click the debrief itself."""
    name = esc(recorded.candidate_name)
    what = {
        "advance": f"{name} advances to *{esc(recorded.next_stage_name)}*",
        "reject": f"{name} is rejected",
        "hold": f"{name} is on hold",
        "offer": f"an offer for {name}",
        "pivot": f"{name} moves to *{esc(recorded.target_role_title)}*",
    }.get(recorded.outcome, name)
    return (
        f":white_check_mark: Recorded: {what} (after the {esc(recorded.stage_name)}). "
        "The recruiters have the drafted feedback report."
    )


def histogram(distribution: dict[int, int]) -> str:
    """`1 ▏0  2 ██ 2  3 ████ 4` as one code span."""
    bars = {point: "█" * min(count, 20) if count else "▏" for point, count in distribution.items()}
    return "`" + "   ".join(f"{point} {bars[point]} {count}" for point, count in distribution.items()) + "`"


def calibration_blocks(cal: Calibration) -> Rendered:
    """Each interviewer's rating distribution against their panels, for `/interview calibration`."""
    title = f"Interviewer calibration: {cal.role_title}"
    fallback = f"Interviewer calibration: {esc(cal.role_title)}"
    if not cal.interviewers:
        nothing = (
            f"No submitted scorecards for *{esc(cal.role_title)}* yet, so there is nothing to calibrate."
        )
        return f"No submitted scorecards for {esc(cal.role_title)} yet.", [section(nothing)]
    blocks: list[Block] = [
        HeaderBlock(text=plain(title, 150)),
        section(
            f"*All interviewers* · {cal.cards} scorecard{'s' if cal.cards != 1 else ''} · mean *{cal.mean or 0:.1f}* on the "
            f"{cal.scale_min}–{cal.scale_max} scale\n{histogram(cal.distribution)}"
        ),
        DividerBlock(),
    ]
    for row in cal.interviewers[:40]:
        if row.panel_mean is not None and row.delta is not None:
            versus = (
                f"mean *{row.mean:.1f}* vs *{row.panel_mean:.1f}* from the same panels ({row.delta:+.1f})"
            )
        else:
            versus = f"mean *{row.mean:.1f}* (no co-panelists to compare with)"
        hires = f" · recommends hiring {row.hire_share:.0%}" if row.hire_share is not None else ""
        blocks.append(
            section(
                f"{user(row.user_id)} — {row.cards} scorecard{'s' if row.cards != 1 else ''} · {versus}: "
                f"_{esc(row.leaning)}_{hires}\n{histogram(row.distribution)}"
            )
        )
    if len(cal.interviewers) > 40:
        blocks.append(context(f"…and {len(cal.interviewers) - 40} more interviewers."))
    labels = ", ".join(f"{k} {v}" for k, v in sorted(cal.labels.items()))
    blocks.append(
        context(
            clip(
                "Ratings of every competency on submitted scorecards (shadows excluded), compared with what the "
                "other interviewers gave the same candidates at the same stage."
                + (f" Scale: {esc(labels)}." if labels else ""),
                2000,
            )
        )
    )
    return fallback, blocks
