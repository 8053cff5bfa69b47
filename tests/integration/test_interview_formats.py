"""Interview formats from the plan (issue 13.2): a phone interview gets no video link and says who
calls whom on which number, a video one a Meet link (Google) or the built-in video link, an on-site
one a room and the plan's address; on the built-in calendar and on Google (the loopback fake), with
the app behind its real HTTP endpoint, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.sandbox.fake_google import FakeGoogleCalendar
from bot.sandbox.harness import HIRING_CHANNEL, Sandbox
from bot.settings import SettingsError, load_settings
from hiring.panels.panels import SeatChoice
from hiring.plans.schema import builtin_plans, parse_plan
from scheduling.builtin_calendar import invite_for_token
from tests.factories import TEAM, make_candidate, make_role
from tests.feedback_support import blocks_of, text_of, tick
from tests.loops import make_pools
from tests.scheduling_support import (
    HANA,
    calendar_rows,
    click_option,
    enter_availability,
    google_sandbox,
    interviews,
    open_options,
)

TUE = ("2026-11-24", "05:00", "12:00")  # New York: 10:00–17:00 UTC
ADDRESS = "1 Cardiff Road, Newport NP10 8XG"
PHONE = "+1 212 555 0100"
FORMAT_PLAN = {
    "key": "format-loop",
    "name": "Formats",
    "address": ADDRESS,
    "stages": [
        {"key": "screen", "name": "Phone screen", "interviews": [
            {"key": "call", "name": "Screening call", "duration_minutes": 30, "mode": "phone"}]},
        {"key": "video", "name": "Video interview", "interviews": [
            {"key": "coding", "name": "Coding", "duration_minutes": 60, "mode": "online"}]},
        {"key": "onsite", "name": "On-site", "interviews": [
            {"key": "whiteboard", "name": "Whiteboard", "duration_minutes": 60, "mode": "onsite"}]},
    ],
}  # fmt: skip
SEATS = {"screen": "call", "video": "coding", "onsite": "whiteboard"}


def prepare(box: Sandbox, stage: str) -> None:
    """Grace Hopper (New York) at `stage`, her phone number entered in the candidate modal, Sam on
    the panel, and her availability on Tuesday morning."""
    box.app.services.plans.import_spec(TEAM, parse_plan(FORMAT_PLAN))
    role = make_role(box.app.db, box.clock, plan_key="format-loop")
    make_candidate(box.app.db, box.clock, role, stage_key=stage)
    make_pools(box)
    box.command("UHANA", "candidate Grace Hopper")
    assert box.submit("UHANA", {"phone": "call me"}).json()["errors"]["phone"].startswith("“call me” is not")
    assert box.submit("UHANA", {"phone": PHONE}).status == 200
    assert box.app.services.panels.save(HANA, 1, stage, {SEATS[stage]: SeatChoice(["USAM"])}) is not None
    enter_availability(box, [TUE])
    click_option(box, open_options(box))


def posted(box: Sandbox, who: str) -> str:
    messages = box.fake.posts(HIRING_CHANNEL) if who == HIRING_CHANNEL else box.fake.dms(who)
    return str([m.blocks for m in messages])


@pytest.fixture
def fake() -> Iterator[FakeGoogleCalendar]:
    with FakeGoogleCalendar(owner="rita@example.com") as server:
        yield server


@pytest.fixture
def google(database_url: str, fake: FakeGoogleCalendar, tmp_path: Path) -> Iterator[Sandbox]:
    box = google_sandbox(database_url, fake, tmp_path).start()
    try:
        yield box
    finally:
        box.stop()
    assert not box.fake.block_errors, box.fake.block_errors


def test_builtin_plans_say_what_their_seeds_say() -> None:
    modes = {p.key: {i.key: i.mode for s in p.stages for i in s.interviews} for p in builtin_plans()}
    assert modes["public-sector-senior-backend"]["phone-screen"] == "phone"
    assert modes["public-sector-senior-backend"]["service-design"] == "onsite"
    assert modes["streaming-backend-centralized"]["recruiter-call"] == "phone"
    assert modes["streaming-backend-centralized"]["manager-call"] == "phone"
    assert set(modes["online-backend-loop"].values()) == {"video"}
    address = {p.key: p.address for p in builtin_plans()}["public-sector-senior-backend"]
    assert "Newport" in address


def test_a_phone_screen_on_the_builtin_calendar_has_no_video_link_and_says_who_calls(
    sandbox: Sandbox,
) -> None:
    prepare(sandbox, "screen")
    [row] = calendar_rows(sandbox)
    assert row.video_link is None and row.location == ""
    assert (
        "Phone interview (no video link): Sam" in row.description
        and f"calls Grace Hopper on {PHONE}." in row.description
    )
    ics = (invite_for_token(sandbox.app.db, row.ics_token) or b"").decode()
    assert "meet.jit.si" not in ics and "Join:" not in ics and PHONE in ics.replace("\r\n ", "")
    assert [iv.video_link for iv in interviews(sandbox)] == [None]
    dm = posted(sandbox, "USAM")
    assert f"phone call (no video) — <@USAM> calls Grace Hopper on {PHONE}" in dm and "meet.jit.si" not in dm
    channel = posted(sandbox, HIRING_CHANNEL)
    assert "phone call (no video) — <@USAM> calls Grace Hopper" in channel and PHONE not in channel


def test_video_on_the_builtin_calendar_gets_the_builtin_video_link(sandbox: Sandbox) -> None:
    prepare(sandbox, "video")
    [row] = calendar_rows(sandbox)
    assert row.video_link is not None and row.video_link.startswith("https://meet.jit.si/loopbot-")
    assert "Video interview" in row.description and "video call>" in posted(sandbox, "USAM")


def test_on_site_on_the_builtin_calendar_gets_a_room_and_the_address(database_url: str) -> None:
    with Sandbox(database_url, google_rooms=["Room A"]) as box:
        prepare(box, "onsite")
        [row] = calendar_rows(box)
        assert row.video_link is None and row.location == "Room A"
        assert f"On site at {ADDRESS}." in row.description
        assert f"room `Room A`, {ADDRESS}" in posted(box, "USAM")
        assert f"room `Room A`, {ADDRESS}" in posted(box, HIRING_CHANNEL)


def _event(fake: FakeGoogleCalendar) -> dict[str, Any]:
    [event] = fake.live_events()
    return event


def test_a_phone_screen_on_google_asks_for_no_meet(google: Sandbox, fake: FakeGoogleCalendar) -> None:
    prepare(google, "screen")
    event = _event(fake)
    [insert] = fake.calls_to("events.insert")
    assert (
        "conferenceData" not in insert.body and "conferenceData" not in event and "hangoutLink" not in event
    )
    assert f"calls Grace Hopper on {PHONE}." in event["description"]
    assert not any(a.get("resource") for a in event["attendees"])
    assert [iv.video_link for iv in interviews(google)] == [None]
    assert f"<@USAM> calls Grace Hopper on {PHONE}" in posted(google, "USAM")


def test_video_on_google_gets_meet_and_on_site_a_room_and_the_address(
    google: Sandbox, fake: FakeGoogleCalendar
) -> None:
    prepare(google, "video")
    event = _event(fake)
    [insert] = fake.calls_to("events.insert")
    assert insert.body["conferenceData"]["createRequest"]["conferenceSolutionKey"] == {"type": "hangoutsMeet"}
    assert insert.query.get("conferenceDataVersion") == "1"
    [link] = [iv.video_link for iv in interviews(google)]
    assert link and link in str(event["conferenceData"]["entryPoints"])
    assert link in posted(google, "USAM")


def test_on_site_on_google_gets_a_room_and_the_address(google: Sandbox, fake: FakeGoogleCalendar) -> None:
    prepare(google, "onsite")
    event = _event(fake)
    assert "conferenceData" not in event
    assert [a["email"] for a in event["attendees"] if a.get("resource")] == [interviews(google)[0].room]
    assert f"On site at {ADDRESS}." in event["description"]
    assert ADDRESS in posted(google, "USAM") and ADDRESS in posted(google, HIRING_CHANNEL)


def briefing_and_home(box: Sandbox, who: str = "USAM") -> tuple[str, str]:
    """The interviewer's briefing DM (sent by the tick shortly before the interview) and App Home."""
    [iv] = interviews(box)
    assert iv.start_at is not None
    box.advance(seconds=(iv.start_at - box.clock.now()).total_seconds() - 5 * 60)
    tick(box)
    [dm] = [m for m in box.fake.dms(who) if m.text.startswith("Briefing")]
    assert box.slack.open_home(who).status == 200
    box.idle()
    return text_of([b.to_dict() for b in blocks_of(dm)]), str(box.fake.home_tabs[who]["blocks"])


