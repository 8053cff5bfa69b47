"""The candidate's side of scheduling, reached through their personal link (`links.py`).

The candidate acts as a principal of their own: an `Actor` whose `link_role_id` lets the booking and
availability services (`booking.py`, `availability.py`) schedule that role's candidates, and this module
only ever passes the link's own candidate. Booking, moving and cancelling therefore run the very code a
booking from Slack runs (same checks, calendar events, audit and announcements); then the recruiters and
hiring manager are told through `SchedulingLinks.candidate_acted`.

What the candidate sees is built here and carries no interviewer's identity, notes or scores: interview
titles, lengths, formats, the plan's address and what to prepare.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from hiring.clock import Clock
from hiring.errors import Conflict, InvalidInput
from hiring.home import HomeService
from hiring.permissions import Actor
from hiring.plans.plans import spec_of
from hiring.roles.candidates import add_accommodations, live_candidate
from hiring.scheduling.availability import AvailabilityService, LocalWindow, windows_text
from hiring.scheduling.booking import BookingResult, CancelResult, Choice, SchedulingService
from hiring.scheduling.formats import format_of
from hiring.scheduling.links import CandidateAction, OpenLink, SchedulingLinks
from hiring.text import valid_timezone
from storage.uow import Database

MAX_NOTE = 1000
NOTHING_FITS = "No times work for everyone in your availability right now. Tell us when you are free below."


@dataclass(frozen=True)
class InterviewInfo:
    """One interview of the stage as the candidate sees it."""

    title: str
    minutes: int
    format: str  # phone | video | onsite
    address: str
    prepare: str


@dataclass(frozen=True)
class CandidateSlot:
    """A booked or proposed interview: what, when and how (no interviewer)."""

    title: str
    format: str
    start: datetime
    end: datetime
    video_link: str | None = None
    uid: str = ""  # a stable id for calendar files


@dataclass(frozen=True)
class Overview:
    """The page's head: the role, the stage, its interviews and, once booked, the booked times."""

    first_name: str
    role_title: str
    stage_name: str
    timezone: str
    interviews: tuple[InterviewInfo, ...]
    booked: tuple[CandidateSlot, ...]
    change_until: datetime | None  # booked and still changeable until then
    expires_at: datetime
    cancelled: bool = False


@dataclass(frozen=True)
class CandidateOption:
    """One whole loop the candidate may pick, and the choice that books it."""

    index: int
    slots: tuple[CandidateSlot, ...]
    choice: Choice


@dataclass(frozen=True)
class CandidateOptions:
    options: tuple[CandidateOption, ...]
    blocked: str | None


def principal(link: OpenLink) -> Actor:
    """The candidate as an actor: their link, allowed to schedule this role's loop only."""
    return Actor(team_id=link.team_id, user_id=f"link:{link.link_id}", link_role_id=link.role_id)


