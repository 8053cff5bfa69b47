"""The solver's input and output types (frozen dataclasses, timezone-aware datetimes).

Re-exported by `scheduling.solver`; import them from there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


def _aware(value: datetime, what: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware, got {value!r}")


@dataclass(frozen=True, slots=True)
class Interval:
    """A half-open span of time [start, end), both ends timezone-aware."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        _aware(self.start, "Interval.start")
        _aware(self.end, "Interval.end")
        if self.end <= self.start:
            raise ValueError(f"Interval ends before it starts: {self.start} – {self.end}")


@dataclass(frozen=True, slots=True)
class Person:
    """Someone who can sit an interview: working hours in their own time zone, busy time, limits.

    `existing_bookings` are the start times of their other booked interviews; they count towards
    `daily_limit` (per local day) and `weekly_limit` (per local ISO week). `recent_load` is how many
    interviews they did recently (fair rotation prefers the least loaded).
    """

    id: str
    tz: str = "UTC"
    work_start_minute: int = 9 * 60
    work_end_minute: int = 17 * 60
    work_days: frozenset[int] = frozenset({0, 1, 2, 3, 4})
    busy: tuple[Interval, ...] = ()
    daily_limit: int | None = None
    weekly_limit: int | None = None
    existing_bookings: tuple[datetime, ...] = ()
    recent_load: int = 0
    name: str = ""

    def __post_init__(self) -> None:
        if not 0 <= self.work_start_minute < self.work_end_minute <= 24 * 60:
            raise ValueError(f"{self.id}: working hours must satisfy 0 <= start < end <= 1440")
        for booked in self.existing_bookings:
            _aware(booked, f"{self.id}: existing booking")

    @property
    def label(self) -> str:
        """The name used in explanations."""
        return self.name or self.id


@dataclass(frozen=True, slots=True)
class Room:
    """A room for on-site interviews; available whenever it is not busy."""

    id: str
    busy: tuple[Interval, ...] = ()
    name: str = ""

    @property
    def label(self) -> str:
        """The name used in explanations."""
        return self.name or self.id


@dataclass(frozen=True, slots=True)
class InterviewReq:
    """One interview of the stage.

    Interviewers are the fixed `interviewers` plus `count` people chosen from `pool` ("N of M").
    Up to `shadow_count` shadows are added from `shadows` when free (best effort, never blocking).
    An `onsite` interview needs one room.
    """

    key: str
    duration_minutes: int
    interviewers: tuple[str, ...] = ()
    pool: tuple[str, ...] = ()
    count: int = 0
    shadows: tuple[str, ...] = ()
    shadow_count: int = 1
    onsite: bool = False
    title: str = ""

    def __post_init__(self) -> None:
        if self.duration_minutes <= 0:
            raise ValueError(f"{self.key}: duration must be positive")
        if self.count < 0 or (self.count and not self.pool):
            raise ValueError(f"{self.key}: count needs a pool")
        if len(set(self.interviewers)) != len(self.interviewers):
            raise ValueError(f"{self.key}: an interviewer is listed twice")

    @property
    def label(self) -> str:
        """The name used in explanations."""
        return self.title or self.key


@dataclass(frozen=True, slots=True)
class StageRules:
    """How the interviews of a stage fit together.

    - `ordered`: interviews happen in the given order.
    - `same_day`: all on one calendar day of the candidate.
    - `buffer_minutes`: the least gap between consecutive interviews.
    - `break_after_minutes` / `break_minutes`: two or more interviews that follow each other with
      gaps shorter than `break_minutes` may span at most `break_after_minutes`; longer runs need a
      gap of at least `break_minutes`.
    - `max_span_minutes`: first start to last end.
    """

    ordered: bool = True
    same_day: bool = False
    buffer_minutes: int = 0
    break_after_minutes: int | None = None
    break_minutes: int = 15
    max_span_minutes: int | None = None

    def __post_init__(self) -> None:
        if self.buffer_minutes < 0 or self.break_minutes < 0:
            raise ValueError("buffer and break minutes cannot be negative")


@dataclass(frozen=True)
class Problem:
    """Everything the solver needs. Nothing is placed before `now`."""

    windows: tuple[Interval, ...]
    interviews: tuple[InterviewReq, ...]
    people: dict[str, Person]
    rooms: tuple[Room, ...] = ()
    rules: StageRules = field(default_factory=StageRules)
    candidate_tz: str = "UTC"
    now: datetime | None = None
    k: int = 5
    granularity: int = 15

    def __post_init__(self) -> None:
        if self.now is not None:
            _aware(self.now, "Problem.now")
        if not 1 <= self.granularity <= 24 * 60:
            raise ValueError("granularity must be between 1 and 1440 minutes")
        if self.k < 1:
            raise ValueError("k must be at least 1")
        keys = [req.key for req in self.interviews]
        if len(set(keys)) != len(keys):
            raise ValueError("interview keys must be unique")
        for req in self.interviews:
            for pid in (*req.interviewers, *req.pool, *req.shadows):
                if pid not in self.people:
                    raise ValueError(f"{req.key}: unknown person {pid!r}")
        for pid, person in self.people.items():
            if person.id != pid:
                raise ValueError(f"people[{pid!r}] has id {person.id!r}")


@dataclass(frozen=True, slots=True)
class Slot:
    """One interview of an option: when, who, where."""

    interview_key: str
    start: datetime
    end: datetime
    interviewers: tuple[str, ...]
    shadows: tuple[str, ...] = ()
    room: str | None = None


@dataclass(frozen=True, slots=True)
class Score:
    """The objective of an option, compared lexicographically in field order (smaller is better).

    - `finish_day`: the candidate's calendar day the last interview starts on, counted from the day
      of the solver's origin;
    - `days`: how many of the candidate's calendar days the loop uses;
    - `finish_minute`: minutes from the solver's origin (the first window start after `now`,
      floored to the grid) to the end of the last interview;
    - `span_minutes`: from the first start to the last end (a compact loop, fewer idle gaps);
    - `stretch_minutes`: interviewer-minutes outside comfortable hours (10:00–16:00 in each
      interviewer's own time zone);
    - `load`: the sum of the interviewers' `recent_load`.
    """

    finish_day: int
    days: int
    finish_minute: int
    span_minutes: int
    stretch_minutes: int
    load: int

    def key(self) -> tuple[int, int, int, int, int, int]:
        """The tuple compared lexicographically."""
        return (
            self.finish_day,
            self.days,
            self.finish_minute,
            self.span_minutes,
            self.stretch_minutes,
            self.load,
        )


@dataclass(frozen=True, slots=True)
class Option:
    """A complete proposal: one slot per interview in time order, its score and why it is good."""

    slots: tuple[Slot, ...]
    score: Score
    objective: int
    reason: str


@dataclass(frozen=True, slots=True)
class Solution:
    """The best options (best first), or why nothing fits."""

    options: list[Option]
    blocked: str | None = None
