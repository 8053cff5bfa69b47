"""The Google provider driven through the real google-api-python-client against the loopback fake
of Calendar v3 (single requests, freeBusy and the multipart batch endpoint over real HTTP)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from google.oauth2.credentials import Credentials

from bot.sandbox.fake_google import FakeGoogleCalendar
from bot.sandbox.harness import Sandbox
from bot.settings import Settings
from scheduling.calendar_factory import make_calendar
from scheduling.calendar_protocol import BookingError, CalendarError, CalendarGateway, EventSpec, Interval
from scheduling.google_calendar import CalendarConfigError, GoogleCalendar, load_credentials

MON = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
ROOM_A = "c_room-a@resource.calendar.google.com"
ROOM_B = "c_room-b@resource.calendar.google.com"
PEOPLE = ("sam@example.com", "priya@example.com", "jonas@example.com")
CANDIDATE = "ada.candidate@gmail.com"


@pytest.fixture
def fake() -> Iterator[FakeGoogleCalendar]:
    with FakeGoogleCalendar(owner="loopbot@example.com") as server:
        yield server


@pytest.fixture
def slept() -> list[float]:
    return []


@pytest.fixture
def google(fake: FakeGoogleCalendar, slept: list[float]) -> GoogleCalendar:
    return GoogleCalendar(
        Credentials(token="test-token"),
        api_endpoint=fake.api_endpoint,
        batch_endpoint=fake.batch_endpoint,
        rooms=[ROOM_A, ROOM_B],
        sleep=slept.append,
        rng=lambda: 1.0,
    )


def loop(k: int = 4, *, start: datetime = MON, online: bool = True, **kw: object) -> list[EventSpec]:
    """A loop of k one-hour interviews back to back, each with one interviewer and the candidate."""
    return [
        EventSpec(
            event_id=uuid.uuid4().hex,
            summary=f"Interview {i + 1}: Ada Candidate",
            description="Backend loop",
            start=start + timedelta(hours=i),
            end=start + timedelta(hours=i + 1),
            attendees=(PEOPLE[i % len(PEOPLE)], CANDIDATE),
            online=online,
            **kw,  # type: ignore[arg-type]
        )
        for i in range(k)
    ]


# -- free/busy -------------------------------------------------------------------------------------


def test_free_busy_for_more_than_50_calendars_takes_one_query_per_50(
    fake: FakeGoogleCalendar, google: GoogleCalendar
) -> None:
    calendars = [f"person{i:03d}@example.com" for i in range(120)]
    fake.add_busy("person000@example.com", MON, MON + timedelta(hours=1))
    fake.add_busy("person075@example.com", MON + timedelta(hours=2), MON + timedelta(hours=3))
    fake.add_busy("person075@example.com", MON + timedelta(hours=3), MON + timedelta(hours=4))
    fake.add_busy("person119@example.com", MON - timedelta(hours=1), MON + timedelta(minutes=30))

    busy = google.free_busy("T1", calendars, MON, MON + timedelta(hours=8))

    queries = fake.round_trips("freeBusy")
    assert len(queries) == 3
    assert [len(q.body["items"]) for q in queries] == [50, 50, 20]
    assert sorted(i["id"] for q in queries for i in q.body["items"]) == calendars
    assert set(busy) == set(calendars)
    assert busy["person000@example.com"] == [Interval(MON, MON + timedelta(hours=1))]
    # touching blocks are merged; blocks are clipped to the window
    assert busy["person075@example.com"] == [Interval(MON + timedelta(hours=2), MON + timedelta(hours=4))]
    assert busy["person119@example.com"] == [Interval(MON, MON + timedelta(minutes=30))]
    assert busy["person050@example.com"] == []


def test_a_calendar_google_cannot_read_counts_as_busy_all_along(
    fake: FakeGoogleCalendar, google: GoogleCalendar
) -> None:
    fake.missing_calendars.add("gone@example.com")
    busy = google.free_busy("T1", ["gone@example.com", "sam@example.com"], MON, MON + timedelta(hours=2))
    assert busy["gone@example.com"] == [Interval(MON, MON + timedelta(hours=2))]
    assert busy["sam@example.com"] == []


def test_booked_events_show_as_busy_for_their_attendees(
    fake: FakeGoogleCalendar, google: GoogleCalendar
) -> None:
    google.book("T1", loop(2))
    busy = google.free_busy("T1", [PEOPLE[0], PEOPLE[1], CANDIDATE], MON, MON + timedelta(hours=4))
    assert busy[PEOPLE[0]] == [Interval(MON, MON + timedelta(hours=1))]
    assert busy[PEOPLE[1]] == [Interval(MON + timedelta(hours=1), MON + timedelta(hours=2))]
    assert busy[CANDIDATE] == [Interval(MON, MON + timedelta(hours=2))]


# -- booking ---------------------------------------------------------------------------------------


def test_a_loop_is_booked_in_one_batch_with_our_ids_and_invitations_to_everyone(
    fake: FakeGoogleCalendar, google: GoogleCalendar
) -> None:
    specs = loop(5)
    booked = google.book("T1", specs)

    assert [r.operation for r in fake.round_trips()] == ["batch"]
    assert fake.round_trips()[0].parts == 5
    inserts = fake.calls_to("events.insert")
    assert all(c.in_batch for c in inserts)
    assert [c.event_id for c in inserts] == [s.event_id for s in specs]
    assert all(c.query["sendUpdates"] == "all" and c.query["conferenceDataVersion"] == "1" for c in inserts)
    assert all(c.headers["authorization"] == "Bearer test-token" for c in inserts)
    assert [b.event_id for b in booked] == [s.event_id for s in specs]
    for spec, event in zip(specs, booked, strict=True):
        stored = fake.event(spec.event_id)
        assert stored is not None and stored["status"] == "confirmed"
        assert {a["email"] for a in stored["attendees"]} == set(spec.attendees)
        assert event.start == spec.start and event.end == spec.end
        assert event.html_link and spec.event_id in event.html_link
        assert stored["extendedProperties"]["private"]["loopbotTeam"] == "T1"


def test_online_interviews_get_a_meet_link_and_on_site_ones_do_not(
    fake: FakeGoogleCalendar, google: GoogleCalendar
) -> None:
    online = loop(2)
    onsite = loop(1, start=MON + timedelta(hours=3), online=False)
    booked = {b.event_id: b for b in google.book("T1", online + onsite)}

    for spec in online:
        stored = fake.event(spec.event_id)
        assert stored is not None
        request = fake.calls_to("events.insert")[0].body["conferenceData"]["createRequest"]
        assert request["conferenceSolutionKey"] == {"type": "hangoutsMeet"}
        link = booked[spec.event_id].video_link
        assert link is not None and link.startswith("https://meet.google.com/")
        assert link == stored["hangoutLink"]
    assert booked[onsite[0].event_id].video_link is None
    assert "conferenceData" not in (fake.event(onsite[0].event_id) or {})
    assert len({b.video_link for b in booked.values() if b.video_link}) == 2


def test_a_meet_link_still_pending_is_read_again_until_ready(
    fake: FakeGoogleCalendar, google: GoogleCalendar, slept: list[float]
) -> None:
    fake.conference_pending_reads = 2
    specs = loop(2)
    booked = google.book("T1", specs)
    assert all(b.video_link and b.video_link.startswith("https://meet.google.com/") for b in booked)
    assert [r.operation for r in fake.round_trips()] == ["batch", "batch", "batch"]  # insert, read, read
    assert len(slept) == 2


def test_a_given_video_link_is_used_instead_of_creating_a_meet(
    fake: FakeGoogleCalendar, google: GoogleCalendar
) -> None:
    spec = replace(loop(1)[0], video_link="https://zoom.example.com/j/123")
    (booked,) = google.book("T1", [spec])
    assert booked.video_link == "https://zoom.example.com/j/123"
    stored = fake.event(spec.event_id)
    assert stored is not None and "hangoutLink" not in stored
    assert stored["location"] == "https://zoom.example.com/j/123"


def test_booking_again_is_idempotent_and_409_means_already_there(
    fake: FakeGoogleCalendar, google: GoogleCalendar
) -> None:
    specs = loop(3)
    first = google.book("T1", specs)
    fake.reset_calls()

    second = google.book("T1", specs)

    assert second == first
    assert len(fake.events) == 3
    assert [c.status for c in fake.calls_to("events.insert")] == [409, 409, 409]
    assert len(fake.calls_to("events.get")) == 3  # fetched to learn their data, in one batch
    assert fake.calls_to("events.patch") == []  # nothing to fix, no update mail to attendees
    assert [r.operation for r in fake.round_trips()] == ["batch", "batch"]


def test_a_partly_booked_loop_is_completed_on_retry_without_duplicates(
    fake: FakeGoogleCalendar, google: GoogleCalendar
) -> None:
    specs = loop(3)
    google.book("T1", specs[:1])  # e.g. a crash after the first insert of an earlier attempt
    booked = google.book("T1", specs)
    assert [b.event_id for b in booked] == [s.event_id for s in specs]
    assert len(fake.events) == 3
    assert [c.status for c in fake.calls_to("events.insert")][-3:] == [409, 200, 200]


def test_a_409_on_an_event_cancelled_since_is_restored_not_duplicated(
    fake: FakeGoogleCalendar, google: GoogleCalendar
) -> None:
    specs = loop(2)
    google.book("T1", specs)
    google.cancel("T1", [specs[0].event_id])
    assert (fake.event(specs[0].event_id) or {})["status"] == "cancelled"

    booked = google.book("T1", specs)

    assert len(fake.events) == 2
    assert all((fake.event(s.event_id) or {})["status"] == "confirmed" for s in specs)
    patches = fake.calls_to("events.patch")
    assert [p.event_id for p in patches] == [specs[0].event_id]
    assert patches[0].body["status"] == "confirmed"
    assert booked[0].video_link == (fake.event(specs[0].event_id) or {})["hangoutLink"]


def test_a_409_for_an_id_that_cannot_be_read_fails_the_booking(
    fake: FakeGoogleCalendar, google: GoogleCalendar
) -> None:
    specs = loop(2)
    fake.fail("events.insert", 409, event_id=specs[1].event_id)  # taken, but not visible to us
    with pytest.raises(BookingError) as err:
        google.book("T1", specs)
    assert err.value.failed_event_ids == (specs[1].event_id,)
    assert fake.live_events() == []


# -- rooms -----------------------------------------------------------------------------------------


def test_on_site_interviews_get_a_free_room_picked_by_free_busy(
    fake: FakeGoogleCalendar, google: GoogleCalendar
) -> None:
    fake.add_busy(ROOM_A, MON, MON + timedelta(hours=1))
    specs = loop(2, online=False)
    booked = google.book("T1", specs)

    assert [b.room for b in booked] == [ROOM_B, ROOM_A]
    room_query = fake.calls_to("freeBusy")
    assert len(room_query) == 1 and {i["id"] for i in room_query[0].body["items"]} == {ROOM_A, ROOM_B}
    for spec, event in zip(specs, booked, strict=True):
        stored = fake.event(spec.event_id) or {}
        rooms = [a for a in stored["attendees"] if a.get("resource")]
        assert rooms == [{"email": event.room, "resource": True, "responseStatus": "accepted"}]
        assert stored["location"] == event.room
        assert event.video_link is None
    assert google.free_busy("T1", [ROOM_A], MON, MON + timedelta(hours=3))[ROOM_A] == [
        Interval(MON, MON + timedelta(hours=2))
    ]


def test_overlapping_on_site_interviews_never_share_a_room(google: GoogleCalendar) -> None:
    a, b = loop(2, online=False)
    b = replace(b, start=a.start, end=a.end)
    booked = google.book("T1", [a, b])
    assert {e.room for e in booked} == {ROOM_A, ROOM_B}


def test_pick_room_uses_free_busy_already_read(fake: FakeGoogleCalendar, google: GoogleCalendar) -> None:
    busy = {ROOM_A: [Interval(MON, MON + timedelta(hours=1))], ROOM_B: []}
    assert google.pick_room("T1", MON, MON + timedelta(hours=1), busy=busy) == ROOM_B
    assert fake.round_trips() == []
    fake.add_busy(ROOM_B, MON, MON + timedelta(hours=1))
    fake.add_busy(ROOM_A, MON, MON + timedelta(hours=1))
    assert google.pick_room("T1", MON, MON + timedelta(hours=1)) is None
    assert google.pick_room("T1", MON + timedelta(hours=1), MON + timedelta(hours=2)) == ROOM_A


def test_when_no_room_is_free_nothing_is_created(fake: FakeGoogleCalendar, google: GoogleCalendar) -> None:
    fake.add_busy(ROOM_A, MON, MON + timedelta(hours=4))
    fake.add_busy(ROOM_B, MON, MON + timedelta(hours=4))
    with pytest.raises(BookingError, match="No room is free") as err:
        google.book("T1", loop(2) + loop(1, start=MON + timedelta(hours=2), online=False))
    assert len(err.value.failed_event_ids) == 1
    assert fake.calls_to("events.insert") == []


def test_a_room_that_declines_fails_the_booking_and_rolls_back(
    fake: FakeGoogleCalendar, google: GoogleCalendar
) -> None:
    fake.add_busy(ROOM_A, MON + timedelta(hours=1), MON + timedelta(hours=2))
    specs = [*loop(1), replace(loop(1, start=MON + timedelta(hours=1), online=False)[0], room=ROOM_A)]
    with pytest.raises(BookingError, match="already taken") as err:
        google.book("T1", specs)
    assert err.value.failed_event_ids == (specs[1].event_id,)
    assert fake.live_events() == []


# -- retries ---------------------------------------------------------------------------------------


def test_single_requests_retry_429_with_retry_after_5xx_and_rate_limit_403(
    fake: FakeGoogleCalendar, google: GoogleCalendar, slept: list[float]
) -> None:
    fake.fail("freeBusy", 429, retry_after=7)
    fake.fail("freeBusy", 503)
    fake.fail("freeBusy", 403, reason="rateLimitExceeded")
    fake.add_busy("sam@example.com", MON, MON + timedelta(hours=1))

    busy = google.free_busy("T1", ["sam@example.com"], MON, MON + timedelta(hours=2))

    assert busy["sam@example.com"] == [Interval(MON, MON + timedelta(hours=1))]
    assert [r.status for r in fake.round_trips("freeBusy")] == [429, 503, 403, 200]
    assert slept == [7.0, 2.0, 4.0]  # Retry-After honoured, then exponential backoff


def test_errors_that_retrying_cannot_fix_are_not_retried(
    fake: FakeGoogleCalendar, google: GoogleCalendar, slept: list[float]
) -> None:
    fake.fail("freeBusy", 403, reason="forbidden")
    with pytest.raises(CalendarError, match="403 forbidden"):
        google.free_busy("T1", ["sam@example.com"], MON, MON + timedelta(hours=2))
    assert len(fake.round_trips("freeBusy")) == 1
    assert slept == []


def test_retries_give_up_after_max_attempts(
    fake: FakeGoogleCalendar, google: GoogleCalendar, slept: list[float]
) -> None:
    fake.fail("freeBusy", 500, times=10)
    with pytest.raises(CalendarError, match="500"):
        google.free_busy("T1", ["sam@example.com"], MON, MON + timedelta(hours=2))
    assert len(fake.round_trips("freeBusy")) == google.max_attempts


def test_only_the_failed_parts_of_a_batch_are_retried(
    fake: FakeGoogleCalendar, google: GoogleCalendar, slept: list[float]
) -> None:
    specs = loop(5)
    fake.fail("events.insert", 429, retry_after=3, event_id=specs[1].event_id)
    fake.fail("events.insert", 500, event_id=specs[3].event_id)
    fake.fail("events.insert", 403, reason="userRateLimitExceeded", event_id=specs[4].event_id)

    booked = google.book("T1", specs)

    assert [b.event_id for b in booked] == [s.event_id for s in specs]
    batches = fake.round_trips("batch")
    assert [b.parts for b in batches] == [5, 3]
    retried = [c.event_id for c in fake.calls_to("events.insert")][5:]
    assert retried == [specs[1].event_id, specs[3].event_id, specs[4].event_id]
    assert slept == [3.0]  # one pause per round: the longest of the parts' delays
    assert len(fake.live_events()) == 5


def test_a_whole_batch_request_that_fails_is_sent_again(
    fake: FakeGoogleCalendar, google: GoogleCalendar, slept: list[float]
) -> None:
    fake.fail("batch", 503)
    booked = google.book("T1", loop(3))
    assert len(booked) == 3
    assert [(b.status, b.parts) for b in fake.round_trips("batch")] == [(503, 0), (200, 3)]
    assert len(slept) == 1 and len(fake.live_events()) == 3


def test_a_batch_where_some_inserts_keep_failing_is_retried_then_rolled_back(
    fake: FakeGoogleCalendar, google: GoogleCalendar, slept: list[float]
) -> None:
    specs = loop(4)
    fake.fail("events.insert", 500, event_id=specs[2].event_id, times=100)
    fake.fail("events.insert", 400, reason="invalid", event_id=specs[3].event_id)

    with pytest.raises(BookingError) as err:
        google.book("T1", specs)

    assert set(err.value.failed_event_ids) == {specs[2].event_id, specs[3].event_id}
    assert err.value.orphaned_event_ids == ()
    assert "Could not book 2 of 4" in err.value.message and "were cancelled" in err.value.message
    assert "Interview 3" in err.value.message and "500" in err.value.message
    inserts_of_failing = [c for c in fake.calls_to("events.insert") if c.event_id == specs[2].event_id]
    assert len(inserts_of_failing) == google.max_attempts  # retried, alone
    assert len([c for c in fake.calls_to("events.insert") if c.event_id == specs[3].event_id]) == 1
    deletes = fake.calls_to("events.delete")
    assert sorted(str(d.event_id) for d in deletes) == sorted([specs[0].event_id, specs[1].event_id])
    assert all(d.in_batch and d.query["sendUpdates"] == "all" for d in deletes)
    assert fake.live_events() == []  # no orphan events


def test_a_rollback_that_fails_too_reports_the_events_left_behind(
    fake: FakeGoogleCalendar, google: GoogleCalendar
) -> None:
    specs = loop(2)
    fake.fail("events.insert", 400, event_id=specs[1].event_id)
    fake.fail("events.delete", 403, reason="forbidden", event_id=specs[0].event_id)
    with pytest.raises(BookingError) as err:
        google.book("T1", specs)
    assert err.value.orphaned_event_ids == (specs[0].event_id,)
    assert "could not be removed" in err.value.message


# -- reschedule, cancel, responses ---------------------------------------------------------------


def test_reschedule_patches_the_same_events(fake: FakeGoogleCalendar, google: GoogleCalendar) -> None:
    specs = loop(3)
    first = google.book("T1", specs)
    fake.reset_calls()
    later = [replace(s, start=s.start + timedelta(days=1), end=s.end + timedelta(days=1)) for s in specs]
    later[1] = replace(later[1], attendees=("lee@example.com", CANDIDATE))

    moved = google.move("T1", later)

    assert fake.calls_to("events.insert") == []
    patches = fake.calls_to("events.patch")
    assert [p.event_id for p in patches] == [s.event_id for s in specs]
    assert all(p.in_batch and p.query["sendUpdates"] == "all" for p in patches)
    assert all("conferenceData" not in p.body for p in patches)  # the Meet link stays
    assert [r.operation for r in fake.round_trips()] == ["batch", "batch"]  # read, then patch
    assert [m.video_link for m in moved] == [f.video_link for f in first]
    assert [m.start for m in moved] == [s.start for s in later]
    assert len(fake.events) == 3
    stored = fake.event(specs[1].event_id) or {}
    assert stored["sequence"] == 1
    assert {a["email"] for a in stored["attendees"]} == {"lee@example.com", CANDIDATE}


def test_a_move_that_fails_puts_every_event_back(fake: FakeGoogleCalendar, google: GoogleCalendar) -> None:
    specs = loop(3)
    google.book("T1", specs)
    later = [replace(s, start=s.start + timedelta(days=1), end=s.end + timedelta(days=1)) for s in specs]
    fake.fail("events.patch", 400, event_id=specs[2].event_id)

    with pytest.raises(BookingError, match="keeps its previous time") as err:
        google.move("T1", later)

    assert err.value.failed_event_ids == (specs[2].event_id,)
    for spec in specs:
        stored = fake.event(spec.event_id) or {}
        start = datetime.fromisoformat(stored["start"]["dateTime"])
        assert start == spec.start


def test_moving_an_event_that_no_longer_exists_changes_nothing(
    fake: FakeGoogleCalendar, google: GoogleCalendar
) -> None:
    specs = loop(2)
    google.book("T1", specs[:1])
    with pytest.raises(BookingError, match="no longer exist") as err:
        google.move("T1", specs)
    assert err.value.failed_event_ids == (specs[1].event_id,)
    assert fake.calls_to("events.patch") == []


def test_a_moved_on_site_interview_keeps_its_room_when_still_free(
    fake: FakeGoogleCalendar, google: GoogleCalendar
) -> None:
    (spec,) = loop(1, online=False)
    (first,) = google.book("T1", [spec])
    assert first.room == ROOM_A
    half_hour_later = replace(
        spec, start=spec.start + timedelta(minutes=30), end=spec.end + timedelta(minutes=30)
    )
    (moved,) = google.move("T1", [half_hour_later])  # overlaps its own old slot in ROOM_A
    assert moved.room == ROOM_A
    fake.add_busy(ROOM_A, MON + timedelta(days=1), MON + timedelta(days=1, hours=2))
    next_day = replace(spec, start=spec.start + timedelta(days=1), end=spec.end + timedelta(days=1))
    (moved,) = google.move("T1", [next_day])
    assert moved.room == ROOM_B


def test_cancel_deletes_with_notifications_and_is_idempotent(
    fake: FakeGoogleCalendar, google: GoogleCalendar
) -> None:
    specs = loop(3)
    google.book("T1", specs)
    ids = [s.event_id for s in specs]

    google.cancel("T1", ids)
    google.cancel("T1", ids)  # 410 Gone: already cancelled, fine
    google.cancel("T1", ["0000deadbeef01"])  # 404: never existed, fine

    assert fake.live_events() == []
    deletes = fake.calls_to("events.delete")
    assert [d.status for d in deletes] == [204, 204, 204, 410, 410, 410, 404]
    assert all(d.query["sendUpdates"] == "all" for d in deletes)
    assert google.free_busy("T1", [PEOPLE[0]], MON, MON + timedelta(hours=4))[PEOPLE[0]] == []


def test_cancel_that_keeps_failing_says_so(fake: FakeGoogleCalendar, google: GoogleCalendar) -> None:
    specs = loop(2)
    google.book("T1", specs)
    fake.fail("events.delete", 500, event_id=specs[0].event_id, times=100)
    with pytest.raises(CalendarError, match="Could not cancel 1 of 2"):
        google.cancel("T1", [s.event_id for s in specs])
    assert [e["id"] for e in fake.live_events()] == [specs[0].event_id]


def test_declines_are_read_from_attendees_responses(fake: FakeGoogleCalendar, google: GoogleCalendar) -> None:
    specs = loop(2, online=False)
    google.book("T1", specs)
    fake.set_response(specs[0].event_id, PEOPLE[0], "declined")
    fake.set_response(specs[0].event_id, CANDIDATE, "accepted")

    answers = google.responses("T1", [s.event_id for s in specs] + ["0000deadbeef01"])

    assert set(answers) == {specs[0].event_id, specs[1].event_id}
    assert {(a.email, a.status) for a in answers[specs[0].event_id]} == {
        (PEOPLE[0], "declined"),
        (CANDIDATE, "accepted"),
    }
    assert {a.status for a in answers[specs[1].event_id]} == {"needsAction"}  # the room is left out
    assert fake.round_trips("batch")[-1].parts == 3


# -- time zones ------------------------------------------------------------------------------------


def test_times_stay_right_across_a_daylight_saving_change(
    fake: FakeGoogleCalendar, google: GoogleCalendar
) -> None:
    london = ZoneInfo("Europe/London")  # summer time ends on Sunday 25 October 2026
    friday = EventSpec(
        "f0000bb000001", "Friday", "", datetime(2026, 10, 23, 9, tzinfo=london), datetime(2026, 10, 23, 10, tzinfo=london),
        (PEOPLE[0], CANDIDATE), timezone="Europe/London",
    )  # fmt: skip
    monday = EventSpec(
        "a0000cc000001", "Monday", "", datetime(2026, 10, 26, 9, tzinfo=london), datetime(2026, 10, 26, 10, tzinfo=london),
        (PEOPLE[0], CANDIDATE), timezone="Europe/London",
    )  # fmt: skip

    booked = google.book("T1", [friday, monday])

    assert [b.start for b in booked] == [
        datetime(2026, 10, 23, 8, tzinfo=UTC),
        datetime(2026, 10, 26, 9, tzinfo=UTC),
    ]
    assert (fake.event("f0000bb000001") or {})["start"] == {
        "dateTime": "2026-10-23T09:00:00+01:00",
        "timeZone": "Europe/London",
    }
    assert (fake.event("a0000cc000001") or {})["start"]["dateTime"] == "2026-10-26T09:00:00+00:00"
    busy = google.free_busy(
        "T1", [PEOPLE[0]], datetime(2026, 10, 22, tzinfo=UTC), datetime(2026, 10, 28, tzinfo=UTC)
    )
    assert busy[PEOPLE[0]] == [
        Interval(datetime(2026, 10, 23, 8, tzinfo=UTC), datetime(2026, 10, 23, 9, tzinfo=UTC)),
        Interval(datetime(2026, 10, 26, 9, tzinfo=UTC), datetime(2026, 10, 26, 10, tzinfo=UTC)),
    ]
    # moving Friday's 09:00 to the Monday after the change keeps 09:00 London: one hour later in UTC
    (moved,) = google.move(
        "T1",
        [
            replace(
                friday,
                start=datetime(2026, 10, 26, 11, tzinfo=london),
                end=datetime(2026, 10, 26, 12, tzinfo=london),
            )
        ],
    )
    assert moved.start == datetime(2026, 10, 26, 11, tzinfo=UTC)


# -- credentials and wiring ---------------------------------------------------------------------


def service_account_file(tmp_path: Path, fake: FakeGoogleCalendar) -> Path:
    """A service account key (a fresh RSA key) whose token endpoint is the fake's."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    path = tmp_path / "service-account.json"
    path.write_text(
        json.dumps(
            {
                "type": "service_account",
                "project_id": "loopbot-test",
                "private_key_id": "k1",
                "private_key": pem,
                "client_email": "loopbot@loopbot-test.iam.gserviceaccount.com",
                "client_id": "1",
                "token_uri": fake.token_uri,
            }
        )
    )
    return path


