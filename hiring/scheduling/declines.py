"""Declines: an interviewer who declines a booked interview's invitation is noticed by the tick.

Each tick asks the calendar (one batch per workspace) for the answers to every upcoming booked
interview, records them on the seats, and for each interviewer who newly declined tells the role's
recruiters (or the hiring manager) once, keyed `decline:{seat_id}:{user_id}:{recipient}` (the
seat's `decline_handled_at` is set once all of them are sent), proposing a
replacement from the same pool: the qualified member rotation ranks first who is free then, inside
their working hours and under their limits. The proposal's button (`replace_interviewer`) swaps
the seat and moves the event with the new attendee list (`SchedulingService.replace`).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from hiring.clock import Clock
from hiring.feedback.scorecards import unsent
from hiring.outbox import Due
from hiring.panels.interview_info import person_timezone
from hiring.panels.pools import MAX_MEMBERS, PoolService
from hiring.plans.plans import spec_of
from hiring.ports import Directory
from hiring.scheduling.booking import SchedulingService
from hiring.scheduling.messages import DeclineNotice
from scheduling.calendar_protocol import AttendeeResponse, CalendarError, CalendarGateway, is_free
from storage.models import Interview
from storage.uow import Database

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Declined:
    """An interviewer's seat whose invitation was declined and not handled yet: the notice (in the
    role's time zone, nobody proposed yet), the pool to propose from, whom to tell, who is on the loop."""

    notice: DeclineNotice
    pool: str
    recipients: tuple[str, ...]
    on_loop: tuple[str, ...]


class DeclineService:
    """Reads invitation answers from the calendar and says which declines need a replacement."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        calendar: CalendarGateway,
        pools: PoolService,
        scheduling: SchedulingService,
        directory: Directory,
    ) -> None:
        self.db = db
        self.clock = clock
        self.calendar = calendar
        self.pools = pools
        self.scheduling = scheduling
        self.directory = directory

    def due(self, now: datetime) -> list[Due]:
        """One notice per recipient for each interviewer who newly declined an upcoming interview."""
        with self.db.uow("") as uow:
            rows = uow.booking.upcoming_events(now)
        teams: dict[str, list[str]] = {}
        for team_id, event_id in rows:
            if event_id:
                teams.setdefault(team_id, []).append(event_id)
        due: list[Due] = []
        for team_id, event_ids in teams.items():
            try:
                answers = self.calendar.responses(team_id, event_ids)
            except CalendarError as err:
                log.warning("could not read invitation answers for %s: %s", team_id, err.message)
                continue
            for declined in self.record(team_id, answers):
                due.extend(self._notices(team_id, declined))
        return due

    def record(self, team_id: str, answers: Mapping[str, Sequence[AttendeeResponse]]) -> list[Declined]:
        """Store each seat's answer (by the person's email); return interviewer seats that are
        declined and not handled yet."""
        found: list[Declined] = []
        with self.db.uow(team_id) as uow:
            interviews = uow.booking.interviews_with_events(list(answers))
            users = {seat.user_id for iv in interviews for seat in iv.seats}
            emails = {
                u: (p.email or "").strip().lower()
                for u, p in uow.people.many(sorted(users)).items()
                if p.email
            }
            for interview in interviews:
                said = {a.email.lower(): a.status for a in answers.get(interview.event_id or "", [])}
                found.extend(_declines_in(interview, said, emails))
            uow.commit()
        return found

    def _notices(self, team_id: str, declined: Declined) -> list[Due]:
        notice = declined.notice
        # one notice per seat, person who declined (a seat may change hands) and recipient
        keys = {to: f"decline:{notice.seat_id}:{notice.declined_by}:{to}" for to in declined.recipients}
        with self.db.uow(team_id) as uow:
            fresh = unsent(uow, keys.values())
            if not fresh:  # everyone has been told: the decline is handled, later ticks skip it
                seat = uow.booking.seat(notice.seat_id)
                if seat is not None and seat.user_id == notice.declined_by:
                    seat.decline_handled_at = self.clock.now()
                    uow.commit()
                return []
            zones = {to: person_timezone(uow, self.directory, to, notice.tz) for to in keys}
        replacement, note = self.propose(team_id, declined)
        return [
            Due(
                team_id=team_id,
                key=key,
                kind="interview-declined",
                to=to,
                content=dataclasses.replace(notice, tz=zones[to], replacement_id=replacement, note=note),
                candidate_id=notice.candidate_id,
            )
            for to, key in keys.items()
            if key in fresh
        ]

    def propose(self, team_id: str, declined: Declined) -> tuple[str | None, str]:
        """Who should take the seat: rotation's order among the pool's qualified members not on the
        loop (nor anyone who gave this seat up before), keeping the first who works then and whose
        calendar is free. (None, why) otherwise."""
        notice = declined.notice
        with self.db.uow(team_id) as uow:
            earlier = [
                str((before or {}).get("user")) for before in uow.booking.replacements_of(notice.seat_id)
            ]
            ranked = self.pools.suggest_in(
                uow,
                declined.pool,
                MAX_MEMBERS,
                exclude=(*declined.on_loop, notice.declined_by, *earlier),
                at=notice.start,
            ).interviewer_ids
        if not ranked:
            return None, "Nobody else in the pool is qualified and under their interview limits then."
        who = self.scheduling.contacts(team_id, ranked)
        working = [u for u in ranked if who[u].email and who[u].works(notice.start, notice.end)]
        if not working:
            return None, "Nobody else in the pool works at that time; consider `/interview reschedule`."
        try:
            busy = self.calendar.free_busy(
                team_id, [who[u].email or "" for u in working], notice.start, notice.end
            )
        except CalendarError as err:
            return None, f"I couldn't read calendars to propose someone ({err.message})."
        for user_id in working:
            if is_free(busy.get(who[user_id].email or "", []), notice.start, notice.end):
                return user_id, ""
        return None, "Everyone else in the pool is busy then; consider `/interview reschedule`."


def _declines_in(interview: Interview, said: Mapping[str, str], emails: Mapping[str, str]) -> list[Declined]:
    """Store the interview's seats' answers (`said`, by email); its interviewer seats that are
    declined and not handled yet."""
    found: list[Declined] = []
    panel = interview.panel
    candidate = panel.candidate
    role = candidate.role
    try:
        stage = spec_of(role.plan).stage(panel.stage_key)
        pools = {i.key: i.pool for i in stage.interviews}
    except KeyError:
        pools = {}
    for seat in interview.seats:
        status = said.get(emails.get(seat.user_id, ""))
        if status and status != seat.response_status:
            if seat.response_status == "declined":
                seat.decline_handled_at = None  # changed their mind: a new decline is news
            seat.response_status = status
        if (
            seat.kind == "shadow"
            or seat.response_status != "declined"
            or seat.decline_handled_at is not None
            or interview.start_at is None
            or interview.end_at is None
        ):
            continue
        notice = DeclineNotice(
            seat_id=seat.id,
            interview_id=interview.id,
            candidate_id=candidate.id,
            candidate_name=candidate.name,
            role_title=role.title,
            title=interview.title,
            start=interview.start_at,
            end=interview.end_at,
            tz=role.timezone,
            declined_by=seat.user_id,
            replacement_id=None,
        )
        found.append(
            Declined(
                notice,
                pool=pools.get(interview.interview_key, "engineer"),
                recipients=tuple(role.recruiter_ids) or (role.hiring_manager_id,),
                on_loop=tuple(dict.fromkeys(s.user_id for iv in panel.interviews for s in iv.seats)),
            )
        )
    return found
