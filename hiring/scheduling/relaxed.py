"""Words for the nearest options when nothing fits: what each one relaxes, in the users' words.

The solver (`scheduling.solver_relax`) says what it relaxed in ids and numbers; a button carries it
as a short token (`kind:value:person`, for a pool swap `swap:0:out:in:interview`) and the booking's
audit entry records these words. A token comes back from Slack, so booking checks a swap again.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from scheduling.solver_relax import (
    ANY_ORDER,
    DAILY_LIMIT,
    LONGER_SPAN,
    MORE_DAYS,
    ONE_WEEK_LATER,
    SHORTER_BREAK,
    SHORTER_BUFFER,
    SWAP,
    WEEKLY_LIMIT,
    Relaxation,
)

_USER = re.compile(r"^[A-Z0-9]{1,40}$")  # a Slack user id


def _hours(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} minutes"
    return f"{hours} h" + (f" {rest:02d}" if rest else "")


def describe(relaxation: Relaxation, titles: Mapping[str, str] | None = None) -> str:
    """'if <@U1>'s daily limit were 3', 'with a 30-minute shorter break', 'over more than one day',
    'with <@U2> instead of <@U1> for System design' (`titles`: the interviews' by key)."""
    who = f"<@{relaxation.person}>" if relaxation.person else "their"
    value = relaxation.value
    if relaxation.kind == SWAP:
        title = (titles or {}).get(relaxation.interview or "", relaxation.interview)
        return f"with <@{relaxation.instead}> instead of {who} for {title}"
    words = {
        DAILY_LIMIT: f"if {who}'s daily interview limit were {value}",
        WEEKLY_LIMIT: f"if {who}'s weekly interview limit were {value}",
        SHORTER_BREAK: f"with a {value}-minute shorter break",
        SHORTER_BUFFER: f"without the {value}-minute buffers between interviews",
        LONGER_SPAN: f"if the loop could span {_hours(value)}",
        MORE_DAYS: "over more than one day",
        ANY_ORDER: "with the interviews in any order",
        ONE_WEEK_LATER: "one week later, if the candidate is free the same hours",
    }
    return words.get(relaxation.kind, "with one rule relaxed")


def encode(relaxation: Relaxation) -> str:
    """The token a button carries."""
    token = f"{relaxation.kind}:{relaxation.value}:{relaxation.person or ''}"
    if relaxation.kind == SWAP:
        token += f":{relaxation.instead}:{relaxation.interview}"
    return token


def decode(token: str) -> Relaxation | None:
    """The relaxation a token names, or None for an empty or malformed one (a swap must name
    who leaves, who sits instead and the interview)."""
    try:
        kind, value, person, *swap = token.split(":", 4)
        relaxation = Relaxation(kind, int(value), person or None)
    except ValueError:
        return None
    if (kind == SWAP) != bool(swap):
        return None
    if not swap:
        return relaxation
    if len(swap) != 2 or not all(_USER.match(u) for u in (person, swap[0])) or not swap[1]:
        return None
    return Relaxation(SWAP, 0, person, swap[1], swap[0])
