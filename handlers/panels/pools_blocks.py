"""Block Kit for interviewer pools and working hours: the pool modal and the listings."""

from __future__ import annotations

from slack_sdk.models.blocks import InputBlock, UserMultiSelectElement
from slack_sdk.models.views import View

from handlers.block_kit import modal, number_input, option, select_input, text_input
from handlers.mrkdwn import esc, user
from hiring.panels.pools import Load, PoolView, kind_label
from hiring.people.limits import MAX_DAILY, MAX_WEEKLY
from hiring.people.people import WorkingHours, hours_text

POOL_MODAL = "pool_modal"


def _users(block_id: str, label: str, users: list[str], *, optional: bool, hint: str) -> InputBlock:
    return InputBlock(
        block_id=block_id,
        label=label,
        optional=optional,
        hint=hint,
        element=UserMultiSelectElement(action_id="value", initial_users=users or None),
    )


def pool_modal(*, kinds: list[str], pool: PoolView | None = None) -> View:
    """Create (or edit) a pool: name, kind, members by level, daily and weekly limits."""
    levels = pool.levels if pool else {}
    daily, weekly = (pool.daily_limit, pool.weekly_limit) if pool else (2, 5)
    blocks = [
        text_input(
            "name", "Pool name", pool.name if pool else None, max_length=80, placeholder="Backend engineers"
        ),
        select_input(
            "kind",
            "Kind of interview",
            [option(kind_label(k).capitalize(), k) for k in kinds],
            pool.kind if pool else None,
            hint="Plans ask for interviewers by kind; this pool supplies them.",
        ),
        _users(
            "qualified",
            "Qualified interviewers",
            levels.get("qualified", []),
            optional=False,
            hint="They run interviews; rotation picks among them.",
        ),
        _users(
            "reverse_shadow",
            "Reverse shadows",
            levels.get("reverse_shadow", []),
            optional=True,
            hint="In training: they may run interviews while a qualified colleague watches.",
        ),
        _users(
            "shadow",
            "Shadows",
            levels.get("shadow", []),
            optional=True,
            hint="In training: they sit in and watch; offered as a panel's shadow.",
        ),
        number_input("daily_limit", "Interviews per person per day (at most)", MAX_DAILY, daily),
        number_input("weekly_limit", "Interviews per person per week (at most)", MAX_WEEKLY, weekly),
    ]
    return modal(
        callback_id=POOL_MODAL,
        title="Edit pool" if pool else "New interviewer pool",
        blocks=blocks,
        submit="Save" if pool else "Create pool",
        meta={"pool_id": pool.id} if pool else {},
    )


def _mentions(ids: list[str]) -> str:
    return ", ".join(user(u) for u in ids) or "—"


def pools_listing(pools: list[PoolView], loads: dict[str, Load]) -> str:
    """Every pool with its members by level, limits and each qualified member's 30-day load."""
    if not pools:
        return "No interviewer pools yet. Create one with `/interview pool`."
    lines = ["*Interviewer pools*"]
    for pool in pools:
        levels, daily, weekly = pool.levels, pool.daily_limit, pool.weekly_limit
        load = ", ".join(f"{user(u)} {loads.get(u, Load()).recent}" for u in levels["qualified"]) or "—"
        lines.append(
            f"• *{esc(pool.name)}* ({esc(kind_label(pool.kind))}) — at most {daily} a day, {weekly} a week\n"
            f"   qualified: {_mentions(levels['qualified'])}\n"
            f"   reverse shadow: {_mentions(levels['reverse_shadow'])}; shadow: {_mentions(levels['shadow'])}\n"
            f"   interviews in the last 30 days: {load}"
        )
    lines.append("Edit one with `/interview pool <name>`.")
    return "\n".join(lines)


def hours_reply(working: WorkingHours, *, changed: bool) -> str:
    """The answer to `/interview hours`."""
    hours = hours_text(working)  # validated times and an IANA zone name: nothing to escape
    if changed:
        return (
            f"Saved: your working hours are {hours}. Loopbot books interviews and sends reminders "
            "only inside them."
        )
    return (
        f"Your working hours are {hours}. Change them with "
        "`/interview hours 09:00-17:30 [Mon-Fri] [Europe/Berlin]` (the time zone defaults to your Slack one)."
    )
