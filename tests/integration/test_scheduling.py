"""`/interview schedule`, `reschedule`, `cancel` and `busy` on the built-in calendar, through the real
HTTP endpoint and the Slack fake, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading

import icalendar
import pytest
from sqlalchemy import select

from bot.sandbox.harness import HIRING_CHANNEL, Sandbox
from hiring.errors import Conflict
from hiring.scheduling.booking import Choice
from scheduling.builtin_calendar import invite_for_token
from storage.models import AuditEvent, IdempotencyKey
from tests.factories import TEAM
from tests.helpers import assert_escaped
from tests.scheduling_support import (
    GRACE,
    HANA,
    JONAS,
    MIA,
    SAM,
    calendar_rows,
    click_option,
    enter_availability,
    interviews,
    open_options,
    option_sections,
    panel_status,
    seat_users,
    setup_schedule,
    utc,
)

TUE = ("2026-11-24", "05:00", "12:00")  # New York: 10:00–17:00 UTC


def texts(blocks: list[dict[str, object]]) -> str:
    return str(blocks)


def audits(sandbox: Sandbox, prefix: str) -> list[AuditEvent]:
    with sandbox.app.db.uow(TEAM) as uow:
        return [e for e in uow.audit.all() if e.action.startswith(prefix)]


def book_first(sandbox: Sandbox) -> dict[str, object]:
    view = open_options(sandbox)
    click_option(sandbox, view)
    return view


def test_schedule_opens_a_loading_modal_at_once_then_shows_ranked_options_in_both_time_zones(
    sandbox: Sandbox,
) -> None:
    setup_schedule(sandbox)
    enter_availability(sandbox, [TUE])
    sandbox.fake.calls.clear()
    view = open_options(sandbox)

    opened = sandbox.fake.calls_to("views.open")
    assert len(opened) == 1 and '"callback_id": "loading"' in str(opened[0].params["view"]).replace("'", '"')
    assert [c.method for c in sandbox.fake.calls if c.method.startswith("views.")] == [
        "views.open",
        "views.update",
    ]
    assert view["callback_id"] == "schedule_options"
    sections = option_sections(view)
    assert len(sections) == 5
    first = sections[0]["text"]["text"]
    # Hana sees London time, then Grace's New York time; Sam codes with Mia shadowing, then Jonas.
    assert (
        "*Coding* Tue 24 Nov 10:00–11:00 (05:00–06:00 for the candidate) — <@USAM>; shadow <@UMIA> · video"
        in first
    )
    assert (
        "*System design* Tue 24 Nov 11:15–12:15 (06:15–07:15 for the candidate) — <@UJONAS> · video" in first
    )
    assert sections[0]["accessory"]["text"]["text"] == "Book this"
    reasons = [b for b in view["blocks"] if b["type"] == "context"]
    assert reasons and "Earliest" in reasons[0]["elements"][0]["text"]
    assert "Europe/London" in view["blocks"][0]["text"]["text"]
    assert interviews(sandbox)[0].status == "planned"  # looking books nothing
    assert calendar_rows(sandbox) == []


def test_options_across_the_daylight_saving_change_keep_the_candidates_local_times(database_url: str) -> None:
    # London left summer time on 25 Oct 2026, New York leaves it on 1 Nov: five hours apart again.
    with Sandbox(database_url, start=utc(2026, 10, 26, 8)) as box:
        setup_schedule(box)
        enter_availability(box, [("2026-10-30", "05:00", "07:15"), ("2026-11-02", "05:00", "12:00")])
        view = open_options(box)
        sections = [s["text"]["text"] for s in option_sections(view)]
        assert "*Coding* Fri 30 Oct 09:00–10:00 (05:00–06:00 for the candidate)" in sections[0]
        assert "*System design* Fri 30 Oct 10:15–11:15 (06:15–07:15 for the candidate)" in sections[0]
        assert "*Coding* Mon 2 Nov 10:00–11:00 (05:00–06:00 for the candidate)" in sections[1]
        click_option(box, view, 1)
        booked = {iv.interview_key: iv for iv in interviews(box)}
        assert booked["coding"].start_at == utc(2026, 11, 2, 10)
        assert booked["design"].start_at == utc(2026, 11, 2, 11, 15)
        sam_dm = box.fake.dms("USAM")[-1]
        assert "Mon 2 Nov 10:00–11:00 (Europe/London)" in texts(sam_dm.blocks)
        jonas_dm = box.fake.dms("UJONAS")[-1]
        assert "Mon 2 Nov 12:15–13:15 (Europe/Berlin)" in texts(jonas_dm.blocks)
        invite = invite_for_token(box.app.db, booked["coding"].ics_token or "")
        assert invite is not None
        event = icalendar.Calendar.from_ical(invite).walk("VEVENT")[0]
        assert event.decoded("DTSTART") == utc(2026, 11, 2, 10)
    assert not box.fake.block_errors


def test_booking_writes_every_event_once_and_tells_the_channel_and_each_interviewer(sandbox: Sandbox) -> None:
    loop = setup_schedule(sandbox)
    enter_availability(sandbox, [TUE])
    book_first(sandbox)

    rows = calendar_rows(sandbox)
    assert [(r.start_at, r.end_at, r.status) for r in rows] == [
        (utc(2026, 11, 24, 10), utc(2026, 11, 24, 11), "confirmed"),
        (utc(2026, 11, 24, 11, 15), utc(2026, 11, 24, 12, 15), "confirmed"),
    ]
    assert [[a["email"] for a in r.attendees] for r in rows] == [[SAM, MIA, GRACE], [JONAS, GRACE]]
    booked = interviews(sandbox)
    assert [iv.event_id for iv in booked] == [r.id for r in rows]
    assert all(iv.status == "booked" and iv.ics_token and iv.event_id.startswith("lb") for iv in booked)  # type: ignore[union-attr]
    assert all((iv.video_link or "").startswith("https://meet.jit.si/loopbot-") for iv in booked)
    assert panel_status(sandbox, loop.panel_id) == "booked"

    confirmation = sandbox.fake.last_view("UHANA")
    assert confirmation is not None and "*Booked*" in confirmation["blocks"][0]["text"]["text"]
    assert "/ics/" in str(confirmation["blocks"])  # the built-in calendar's invites, to send Grace

    [summary] = sandbox.fake.posts(HIRING_CHANNEL)
    assert "*Loop booked* for *Grace Hopper*" in summary.blocks[0]["text"]["text"]
    assert "score" not in str(summary.blocks).lower()
    for user_id, expect in (("USAM", "10:00–11:00"), ("UMIA", "11:00–12:00"), ("UJONAS", "12:15–13:15")):
        [dm] = sandbox.fake.dms(user_id)
        body = texts(dm.blocks)
        assert expect in body and "/ics/" in body and "meet.jit.si" in body
        assert "decline_interview" in body if user_id != "UMIA" else "decline_interview" not in body
    [event] = audits(sandbox, "panel.booked")
    assert event.actor_id == "UHANA" and event.after and event.after["status"] == "booked"

    sandbox.tick()  # the outbox source finds nothing left to send
    assert len(sandbox.fake.posts(HIRING_CHANNEL)) == 1 and len(sandbox.fake.dms("USAM")) == 1


def test_a_double_click_or_a_retried_request_books_once(sandbox: Sandbox) -> None:
    loop = setup_schedule(sandbox)
    enter_availability(sandbox, [TUE])
    view = open_options(sandbox)
    button = option_sections(view)[0]["accessory"]
    clicks = [
        threading.Thread(
            target=sandbox.slack.click, args=("UHANA", "book_option", button["value"]), kwargs={"view": view}
        )
        for _ in range(2)
    ]
    for click in clicks:
        click.start()
    for click in clicks:
        click.join()
    sandbox.idle()
    click_option(sandbox, view)  # a third, late click on the same (stale) modal
    assert len(calendar_rows(sandbox)) == 2
    assert len(sandbox.fake.posts(HIRING_CHANNEL)) == 1
    assert len(sandbox.fake.dms("USAM")) == 1
    assert len(audits(sandbox, "panel.booked")) == 1

    # The service itself: the same request key is a no-op; another request finds the loop booked.
    choice = Choice.decode(button["value"], ())
    scheduling = sandbox.app.services.scheduling
    with sandbox.app.db.uow(TEAM) as uow:
        keys = list(uow.session.scalars(select(IdempotencyKey.key).where(IdempotencyKey.key.like("book:%"))))
    assert keys == [f"book:{view['id']}"]
    assert scheduling.book(HANA, loop.candidate_id, choice, request_key=keys[0]) is None
    with pytest.raises(Conflict, match="already booked"):
        scheduling.book(HANA, loop.candidate_id, choice, request_key="book:another")
    assert len(calendar_rows(sandbox)) == 2


def test_on_site_interviews_get_free_rooms(database_url: str) -> None:
    with Sandbox(database_url, google_rooms=["Room A", "Room B"]) as box:
        setup_schedule(box, stage="onsite")
        enter_availability(box, [TUE])
        with box.app.db.uow(TEAM) as uow:  # someone else holds Room A all morning
            uow.calendar.add_busy(
                "room a", utc(2026, 11, 24, 9), utc(2026, 11, 24, 12), "board", box.clock.now()
            )
            uow.commit()
        view = open_options(box)
        first = option_sections(view)[0]["text"]["text"]
        assert "*Whiteboard* Tue 24 Nov 10:00–11:00" in first and "room `Room B`" in first
        click_option(box, view)
        rows = calendar_rows(box)
        assert [r.location for r in rows] == ["Room B", "Room B"]
        assert [r.video_link for r in rows] == [None, None]
        assert [iv.room for iv in interviews(box)] == ["Room B", "Room B"]
        assert "room `Room B`" in texts(box.fake.dms("USAM")[0].blocks)
    assert not box.fake.block_errors


def test_reschedule_moves_the_same_events_and_tells_everyone_once(sandbox: Sandbox) -> None:
    setup_schedule(sandbox)
    enter_availability(sandbox, [TUE])
    book_first(sandbox)
    before = {r.id: r.sequence for r in calendar_rows(sandbox)}
    enter_availability(sandbox, [("2026-11-25", "05:00", "12:00")])  # Grace can only do Wednesday now

    view = open_options(sandbox, command="reschedule")
    assert "*Booked now*" in str(view["blocks"])
    sections = option_sections(view)
    assert sections[0]["accessory"]["text"]["text"] == "Move here"
    assert "*Coding* Wed 25 Nov 10:00–11:00" in sections[0]["text"]["text"]
    click_option(sandbox, view)

    rows = calendar_rows(sandbox)
    assert {r.id for r in rows} == set(before)  # the same events, no new ones
    assert all(r.sequence == before[r.id] + 1 and r.start_at.day == 25 for r in rows)
    assert [iv.start_at.day for iv in interviews(sandbox)] == [25, 25]  # type: ignore[union-attr]
    posts = sandbox.fake.posts(HIRING_CHANNEL)
    assert len(posts) == 2 and "*Loop moved*" in posts[1].blocks[0]["text"]["text"]
    assert "(was Tue 24 Nov 10:00)" in posts[1].blocks[0]["text"]["text"]
    for user_id in ("USAM", "UMIA", "UJONAS"):
        dms = sandbox.fake.dms(user_id)
        assert len(dms) == 2 and "*Moved:*" in texts(dms[1].blocks)
    assert [e.action for e in audits(sandbox, "panel.")][-1] == "panel.rescheduled"
    sandbox.tick()
    assert len(sandbox.fake.posts(HIRING_CHANNEL)) == 2 and len(sandbox.fake.dms("UJONAS")) == 2


def test_cancel_asks_first_then_cancels_the_events_and_no_briefing_follows(sandbox: Sandbox) -> None:
    loop = setup_schedule(sandbox)
    enter_availability(sandbox, [TUE])
    book_first(sandbox)

    sandbox.command("UHANA", "cancel Grace Hopper")
    view = sandbox.fake.last_view("UHANA")
    assert view is not None and view["callback_id"] == "cancel_loop_view"
    assert calendar_rows(sandbox)[0].status == "confirmed"  # nothing happens before the confirmation
    button = view["blocks"][-1]["elements"][0]
    sandbox.click("UHANA", "cancel_loop", button["value"], view=view, block_id="confirm")

    assert [r.status for r in calendar_rows(sandbox)] == ["cancelled", "cancelled"]
    assert [iv.status for iv in interviews(sandbox)] == ["cancelled", "cancelled"]
    assert panel_status(sandbox, loop.panel_id) == "cancelled"
    assert "*Cancelled.*" in str((sandbox.fake.last_view("UHANA") or {})["blocks"])
    assert "*Loop cancelled*" in sandbox.fake.posts(HIRING_CHANNEL)[-1].blocks[0]["text"]["text"]
    assert "*Cancelled:*" in texts(sandbox.fake.dms("USAM")[-1].blocks)

    sandbox.clock.set(utc(2026, 11, 24, 9, 45))  # briefing time of the cancelled interview
    sandbox.tick()
    assert not [m for m in sandbox.fake.dms("USAM") if m.text.startswith("Briefing")]
    assert len(sandbox.fake.dms("USAM")) == 2


def test_busy_blocks_keep_options_clear_and_can_be_removed(sandbox: Sandbox) -> None:
    setup_schedule(sandbox)
    enter_availability(sandbox, [TUE])
    sandbox.command("USAM", "busy 2026-11-24 09:00-12:00 <!channel> dentist")
    reply = sandbox.fake.ephemerals("USAM")[-1]
    assert "Marked busy: Tue 24 Nov 09:00–12:00" in texts(reply.blocks)
    assert_escaped("<!channel> dentist", reply.blocks, reply.text)
    assert "&lt;!channel&gt; dentist" in texts(reply.blocks)

    first = option_sections(open_options(sandbox))[0]["text"]["text"]
    assert "*Coding* Tue 24 Nov 12:00–13:00" in first  # Sam is free again at noon

    sandbox.command("USAM", "busy")
    listing = sandbox.fake.ephemerals("USAM")[-1]
    assert_escaped("<!channel> dentist", listing.blocks, listing.text)
    remove = next(b for b in listing.blocks if b.get("accessory", {}).get("action_id") == "busy_remove")
    sandbox.click("USAM", "busy_remove", remove["accessory"]["value"], message=listing)
    assert "Removed that busy time" in sandbox.fake.ephemerals("USAM")[-1].text

    first = option_sections(open_options(sandbox))[0]["text"]["text"]
    assert "*Coding* Tue 24 Nov 10:00–11:00" in first
    sandbox.command("USAM", "busy yesterday 9-10")
    assert "is not a day" in texts(sandbox.fake.ephemerals("USAM")[-1].blocks)


def test_outsiders_are_refused_and_a_forged_click_books_nothing(sandbox: Sandbox) -> None:
    loop = setup_schedule(sandbox)
    enter_availability(sandbox, [TUE])
    sandbox.command("UOTTO", "schedule Grace Hopper")
    assert "Only the hiring manager" in sandbox.last_reply("UOTTO")
    assert sandbox.fake.last_view("UOTTO") is None
    sandbox.command("UOTTO", "cancel Grace Hopper")
    assert "Only the hiring manager" in sandbox.last_reply("UOTTO")

    view = open_options(sandbox)
    button = option_sections(view)[0]["accessory"]
    sandbox.click("UOTTO", "book_option", button["value"], view=view)
    assert calendar_rows(sandbox) == []
    assert panel_status(sandbox, loop.panel_id) == "ready"
    refusal = sandbox.fake.views[view["id"]]
    assert "Only the hiring manager" in str(refusal["blocks"])
    assert sandbox.fake.posts(HIRING_CHANNEL) == []


def test_without_availability_or_a_panel_the_modal_says_what_to_do(sandbox: Sandbox) -> None:
    setup_schedule(sandbox)
    view = open_options(sandbox)
    assert "No availability is entered" in str(view["blocks"])
    enter_availability(sandbox, [("2026-11-28", "05:00", "12:00")])  # a Saturday: nobody works
    view = open_options(sandbox)
    assert "Nothing fits." in str(view["blocks"]) and option_sections(view) == []


def test_an_interviewer_who_cant_make_it_is_replaced_from_the_same_pool(sandbox: Sandbox) -> None:
    setup_schedule(sandbox)
    enter_availability(sandbox, [TUE])
    book_first(sandbox)
    coding = interviews(sandbox)[0]
    [dm] = sandbox.fake.dms("USAM")
    sandbox.click("USAM", "decline_interview", str(coding.id), message=dm, block_id="decline")
    assert "I'll tell the recruiters" in sandbox.fake.dms("USAM")[-1].text

    sandbox.tick()
    sandbox.tick()
    [notice] = [m for m in sandbox.fake.dms("URITA") if "declined" in m.text]
    assert "<@USAM> declined *Coding*" in texts(notice.blocks)
    # Priya (Kolkata) works at 10:00 UTC; Lee (New York) does not. Jonas and Mia are on the loop.
    assert "Proposed from the same pool: <@UPRIYA>" in texts(notice.blocks)
    button = next(b for b in notice.blocks if b["type"] == "actions")["elements"][0]
    sandbox.click("UOTTO", "replace_interviewer", button["value"], message=notice, block_id="replace")
    assert seat_users(sandbox, coding.id) == [("UMIA", "shadow"), ("USAM", "interviewer")]  # refused

    sandbox.click("URITA", "replace_interviewer", button["value"], message=notice, block_id="replace")
    assert seat_users(sandbox, coding.id) == [("UMIA", "shadow"), ("UPRIYA", "interviewer")]
    row = calendar_rows(sandbox)[0]
    assert [a["email"] for a in row.attendees] == ["priya@example.com", MIA, GRACE]
    assert "in place of someone who can't make it" in texts(sandbox.fake.dms("UPRIYA")[-1].blocks)
    assert "You're off *Coding*" in texts(sandbox.fake.dms("USAM")[-1].blocks)
    assert "<@UPRIYA> replaces <@USAM>" in texts(sandbox.fake.posts(HIRING_CHANNEL)[-1].blocks)
    assert "Replaced by <@UPRIYA>" in str(sandbox.fake.dms("URITA")[-1].blocks)
    sandbox.tick()
    assert len([m for m in sandbox.fake.dms("URITA") if "declined" in m.text]) == 1
    assert len(sandbox.fake.dms("UPRIYA")) == 1


def test_notices_slack_did_not_take_are_sent_by_a_later_tick_once(sandbox: Sandbox) -> None:
    setup_schedule(sandbox)
    enter_availability(sandbox, [TUE])
    sandbox.fake.fail("chat.postMessage", "fatal_error", times=4)  # the summary and three DMs
    book_first(sandbox)
    assert len(calendar_rows(sandbox)) == 2  # the booking stands
    assert sandbox.fake.posts(HIRING_CHANNEL) == [] and sandbox.fake.dms("USAM") == []
    sandbox.advance(minutes=2)
    sandbox.tick()
    counts = [len(sandbox.fake.posts(HIRING_CHANNEL))] + [
        len(sandbox.fake.dms(u)) for u in ("USAM", "UMIA", "UJONAS")
    ]
    assert counts == [1, 1, 1, 1]
    sandbox.advance(minutes=10)
    sandbox.tick()
    again = [len(sandbox.fake.posts(HIRING_CHANNEL))] + [
        len(sandbox.fake.dms(u)) for u in ("USAM", "UMIA", "UJONAS")
    ]
    assert again == counts


def test_a_hostile_candidate_name_is_escaped_in_modals_posts_and_dms(sandbox: Sandbox) -> None:
    hostile = "<!channel> *Ada*"
    loop = setup_schedule(sandbox, name=hostile)
    ref = f"#{loop.candidate_id}"
    enter_availability(sandbox, [TUE], candidate=ref)
    view = open_options(sandbox, candidate=ref)
    assert_escaped(hostile, view["blocks"])
    assert "&lt;!channel&gt; ∗Ada∗" in texts(view["blocks"])
    click_option(sandbox, view)
    assert_escaped(hostile, (sandbox.fake.last_view("UHANA") or {})["blocks"])
    [summary] = sandbox.fake.posts(HIRING_CHANNEL)
    assert_escaped(hostile, summary.blocks, summary.text)
    assert "&lt;!channel&gt; ∗Ada∗" in texts(summary.blocks)
    for user_id in ("USAM", "UMIA", "UJONAS"):
        [dm] = sandbox.fake.dms(user_id)
        assert_escaped(hostile, dm.blocks, dm.text)
