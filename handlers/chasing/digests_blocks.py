"""Block Kit for channel digests: a summary message within Block Kit limits, the details in its thread.

The summary shows counts and the top few of each section; each thread reply is one section in full,
packed into sections of at most 3,000 characters and at most 50 blocks (anything beyond is counted,
not shown). No scores, ever.
"""

from __future__ import annotations

from collections.abc import Callable

from slack_sdk.models.blocks import Block

from handlers.block_kit import Rendered
from handlers.chasing.reminders_blocks import mentions, span
from handlers.json_blocks import json_context as context
from handlers.json_blocks import json_divider, json_header
from handlers.json_blocks import json_section as section
from handlers.mrkdwn import esc, user, when
from hiring.chasing.digests import (
    UPCOMING_HOURS,
    Digest,
    DigestDetail,
    DigestSummary,
    InterviewerDelay,
    LatePerson,
    PendingReport,
    StageCount,
    UpcomingInterview,
    WaitingDecision,
)

TOP = 5
MAX_BLOCKS = 50
SECTION_CHARS = 3000

TITLES = {
    "upcoming": f"Interviews in the next {UPCOMING_HOURS} hours",
    "late": "Late scorecards by person",
    "waiting": "Waiting for a decision",
    "pipeline": "Candidates per stage",
    "feedback_time": "Time to feedback, last 7 days",
    "reports": "Feedback reports not sent yet",
}


# -- lines ------------------------------------------------------------------------------------------
def upcoming_line(item: UpcomingInterview, tz: str) -> str:
    return (
        f"• {when(item.start_at, tz, with_zone=False)} — *{esc(item.candidate_name)}*, "
        f"{esc(item.interview_title)} ({mentions(item.interviewer_ids)})"
    )


def late_line(person: LatePerson) -> str:
    count = len(person.scorecards)
    return f"• {user(person.user_id)} — {count} scorecard{'s' if count != 1 else ''}, up to {span(person.worst)} late"


def late_lines(person: LatePerson) -> list[str]:
    lines = [late_line(person)]
    lines.extend(
        f"    ◦ *{esc(card.candidate_name)}*, {esc(card.interview_title)} — {span(card.late_by)} late"
        for card in person.scorecards
    )
    return lines


def waiting_line(item: WaitingDecision) -> str:
    return f"• *{esc(item.candidate_name)}* — {esc(item.stage_name)}, waiting {span(item.waiting)}"


def stage_line(item: StageCount) -> str:
    held = f" (+{item.on_hold} on hold)" if item.on_hold else ""
    return f"• {esc(item.stage_name)}: {item.active}{held}"


def delay_line(item: InterviewerDelay) -> str:
    return f"• {user(item.user_id)} — median {span(item.median)} over {item.scorecards}"


def report_line(item: PendingReport) -> str:
    return f"• *{esc(item.candidate_name)}* — drafted {span(item.waiting)} ago"


def median_text(digest: Digest) -> str:
    if digest.median_feedback is None:
        return "no scorecards submitted in the last 7 days"
    count = digest.feedback_count
    return f"median {span(digest.median_feedback)} over {count} scorecard{'s' if count != 1 else ''}"


def detail_lines(digest: Digest, name: str) -> list[str]:
    """Every line of one section, in order."""
    if name == "upcoming":
        return [upcoming_line(i, digest.tz) for i in digest.upcoming]
    if name == "late":
        return [line for person in digest.late for line in late_lines(person)]
    if name == "waiting":
        return [waiting_line(w) for w in digest.waiting]
    if name == "pipeline":
        return [stage_line(s) for s in digest.stages]
    if name == "feedback_time":
        return [f"Overall: {median_text(digest)}.", *[delay_line(d) for d in digest.delays]]
    if name == "reports":
        return [report_line(r) for r in digest.reports]
    raise ValueError(f"unknown digest section {name!r}")


def pack(lines: list[str], *, max_sections: int) -> tuple[list[Block], int]:
    """Lines packed into mrkdwn sections of at most 3,000 characters; returns the blocks and how many
    lines did not fit in `max_sections`."""
    blocks: list[Block] = []
    current: list[str] = []
    size = 0
    for index, line in enumerate(lines):
        line = line if len(line) <= SECTION_CHARS else line[: SECTION_CHARS - 1] + "…"
        if current and size + 1 + len(line) > SECTION_CHARS:
            if len(blocks) == max_sections - 1:
                blocks.append(section("\n".join(current)))
                return blocks, len(lines) - index
            blocks.append(section("\n".join(current)))
            current, size = [], 0
        current.append(line)
        size += len(line) + (1 if size else 0)
    if current:
        blocks.append(section("\n".join(current)))
    return blocks, 0