def _settings(fake: FakeGoogleCalendar, credentials: Path | None, **kw: Any) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        calendar_backend="google",
        google_credentials_file=credentials,
        google_api_endpoint=fake.api_endpoint,
        google_batch_endpoint=fake.batch_endpoint,
        google_rooms=[ROOM_A, ROOM_B],
        **kw,
    )


def google_from(settings: Settings) -> CalendarGateway:
    """The provider the app would build (Google needs neither the database nor the clock)."""
    return make_calendar(settings, None, None)  # type: ignore[arg-type]


def test_a_service_account_with_domain_wide_delegation_acts_as_the_subject(
    fake: FakeGoogleCalendar, tmp_path: Path
) -> None:
    path = service_account_file(tmp_path, fake)
    calendar = google_from(_settings(fake, path, google_delegated_subject="hana@example.com"))
    assert isinstance(calendar, GoogleCalendar) and calendar.rooms == (ROOM_A, ROOM_B)

    calendar.book("T1", loop(2))

    (token,) = fake.calls_to("token")
    assert token.body["claims"]["sub"] == "hana@example.com"
    assert token.body["claims"]["scope"] == "https://www.googleapis.com/auth/calendar"
    assert fake.round_trips("batch")[0].headers["authorization"] == "Bearer fake-access-token-1"
    assert len(fake.live_events()) == 2


