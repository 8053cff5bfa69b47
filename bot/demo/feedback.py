"""The demo's feedback flow: a briefing before an interview, the scorecard after it, and App Home."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot.sources import feedback_sources
from hiring.plans.plans import spec_of
from hiring.roles.candidates import live_candidate
from storage.models import Candidate, Interview, Panel, Seat
from storage.uow import UnitOfWork

if TYPE_CHECKING:
    from bot.demo.session import Demo

CANDIDATE = "Grace Hopper"


def stage_panel(uow: UnitOfWork, candidate: Candidate, now: datetime, seats: dict[str, str]) -> Panel:
    """The candidate's current-stage panel; when no earlier part of the demo made one, a new one with
    `seats` (user → kind) on every interview."""
    found = uow.panels.current(candidate.id, candidate.stage_key)
    if found is not None:
        return found
    team = candidate.team_id
    stage = spec_of(candidate.role.plan).stage(candidate.stage_key)
    panel = Panel(
        team_id=team,
        candidate_id=candidate.id,
        stage_key=stage.key,
        status="ready",
        created_by="UHANA",
        created_at=now,
        updated_at=now,
    )
    for position, spec in enumerate(stage.interviews):
        interview = Interview(
            team_id=team,
            interview_key=spec.key,
            title=spec.name,
            focus=spec.focus,
            duration_minutes=spec.duration_minutes,
            mode=spec.mode,
            position=position,
        )
        interview.seats = [Seat(team_id=team, user_id=user, kind=kind) for user, kind in seats.items()]
        panel.interviews.append(interview)
    uow.panels.add(panel)
    return panel


def book_back_to_back(panel: Panel, at: datetime, now: datetime, video_link: str | None = None) -> None:
    """Book the panel's interviews one after another from `at`, straight into the database."""
    for interview in panel.interviews:
        interview.status = "booked"
        interview.start_at = at
        interview.end_at = at + timedelta(minutes=interview.duration_minutes)
        interview.video_link = interview.video_link or video_link
        at = interview.end_at
    panel.status = "booked"
    panel.booked_at = now


def _booked_interview(demo: Demo) -> tuple[Interview, int, bool]:
    """Grace Hopper's next booked interview; when no booking flow ran before, her current stage's
    panel is booked directly in the database (tomorrow at 10:00 UTC, back to back)."""
    box = demo.box
    team = box.fake.team_id
    found = box.app.services.candidates.find(team, CANDIDATE)
    now = box.clock.now()
    with box.app.db.uow(team) as uow:
        candidate = live_candidate(uow, found.id)
        upcoming = [
            i
            for p in uow.panels.for_candidate(candidate.id)
            for i in p.interviews
            if i.status == "booked" and i.start_at and i.start_at > now
        ]
        booked = min(upcoming, key=lambda i: i.start_at or now, default=None)
        if booked is not None and booked.seats:
            return booked, candidate.role.briefing_minutes, False
        panel = stage_panel(uow, candidate, now, {"USAM": "interviewer", "UMIA": "shadow"})
        tomorrow = (now + timedelta(days=1)).replace(hour=10, minute=0, second=0, microsecond=0)
        book_back_to_back(panel, tomorrow, now, "https://meet.example.com/grace-hopper")
        uow.commit()
        first = min(panel.interviews, key=lambda i: i.start_at or now)
        return first, candidate.role.briefing_minutes, True


def _open_home(demo: Demo, user_id: str) -> None:
    print(f"\n> {demo.name(user_id)} opens Loopbot's App Home tab")
    demo.box.slack.open_home(user_id)
    demo.box.idle()
    demo.show()


def flow_feedback(demo: Demo) -> None:
    """Briefing before the interview, the scorecard after it, independence, and the App Home tab."""
    box = demo.box
    interview, minutes, booked_here = _booked_interview(demo)
    assert interview.start_at is not None and interview.end_at is not None
    interviewer = next(s.user_id for s in interview.seats if s.kind != "shadow")
    others = [s.user_id for s in interview.seats if s.user_id != interviewer]

    demo.step(f"{minutes} minutes before the interview, every interviewer gets a briefing in their time zone")
    if booked_here:
        print("  (No booking flow booked Grace Hopper's panel yet, so the demo books it directly.)")
    box.clock.set(interview.start_at - timedelta(minutes=minutes))
    demo.tick(feedback_sources(box.app.services))

    demo.step("The interview ends: a DM asks for the scorecard")
    box.clock.set(interview.end_at)
    demo.tick(feedback_sources(box.app.services))
    request = next(m for m in reversed(box.fake.dms(interviewer)) if "submit your" in m.text)
    demo.click(interviewer, "scorecard_open", str(interview.id), "clicks “Submit scorecard”", message=request)
    view = box.fake.last_view(interviewer) or {}
    values: dict[str, Any] = {
        b["block_id"]: b["element"]["options"][-2]["value"]
        for b in view.get("blocks", [])
        if str(b.get("block_id", "")).startswith("c:")
    }
    values.update({"recommendation": "yes", "evidence": "Good."})
    demo.submit(interviewer, values, "rates every competency, writes two words of evidence and submits")
    values["evidence"] = (
        "Walked through a real outage: found the cache stampede from the metrics, explained the fix and "
        "what she would test next time."
    )
    values["private_note"] = "Would also fit the platform team."
    demo.submit(interviewer, values, "writes real evidence and a private note, and submits")

    demo.step("Feedback stays independent until each person's own scorecard is in")
    for other in others:
        demo.say(other, f"feedback {CANDIDATE}")
    demo.say("UHANA", f"feedback {CANDIDATE}")
    demo.say("UOTTO", f"feedback {CANDIDATE}")

    demo.step("The App Home tab: my interviews, my scorecards, my roles")
    _open_home(demo, interviewer)
    _open_home(demo, "UHANA")
