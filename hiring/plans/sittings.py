"""Sittings: the one rule on who may sit several interviews of a loop.

A stage's interviews fall into sittings: each session of the plan (interviews one panel runs back to
back, with its breaks) is one sitting, and every other interview is a sitting of its own. A person
sits at most one sitting of a loop, so the same people may run every interview of a session but
nobody sits two sittings. The panel modal (suggestions and validation), the plan validator and the
scheduler (which books each sitting as one block) all apply this module's functions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from hiring.plans.schema import StageSpec


@dataclass(frozen=True)
class Sitting:
    """Interviews one panel runs in one go: a session of the plan, or a single interview.

    `key` is the session's key (or the interview's), `breaks` the minutes between its interviews."""

    key: str
    name: str
    interview_keys: tuple[str, ...]
    breaks: int = 0

    @property
    def is_session(self) -> bool:
        """Whether this sitting groups several interviews."""
        return len(self.interview_keys) > 1


def stage_sittings(stage: StageSpec, present: Sequence[str] | None = None) -> list[Sitting]:
    """The stage's sittings in plan order, over the interviews in `present` (default: all of them;
    a session keeps the interviews of it that are present)."""
    keys = [iv.key for iv in stage.interviews if present is None or iv.key in present]
    if present is not None:
        keys += [k for k in present if k not in keys]  # interviews the plan no longer names
    names = {iv.key: iv.name for iv in stage.interviews}
    session_of = {k: s for s in stage.sessions for k in s.interviews}
    sittings: list[Sitting] = []
    done: set[str] = set()
    for key in keys:
        session = session_of.get(key)
        if session is None:
            sittings.append(Sitting(key=key, name=names.get(key, key), interview_keys=(key,)))
        elif session.key not in done:
            done.add(session.key)
            members = tuple(k for k in session.interviews if k in keys)
            sittings.append(
                Sitting(key=session.key, name=session.name, interview_keys=members, breaks=session.breaks)
            )
    return sittings


def sitting_of(sittings: Sequence[Sitting], interview_key: str) -> Sitting:
    """The sitting an interview belongs to."""
    for sitting in sittings:
        if interview_key in sitting.interview_keys:
            return sitting
    raise KeyError(interview_key)


def repeat_sitters(stage: StageSpec, seats: Mapping[str, Sequence[str]]) -> dict[str, dict[str, str]]:
    """Who sits two sittings: per interview key, each person in it who also sits an interview of
    an earlier sitting, with that interview's key. Empty when the panel keeps the rule."""
    sittings = stage_sittings(stage)
    first: dict[str, tuple[str, str]] = {}  # person -> (sitting key, interview key) seen first
    found: dict[str, dict[str, str]] = {}
    for iv in stage.interviews:
        here = sitting_of(sittings, iv.key).key
        for person in dict.fromkeys(seats.get(iv.key, ())):
            seen = first.setdefault(person, (here, iv.key))
            if seen[0] != here:
                found.setdefault(iv.key, {})[person] = seen[1]
    return found


def others_of(stage: StageSpec, interview_key: str, seats: Mapping[str, Sequence[str]]) -> set[str]:
    """People who sit a sitting other than this interview's, so cannot sit this interview."""
    sittings = stage_sittings(stage)
    here = sitting_of(sittings, interview_key).key
    return {
        person
        for key, people in seats.items()
        if key in {iv.key for iv in stage.interviews} and sitting_of(sittings, key).key != here
        for person in people
    }
