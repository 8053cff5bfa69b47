"""Words for the nearest options when nothing fits: what each one relaxes, in the users' words.

The solver (`scheduling.solver_relax`) says what it relaxed in ids and numbers; a button carries it
as a short token (`kind:value:person`) and the booking's audit entry records these words.
"""

from __future__ import annotations

from scheduling.solver_relax import (
    ANY_ORDER,
    DAILY_LIMIT,
    LONGER_SPAN,
    MORE_DAYS,
    ONE_WEEK_LATER,
    SHORTER_BREAK,
    SHORTER_BUFFER,
    WEEKLY_LIMIT,
    Relaxation,
)


def _hours(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} minutes"
    return f"{hours} h" + (f" {rest:02d}" if rest else "")


def describe(relaxation: Relaxation) -> str:
    """'if <@U1>'s daily limit were 3', 'with a 30-minute shorter break', 'over more than one day'."""
    who = f"<@{relaxation.person}>" if relaxation.person else "their"
    value = relaxation.value
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
    return f"{relaxation.kind}:{relaxation.value}:{relaxation.person or ''}"


def decode(token: str) -> Relaxation | None:
    """The relaxation a token names, or None for an empty or malformed one."""
    try:
        kind, value, person = token.split(":")
        return Relaxation(kind, int(value), person or None)
    except ValueError:
        return None