class SelfService:
    """What the candidate's page does: read the loop, list options, book, move, cancel, give
    availability and ask for accommodations."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        scheduling: SchedulingService,
        availability: AvailabilityService,
        links: SchedulingLinks,
        home: HomeService,
    ) -> None:
        self.db = db
        self.clock = clock
        self.scheduling = scheduling
        self.availability = availability
        self.links = links
        self.home = home

    def overview(self, link: OpenLink) -> Overview:
        """The role, stage and interviews from the plan; the booked times when there are any."""
        with self.db.uow(link.team_id) as uow:
            candidate = live_candidate(uow, link.candidate_id)
            spec = spec_of(candidate.role.plan)
            stage = next((s for s in spec.stages if s.key == link.stage_key), None)
            address = " ".join(spec.address.split())
            infos = tuple(
                InterviewInfo(
                    title=iv.name,
                    minutes=iv.duration_minutes,
                    format=format_of(iv.mode),
                    address=address if format_of(iv.mode) == "onsite" else "",
                    prepare=" ".join(iv.candidate_notes.split()),
                )
                for iv in (stage.interviews if stage else [])
            )
            panel = uow.panels.current(candidate.id, link.stage_key)
            booked: tuple[CandidateSlot, ...] = ()
            if panel is not None and panel.interviews and all(i.status == "booked" for i in panel.interviews):
                booked = tuple(
                    CandidateSlot(i.title, format_of(i.mode), i.start_at, i.end_at, i.video_link, str(i.id))
                    for i in sorted(panel.interviews, key=lambda i: i.start_at or link.expires_at)
                    if i.start_at is not None and i.end_at is not None
                )
            cutoff = booked[0].start - timedelta(hours=link.cancel_cutoff_hours) if booked else None
            return Overview(
                first_name=candidate.name.split()[0] if candidate.name.split() else "",
                role_title=candidate.role.title,
                stage_name=stage.name if stage else link.stage_key,
                timezone=candidate.timezone if valid_timezone(candidate.timezone) else "UTC",
                interviews=infos,
                booked=booked,
                change_until=cutoff if cutoff is not None and cutoff > self.clock.now() else None,
                expires_at=link.expires_at,
                cancelled=panel is not None and panel.status == "cancelled",
            )

    def options(self, link: OpenLink, *, moving: bool = False) -> CandidateOptions:
        """The scheduler's best whole loops for the real panel within the candidate's availability."""
        found = self.scheduling.options(principal(link), link.candidate_id, moving=moving)
        options = tuple(
            CandidateOption(
                index=o.index,
                slots=tuple(CandidateSlot(s.title, format_of(s.mode), s.start, s.end) for s in o.slots),
                choice=o.choice,
            )
            for o in found.options
        )
        return CandidateOptions(options=options, blocked=None if options else NOTHING_FITS)

    def _require_changeable(self, link: OpenLink) -> None:
        if self.overview(link).change_until is None:
            raise Conflict(
                "These interviews can no longer be changed here. Please reply to your recruiter instead."
            )

    def book(self, link: OpenLink, choice: Choice, *, request_key: str) -> BookingResult | None:
        """Book the chosen loop as a booking from Slack does; tell the hiring team."""
        return self._place(link, choice, request_key, moving=False)

    def reschedule(self, link: OpenLink, choice: Choice, *, request_key: str) -> BookingResult | None:
        """Move the booked loop (until the role's cutoff) as a move from Slack does."""
        self._require_changeable(link)
        return self._place(link, choice, request_key, moving=True)

    def _place(
        self, link: OpenLink, choice: Choice, request_key: str, *, moving: bool
    ) -> BookingResult | None:
        place = self.scheduling.reschedule if moving else self.scheduling.book
        result = place(principal(link), link.candidate_id, choice, request_key=request_key)
        if result is not None:
            times = tuple((s.start, s.end) for s in result.slots)
            action = (CandidateAction.rescheduled if moving else CandidateAction.booked)(times)
            self._announce(link, result, action)
        return result

    def cancel(self, link: OpenLink, note: str, *, request_key: str) -> bool:
        """Cancel the booked loop (until the role's cutoff) as a cancel from Slack does."""
        self._require_changeable(link)
        with self.db.uow(link.team_id) as uow:
            panel = uow.panels.current(link.candidate_id, link.stage_key)
            panel_id = panel.id if panel is not None else 0
        result = self.scheduling.cancel(principal(link), link.candidate_id, panel_id, request_key=request_key)
        if result is None:
            return False
        self._announce(link, result, CandidateAction.cancelled(note[:MAX_NOTE]))
        return True

    def _announce(
        self, link: OpenLink, result: BookingResult | CancelResult, action: CandidateAction
    ) -> None:
        self.scheduling.announce(link.team_id, result.audit_id)
        self.home.refresh(link.team_id, result.people)
        self.links.candidate_acted(link, action)

    def give_availability(
        self, link: OpenLink, windows: Sequence[tuple[datetime, datetime]], note: str, *, request_key: str
    ) -> list[tuple[datetime, datetime]] | None:
        """Store the hours the candidate ticked (UTC) as their windows, through the availability
        service (its checks and audit), and tell the hiring team."""
        if not windows:
            raise InvalidInput({"slots": "Pick at least one hour when you are free."})
        tz = self.overview(link).timezone
        text = windows_text(window_rows(windows, ZoneInfo(tz)))
        saved = self.availability.save(principal(link), link.candidate_id, text, request_key=request_key)
        if saved is not None:
            summary = "; ".join(f"{s:%a %d %b %H:%M}–{e:%H:%M} UTC" for s, e in saved[:10])
            self.links.candidate_acted(link, CandidateAction.gave_availability(summary, note[:MAX_NOTE]))
        return saved

    def ask_accommodations(self, link: OpenLink, text: str, *, for_interviewers: bool) -> None:
        """Store the candidate's accommodation request and tell the hiring team."""
        text = text.strip()[:MAX_NOTE]
        if not text:
            raise InvalidInput({"accommodations": "Tell us what would help."})
        with self.db.uow(link.team_id) as uow:
            add_accommodations(
                uow, link.candidate_id, text, for_interviewers=for_interviewers, now=self.clock.now()
            )
            uow.commit()
        audience = "their interviewers" if for_interviewers else "the hiring team only"
        self.links.candidate_acted(link, CandidateAction.asked_for_accommodations(f"{text} (for {audience})"))


def window_rows(windows: Sequence[tuple[datetime, datetime]], zone: ZoneInfo) -> list[LocalWindow]:
    """UTC windows as days and clock times in `zone`, split at local midnight and merged when they
    touch."""
    rows: list[tuple[datetime, datetime]] = []
    for start, end in sorted(windows):
        local_start, local_end = start.astimezone(zone), end.astimezone(zone)
        if rows and rows[-1][1] == local_start and rows[-1][0].date() == local_end.date():
            rows[-1] = (rows[-1][0], local_end)
        else:
            rows.append((local_start, local_end))
    out = []
    for a, b in rows:
        until = time(23, 59) if b.date() != a.date() else b.time()  # a window to midnight
        out.append(LocalWindow(day=a.date(), start=a.time(), end=until))
    return out
