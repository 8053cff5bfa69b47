"""The demo's chasing and digest flow: a nudge in the interviewer's working hours, the escalation, the
channel's morning digest with its thread, and `/interview digest`."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from storage.models import Candidate, Interview, Panel, Seat

if TYPE_CHECKING:
    from bot.demo.session import Demo

ROLE = "Senior Backend Engineer"


def _next_weekday(moment: datetime, hour: int, *, last: int = 4) -> datetime:
    """The next `hour`:00 UTC after `moment` on a day from Monday to `last` (Friday = 4)."""
    day = (moment + timedelta(days=1)).replace(hour=hour, minute=0, second=0, microsecond=0)
    while day.weekday() > last:
        day += timedelta(days=1)
    return day


def _book_phone_screen(demo: Demo, start: datetime) -> Interview:
    """Alan Turing, with a phone interview held by Jonas (Berlin) at `start` (straight into the database)."""
    box = demo.box
    team = box.fake.team_id
    role = box.app.services.roles.find(team, ROLE)
    now = box.clock.now()
    with box.app.db.uow(team) as uow:
        candidate = Candidate(
            team_id=team,
            role_id=role.id,
            name="Alan Turing",
            email="alan@example.com",
            timezone="Europe/London",
            stage_key="phone",
            status="active",
            status_changed_at=now,
            created_by="URITA",
            created_at=now,
            updated_at=now,
        )
        panel = Panel(
            team_id=team,
            stage_key="phone",
            status="booked",
            created_by="UHANA",
            created_at=now,
            updated_at=now,
        )
        panel.candidate = candidate
        panel.booked_at = now
        interview = Interview(
            team_id=team,
            interview_key="phone-screen",
            title="Technical phone interview",
            duration_minutes=30,
            mode="online",
            status="booked",
            start_at=start,
            end_at=start + timedelta(minutes=30),
        )
        interview.seats = [Seat(team_id=team, user_id="UJONAS", kind="interviewer")]
        panel.interviews.append(interview)
        uow.panels.add(panel)
        uow.commit()
        return interview


def _tick(demo: Demo, moment: datetime, note: str) -> None:
    demo.box.clock.set(moment)
    print(f"\n> the clock reads {moment:%a %d %b %H:%M} UTC; {note}")
    demo.box.tick()
    demo.show()


def flow_chasing_and_digests(demo: Demo) -> None:
    """Late feedback is chased in working hours and escalated; the channel gets its digest."""
    box = demo.box
    start = _next_weekday(box.clock.now(), 12, last=3)  # so that the next day is a weekday too
    interview = _book_phone_screen(demo, start)
    assert interview.end_at is not None
    demo.step("Jonas interviews Alan Turing (booked directly for the demo); the scheduler ticks")
    _tick(demo, interview.end_at, "the interview has just ended")
    _tick(demo, interview.end_at + timedelta(hours=1), "an hour later, no scorecard yet: Jonas is nudged")
    _tick(
        demo, interview.end_at + timedelta(hours=6), "19:30 in Berlin, outside Jonas's working hours: nothing"
    )
    demo.step("A day after the interview the scorecard is late: the hiring manager is told")
    _tick(demo, interview.end_at + timedelta(days=1), "the deadline")
    _tick(demo, interview.end_at + timedelta(days=1, hours=1), "the daily nudge")
    demo.step("09:00 in the role's time zone: the hiring channel's digest, details in its thread")
    _tick(demo, _next_weekday(box.clock.now(), 9), "the digest's time in Europe/London")
    demo.step("A day after the deadline the hiring channel gets a late-feedback line (never a score)")
    _tick(demo, interview.end_at + timedelta(days=2), "48 hours after the interview")
    demo.step("The recruiter asks for a digest now")
    demo.say("URITA", f"digest {ROLE}")
