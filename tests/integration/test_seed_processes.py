"""Seeds 001–003 run end to end as their hiring teams run them, through the real HTTP endpoint with
the loopback Slack fake, on SQLite and PostgreSQL.

Seed 001 (streaming company, centralized hiring; plan streaming-backend-centralized), team of nine:
- recruiter screen, round-1 recruiter: Rita (recruiter)
- hiring-manager screen, round-1 manager interview: Hana (hiring manager)
- technical screen: Priya (engineer)
- round 1: Jonas, Lee and Sam (engineers: coding, design, design and coding)
- round 2: Dora (engineering director), Mia (partner engineer), Noah (another engineering leader)
A person sits one interview per stage, so round 1's five interviews need five people: it has them.

Seed 002 (a hiring platform's standardized backend loop; plan backend-standard-loop), team of five:
- discovery call: Rita (recruiter)
- pre-screening assessment: Lee (engineer, reviews it with the candidate)
- interviews: Jonas (engineer, coding), Sam (senior engineer, system design), Lee (engineer,
  development processes), Hana (hiring manager, management and fit)

Seed 003 (an online loop over video; plan online-backend-loop), team of five:
- foundations assessment: Jonas (engineer)
- background and motivation: Rita (recruiter)
- technical interviews: Jonas and Mia (engineers: live coding, systems knowledge), Sam (senior
  engineer, system design)
- final conversation: Hana (hiring manager)
Neither plan needs more distinct people in one stage than its team has, so neither needs a session.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from bot.sandbox.fake_google import FakeGoogleCalendar
from bot.sandbox.fake_slack import Posted
from bot.sandbox.harness import Sandbox
from hiring.panels.pools import PoolInput
from tests.debrief_support import button, candidate_now, debriefs
from tests.factories import make_candidate, make_role
from tests.feedback_support import buttons, good_values
from tests.loops import ADMIN
from tests.scheduling_support import (
    calendar_rows,
    click_option,
    enter_availability,
    google_sandbox,
    interviews,
    open_options,
    option_sections,
)

Events = Callable[[], int]
Staffing = list[tuple[str, str, dict[str, list[str]]]]  # (stage key, stage name, interview -> people)

STREAMING: Staffing = [
    ("recruiter-screen", "Recruiter phone screen", {"recruiter-call": ["URITA"]}),
    ("manager-screen", "Hiring manager phone screen", {"manager-call": ["UHANA"]}),
    ("technical-screen", "Technical screen", {"technical-discussion": ["UPRIYA"]}),
    (
        "round-1",
        "Round 1 interviews",
        {
            "engineer-coding": ["UJONAS"],
            "engineer-design": ["ULEE"],
            "engineer-extra": ["USAM"],
            "hiring-manager": ["UHANA"],
            "recruiter": ["URITA"],
        },
    ),
    ("round-2", "Round 2 interviews", {"director": ["UDORA"], "partner": ["UMIA"], "leader": ["UNOAH"]}),
]
STREAMING_POOLS = {
    "recruiter": ["URITA"],
    "hiring_manager": ["UHANA"],
    "engineer": ["UJONAS", "ULEE", "UPRIYA", "USAM"],
    "director": ["UDORA"],
    "partner": ["UMIA"],
    "leader": ["UNOAH"],
}


def _body(message: Posted) -> str:
    return message.text + json.dumps(message.blocks, ensure_ascii=False)


def _staff(box: Sandbox, pools: dict[str, list[str]], plan_key: str) -> None:
    for kind, people in pools.items():
        box.app.services.pools.save(
            ADMIN, PoolInput(name=kind.replace("_", " "), kind=kind, qualified=people)
        )
    role = make_role(box.app.db, box.clock, plan_key=plan_key, title="Backend Engineer")
    make_candidate(box.app.db, box.clock, role, timezone="Europe/London")


def _book(box: Sandbox, name: str, seats: dict[str, list[str]], events: Events) -> None:
    """Choose the panel in the modal, give availability, book the first option; the hiring channel
    hears the panel and the booking of this stage, each interviewer gets their interview by DM."""
    box.command("UHANA", "panel Grace Hopper")
    reply = box.submit("UHANA", {f"iv:{k}": v for k, v in seats.items()}, view=box.fake.last_view("UHANA"))
    assert reply.status == 200 and not reply.body, reply.body
    day = box.clock.now().date() + timedelta(days=1)
    while day.weekday() >= 5:  # the team works Monday to Friday
        day += timedelta(days=1)
    enter_availability(box, [(day.isoformat(), "08:00", "18:00")])
    view = open_options(box)
    assert option_sections(view), json.dumps(view["blocks"])[:600]
    click_option(box, view)
    said = [_body(m) for m in box.fake.posts("CHIRING")]
    for heading in ("Panel ready", "Loop booked"):
        (message,) = [m for m in said if m.startswith(f"{heading} for Grace Hopper: {name}")]
        assert all(f"<@{user}>" in message for people in seats.values() for user in people), message
    booked = {iv.interview_key: iv for iv in interviews(box) if iv.status == "booked"}
    for key, people in seats.items():
        for user in people:
            assert any(
                m.text.startswith(f"{booked[key].title} with Grace Hopper") for m in box.fake.dms(user)
            )
    assert events() == len(booked)  # every interview so far has its calendar event


def _score(box: Sandbox, seats: dict[str, list[str]]) -> None:
    """After the stage, every interviewer is asked for a scorecard per interview and submits it."""
    booked = [iv for iv in interviews(box) if iv.interview_key in seats and iv.status == "booked"]
    assert sorted(iv.interview_key for iv in booked) == sorted(seats)
    box.clock.set(max(iv.end_at for iv in booked) + timedelta(minutes=1))  # type: ignore[type-var]
    box.tick()
    for key, people in seats.items():
        (interview,) = [iv for iv in booked if iv.interview_key == key]
        for user in people:
            asked = [m for m in box.fake.dms(user) if "submit your" in m.text]
            mine = [m for m in asked if buttons(m.blocks, "scorecard_open")[0]["value"] == str(interview.id)]
            assert mine, (user, key)
            box.click(user, "scorecard_open", str(interview.id), message=mine[-1])
            reply = box.submit(user, good_values(box.fake.last_view(user)))
            assert reply.status == 200 and "errors" not in (reply.json() or {}), reply.body
            receipt = box.fake.dms(user)[-1].text
            assert receipt.startswith(f"Your scorecard for {interview.title} is in"), receipt


def _decide(box: Sandbox, name: str, last: bool) -> Posted:
    """The debrief of the stage reaches the hiring channel; the hiring manager advances (or offers)."""
    box.advance(minutes=5)
    box.tick()
    (debrief,) = [m for m in debriefs(box) if f"Grace Hopper — {name}" in _body(m)]
    action = "decision_offer" if last else "decision_advance"
    element = button(debrief, action)
    assert element is not None, (name, action)
    box.click("UHANA", action, str(element["value"]), message=debrief, block_id="decision")
    return debrief


def _run(box: Sandbox, staffing: Staffing, events: Events | None = None) -> None:
    """Every stage of the plan, booked, scored and decided, up to the offer (events: how many calendar
    events exist; default the built-in calendar's)."""
    for index, (stage, name, seats) in enumerate(staffing):
        _book(box, name, seats, events or (lambda: len(calendar_rows(box))))
        _score(box, seats)
        last = index == len(staffing) - 1
        debrief = _decide(box, name, last)
        shown = "Offer approved" if last else f"Advanced to {staffing[index + 1][1]}"
        assert shown in _body(debrief), (stage, _body(debrief))
        candidate = candidate_now(box.app.db, 1)
        after = (stage, "offer") if last else (staffing[index + 1][0], "active")
        assert (candidate.stage_key, candidate.status) == after
    assert not box.fake.block_errors


def test_seed_001_streaming_centralized_loop_to_an_offer(database_url: str) -> None:
    with Sandbox(database_url, google_rooms=["Room A", "Room B"]) as box:
        _staff(box, STREAMING_POOLS, "streaming-backend-centralized")
        _run(box, STREAMING)


PLATFORM: Staffing = [
    ("discovery", "CV review and discovery call", {"discovery-call": ["URITA"]}),
    ("pre-screen", "Pre-screening assessment", {"assessment": ["ULEE"]}),
    (
        "interviews",
        "Interviews",
        {
            "coding": ["UJONAS"],
            "system-design": ["USAM"],
            "development-process": ["ULEE"],
            "management-fit": ["UHANA"],
        },
    ),
]
PLATFORM_POOLS = {
    "recruiter": ["URITA"],
    "assessor": ["ULEE"],
    "engineer": ["UJONAS", "ULEE"],
    "senior_engineer": ["USAM"],
    "hiring_manager": ["UHANA"],
}


def test_seed_002_standardized_loop_to_an_offer(database_url: str) -> None:
    with Sandbox(database_url, google_rooms=["Room A"]) as box:
        _staff(box, PLATFORM_POOLS, "backend-standard-loop")
        _run(box, PLATFORM)


ONLINE: Staffing = [
    ("foundations", "Foundations", {"foundations-assessment": ["UJONAS"]}),
    ("background", "Background and motivation", {"background-conversation": ["URITA"]}),
    (
        "technical",
        "Technical interviews",
        {"data-structures": ["UJONAS"], "systems-knowledge": ["UMIA"], "system-design": ["USAM"]},
    ),
    ("final", "Final conversation with the hiring manager", {"hiring-manager": ["UHANA"]}),
]
ONLINE_POOLS = {
    "assessor": ["UJONAS"],
    "recruiter": ["URITA"],
    "engineer": ["UJONAS", "UMIA"],
    "senior_engineer": ["USAM"],
    "hiring_manager": ["UHANA"],
}


def test_seed_003_online_loop_to_an_offer_in_google_calendar(database_url: str, tmp_path: Path) -> None:
    with (
        FakeGoogleCalendar(owner="rita@example.com") as fake,
        google_sandbox(database_url, fake, tmp_path) as box,
    ):
        _staff(box, ONLINE_POOLS, "online-backend-loop")
        _run(box, ONLINE, lambda: len(fake.live_events()))
