"""Block Kit for the App Home tab. It never exceeds Slack's 100 blocks: long lists come in pages with
"More" buttons (action `home_more`, the value is the `HomeCursor` of the next page)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    DividerBlock,
    HeaderBlock,
    ImageBlock,
    PlainTextObject,
    StaticSelectElement,
)
from slack_sdk.models.blocks.basic_components import SlackFile
from slack_sdk.models.views import View

from handlers.block_kit import call_text, context, option, section, where_text
from handlers.charts.load_chart import load_alt_text
from handlers.feedback.feedback_blocks import FEEDBACK_VIEW, feedback_value, pending_item
from handlers.mrkdwn import clip, esc, plain, user, when
from handlers.people.limits_blocks import limits_button
from hiring.home import HomeCursor, HomePage, InterviewLoad, Page, RoleOverview, StageRow

HOME_MORE = "home_more"
MAX_BLOCKS = 100


def header(text: str) -> HeaderBlock:
    return HeaderBlock(text=PlainTextObject(text=plain(text, 150)))


def pager(page: Page[Any], move: Callable[[int], HomeCursor], noun: str, block_id: str) -> list[Block]:
    """A "More" button when the list goes on, a "Back to the start" one on its last page (`move`
    gives the cursor that shows the list from an offset)."""
    shown = page.offset + len(page.items)
    if page.more:
        label, cursor = f"More {noun} ({shown} of {page.total} shown)", move(shown)
    elif page.offset > 0:
        label, cursor = f"Back to the first {noun}", move(0)
    else:
        return []
    button = ButtonElement(text=plain(label), action_id=HOME_MORE, value=cursor.encode())
    return [ActionsBlock(block_id=block_id, elements=[button])]


def stage_blocks(role: RoleOverview, stage: StageRow, cursor: HomeCursor) -> list[Block]:
    page = stage.candidates
    names = ", ".join(
        esc(c.name) + (f" _({esc(c.status)})_" if c.status != "active" else "") for c in page.items
    )
    rest = f" …and {page.total - page.offset - len(page.items)} more" if page.more else ""
    block = section(clip(f"*{esc(stage.name)}* ({page.total}): {names}{rest}"))
    block.accessory = StaticSelectElement(
        action_id=FEEDBACK_VIEW,
        placeholder="Read feedback…",
        options=[option(c.name, feedback_value(c.candidate_id, stage.stage_key)) for c in page.items],
    )

    def move(offset: int) -> HomeCursor:
        return cursor.moved(stage_role=role.role_id, stage_key=stage.stage_key, stage_offset=offset)

    return [block, *pager(page, move, "candidates", f"more:{role.role_id}:{stage.stage_key}")]


def role_blocks(role: RoleOverview, cursor: HomeCursor, tz: str, budget: int) -> list[Block]:
    """One role: its candidates per stage and its late scorecards, in at most `budget` blocks."""
    blocks: list[Block] = [
        section(
            f"*{esc(role.title)}* in <#{role.channel_id}> · {role.candidates_total} candidate(s) in process"
        )
    ]
    empty = [s.name for s in role.stages if not s.candidates.total]
    late: list[Block] = []
    if role.late_total:
        lines = [
            f"• {user(s.author_id)} — {esc(s.candidate_name)}, {esc(s.interview_title)} "
            f"(due {when(s.due_at, tz, with_zone=False)})"
            for s in role.late
        ]
        if role.late_total > len(role.late):
            lines.append(f"…and {role.late_total - len(role.late)} more")
        late.append(section(clip(f":warning: *Late scorecards* ({role.late_total})\n" + "\n".join(lines))))
    tail = [*late, *([context("No one at: " + ", ".join(esc(n) for n in empty))] if empty else [])]
    room = budget - len(blocks) - len(tail) - 1
    skipped = 0
    for stage in (s for s in role.stages if s.candidates.total):
        chunk = stage_blocks(role, stage, cursor)
        if len(chunk) > room:
            skipped += 1
            continue
        blocks.extend(chunk)
        room -= len(chunk)
    if skipped:
        tail.append(context(f"{skipped} more stage(s) do not fit here; use `/interview feedback <name>`."))
    return [*blocks, *tail]


def home_view(page: HomePage, load_chart: str | None = None) -> View:
    """The Home tab: upcoming interviews, my load per week (the chart uploaded as file `load_chart`,
    or its figures in words), scorecards to submit, and my roles (managers)."""
    tz = page.tz
    blocks: list[Block] = [context(f"Times in {tz} · updated {when(page.now, tz, with_zone=False)}")]
    blocks.extend(_upcoming_section(page))
    if page.load is not None:
        blocks.extend(load_blocks(page.load, load_chart))
    blocks.append(limits_button())
    blocks.append(DividerBlock())
    blocks.extend(_pending_section(page))
    if page.manages_roles:
        blocks.extend(_roles_section(page, used=len(blocks)))
    return View(type="home", callback_id="home", blocks=blocks[:MAX_BLOCKS])


def _upcoming_section(page: HomePage) -> list[Block]:
    """The "Your upcoming interviews" section: one line per interview, paged."""
    tz, cursor = page.tz, page.cursor
    blocks: list[Block] = [header("Your upcoming interviews")]
    if not page.upcoming.total:
        blocks.append(context("No interviews booked for you."))
    for item in page.upcoming.items:
        info = item.info
        where = where_text(
            info.mode,
            info.room,
            info.video_link,
            address=info.address,
            call=call_text(info.caller_id, info.candidate_name, info.candidate_phone),
        )
        shadow = " · shadowing" if item.is_shadow else ""
        blocks.append(
            section(
                f"*{when(info.start_at, tz, with_zone=False)}* · *{esc(info.title)}* with "
                f"{esc(info.candidate_name)}{shadow}\n{esc(info.role_title)} — {esc(info.stage_name)} · {where}"
            )
        )
    return [*blocks, *pager(page.upcoming, lambda n: cursor.moved(upcoming=n), "interviews", "more:upcoming")]


def load_blocks(load: InterviewLoad, file_id: str | None) -> list[Block]:
    """My interviews per week against my limit: the chart (a private upload shown through
    `slack_file`), or the same numbers as a line of text while there is none."""
    if file_id is not None:
        return [ImageBlock(slack_file=SlackFile(id=file_id), alt_text=load_alt_text(load)[:2000])]
    return [context(load_alt_text(load))]


def _pending_section(page: HomePage) -> list[Block]:
    """The "Scorecards to submit" section: one item per pending scorecard, paged."""
    cursor = page.cursor
    blocks: list[Block] = [header("Scorecards to submit")]
    if not page.pending.total:
        blocks.append(context("Nothing to submit: you're all caught up."))
    blocks.extend(pending_item(p, page.tz) for p in page.pending.items)
    return [*blocks, *pager(page.pending, lambda n: cursor.moved(pending=n), "scorecards", "more:pending")]


def _roles_section(page: HomePage, *, used: int) -> list[Block]:
    """The "Your roles" section: the roles that fit after the `used` blocks above, then a pager."""
    cursor = page.cursor
    blocks: list[Block] = [DividerBlock(), header("Your roles")]
    shown = 0
    for role in page.roles.items:
        budget = MAX_BLOCKS - used - len(blocks) - 2  # keep room for a divider and the "More roles" button
        chunk = role_blocks(role, cursor, page.tz, budget)
        if shown and len(chunk) > budget:
            break
        blocks.extend(chunk[:budget])
        blocks.append(DividerBlock())
        shown += 1
    roles_page = Page(items=page.roles.items[:shown], offset=page.roles.offset, total=page.roles.total)

    def move(offset: int) -> HomeCursor:
        return cursor.moved(roles=offset, stage_role=None, stage_key=None, stage_offset=0)

    return [*blocks, *pager(roles_page, move, "roles", "more:roles")]
