"""A loop's sittings as the solver's interviews, and the solver's blocks back as interviews.

The solver places each sitting (`hiring.plans.sittings`) as one interview: a session becomes one
block as long as its interviews and the breaks between them, run by the union of their interviewers
(a person sits one solver interview per loop, which is the sittings rule). Each option's block is
then laid out again as its interviews, in plan order with the session's breaks, each keeping its
own interviewers, shadows, calendar event and scorecard.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta

from hiring.plans.sittings import Sitting
from scheduling import solver


@dataclass(frozen=True)
class BlockPart:
    """What a block needs to know of one interview of a loop."""

    key: str
    title: str
    duration: int
    onsite: bool
    interviewers: tuple[str, ...]
    shadows: tuple[str, ...]


def block_key(sitting: Sitting) -> str:
    """The solver's key of a sitting: the interview's own key, or the session's marked apart."""
    return f"session:{sitting.key}" if sitting.is_session else sitting.interview_keys[0]


def solver_blocks(
    sittings: Sequence[Sitting], parts: Mapping[str, BlockPart], shadow_count: Mapping[str, int]
) -> tuple[solver.InterviewReq, ...]:
    """One solver interview per sitting, in plan order."""
    reqs = []
    for sitting in sittings:
        ps = [parts[k] for k in sitting.interview_keys if k in parts]
        if not ps:
            continue
        people = tuple(dict.fromkeys(u for p in ps for u in p.interviewers))
        shadows = tuple(u for u in dict.fromkeys(u for p in ps for u in p.shadows) if u not in people)
        reqs.append(
            solver.InterviewReq(
                key=block_key(sitting),
                duration_minutes=sum(p.duration for p in ps) + sitting.breaks * (len(ps) - 1),
                interviewers=people,
                shadows=shadows,
                shadow_count=max(shadow_count.get(p.key, 0) for p in ps),
                onsite=any(p.onsite for p in ps),
                title=sitting.name if sitting.is_session else ps[0].title,
            )
        )
    return tuple(reqs)


def interview_slots(
    sittings: Sequence[Sitting], parts: Mapping[str, BlockPart], slots: Sequence[solver.Slot]
) -> tuple[solver.Slot, ...]:
    """An option's slots per interview: a block's interviews one after another from its start, with
    the session's breaks, each with its own interviewers and those of the block's shadows it had."""
    by_key = {block_key(s): s for s in sittings}
    out: list[solver.Slot] = []
    for slot in slots:
        sitting = by_key.get(slot.interview_key)
        if sitting is None or not sitting.is_session:
            out.append(slot)
            continue
        start = slot.start
        for key in sitting.interview_keys:
            part = parts.get(key)
            if part is None:
                continue
            end = start + timedelta(minutes=part.duration)
            out.append(
                solver.Slot(
                    interview_key=key,
                    start=start,
                    end=end,
                    interviewers=part.interviewers,
                    shadows=tuple(u for u in slot.shadows if u in part.shadows),
                    room=slot.room,
                )
            )
            start = end + timedelta(minutes=sitting.breaks)
    return tuple(out)