def test_briefing_and_home_say_who_calls_whom_for_a_phone_interview(sandbox: Sandbox) -> None:
    prepare(sandbox, "screen")
    brief, home = briefing_and_home(sandbox)
    for text in (brief, home):
        assert f"phone call (no video) — <@USAM> calls Grace Hopper on {PHONE}" in text
        assert "online" not in text and "video call" not in text


def test_briefing_and_home_give_the_video_link_for_a_video_interview(sandbox: Sandbox) -> None:
    prepare(sandbox, "video")
    [iv] = interviews(sandbox)
    brief, home = briefing_and_home(sandbox)
    for text in (brief, home):
        assert f"<{iv.video_link}|video call>" in text and "online" not in text and PHONE not in text


def test_briefing_and_home_give_room_and_address_on_site(database_url: str) -> None:
    with Sandbox(database_url, google_rooms=["Room A"]) as box:
        prepare(box, "onsite")
        brief, home = briefing_and_home(box)
        for text in (brief, home):
            assert f"room `Room A`, {ADDRESS}" in text and "online" not in text


def test_a_configured_video_link_replaces_the_builtin_one(database_url: str) -> None:
    template = "https://meet.example.com/loopbot-{interview_id}"
    with Sandbox(database_url, video_link_template=template) as box:
        prepare(box, "video")
        [iv] = interviews(box)
        assert iv.video_link == f"https://meet.example.com/loopbot-{iv.id}"
        [row] = calendar_rows(box)
        assert row.video_link == iv.video_link
        assert f"<{iv.video_link}|video call>" in posted(box, "USAM")


def test_a_video_link_template_must_be_an_https_link() -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(_env_file=None, video_link_template="meet.example.com/{interview_id}")
    assert "VIDEO_LINK_TEMPLATE: Value error, must be an https:// link" in str(caught.value)
