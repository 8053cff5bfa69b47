"""Scheduling a candidate's loop: ranked options, booking it in one calendar call, moving the same
events, cancelling them, replacing an interviewer who declined; and telling everyone once.

* `options` builds the solver's problem from the candidate's live panel (interviewers fixed by its
  seats, shadows best effort), the stage's rules, people's working hours and time zones, calendar
  free/busy (people and, for on-site interviews, rooms), existing bookings (load limits) and the
  candidate's windows.
* `book` / `reschedule` re-check free/busy, then write every event in one gateway call (`book`, or
  `move` with the same event ids). Event ids are derived from the interview ids, so a retried
  booking re-uses them and the calendar answers "already there". The panel is marked `changing`
  while the calendar is written (a second click, or a colleague, waits or gets nothing); times,
  links and rooms are stored in one transaction only after the calendar succeeded. When it fails,
  nothing is stored and the error says what failed; when storing fails, the events are undone.
* Notices (channel summary, a DM per interviewer and shadow) are derived from the audit trail
  (`panel.booked`, `panel.rescheduled`, `panel.cancelled`, `seat.replaced`), keyed per audit event
  and recipient, and sent through the outbox: once, right away, and retried by later ticks.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from hiring.chasing.reminders import WorkingHours, parse_days, zone
from hiring.clock import Clock
from hiring.errors import Conflict, ExternalServiceError, NotFound
from hiring.outbox import TickReport
from hiring.panels.interview_info import person_timezone, stage_name
from hiring.panels.panels import changeable
from hiring.panels.pools import RUNS_INTERVIEWS, PoolService
from hiring.people.limits import limits_for
from hiring.people.people import PeopleService
from hiring.permissions import Actor, require_manager
from hiring.plans.plans import spec_of
from hiring.plans.schema import StageSpec
from hiring.plans.sittings import Sitting, stage_sittings
from hiring.ports import Directory, Notifier
from hiring.roles.candidates import live_candidate
from hiring.scheduling import relaxed
from hiring.scheduling.blocks import BlockPart, block_key, interview_slots, solver_blocks
from hiring.scheduling.formats import ONSITE, PHONE, VIDEO, format_of, where_lines
from hiring.scheduling.messages import SlotLine
from hiring.scheduling.notices import ScheduleNotices, iso, loop_snapshot, slot_lines
from hiring.text import valid_timezone
from scheduling import solver
from scheduling.builtin_calendar import BuiltinCalendar
from scheduling.calendar_protocol import (
    BookedEvent,
    BookingError,
    CalendarError,
    CalendarGateway,
    EventSpec,
    Interval,
    is_free,
    subtract,
)
from scheduling.solver_relax import ONE_WEEK_LATER, SWAP, Relaxation, Swap, nearest_options
from storage.models import Candidate, Panel, Person
from storage.uow import Database, UnitOfWork

log = logging.getLogger(__name__)

WHAT = "schedule this role's interviews"
CHANGING = "changing"  # a panel whose events are being written to the calendar right now
CHANGE_LEASE = timedelta(minutes=5)  # after this, a `changing` panel is taken to be abandoned
MAX_OPTIONS = 5
ONE_WEEK = timedelta(days=7)
LOAD_MARGIN = timedelta(days=8)  # bookings this far around the horizon count towards weekly limits
BUILTIN_VIDEO = "https://meet.jit.si/loopbot-{token}"
STALE = "The panel or its times changed since these options were worked out."
SWAP_TRIES = 3  # pool members tried in one interviewer's place when nothing fits, in rotation order


def event_id_for(team_id: str, interview_id: int, salt: str) -> str:
    """The calendar event id of an interview: `lb` + SHA-1 hex (base32hex-safe, 42 characters).

    The same interview always gets the same id, so a retried booking finds its events instead of
    adding new ones; `salt` (the panel's creation time) keeps ids apart between installations that
    book into one calendar."""
    return "lb" + hashlib.sha1(f"{team_id}:{interview_id}:{salt}".encode()).hexdigest()


def ics_token_of(url: str | None) -> str | None:
    """The token of a built-in invite URL (`…/ics/<token>.ics`)."""
    if not url:
        return None
    name = urlsplit(url).path.rsplit("/", 1)[-1]
    return name[: -len(".ics")] if name.endswith(".ics") else None


def panel_state(panel: Panel, moving: bool) -> str:
    """A short hash of what options depend on: the interviews, who sits them and (when moving) their
    current times. A "Book this" button carries it; a changed panel makes the button stale."""
    data = [
        panel.id,
        moving,
        [
            [
                iv.id,
                iv.duration_minutes,
                iv.mode,
                iso(iv.start_at) if moving else None,
                sorted([s.user_id, s.kind] for s in iv.seats),
            ]
            for iv in sorted(panel.interviews, key=lambda i: i.id)
        ],
    ]
    return hashlib.sha1(json.dumps(data).encode()).hexdigest()[:10]


# -- what options and choices look like -----------------------------------------------------------


@dataclass(frozen=True)
class ChosenSlot:
    """What booking needs of one slot (the interviewers are the panel's, guarded by the state)."""

    interview_id: int
    start: datetime
    room: str | None = None
    shadow_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Choice:
    """What a "Book this" button carries: the option's index, the panel state it was worked out
    for, and its slots. `encode` fits a button's 2,000-character value (rooms by their index in
    the configured list, starts in minutes since the epoch)."""

    index: int
    state: str
    slots: tuple[ChosenSlot, ...]
    relaxed: str = ""  # the relaxation token of a nearest option (`hiring.scheduling.relaxed`)

    def encode(self, rooms: Sequence[str]) -> str:
        parts = []
        for s in self.slots:
            room = str(list(rooms).index(s.room)) if s.room is not None and s.room in rooms else "-"
            start = int(s.start.timestamp()) // 60
            parts.append(f"{s.interview_id}.{start}.{room}.{'+'.join(s.shadow_ids) or '-'}")
        tail = f"|{self.relaxed}" if self.relaxed else ""
        return f"{self.index}|{self.state}|{','.join(parts)}{tail}"

    @classmethod
    def decode(cls, raw: str, rooms: Sequence[str]) -> Choice:
        """Parse a button value; a malformed one is treated as stale."""
        try:
            index, state, body, *rest = raw.split("|")
            if len(rest) > 1:
                raise ValueError(raw)
            slots = []
            for part in body.split(","):
                interview_id, start, room, shadows = part.split(".")
                slots.append(
                    ChosenSlot(
                        interview_id=int(interview_id),
                        start=datetime.fromtimestamp(int(start) * 60, UTC),
                        room=rooms[int(room)] if room != "-" and int(room) < len(rooms) else None,
                        shadow_ids=tuple(shadows.split("+")) if shadows != "-" else (),
                    )
                )
            return cls(index=int(index), state=state, slots=tuple(slots), relaxed="".join(rest))
        except (ValueError, IndexError):
            raise Conflict(f"{STALE} Here are fresh options.") from None


@dataclass(frozen=True)
class ScheduleOption:
    """A ranked proposal (index 0 is best) with the solver's one-line reason."""

    index: int
    slots: tuple[SlotLine, ...]
    reason: str
    choice: Choice


@dataclass(frozen=True)
class ScheduleOptions:
    """What the schedule modal shows: the options, or why nothing fits (`blocked`)."""

    candidate_id: int
    candidate_name: str
    candidate_tz: str
    role_title: str
    stage_name: str
    panel_id: int
    moving: bool
    options: list[ScheduleOption]
    blocked: str | None
    viewer_tz: str
    current: tuple[SlotLine, ...] = ()
    notes: tuple[str, ...] = ()
    nearest: tuple[ScheduleOption, ...] = ()  # when nothing fits: each relaxes one rule (`reason` says which)


@dataclass(frozen=True)
class BookingResult:
    """A loop booked (or moved): its times, and what to tell whom."""

    panel_id: int
    candidate_id: int
    candidate_name: str
    candidate_tz: str
    stage_name: str
    moved: bool
    slots: tuple[SlotLine, ...]
    audit_id: int
    candidate_invited: bool
    invite_urls: tuple[str, ...]
    people: tuple[str, ...]
    dropped_shadows: tuple[str, ...] = ()


@dataclass(frozen=True)
class CancelPreview:
    """What `/interview cancel` asks to confirm."""

    candidate_id: int
    candidate_name: str
    stage_name: str
    panel_id: int
    slots: tuple[SlotLine, ...]


@dataclass(frozen=True)
class CancelResult:
    panel_id: int
    candidate_name: str
    audit_id: int
    people: tuple[str, ...]


@dataclass(frozen=True)
class ReplaceResult:
    seat_id: int
    interview_id: int
    old_id: str
    new_id: str
    audit_id: int


# -- a loop as read from the database ---------------------------------------------------------------


@dataclass(frozen=True)
class _Iv:
    id: int
    key: str
    title: str
    mode: str
    duration: int
    start_at: datetime | None
    end_at: datetime | None
    event_id: str | None
    room: str | None
    video_link: str | None
    interviewers: tuple[str, ...]
    shadows: tuple[str, ...]
    pool: str
    notes: str


@dataclass(frozen=True)
class _Loop:
    team_id: str
    candidate_id: int
    candidate_name: str
    candidate_email: str | None
    candidate_tz: str
    role_title: str
    role_tz: str
    stage_name: str
    rules: solver.StageRules
    panel_id: int
    panel_created: str
    previous_status: str
    interviews: tuple[_Iv, ...]
    windows: tuple[tuple[datetime, datetime], ...]
    candidate_phone: str = ""
    address: str = ""
    sittings: tuple[Sitting, ...] = ()

    @property
    def people(self) -> list[str]:
        return list(dict.fromkeys(u for iv in self.interviews for u in (*iv.interviewers, *iv.shadows)))


@dataclass(frozen=True)
class Contact:
    """What scheduling needs of a person: email (their calendar id), time zone, working hours."""

    user_id: str
    email: str | None
    tz: str
    name: str = ""
    work_start_minute: int = 9 * 60
    work_end_minute: int = 17 * 60
    work_days: str = "0,1,2,3,4"

    @classmethod
    def of(cls, person: Person) -> Contact:
        return cls(
            user_id=person.user_id,
            email=(person.email or "").strip().lower() or None,
            tz=person.tz if valid_timezone(person.tz) else "UTC",
            name=person.display_name or person.user_id,
            work_start_minute=person.work_start_minute,
            work_end_minute=person.work_end_minute,
            work_days=person.work_days,
        )

    def works(self, start: datetime, end: datetime) -> bool:
        """True when [start, end) lies inside their working hours on one working day."""
        hours = WorkingHours(
            tz=self.tz,
            start_minute=self.work_start_minute,
            end_minute=self.work_end_minute,
            days=parse_days(self.work_days),
        )
        last = end - timedelta(minutes=1)
        tz = zone(self.tz)
        same_day = start.astimezone(tz).date() == last.astimezone(tz).date()
        return same_day and hours.contains(start) and hours.contains(last)


def _mentions(user_ids: Iterable[str]) -> str:
    ids = [f"<@{u}>" for u in dict.fromkeys(user_ids)]
    return ids[0] if len(ids) == 1 else ", ".join(ids[:-1]) + " and " + ids[-1]


def _solver_people(
    who: Mapping[str, Contact],
    busy: Mapping[str, list[Interval]],
    limits: Mapping[str, tuple[int | None, int | None]],
    bookings: Mapping[str, list[datetime]],
    loads: Mapping[str, int],
) -> dict[str, solver.Person]:
    """The solver's people: working hours, busy times, limits, other bookings and recent load."""
    people: dict[str, solver.Person] = {}
    for user_id, w in who.items():
        daily, weekly = limits.get(user_id, (None, None))
        people[user_id] = solver.Person(
            id=user_id,
            tz=w.tz,
            work_start_minute=w.work_start_minute,
            work_end_minute=w.work_end_minute,
            work_days=parse_days(w.work_days),
            busy=tuple(solver.Interval(b.start, b.end) for b in busy.get(w.email or "", [])),
            daily_limit=daily,
            weekly_limit=weekly,
            existing_bookings=tuple(bookings.get(user_id, ())),
            recent_load=loads.get(user_id, 0),
            name=w.name or user_id,
        )
    return people


def _block_parts(loop: _Loop, who: Mapping[str, Contact] | None = None) -> dict[str, BlockPart]:
    """The loop's interviews as parts of the solver's blocks (with `who`, shadows without an email
    are left off)."""
    return {
        iv.key: BlockPart(
            key=iv.key,
            title=iv.title,
            duration=iv.duration,
            onsite=iv.mode == "onsite",
            interviewers=iv.interviewers,
            shadows=tuple(u for u in iv.shadows if who is None or who[u].email),
        )
        for iv in loop.interviews
    }


def _block_titles(loop: _Loop) -> dict[str, str]:
    """The title of each of the solver's interviews (a session's name for a session), by key."""
    return {req.key: req.label for req in solver_blocks(loop.sittings, _block_parts(loop), {})}


def _slot_lines(loop: _Loop, slots: Iterable[solver.Slot]) -> tuple[SlotLine, ...]:
    """Solver slots as the loop's interviews (their ids, titles and formats)."""
    by_key = {iv.key: iv for iv in loop.interviews}
    return tuple(
        SlotLine(
            interview_id=by_key[s.interview_key].id,
            title=by_key[s.interview_key].title,
            mode=by_key[s.interview_key].mode,
            start=s.start,
            end=s.end,
            interviewer_ids=s.interviewers,
            shadow_ids=s.shadows,
            room=s.room,
        )
        for s in slots
    )


def _swap_of(relaxation: Relaxation | None) -> Swap | None:
    """The pool swap a relaxation makes, if it is one."""
    if relaxation is None or relaxation.kind != SWAP:
        return None
    return Swap(relaxation.interview or "", relaxation.person or "", relaxation.instead or "")


def _swapped_loop(loop: _Loop, swap: Swap) -> _Loop:
    """The loop with `swap.instead` in `swap.out`'s place on every interview of the swapped sitting."""
    keys = {k for s in loop.sittings if block_key(s) == swap.interview for k in s.interview_keys}
    return dataclasses.replace(
        loop,
        interviews=tuple(
            dataclasses.replace(
                iv, interviewers=tuple(swap.instead if u == swap.out else u for u in iv.interviewers)
            )
            if iv.key in keys
            else iv
            for iv in loop.interviews
        ),
    )


@dataclass(frozen=True)
class _PoolSwaps:
    """Who may sit an interview in an interviewer's place (in rotation order), their contacts and limits."""

    swaps: tuple[Swap, ...] = ()
    who: Mapping[str, Contact] = dataclasses.field(default_factory=dict)
    limits: Mapping[str, tuple[int, int]] = dataclasses.field(default_factory=dict)


def _event_id(loop: _Loop, iv: _Iv, moving: bool) -> str:
    """An interview's calendar event: the one it has when moving, else the one its id derives."""
    return iv.event_id if moving and iv.event_id else event_id_for(loop.team_id, iv.id, loop.panel_created)


def _record_events(
    panel: Panel,
    loop: _Loop,
    events: Mapping[str, BookedEvent],
    by_event: Mapping[str, EventSpec],
    shadows: Mapping[int, tuple[str, ...]],
    *,
    moving: bool,
) -> list[str]:
    """Write the confirmed events onto the panel's interviews; the shadows dropped on the way."""
    dropped: list[str] = []
    ids = {iv.id: _event_id(loop, iv, moving) for iv in loop.interviews}
    for interview in panel.interviews:
        event_id = ids[interview.id]
        event = events.get(event_id)
        if event is None or event_id not in by_event:
            raise Conflict("The calendar did not confirm every interview.")
        interview.start_at = event.start
        interview.end_at = event.end
        interview.event_id = event_id
        interview.status = "booked"
        interview.room = event.room if interview.mode == "onsite" else None
        interview.video_link = event.video_link
        interview.ics_token = ics_token_of(event.ics_url) or interview.ics_token
        keep = set(shadows.get(interview.id, ()))
        for seat in list(interview.seats):
            if seat.kind == "shadow" and seat.user_id not in keep:
                dropped.append(seat.user_id)
                interview.seats.remove(seat)
    return dropped


class SchedulingService:
    """Options, booking, moving, cancelling and replacing; the role's managers and admins only."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        calendar: CalendarGateway,
        people: PeopleService,
        pools: PoolService,
        directory: Directory,
        notifier: Notifier,
        *,
        video_link_template: str | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.calendar = calendar
        self.video_link_template = video_link_template
        self.people = people
        self.pools = pools
        self.directory = directory
        self.notices = ScheduleNotices(db, clock, calendar, directory, notifier)

    @property
    def rooms(self) -> tuple[str, ...]:
        return tuple(self.calendar.rooms)

    def _video_link(self, interview_id: int) -> str:
        """The built-in calendar's link for a video interview: the configured template (its
        `{interview_id}` and `{token}` filled in) or a Jitsi room named with a random token."""
        token = secrets.token_hex(10)
        if self.video_link_template:
            return self.video_link_template.replace("{interview_id}", str(interview_id)).replace(
                "{token}", token
            )
        return BUILTIN_VIDEO.format(token=token)

    # -- reading ------------------------------------------------------------------------------------
    def _panel(self, uow: UnitOfWork, candidate: Candidate) -> Panel:
        panel = uow.panels.current(candidate.id, candidate.stage_key)
        if panel is None:
            stage = stage_name(candidate.role.plan, candidate.stage_key)
            raise Conflict(
                f"There is no panel for the {stage} stage yet: build it with `/interview panel` first."
            )
        return panel

    def check(self, actor: Actor, candidate_id: int) -> None:
        """Raise unless the actor may schedule this candidate (a quick check before a modal opens)."""
        with self.db.uow(actor.team_id) as uow:
            candidate = live_candidate(uow, candidate_id)
            require_manager(actor, candidate.role, WHAT)

    def _changing(self, panel: Panel, now: datetime) -> bool:
        return panel.status == CHANGING and panel.updated_at > now - CHANGE_LEASE

    def _check(self, panel: Panel, now: datetime, *, moving: bool) -> None:
        """Booking needs a panel not booked yet; moving needs a booked one whose interviews are all
        still ahead. A `changing` panel is in someone's hands unless its lease has run out."""
        if self._changing(panel, now):
            raise Conflict("These interviews are being booked or changed right now. Try again in a moment.")
        booked = all(iv.status == "booked" for iv in panel.interviews) and bool(panel.interviews)
        if not moving:
            if booked or panel.status == "booked":
                raise Conflict(
                    "This loop is already booked. Use `/interview reschedule` to move it, or "
                    "`/interview cancel` to cancel it."
                )
            if not (changeable(panel) or (panel.status == CHANGING and not booked)):
                raise Conflict("This panel can't be booked in its current state.")
            return
        if not booked or panel.status not in ("booked", CHANGING):
            raise Conflict("Nothing is booked for this stage yet; use `/interview schedule` first.")
        if any(iv.start_at is None or iv.start_at <= now for iv in panel.interviews):
            raise Conflict(
                "Some of these interviews have started or taken place already, so the loop can't be "
                "moved or cancelled as a whole."
            )

    def _loop(self, uow: UnitOfWork, candidate: Candidate, panel: Panel) -> _Loop:
        spec = spec_of(candidate.role.plan)
        try:
            stage: StageSpec | None = spec.stage(panel.stage_key)
        except KeyError:
            stage = None
        specs = {iv.key: iv for iv in stage.interviews} if stage else {}
        booked = all(iv.status == "booked" for iv in panel.interviews)
        interviews = []
        for iv in sorted(panel.interviews, key=lambda i: (i.position, i.id)):
            plan_iv = specs.get(iv.interview_key)
            interviews.append(
                _Iv(
                    id=iv.id,
                    key=iv.interview_key,
                    title=iv.title,
                    mode=iv.mode,
                    duration=iv.duration_minutes,
                    start_at=iv.start_at,
                    end_at=iv.end_at,
                    event_id=iv.event_id,
                    room=iv.room,
                    video_link=iv.video_link,
                    interviewers=tuple(s.user_id for s in iv.seats if s.kind != "shadow"),
                    shadows=tuple(s.user_id for s in iv.seats if s.kind == "shadow"),
                    pool=plan_iv.pool if plan_iv else "engineer",
                    notes=" ".join((plan_iv.candidate_notes if plan_iv else "").split()),
                )
            )
        keys = [iv.key for iv in interviews]
        return _Loop(
            team_id=uow.team_id,
            candidate_id=candidate.id,
            candidate_name=candidate.name,
            candidate_email=(candidate.email or "").strip() or None,
            candidate_tz=candidate.timezone if valid_timezone(candidate.timezone) else "UTC",
            role_title=candidate.role.title,
            role_tz=candidate.role.timezone if valid_timezone(candidate.role.timezone) else "UTC",
            stage_name=stage.name if stage else panel.stage_key,
            rules=solver.StageRules(**stage.constraints.model_dump()) if stage else solver.StageRules(),
            panel_id=panel.id,
            panel_created=panel.created_at.astimezone(UTC).isoformat(),
            previous_status="booked" if booked and panel.interviews else "ready",
            interviews=tuple(interviews),
            windows=tuple((w.start_at, w.end_at) for w in candidate.windows),
            candidate_phone=candidate.phone,
            address=" ".join(spec.address.split()),
            # each interview its own sitting when the plan no longer has the stage
            sittings=tuple(
                stage_sittings(stage, keys)
                if stage
                else [Sitting(key=k, name=k, interview_keys=(k,)) for k in keys]
            ),
        )

    def contacts(self, team_id: str, user_ids: Sequence[str]) -> dict[str, Contact]:
        """Email, time zone and working hours of people, refreshed from Slack (falling back to what
        is stored)."""
        found = {u: Contact.of(p) for u, p in self.people.ensure_many(team_id, user_ids).items()}
        missing = [u for u in user_ids if u not in found]
        if missing:
            with self.db.uow(team_id) as uow:
                found.update({u: Contact.of(p) for u, p in uow.people.many(missing).items()})
        return {u: found.get(u) or Contact(user_id=u, email=None, tz="UTC") for u in user_ids}

    def _free_busy(
        self, team_id: str, calendars: Sequence[str], start: datetime, end: datetime
    ) -> dict[str, list[Interval]]:
        if not calendars:
            return {}
        try:
            return self.calendar.free_busy(team_id, list(dict.fromkeys(calendars)), start, end)
        except CalendarError as err:
            raise ExternalServiceError(_said(err)) from err

    def _own_time_freed(
        self, loop: _Loop, who: Mapping[str, Contact], busy: dict[str, list[Interval]]
    ) -> dict[str, list[Interval]]:
        """When moving, the loop's own events do not make its people (and rooms) busy."""
        for iv in loop.interviews:
            if iv.start_at is None or iv.end_at is None:
                continue
            hole = Interval(iv.start_at, iv.end_at)
            for calendar in [who[u].email for u in (*iv.interviewers, *iv.shadows)] + [iv.room]:
                if calendar and calendar in busy:
                    busy[calendar] = subtract(busy[calendar], hole)
        return busy

    # -- options ------------------------------------------------------------------------------------
    def options(self, actor: Actor, candidate_id: int, *, moving: bool = False) -> ScheduleOptions:
        """The best ways to book (or, `moving`, to move) the candidate's current stage, best first,
        or why nothing fits. Times come back in UTC; `viewer_tz` is how the actor sees times."""
        now = self.clock.now()
        loop, state, viewer_tz = self._options_loop(actor, candidate_id, now, moving)
        booked = [
            solver.Slot(iv.key, iv.start_at, iv.end_at, iv.interviewers, iv.shadows, iv.room)
            for iv in loop.interviews
            if iv.start_at is not None and iv.end_at is not None
        ]
        current = _slot_lines(loop, booked) if moving else ()
        empty = ScheduleOptions(
            candidate_id=loop.candidate_id,
            candidate_name=loop.candidate_name,
            candidate_tz=loop.candidate_tz,
            role_title=loop.role_title,
            stage_name=loop.stage_name,
            panel_id=loop.panel_id,
            moving=moving,
            options=[],
            blocked=None,
            viewer_tz=viewer_tz,
            current=current,
        )
        windows = [(s, e) for s, e in loop.windows if e > now]
        if not windows:
            return dataclasses.replace(
                empty,
                blocked="No availability is entered for this candidate (or all of it is past): add their "
                "windows with `/interview availability` first.",
            )
        who, notes = self._emailed_contacts(actor.team_id, loop)
        swaps = _PoolSwaps() if moving else self._pool_swaps(actor.team_id, loop)
        problem = self._problem(actor.team_id, loop, who, windows, now, moving, swaps)
        solution = solver.solve(problem)
        options = self._schedule_options(loop, solution, state, moving)
        blocked = solution.blocked
        if not options and blocked is None:
            blocked = "The only time that fits is the one booked now; add more availability to move the loop."
        nearest: tuple[ScheduleOption, ...] = ()
        if solution.blocked:
            later = self._week_later(actor.team_id, loop, who, windows, now, moving)
            nearest = self._nearest(loop, problem, later, state, moving, swaps.swaps)
        return dataclasses.replace(
            empty, options=options, blocked=blocked, notes=tuple(notes), nearest=nearest
        )

    def _week_later(
        self,
        team_id: str,
        loop: _Loop,
        who: Mapping[str, Contact],
        windows: list[tuple[datetime, datetime]],
        now: datetime,
        moving: bool,
    ) -> list[tuple[Relaxation, solver.Option]]:
        """The best option one week later, were the candidate free the same hours then (everyone's
        calendars read for that week), or nothing."""
        later = [(s + ONE_WEEK, e + ONE_WEEK) for s, e in windows]
        problem = self._problem(team_id, loop, who, later, now, moving)
        solution = solver.solve(dataclasses.replace(problem, k=1))
        return [(Relaxation(ONE_WEEK_LATER, 7), o) for o in solution.options[:1]]

    def _nearest(
        self,
        loop: _Loop,
        problem: solver.Problem,
        later: list[tuple[Relaxation, solver.Option]],
        state: str,
        moving: bool,
        swaps: Sequence[Swap] = (),
    ) -> tuple[ScheduleOption, ...]:
        """The nearest options when nothing fits, each relaxing one rule (another interviewer from the
        pool first), labelled with what it relaxes."""
        out: list[ScheduleOption] = []
        titles = _block_titles(loop)
        for relaxation, option in [*nearest_options(problem, swaps=swaps), *later]:
            swap = _swap_of(relaxation)
            shown = _swapped_loop(loop, swap) if swap else loop
            found = self._schedule_options(shown, solver.Solution([option]), state, moving)
            if not found:
                continue
            planned = found[0]
            index = len(out)
            choice = dataclasses.replace(planned.choice, index=index, relaxed=relaxed.encode(relaxation))
            label = relaxed.describe(relaxation, titles)
            out.append(dataclasses.replace(planned, index=index, reason=label, choice=choice))
        return tuple(out)

    def _options_loop(
        self, actor: Actor, candidate_id: int, now: datetime, moving: bool
    ) -> tuple[_Loop, str, str]:
        """The loop to schedule, its panel state and the actor's time zone, once checked schedulable."""
        with self.db.uow(actor.team_id) as uow:
            candidate = live_candidate(uow, candidate_id)
            require_manager(actor, candidate.role, WHAT)
            if candidate.status != "active":
                raise Conflict(f"This candidate is {candidate.status}; there is nothing to schedule.")
            panel = self._panel(uow, candidate)
            self._check(panel, now, moving=moving)
            if not panel.interviews or any(
                not any(s.kind != "shadow" for s in iv.seats) for iv in panel.interviews
            ):
                raise Conflict("Every interview needs its interviewers first: use `/interview panel`.")
            loop = self._loop(uow, candidate, panel)
            state = panel_state(panel, moving)
            if actor.link_role_id is not None:  # the candidate, on their page
                viewer_tz = loop.candidate_tz
            else:
                viewer_tz = person_timezone(uow, self.directory, actor.user_id, loop.role_tz)
        return loop, state, viewer_tz

    def _emailed_contacts(self, team_id: str, loop: _Loop) -> tuple[dict[str, Contact], list[str]]:
        """The loop's people's contacts (every interviewer must have an email) and notes on
        shadows who can't take part for lack of one."""
        who = self.contacts(team_id, loop.people)
        no_email = [u for iv in loop.interviews for u in iv.interviewers if not who[u].email]
        if no_email:
            raise Conflict(
                f"I don't know the email address of {_mentions(no_email)}, so I can't read their calendar "
                "or invite them. Their Slack profile needs an email (and Loopbot the users:read.email scope)."
            )
        quiet = [u for iv in loop.interviews for u in iv.shadows if not who[u].email]
        notes = [f"{_mentions(quiet)} can't shadow: Slack shows no email address for them."] if quiet else []
        return who, notes

    def _problem(
        self,
        team_id: str,
        loop: _Loop,
        who: Mapping[str, Contact],
        windows: list[tuple[datetime, datetime]],
        now: datetime,
        moving: bool,
        swaps: _PoolSwaps | None = None,
    ) -> solver.Problem:
        """The solver's problem for the loop: everyone's calendars, limits and load inside the windows
        (with `swaps`, also of the pool members who could take someone's place, in the same read)."""
        lo, hi = max(now, min(s for s, _ in windows)), max(e for _, e in windows)
        onsite = any(iv.mode == "onsite" for iv in loop.interviews)
        rooms = list(self.rooms) if onsite else []
        everyone = {**(swaps.who if swaps else {}), **who}
        emails = [w.email for w in everyone.values() if w.email]
        busy = self._free_busy(team_id, [*emails, *rooms], lo, hi)
        if moving:
            busy = self._own_time_freed(loop, who, busy)
        others = sorted(swaps.who) if swaps else []
        limits, bookings, loads = self._load(team_id, loop, lo - LOAD_MARGIN, hi + LOAD_MARGIN, others)
        if swaps and swaps.who:
            limits = {**swaps.limits, **limits}
        return solver.Problem(
            windows=tuple(solver.Interval(s, e) for s, e in windows),
            # one per sitting, a session as one block (shadows without an email left off but counted)
            interviews=solver_blocks(
                loop.sittings, _block_parts(loop, who), {iv.key: len(iv.shadows) for iv in loop.interviews}
            ),
            people=_solver_people(everyone, busy, limits, bookings, loads),
            rooms=tuple(
                solver.Room(id=r, busy=tuple(solver.Interval(b.start, b.end) for b in busy.get(r, [])))
                for r in rooms
            ),
            rules=loop.rules,
            candidate_tz=loop.candidate_tz,
            now=now,
            k=MAX_OPTIONS + 1 if moving else MAX_OPTIONS,
        )

    def _pool_swaps(self, team_id: str, loop: _Loop) -> _PoolSwaps:
        """Who may sit each sitting in place of each of its interviewers: members qualified in the
        pools of every interview they would take, not on the loop already (so the sittings rule
        holds), with an email, up to `SWAP_TRIES` each in the pools' fair rotation order."""
        swaps: list[Swap] = []
        pooled: dict[str, tuple[int, int]] = {}
        on_loop = set(loop.people)
        with self.db.uow(team_id) as uow:
            for sitting in loop.sittings:
                ivs = [iv for iv in loop.interviews if iv.key in sitting.interview_keys]
                for out in dict.fromkeys(u for iv in ivs for u in iv.interviewers):
                    kinds = sorted({iv.pool for iv in ivs if out in iv.interviewers})
                    pools = [self.pools.memberships(uow, kind) for kind in kinds]
                    rotation = self.pools.suggest_in(uow, kinds[0], len(pools[0]), exclude=on_loop)
                    fit = [
                        u
                        for u in rotation.interviewer_ids
                        if all(u in pool and pool[u].level == "qualified" for pool in pools)
                    ]
                    for u in fit[:SWAP_TRIES]:
                        swaps.append(Swap(block_key(sitting), out, u))
                        pooled[u] = (
                            min(p[u].daily_limit for p in pools),
                            min(p[u].weekly_limit for p in pools),
                        )
            own = limits_for(uow, pooled, pooled)
        if not swaps:
            return _PoolSwaps()
        limits = {u: (e.daily, e.weekly) for u, e in own.items()}
        who = {u: c for u, c in self._known_contacts(team_id, sorted(limits)).items() if c.email}
        return _PoolSwaps(tuple(s for s in swaps if s.instead in who), who, limits)

    def _known_contacts(self, team_id: str, user_ids: Sequence[str]) -> dict[str, Contact]:
        """Contacts as stored, asking Slack only for people Loopbot has not met (options are worked
        out often; booking refreshes whoever it invites)."""
        with self.db.uow(team_id) as uow:
            found = {u: Contact.of(p) for u, p in uow.people.many(user_ids).items()}
        missing = [u for u in user_ids if u not in found]
        return {**found, **(self.contacts(team_id, missing) if missing else {})}

    def _schedule_options(
        self, loop: _Loop, solution: solver.Solution, state: str, moving: bool
    ) -> list[ScheduleOption]:
        """The solver's options as schedule options (when `moving`, leaving out the times held now)."""
        held = {(iv.key, iv.start_at) for iv in loop.interviews}
        parts = _block_parts(loop)
        laid = [(o, interview_slots(loop.sittings, parts, o.slots)) for o in solution.options]
        found = [(o, ss) for o, ss in laid if not moving or {(s.interview_key, s.start) for s in ss} != held]
        options = []
        for index, (option, option_slots) in enumerate(found[:MAX_OPTIONS]):
            slots = _slot_lines(loop, option_slots)
            choice = Choice(
                index=index,
                state=state,
                slots=tuple(ChosenSlot(s.interview_id, s.start, s.room, s.shadow_ids) for s in slots),
            )
            options.append(ScheduleOption(index=index, slots=slots, reason=option.reason, choice=choice))
        return options

    def _load(
        self, team_id: str, loop: _Loop, lo: datetime, hi: datetime, others: Sequence[str] = ()
    ) -> tuple[dict[str, tuple[int, int]], dict[str, list[datetime]], dict[str, int]]:
        """Daily/weekly limits (`hiring.people.limits`: their own, else the pool of the interview's
        kind, else the default), other booked interviews (they count towards the limits) and recent
        load, per person; for `others` (pool members who could take someone's place), their bookings
        and load only."""
        people = [*loop.people, *others]
        with self.db.uow(team_id) as uow:
            pooled: dict[str, tuple[int, int]] = {}
            for iv in loop.interviews:
                members = self.pools.memberships(uow, iv.pool)
                for user_id in iv.interviewers:
                    member = members.get(user_id)
                    if member is not None and user_id not in pooled:
                        pooled[user_id] = (member.daily_limit, member.weekly_limit)
            interviewers = [u for iv in loop.interviews for u in iv.interviewers]
            limits = {u: (lim.daily, lim.weekly) for u, lim in limits_for(uow, interviewers, pooled).items()}
            bookings = uow.booking.booked_starts(people, lo, hi, besides_panel=loop.panel_id)
            loads = {u: load.recent for u, load in self.pools.loads_in(uow, people).items()}
        return limits, bookings, loads

    # -- booking and moving -------------------------------------------------------------------------
    def book(
        self, actor: Actor, candidate_id: int, choice: Choice, *, request_key: str | None = None
    ) -> BookingResult | None:
        """Book the chosen option: every event in one calendar call, then the times stored in one
        transaction. None when `request_key` was already handled (a double click)."""
        return self._place(actor, candidate_id, choice, moving=False, request_key=request_key)

    def reschedule(
        self, actor: Actor, candidate_id: int, choice: Choice, *, request_key: str | None = None
    ) -> BookingResult | None:
        """Move the booked loop to the chosen option: the same events, patched in one calendar call."""
        return self._place(actor, candidate_id, choice, moving=True, request_key=request_key)

    def _place(
        self, actor: Actor, candidate_id: int, choice: Choice, *, moving: bool, request_key: str | None
    ) -> BookingResult | None:
        now = self.clock.now()
        loop = self._reserve(actor, candidate_id, choice, moving=moving, request_key=request_key, now=now)
        if loop is None:
            return None
        try:
            who = self.contacts(actor.team_id, loop.people)
            specs, shadows = self._specs(loop, choice, who, moving=moving)
            booked = (self.calendar.move if moving else self.calendar.book)(actor.team_id, specs)
        except CalendarError as err:
            self._release(loop, request_key)
            raise ExternalServiceError(_calendar_problem(err, moving)) from err
        except Exception:
            self._release(loop, request_key)
            raise
        try:
            return self._store(
                actor, loop, specs, booked, shadows, moving=moving, now=now, relaxes=choice.relaxed
            )
        except Exception:
            log.exception("storing a booking failed; undoing its calendar events")
            self._undo(loop, specs, who, moving=moving)
            self._release(loop, request_key)
            raise

    def _reserve(
        self,
        actor: Actor,
        candidate_id: int,
        choice: Choice,
        *,
        moving: bool,
        request_key: str | None,
        now: datetime,
    ) -> _Loop | None:
        """Check the choice against the panel and mark the panel `changing` (committed), so a second
        click or a colleague cannot write the same events at the same time."""
        with self.db.uow(actor.team_id) as uow:
            candidate = live_candidate(uow, candidate_id, lock=True)
            require_manager(actor, candidate.role, WHAT)
            if request_key and not uow.idempotency.claim(request_key, now):
                return None
            if candidate.status != "active":
                raise Conflict(f"This candidate is {candidate.status}; there is nothing to schedule.")
            panel = self._panel(uow, candidate)
            self._check(panel, now, moving=moving)
            ids = sorted(iv.id for iv in panel.interviews)
            if (
                panel_state(panel, moving) != choice.state
                or sorted(s.interview_id for s in choice.slots) != ids
            ):
                raise Conflict(f"{STALE} Here are fresh options.")
            if any(s.start <= now for s in choice.slots):
                raise Conflict("That option starts in the past now. Here are fresh options.")
            loop = self._relaxed_loop(uow, self._loop(uow, candidate, panel), choice.relaxed, moving=moving)
            panel.status = CHANGING
            panel.updated_at = now
            uow.commit()
            return loop

    def _relaxed_loop(self, uow: UnitOfWork, loop: _Loop, token: str, *, moving: bool) -> _Loop:
        """The loop a nearest option books: with a pool swap (offered when booking, not moving, so
        nobody booked is dropped unannounced), the new person in the old one's place, once checked
        (a button's token comes back from Slack and may be forged or stale)."""
        relaxation = relaxed.decode(token)
        if token and relaxation is None:
            raise Conflict(f"That option's button is not one I made. {STALE} Here are fresh options.")
        swap = _swap_of(relaxation)
        if swap is None:
            return loop
        if moving:
            raise Conflict("To move a booked loop, replace an interviewer first, then move it.")
        keys = {k for s in loop.sittings if block_key(s) == swap.interview for k in s.interview_keys}
        ivs = [iv for iv in loop.interviews if iv.key in keys and swap.out in iv.interviewers]
        if not ivs:
            raise Conflict(f"{STALE} Here are fresh options.")
        if swap.instead in loop.people:
            raise Conflict(f"<@{swap.instead}> is on this loop already. Here are fresh options.")
        for iv in ivs:
            member = self.pools.memberships(uow, iv.pool).get(swap.instead)
            if member is None or member.level != "qualified":
                raise Conflict(
                    f"<@{swap.instead}> is not qualified in the pool for {iv.title}, so they can't take "
                    f"<@{swap.out}>'s place. Nothing was booked; here are fresh options."
                )
        return _swapped_loop(loop, swap)

    def _move_seats(self, uow: UnitOfWork, panel: Panel, loop: _Loop, swap: Swap) -> None:
        """Give the swapped sitting's seats of `swap.out` to `swap.instead` (`loop` is the swapped loop)."""
        taken = {iv.id: iv.pool for iv in loop.interviews if swap.instead in iv.interviewers}
        for interview in panel.interviews:
            if interview.id not in taken:
                continue
            member = self.pools.memberships(uow, taken[interview.id]).get(swap.instead)
            for seat in interview.seats:
                if seat.kind != "shadow" and seat.user_id == swap.out:
                    seat.user_id = swap.instead
                    seat.pool_id = member.pool_id if member else None
                    seat.response_status = "needsAction"
                    seat.decline_handled_at = None

    def _release(self, loop: _Loop, request_key: str | None, status: str | None = None) -> None:
        """Give the panel back as it was (and forget the request, so the button can be pressed again)."""
        try:
            with self.db.uow(loop.team_id) as uow:
                panel = uow.panels.get(loop.panel_id)
                if panel is not None and panel.status == CHANGING:
                    panel.status = status or loop.previous_status
                    panel.updated_at = self.clock.now()
                if request_key:
                    uow.booking.forget_request(request_key)
                uow.commit()
        except Exception:
            log.exception("could not release panel %s after a failed change", loop.panel_id)

    def _specs(
        self, loop: _Loop, choice: Choice, who: Mapping[str, Contact], *, moving: bool
    ) -> tuple[list[EventSpec], dict[int, tuple[str, ...]]]:
        """The events to write, after re-checking free/busy: an interviewer who became busy stops
        the booking; a shadow who did is left out; a room that was taken is picked again."""
        missing = [u for iv in loop.interviews for u in iv.interviewers if not who[u].email]
        if missing:
            raise Conflict(f"I don't know the email address of {_mentions(missing)}, so I can't invite them.")
        by_id = {iv.id: iv for iv in loop.interviews}
        ends = {
            s.interview_id: s.start + timedelta(minutes=by_id[s.interview_id].duration) for s in choice.slots
        }
        lo = min(s.start for s in choice.slots)
        hi = max(ends.values())
        rooms = [s.room for s in choice.slots if s.room]
        emails = [w.email for w in who.values() if w.email]
        busy = self._free_busy(loop.team_id, [*emails, *rooms], lo, hi)
        if moving:
            busy = self._own_time_freed(loop, who, busy)
        taken = [
            u
            for s in choice.slots
            for u in by_id[s.interview_id].interviewers
            if not is_free(busy.get(who[u].email or "", []), s.start, ends[s.interview_id])
        ]
        if taken:
            verb = "is" if len(set(taken)) == 1 else "are"
            raise Conflict(
                f"{_mentions(taken)} {verb} no longer free for that option. Here are fresh options."
            )
        specs = []
        shadows: dict[int, tuple[str, ...]] = {}
        for slot in sorted(choice.slots, key=lambda s: s.start):
            iv = by_id[slot.interview_id]
            end = ends[iv.id]
            kept = tuple(
                u
                for u in slot.shadow_ids
                if u in iv.shadows
                and who[u].email
                and is_free(busy.get(who[u].email or "", []), slot.start, end)
            )
            shadows[iv.id] = kept
            room = None
            if iv.mode == "onsite":
                # A room taken meanwhile is left to the calendar, which picks a free one (when moving,
                # the one the event holds if that is still free).
                room = slot.room if slot.room and is_free(busy.get(slot.room, []), slot.start, end) else None
            specs.append(self._spec(loop, iv, slot.start, end, who, kept, room, moving=moving))
        return specs, shadows

    def _spec(
        self,
        loop: _Loop,
        iv: _Iv,
        start: datetime,
        end: datetime,
        who: Mapping[str, Contact],
        shadows: Sequence[str],
        room: str | None,
        *,
        moving: bool,
        interviewers: Sequence[str] | None = None,
    ) -> EventSpec:
        attendees = [who[u].email for u in (*(interviewers or iv.interviewers), *shadows) if who[u].email]
        if loop.candidate_email:
            attendees.append(loop.candidate_email)
        fmt = format_of(iv.mode)
        video = None
        if fmt == VIDEO and isinstance(self.calendar, BuiltinCalendar):  # it makes no video links itself
            video = iv.video_link or self._video_link(iv.id)
        people = interviewers or iv.interviewers
        where = where_lines(
            fmt,
            caller=who[people[0]].name if people else "The interviewer",
            candidate=loop.candidate_name,
            phone=loop.candidate_phone or None,
            address=loop.address,
            room=room,
        )
        description = "\n".join([f"{loop.stage_name} for the {loop.role_title} role: {iv.title}.", *where])
        if iv.notes:
            description = f"{description}\n\n{iv.notes}"
        return EventSpec(
            event_id=_event_id(loop, iv, moving),
            summary=f"Interview: {loop.candidate_name} · {iv.title}",
            description=description,
            start=start,
            end=end,
            attendees=tuple(a for a in attendees if a),
            online=fmt == VIDEO,
            room=room if fmt == ONSITE else None,
            timezone=loop.candidate_tz,
            video_link=video,
            phone=fmt == PHONE,
        )

    def _store(
        self,
        actor: Actor,
        loop: _Loop,
        specs: list[EventSpec],
        booked: list[BookedEvent],
        shadows: Mapping[int, tuple[str, ...]],
        *,
        moving: bool,
        now: datetime,
        relaxes: str = "",
    ) -> BookingResult:
        """Record the booked events, the panel's new state and the audit entry (saying which rule a
        nearest option relaxed, for this booking only)."""
        events = {b.event_id: b for b in booked}
        by_event = {s.event_id: s for s in specs}
        with self.db.uow(loop.team_id) as uow:
            panel = uow.panels.get(loop.panel_id)
            if panel is None or panel.status != CHANGING:
                raise Conflict("The panel changed while its events were being written.")
            before = loop_snapshot(panel) if moving else None
            dropped = _record_events(panel, loop, events, by_event, shadows, moving=moving)
            relaxation = relaxed.decode(relaxes)
            swap = _swap_of(relaxation)
            if swap is not None:
                self._move_seats(uow, panel, loop, swap)
            panel.status = "booked"
            panel.updated_at = now
            if not moving:
                panel.booked_at = now
            uow.flush()
            after = loop_snapshot(panel)
            if relaxation is not None:
                after["relaxed"] = relaxed.describe(relaxation, _block_titles(loop))
            if swap is not None:
                after["swapped"] = {"interview": swap.interview, "out": swap.out, "in": swap.instead}
            audit = uow.audit.record(
                at=now,
                actor_id=actor.user_id,
                action="panel.rescheduled" if moving else "panel.booked",
                subject_type="panel",
                subject_id=panel.id,
                candidate_id=loop.candidate_id,
                before=before,
                after=after,
            )
            uow.commit()
            return self._booking_result(loop, panel, after, before, audit.id, dropped, moving=moving, now=now)

    def _booking_result(
        self,
        loop: _Loop,
        panel: Panel,
        after: Mapping[str, object],
        before: Mapping[str, object] | None,
        audit_id: int,
        dropped: list[str],
        *,
        moving: bool,
        now: datetime,
    ) -> BookingResult:
        """What booking (or moving) the loop did, for the announcements."""
        slots = slot_lines(after, before)
        urls = [self.notices.ics_url(iv) for iv in sorted(panel.interviews, key=lambda i: i.start_at or now)]
        invites = tuple(url for url in urls if url)
        people = tuple(dict.fromkeys([*loop.people]))
        return BookingResult(
            panel_id=panel.id,
            candidate_id=loop.candidate_id,
            candidate_name=loop.candidate_name,
            candidate_tz=loop.candidate_tz,
            stage_name=loop.stage_name,
            moved=moving,
            slots=slots,
            audit_id=audit_id,
            candidate_invited=loop.candidate_email is not None,
            invite_urls=invites,
            people=people,
            dropped_shadows=tuple(dropped),
        )

    def _undo(self, loop: _Loop, specs: list[EventSpec], who: Mapping[str, Contact], *, moving: bool) -> None:
        """Put the calendar back after storing failed: cancel new events, or move events back."""
        try:
            if not moving:
                self.calendar.cancel(loop.team_id, [s.event_id for s in specs])
                return
            back = [
                self._spec(loop, iv, iv.start_at, iv.end_at, who, iv.shadows, iv.room, moving=True)
                for iv in loop.interviews
                if iv.start_at is not None and iv.end_at is not None
            ]
            self.calendar.move(loop.team_id, back)
        except Exception:
            log.exception("could not undo the calendar events of panel %s", loop.panel_id)

    def announce(self, team_id: str, audit_id: int) -> TickReport:
        """Tell the hiring channel and everyone on the loop about one change, right away (exactly once;
        a later tick retries what Slack did not take)."""
        return self.notices.announce(team_id, audit_id)

    # -- cancelling ---------------------------------------------------------------------------------
    def cancel_preview(self, actor: Actor, candidate_id: int) -> CancelPreview:
        """The booked loop `/interview cancel` asks to confirm (checks permission and state)."""
        now = self.clock.now()
        with self.db.uow(actor.team_id) as uow:
            candidate = live_candidate(uow, candidate_id)
            require_manager(actor, candidate.role, WHAT)
            panel = self._panel(uow, candidate)
            self._check(panel, now, moving=True)
            loop = self._loop(uow, candidate, panel)
            return CancelPreview(
                candidate_id=candidate.id,
                candidate_name=candidate.name,
                stage_name=loop.stage_name,
                panel_id=panel.id,
                slots=slot_lines(loop_snapshot(panel), None),
            )

    def cancel(
        self, actor: Actor, candidate_id: int, panel_id: int, *, request_key: str | None = None
    ) -> CancelResult | None:
        """Cancel the loop's events (everyone invited is told by the calendar), then mark its
        interviews and the panel cancelled. None when `request_key` was already handled."""
        now = self.clock.now()
        with self.db.uow(actor.team_id) as uow:
            candidate = live_candidate(uow, candidate_id, lock=True)
            require_manager(actor, candidate.role, WHAT)
            if request_key and not uow.idempotency.claim(request_key, now):
                return None
            panel = self._panel(uow, candidate)
            if panel.id != panel_id:
                raise Conflict(f"{STALE} Run `/interview cancel` again.")
            self._check(panel, now, moving=True)
            loop = self._loop(uow, candidate, panel)
            panel.status = CHANGING
            panel.updated_at = now
            uow.commit()
        event_ids = [iv.event_id for iv in loop.interviews if iv.event_id]
        try:
            self.calendar.cancel(actor.team_id, event_ids)
        except CalendarError as err:
            self._release(loop, request_key)
            raise ExternalServiceError(f"{_said(err)} Nothing was cancelled here; try again.") from err
        except Exception:
            self._release(loop, request_key)
            raise
        with self.db.uow(actor.team_id) as uow:
            held = uow.panels.get(loop.panel_id)
            assert held is not None
            panel = held
            before = loop_snapshot(panel)
            before["status"] = "booked"
            for interview in panel.interviews:
                interview.status = "cancelled"
            panel.status = "cancelled"
            panel.updated_at = now
            audit = uow.audit.record(
                at=now,
                actor_id=actor.user_id,
                action="panel.cancelled",
                subject_type="panel",
                subject_id=panel.id,
                candidate_id=loop.candidate_id,
                before=before,
                after={"status": "cancelled"},
            )
            uow.commit()
            return CancelResult(
                panel_id=panel.id,
                candidate_name=loop.candidate_name,
                audit_id=audit.id,
                people=tuple(loop.people),
            )

    # -- declines: replacing an interviewer, and saying "can't make it" -----------------------------
    def replace(
        self, actor: Actor, seat_id: int, new_user_id: str, *, request_key: str | None = None
    ) -> ReplaceResult | None:
        """Give a declined seat to `new_user_id`: the event is patched with the new attendee list
        (same id, same time), then the seat changes hands. None when already done."""
        now = self.clock.now()
        claimed = self._claim_replacement(actor, seat_id, new_user_id, request_key, now)
        if claimed is None:
            return None
        loop, iv, pool_id, old_user = claimed
        try:
            self._invite_replacement(actor.team_id, loop, iv, old_user, new_user_id)
        except CalendarError as err:
            self._release(loop, request_key, status="booked")
            raise ExternalServiceError(_calendar_problem(err, True)) from err
        except Exception:
            self._release(loop, request_key, status="booked")
            raise
        with self.db.uow(actor.team_id) as uow:
            seat = uow.booking.seat(seat_id)
            panel = uow.panels.get(loop.panel_id)
            assert seat is not None and panel is not None
            seat.user_id = new_user_id
            seat.response_status = "needsAction"
            seat.decline_handled_at = None  # the seat's new holder has not answered yet
            seat.pool_id = pool_id
            panel.status = "booked"
            panel.updated_at = now
            audit = uow.audit.record(
                at=now,
                actor_id=actor.user_id,
                action="seat.replaced",
                subject_type="seat",
                subject_id=seat_id,
                candidate_id=loop.candidate_id,
                before={"user": old_user, "response": "declined"},
                after={"user": new_user_id, "interview_id": iv.id, "panel_id": loop.panel_id},
            )
            uow.commit()
            return ReplaceResult(seat_id, iv.id, old_user, new_user_id, audit.id)

    def _claim_replacement(
        self, actor: Actor, seat_id: int, new_user_id: str, request_key: str | None, now: datetime
    ) -> tuple[_Loop, _Iv, int, str] | None:
        """Check the declined seat can go to `new_user_id` and mark its panel as changing:
        (loop, interview, the new holder's pool id, the old holder), or None when already done."""
        with self.db.uow(actor.team_id) as uow:
            seat = uow.booking.seat(seat_id)
            if seat is None:
                raise NotFound("That interview seat no longer exists.")
            interview = uow.booking.interview(seat.interview_id)
            assert interview is not None
            candidate = live_candidate(uow, interview.panel.candidate_id, lock=True)
            require_manager(actor, candidate.role, "replace interviewers for this role")
            if request_key and not uow.idempotency.claim(request_key, now):
                return None
            panel = interview.panel
            if seat.user_id == new_user_id:
                return None
            if panel.status == "cancelled" or interview.status != "booked" or not interview.event_id:
                raise Conflict("That interview is no longer booked.")
            if self._changing(panel, now):
                raise Conflict("These interviews are being changed right now. Try again in a moment.")
            if interview.start_at is None or interview.start_at <= now:
                raise Conflict("That interview has started already.")
            if seat.response_status != "declined":
                raise Conflict(f"<@{seat.user_id}> has not declined that interview (any more).")
            if any(s.user_id == new_user_id for iv in panel.interviews for s in iv.seats):
                raise Conflict(f"<@{new_user_id}> is on this loop already.")
            loop = self._loop(uow, candidate, panel)
            iv = next(i for i in loop.interviews if i.id == interview.id)
            member = self.pools.memberships(uow, iv.pool).get(new_user_id)
            if member is None or member.level not in RUNS_INTERVIEWS:
                raise Conflict(f"<@{new_user_id}> can't run {iv.title}: they are not qualified in its pool.")
            old_user = seat.user_id
            panel.status = CHANGING
            panel.updated_at = now
            uow.commit()
        return loop, iv, member.pool_id, old_user

    def _invite_replacement(
        self, team_id: str, loop: _Loop, iv: _Iv, old_user: str, new_user_id: str
    ) -> None:
        """Patch the interview's event so `new_user_id` (who must be free then) takes `old_user`'s place."""
        who = self.contacts(team_id, [*loop.people, new_user_id])
        if not who[new_user_id].email:
            raise Conflict(f"I don't know <@{new_user_id}>'s email address, so I can't invite them.")
        assert iv.start_at is not None and iv.end_at is not None
        busy = self._free_busy(team_id, [who[new_user_id].email or ""], iv.start_at, iv.end_at)
        if not is_free(busy.get(who[new_user_id].email or "", []), iv.start_at, iv.end_at):
            raise Conflict(f"<@{new_user_id}> is no longer free then; choose someone else.")
        people = [new_user_id if u == old_user else u for u in iv.interviewers]
        spec = self._spec(
            loop, iv, iv.start_at, iv.end_at, who, iv.shadows, iv.room, moving=True, interviewers=people
        )
        self.calendar.move(team_id, [spec])

    def decline_own(self, actor: Actor, interview_id: int) -> str:
        """An interviewer says "can't make it" (built-in calendar): their invite is declined, and
        the next tick tells the recruiters and proposes a replacement."""
        if not isinstance(self.calendar, BuiltinCalendar):
            raise Conflict(
                "Decline the invitation in your calendar; Loopbot notices and tells the recruiter."
            )
        now = self.clock.now()
        with self.db.uow(actor.team_id) as uow:
            interview = uow.booking.interview(interview_id)
            seat = (
                next((s for s in interview.seats if s.user_id == actor.user_id), None) if interview else None
            )
            if interview is None or seat is None:
                raise NotFound("You are not on that interview (any more).")
            if interview.status != "booked" or not interview.event_id or interview.start_at is None:
                raise Conflict("That interview is no longer booked.")
            if interview.start_at <= now:
                raise Conflict("That interview has started already.")
            if seat.response_status == "declined":
                return "You already said you can't make it; the recruiters know."
            event_id = interview.event_id
        email = self.contacts(actor.team_id, [actor.user_id])[actor.user_id].email
        if not email:
            raise Conflict("Slack shows no email address for you, so I can't find your invitation.")
        try:
            self.calendar.set_response(actor.team_id, event_id, email, "declined")
        except CalendarError as err:
            raise ExternalServiceError(_said(err)) from err
        return "Thanks for saying so. I'll tell the recruiters and propose someone to take your place."


def _said(err: CalendarError) -> str:
    """A calendar's error message, safe to show in Slack: it may quote event titles, which carry the
    candidate's name (so no `<…>` links or mentions can come through)."""
    return err.message.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _calendar_problem(err: CalendarError, moving: bool) -> str:
    text = _said(err)
    if isinstance(err, BookingError) and err.orphaned_event_ids:
        text += " Check the calendar for events left behind."
    elif not moving and "Nothing was booked" not in text and "nothing is booked" not in text:
        text += " Nothing was booked."
    return text
