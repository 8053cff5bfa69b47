"""What Loopbot says about bookings, moves, cancellations and declines, as plain data.

`handlers/scheduling/booking_blocks.py` renders them. None of them ever carries a score.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class SlotLine:
    """One interview of a loop as proposed or announced: when, who, where (and when it was, after a
    move).
    A phone interview names the number its first interviewer calls (`phone`, empty when the
    candidate has none on file); an on-site one the plan's `address`."""

    interview_id: int
    title: str
    mode: str
    start: datetime
    end: datetime
    interviewer_ids: tuple[str, ...]
    shadow_ids: tuple[str, ...] = ()
    room: str | None = None
    video_link: str | None = None
    previous_start: datetime | None = None
    phone: str = ""
    address: str = ""


@dataclass(frozen=True)
class LoopNotice:
    """The hiring channel's summary of a booking (`booked`), a move (`moved`) or a cancellation
    (`cancelled`); times in the role's time zone."""

    kind: str
    candidate_id: int
    candidate_name: str
    role_title: str
    stage_name: str
    tz: str
    by: str
    slots: tuple[SlotLine, ...]
    candidate_invited: bool = True


@dataclass(frozen=True)
class InterviewNotice:
    """A DM to one interviewer or shadow: `booked`, `moved`, `cancelled`, `added` (replacing someone)
    or `removed` (replaced); times in their own time zone. For a phone interview, `caller_id` is
    who calls the candidate on `phone`; for an on-site one, `address` is where."""

    kind: str
    interview_id: int
    candidate_name: str
    role_title: str
    stage_name: str
    title: str
    mode: str
    start: datetime
    end: datetime
    tz: str
    by: str
    is_shadow: bool = False
    video_link: str | None = None
    room: str | None = None
    ics_url: str | None = None
    previous_start: datetime | None = None
    colleague_ids: tuple[str, ...] = ()
    can_decline: bool = False
    caller_id: str | None = None
    phone: str = ""
    address: str = ""


@dataclass(frozen=True)
class ReplacementNotice:
    """The hiring channel hears that someone replaced an interviewer who declined."""

    candidate_id: int
    candidate_name: str
    title: str
    start: datetime
    tz: str
    old_id: str
    new_id: str
    by: str


@dataclass(frozen=True)
class DeclineNotice:
    """To a recruiter (or the hiring manager): an interviewer declined; a replacement is proposed
    from the same pool when someone qualified is free then (`replacement_id`)."""

    seat_id: int
    interview_id: int
    candidate_id: int
    candidate_name: str
    role_title: str
    title: str
    start: datetime
    end: datetime
    tz: str
    declined_by: str
    replacement_id: str | None
    note: str = ""
    resolved_by: str | None = None
    resolved_with: str | None = None


@dataclass(frozen=True)
class LinkActivity:
    """What a candidate did through their scheduling link (`kind`: booked, availability, rescheduled,
    cancelled, accommodations), for the hiring channel (a reply in the candidate's thread when
    `in_thread`) and DMs to the recruiters and hiring manager; times shown in `tz`. `summary` and
    `note` are the candidate's own words: escape them."""

    kind: str
    candidate_id: int
    candidate_name: str
    role_title: str
    stage_name: str
    tz: str
    times: tuple[tuple[datetime, datetime], ...] = ()
    summary: str = ""
    note: str = ""
    in_thread: bool = False
