"""Scheduling against Google Calendar: the real google-api-python-client talking to the loopback fake
of Calendar v3 (free/busy, batched inserts, patches, deletes, attendees' answers), with the app behind
its real HTTP endpoint, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.sandbox.fake_google import FakeGoogleCalendar
from bot.sandbox.harness import HIRING_CHANNEL, Sandbox
from storage.models import Seat
from tests.factories import TEAM
from tests.scheduling_support import (
    GRACE,
    MIA,
    ROOMS,
    SAM,
    click_option,
    enter_availability,
    google_sandbox,
    interviews,
    open_options,
    option_sections,
    panel_status,
    seat_users,
    setup_schedule,
    utc,
)

TUE = ("2026-11-24", "05:00", "12:00")  # New York: 10:00–17:00 UTC


@pytest.fixture
def fake() -> Iterator[FakeGoogleCalendar]:
    with FakeGoogleCalendar(owner="rita@example.com") as server:
        yield server


@pytest.fixture
def box(database_url: str, fake: FakeGoogleCalendar, tmp_path: Path) -> Iterator[Sandbox]:
    sandbox = google_sandbox(database_url, fake, tmp_path).start()
    try:
        yield sandbox
    finally:
        sandbox.stop()
    assert not sandbox.fake.block_errors, sandbox.fake.block_errors


def people(event: dict[str, object]) -> list[str]:
    return [a["email"] for a in event["attendees"] if not a.get("resource")]  # type: ignore[index, union-attr, attr-defined]


def book(box: Sandbox, index: int = 0) -> dict[str, object]:
    view = open_options(box)
    click_option(box, view, index)
    return view


def test_booking_inserts_exactly_the_loops_events_in_one_batch_with_meet_links(
    box: Sandbox, fake: FakeGoogleCalendar
) -> None:
    loop = setup_schedule(box)
    enter_availability(box, [TUE])
    fake.add_busy(SAM, utc(2026, 11, 24, 10), utc(2026, 11, 24, 11))  # Sam's own meeting
    view = open_options(box)
    assert "*Coding* Tue 24 Nov 11:00–12:00" in option_sections(view)[0]["text"]["text"]
    fake.reset_calls()
    click_option(box, view)

    inserts = fake.calls_to("events.insert")
    assert len(inserts) == 2 and all(c.in_batch for c in inserts)
    assert len(fake.round_trips("batch")) == 1
    assert all(c.query.get("sendUpdates") == "all" for c in inserts)
    events = sorted(fake.live_events(), key=lambda e: e["start"]["dateTime"])
    assert [people(e) for e in events] == [[SAM, MIA, GRACE], ["jonas@example.com", GRACE]]
    assert events[0]["start"]["timeZone"] == "America/New_York"
    booked = interviews(box)
    assert [iv.event_id for iv in booked] == [e["id"] for e in events]
    assert [iv.video_link for iv in booked] == [e["hangoutLink"] for e in events]
    assert all((iv.video_link or "").startswith("https://meet.google.com/") for iv in booked)
    assert [iv.start_at for iv in booked] == [utc(2026, 11, 24, 11), utc(2026, 11, 24, 12, 15)]
    assert panel_status(box, loop.panel_id) == "booked"
    dm = str(box.fake.dms("USAM")[0].blocks)
    assert "meet.google.com" in dm and "/ics/" not in dm and "decline_interview" not in dm
    confirmation = str((box.fake.last_view("UHANA") or {})["blocks"])
    assert "The candidate got the calendar invitations" in confirmation


def test_on_site_interviews_get_a_room_that_free_busy_shows_free(
    box: Sandbox, fake: FakeGoogleCalendar
) -> None:
    setup_schedule(box, stage="onsite")
    enter_availability(box, [TUE])
    fake.add_busy(ROOMS[0], utc(2026, 11, 24, 9), utc(2026, 11, 24, 17))
    view = open_options(box)
    assert f"room `{ROOMS[1]}`" in option_sections(view)[0]["text"]["text"]
    click_option(box, view)
    events = fake.live_events()
    assert len(events) == 2
    for event in events:
        [room] = [a for a in event["attendees"] if a.get("resource")]
        assert room["email"] == ROOMS[1] and room["responseStatus"] == "accepted"
        assert "conferenceData" not in event
    assert [iv.room for iv in interviews(box)] == [ROOMS[1], ROOMS[1]]


def test_a_failed_booking_leaves_no_events_and_no_half_booked_panel_and_says_what_failed(
    box: Sandbox, fake: FakeGoogleCalendar
) -> None:
    loop = setup_schedule(box)
    enter_availability(box, [TUE])
    view = open_options(box)
    fake.fail("events.insert", 403, reason="forbiddenForNonOrganizer")  # the first event of the batch
    click_option(box, view)

    assert fake.live_events() == []  # the event that was created is deleted again
    assert len(fake.calls_to("events.delete")) == 1
    assert panel_status(box, loop.panel_id) == "ready"
    assert [(iv.status, iv.event_id, iv.start_at) for iv in interviews(box)] == [("planned", None, None)] * 2
    shown = str((box.fake.last_view("UHANA") or {})["blocks"])
    assert "Could not book 1 of 2 interviews in Google Calendar" in shown
    assert "Google answered 403 forbiddenForNonOrganizer" in shown
    assert "nothing is booked" in shown
    assert box.fake.posts(HIRING_CHANNEL) == [] and box.fake.dms("USAM") == []

    retry = box.fake.last_view("UHANA")  # fresh options come with the error: try again
    assert retry is not None and option_sections(retry)
    click_option(box, retry)
    assert len(fake.live_events()) == 2
    assert panel_status(box, loop.panel_id) == "booked"
    assert len(box.fake.posts(HIRING_CHANNEL)) == 1


def test_reschedule_patches_the_same_events_and_everyone_is_told_once(
    box: Sandbox, fake: FakeGoogleCalendar
) -> None:
    setup_schedule(box)
    enter_availability(box, [TUE])
    book(box)
    ids = [iv.event_id for iv in interviews(box)]
    links = [iv.video_link for iv in interviews(box)]
    enter_availability(box, [("2026-11-25", "05:00", "12:00")])
    fake.reset_calls()

    view = open_options(box, command="reschedule")
    click_option(box, view)

    assert fake.calls_to("events.insert") == []
    assert sorted(c.event_id or "" for c in fake.calls_to("events.patch")) == sorted(i or "" for i in ids)
    assert all(c.query.get("sendUpdates") == "all" for c in fake.calls_to("events.patch"))
    moved = {e["id"]: e for e in fake.live_events()}
    assert set(moved) == set(ids)
    assert all(e["sequence"] == 1 and e["start"]["dateTime"].startswith("2026-11-25") for e in moved.values())
    assert [iv.video_link for iv in interviews(box)] == links  # the same Meet links
    assert [iv.start_at for iv in interviews(box)] == [utc(2026, 11, 25, 10), utc(2026, 11, 25, 11, 15)]
    posts = box.fake.posts(HIRING_CHANNEL)
    assert len(posts) == 2 and "*Loop moved*" in str(posts[1].blocks)
    for user_id in ("USAM", "UMIA", "UJONAS"):
        assert len(box.fake.dms(user_id)) == 2
    box.tick()
    assert len(box.fake.posts(HIRING_CHANNEL)) == 2 and len(box.fake.dms("USAM")) == 2


def test_cancel_deletes_the_events(box: Sandbox, fake: FakeGoogleCalendar) -> None:
    loop = setup_schedule(box)
    enter_availability(box, [TUE])
    book(box)
    ids = sorted(iv.event_id or "" for iv in interviews(box))
    box.command("UHANA", "cancel Grace Hopper")
    view = box.fake.last_view("UHANA")
    assert view is not None
    button = view["blocks"][-1]["elements"][0]
    box.click("UHANA", "cancel_loop", button["value"], view=view, block_id="confirm")
    assert sorted(c.event_id or "" for c in fake.calls_to("events.delete")) == ids
    assert fake.live_events() == []
    assert all(c.query.get("sendUpdates") == "all" for c in fake.calls_to("events.delete"))
    assert panel_status(box, loop.panel_id) == "cancelled"
    assert "*Loop cancelled*" in str(box.fake.posts(HIRING_CHANNEL)[-1].blocks)


def test_a_declined_invitation_is_noticed_once_and_the_proposed_replacement_takes_the_seat(
    box: Sandbox, fake: FakeGoogleCalendar
) -> None:
    setup_schedule(box)
    enter_availability(box, [TUE])
    book(box)
    coding = interviews(box)[0]
    box.tick()
    assert [m for m in box.fake.dms("URITA") if "declined" in m.text] == []

    fake.set_response(coding.event_id or "", SAM, "declined")
    box.tick()
    box.tick()
    [notice] = [m for m in box.fake.dms("URITA") if "declined" in m.text]
    assert "<@USAM> declined *Coding* with *Grace Hopper*" in str(notice.blocks)
    assert "(America/New York)" in str(notice.blocks)  # Rita's own time zone
    button = next(b for b in notice.blocks if b["type"] == "actions")["elements"][0]
    assert button["value"] == f"{seat_id(box, coding.id, 'USAM')}:UPRIYA"
    fake.reset_calls()

    box.click("URITA", "replace_interviewer", button["value"], message=notice, block_id="replace")
    assert seat_users(box, coding.id) == [("UMIA", "shadow"), ("UPRIYA", "interviewer")]
    [patch] = fake.calls_to("events.patch")
    assert patch.event_id == coding.event_id and fake.calls_to("events.insert") == []
    event = fake.event(coding.event_id or "")
    assert event is not None and people(event) == ["priya@example.com", MIA, GRACE]
    assert event["start"]["dateTime"] == patch.body["start"]["dateTime"]  # same time
    assert [m for m in box.fake.dms("UPRIYA") if "in place of someone" in str(m.blocks)]
    box.tick()
    assert len([m for m in box.fake.dms("URITA") if "declined" in m.text]) == 1

    # The seat's new holder declining is news again.
    fake.set_response(coding.event_id or "", "priya@example.com", "declined")
    box.tick()
    notices = [m for m in box.fake.dms("URITA") if "declined" in m.text]
    assert len(notices) == 2 and "<@UPRIYA> declined *Coding*" in str(notices[1].blocks)
    assert "<@USAM>" not in str(notices[1].blocks).split("declined", 1)[1]  # Sam gave it up already


def seat_id(box: Sandbox, interview_id: int, user_id: str) -> int:
    with box.app.db.uow(TEAM) as uow:
        return int(
            uow.session.scalar(
                select(Seat.id).where(Seat.interview_id == interview_id, Seat.user_id == user_id)
            )
            or 0
        )