def _top(title: str, count_text: str, lines: list[str], more: int, hint: str) -> Block:
    body = [f"*{title}* — {count_text}", *lines]
    if more > 0:
        body.append(f"_…and {more} more {hint}_")
    return section("\n".join(body))


# -- the summary --------------------------------------------------------------------------------------
def _summary_head(msg: DigestSummary) -> list[Block]:
    """The digest summary's header, its moment and candidate count, and the pipeline per stage."""
    d = msg.digest
    blocks: list[Block] = [
        json_header(f"Hiring digest · {d.role_title}"),
        context(
            f"{when(d.now, d.tz)} · {d.active_candidates} active candidate"
            f"{'s' if d.active_candidates != 1 else ''}"
            + (" · details in the thread" if msg.details_in_thread else "")
        ),
    ]
    if d.stages:
        blocks.append(
            section(
                "*Pipeline:* " + " · ".join(f"{esc(s.stage_name)} {s.active + s.on_hold}" for s in d.stages)
            )
        )
    return blocks


def render_digest_summary(msg: DigestSummary) -> Rendered:
    """The digest's channel message: the top few of each section, the rest in the thread."""
    d = msg.digest
    hint = "in the thread" if msg.details_in_thread else ""
    blocks = _summary_head(msg)
    blocks.append(
        _top(
            TITLES["upcoming"],
            f"{len(d.upcoming)} interview{'s' if len(d.upcoming) != 1 else ''}" if d.upcoming else "none",
            [upcoming_line(i, d.tz) for i in d.upcoming[:TOP]],
            len(d.upcoming) - TOP,
            hint,
        )
    )
    blocks.append(
        _top(
            "Late scorecards",
            f"{d.late_count} from {len(d.late)} {'people' if len(d.late) != 1 else 'person'}"
            if d.late
            else "none",
            [late_line(p) for p in d.late[:TOP]],
            len(d.late) - TOP,
            hint,
        )
    )
    blocks.append(
        _top(
            TITLES["waiting"],
            str(len(d.waiting)) if d.waiting else "none",
            [waiting_line(w) for w in d.waiting[:TOP]],
            len(d.waiting) - TOP,
            hint,
        )
    )
    slowest = [delay_line(x) for x in d.delays[:3]] if len(d.delays) > 1 else []
    blocks.append(_top("Time to feedback (last 7 days)", median_text(d), slowest, 0, hint))
    if d.reports:
        blocks.append(
            _top(
                TITLES["reports"],
                str(len(d.reports)),
                [report_line(r) for r in d.reports[:TOP]],
                len(d.reports) - TOP,
                hint,
            )
        )
    if not d.active_candidates and not d.upcoming and not d.late and not d.waiting:
        blocks.append(context("Nothing in the pipeline yet. Add candidates with `/interview candidate`."))
    if not msg.scheduled:
        blocks.append(context("Posted on request with `/interview digest`."))
    fallback = (
        f"Hiring digest for {esc(d.role_title)}: {len(d.upcoming)} interviews in the next {UPCOMING_HOURS} h, "
        f"{d.late_count} late scorecards, {len(d.waiting)} waiting for a decision"
    )
    return fallback, blocks[:MAX_BLOCKS]


# -- a thread reply -------------------------------------------------------------------------------------
_COUNTS: dict[str, Callable[[Digest], int]] = {
    "upcoming": lambda d: len(d.upcoming),
    "late": lambda d: d.late_count,
    "waiting": lambda d: len(d.waiting),
    "pipeline": lambda d: d.active_candidates,
    "feedback_time": lambda d: d.feedback_count,
    "reports": lambda d: len(d.reports),
}


def render_digest_detail(msg: DigestDetail) -> Rendered:
    d = msg.digest
    title = TITLES[msg.section]
    blocks: list[Block] = [json_header(f"{title} ({_COUNTS[msg.section](d)})")]
    body, hidden = pack(detail_lines(d, msg.section), max_sections=MAX_BLOCKS - 3)
    blocks.extend(body)
    if hidden:
        blocks.append(json_divider())
        blocks.append(
            context(
                f"…and {hidden} more line{'s' if hidden != 1 else ''} not shown (Slack allows 50 blocks a message)."
            )
        )
    return f"{title} — {esc(d.role_title)}", blocks