def test_an_authorized_user_file_gives_user_credentials(tmp_path: Path) -> None:
    path = tmp_path / "user.json"
    path.write_text(
        json.dumps(
            {
                "type": "authorized_user",
                "client_id": "cid",
                "client_secret": "s",
                "refresh_token": "refresh-me",
            }
        )
    )
    credentials = load_credentials(path)
    # google-auth always refreshes these at Google's own token endpoint, so no fake can stand in.
    assert isinstance(credentials, Credentials)
    assert credentials.refresh_token == "refresh-me"
    assert credentials.scopes == ["https://www.googleapis.com/auth/calendar"]


def test_missing_or_unusable_credentials_are_clear_configuration_errors(
    fake: FakeGoogleCalendar, tmp_path: Path
) -> None:
    with pytest.raises(CalendarConfigError, match="GOOGLE_CREDENTIALS_FILE"):
        google_from(_settings(fake, None))
    bad = tmp_path / "bad.json"
    bad.write_text('{"type": "something_else"}')
    with pytest.raises(CalendarConfigError, match="neither a service account"):
        google_from(_settings(fake, bad))
    with pytest.raises(CalendarConfigError, match="cannot be read"):
        google_from(_settings(fake, tmp_path / "absent.json"))


def test_the_app_uses_google_when_configured(
    database_url: str, fake: FakeGoogleCalendar, tmp_path: Path
) -> None:
    path = service_account_file(tmp_path, fake)
    with Sandbox(
        database_url,
        calendar_backend="google",
        google_credentials_file=path,
        google_delegated_subject="rita@example.com",
        google_api_endpoint=fake.api_endpoint,
        google_batch_endpoint=fake.batch_endpoint,
    ) as box:
        assert isinstance(box.app.calendar, GoogleCalendar)
        booked = box.app.calendar.book("T0LOOPBOT", loop(2))
    assert [b.event_id for b in booked] == [e["id"] for e in fake.live_events()]
    assert fake.calls_to("token")[0].body["claims"]["sub"] == "rita@example.com"
