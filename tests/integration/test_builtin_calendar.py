"""The built-in calendar on SQLite and PostgreSQL, and its .ics invites over the real HTTP endpoint."""

from __future__ import annotations

import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from sqlalchemy import select

from bot.sandbox.harness import Sandbox
from hiring.clock import FixedClock
from scheduling.builtin_calendar import BuiltinCalendar, invite_for_token
from scheduling.calendar_protocol import BookingError, CalendarError, EventSpec, Interval
from storage.models import CalendarEvent
from storage.uow import Database

MON = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
TEAM = "T0LOOPBOT"
SAM, PRIYA, CANDIDATE = "sam@example.com", "priya@example.com", "ada.candidate@gmail.com"
ROOMS = ("Ada Lovelace room", "Turing room")


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    yield database
    database.dispose()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 11, 20, 12, 0, tzinfo=UTC))


@pytest.fixture
def calendar(db: Database, clock: FixedClock) -> BuiltinCalendar:
    return BuiltinCalendar(db, clock, public_url="https://loopbot.example.com/", rooms=ROOMS)


def loop(k: int = 3, *, start: datetime = MON, online: bool = True, **kw: object) -> list[EventSpec]:
    people = (SAM, PRIYA)
    return [
        EventSpec(
            event_id=uuid.uuid4().hex,
            summary=f"Interview {i + 1}: Ada Candidate",
            description="Backend loop",
            start=start + timedelta(hours=i),
            end=start + timedelta(hours=i + 1),
            attendees=(people[i % 2], CANDIDATE),
            organizer="hana@example.com",
            online=online,
            **kw,  # type: ignore[arg-type]
        )
        for i in range(k)
    ]


def rows(db: Database) -> list[CalendarEvent]:
    with db.uow(TEAM) as uow:
        return list(uow.session.scalars(select(CalendarEvent).order_by(CalendarEvent.start_at)))


def token_of(url: str | None) -> str:
    assert url is not None
    return url.rsplit("/", 1)[1].removesuffix(".ics")


def test_busy_time_is_busy_blocks_plus_what_loopbot_booked(
    db: Database, calendar: BuiltinCalendar, clock: FixedClock
) -> None:
    with db.uow(TEAM) as uow:
        uow.calendar.add_busy(
            "Sam@Example.com", MON - timedelta(hours=2), MON + timedelta(minutes=30), "gym", clock.now()
        )
        uow.calendar.add_busy(PRIYA, MON + timedelta(hours=5), MON + timedelta(hours=6), "lunch", clock.now())
        uow.commit()
    with db.uow("T0OTHER") as uow:  # another workspace's blocks never count
        uow.calendar.add_busy(SAM, MON + timedelta(hours=6), MON + timedelta(hours=7), "x", clock.now())
        uow.commit()
    calendar.book(TEAM, loop(3))

    busy = calendar.free_busy(
        TEAM, [SAM, PRIYA, CANDIDATE, "nobody@example.com"], MON, MON + timedelta(hours=8)
    )

    assert busy[SAM] == [
        Interval(MON, MON + timedelta(hours=1)),
        Interval(MON + timedelta(hours=2), MON + timedelta(hours=3)),
    ]
    assert busy[PRIYA] == [
        Interval(MON + timedelta(hours=1), MON + timedelta(hours=2)),
        Interval(MON + timedelta(hours=5), MON + timedelta(hours=6)),
    ]
    assert busy[CANDIDATE] == [Interval(MON, MON + timedelta(hours=3))]
    assert busy["nobody@example.com"] == []
    assert calendar.free_busy("T0OTHER", [SAM], MON, MON + timedelta(hours=4)) == {SAM: []}


def test_booking_stores_every_event_with_an_unguessable_invite_url(
    db: Database, calendar: BuiltinCalendar
) -> None:
    specs = loop(3)
    booked = calendar.book(TEAM, specs)

    stored = rows(db)
    assert [r.id for r in stored] == [s.event_id for s in specs]
    assert all(
        r.status == "confirmed" and r.sequence == 0 and r.organizer == "hana@example.com" for r in stored
    )
    assert stored[0].attendees == [
        {"email": SAM, "status": "needsAction"},
        {"email": CANDIDATE, "status": "needsAction"},
    ]
    tokens = [token_of(b.ics_url) for b in booked]
    assert len(set(tokens)) == 3 and all(len(t) >= 43 for t in tokens)  # 32 random bytes
    assert [b.ics_url for b in booked] == [
        f"https://loopbot.example.com/ics/{r.ics_token}.ics" for r in stored
    ]
    assert [b.start for b in booked] == [s.start for s in specs]


def test_booking_the_same_loop_again_changes_nothing(db: Database, calendar: BuiltinCalendar) -> None:
    specs = loop(2)
    first = calendar.book(TEAM, specs)
    again = calendar.book(TEAM, specs)
    assert again == first
    assert [r.sequence for r in rows(db)] == [0, 0]


def test_booking_is_all_or_nothing(db: Database, calendar: BuiltinCalendar) -> None:
    (taken,) = calendar.book("T0OTHER", loop(1))
    specs = loop(2)
    specs[1] = replace(specs[1], event_id=taken.event_id)
    with pytest.raises(BookingError) as err:
        calendar.book(TEAM, specs)
    assert err.value.failed_event_ids == (taken.event_id,)
    assert [r.team_id for r in rows(db)] == ["T0OTHER"]
    with db.uow(TEAM) as uow:
        assert uow.calendar.get(specs[0].event_id) is None


def test_reschedule_updates_the_same_event_and_invite(
    db: Database, calendar: BuiltinCalendar, clock: FixedClock
) -> None:
    specs = loop(2)
    first = calendar.book(TEAM, specs)
    calendar.set_response(TEAM, specs[0].event_id, SAM, "declined")
    calendar.set_response(TEAM, specs[1].event_id, PRIYA, "accepted")
    clock.advance(timedelta(hours=1))

    later = replace(specs[0], start=specs[0].start + timedelta(days=1), end=specs[0].end + timedelta(days=1))
    renamed = replace(specs[1], summary="Interview 2 (renamed)")
    moved = calendar.move(TEAM, [later, renamed])

    assert [m.ics_url for m in moved] == [f.ics_url for f in first]
    by_id = {r.id: r for r in rows(db)}
    assert by_id[specs[0].event_id].sequence == 1
    assert by_id[specs[0].event_id].start_at == later.start
    assert by_id[specs[0].event_id].updated_at == clock.now()
    answers = calendar.responses(TEAM, [s.event_id for s in specs])
    # a new time asks everyone again; a new title keeps the answers
    assert {a.status for a in answers[specs[0].event_id]} == {"needsAction"}
    assert {(a.email, a.status) for a in answers[specs[1].event_id]} >= {(PRIYA, "accepted")}
    assert len(rows(db)) == 2


def test_moving_an_unknown_event_changes_nothing(db: Database, calendar: BuiltinCalendar) -> None:
    specs = loop(2)
    calendar.book(TEAM, specs[:1])
    later = [replace(s, start=s.start + timedelta(days=1), end=s.end + timedelta(days=1)) for s in specs]
    with pytest.raises(BookingError, match="no longer exist") as err:
        calendar.move(TEAM, later)
    assert err.value.failed_event_ids == (specs[1].event_id,)
    assert rows(db)[0].start_at == specs[0].start


def test_cancel_frees_the_time_and_the_invite_says_cancel(db: Database, calendar: BuiltinCalendar) -> None:
    specs = loop(2)
    booked = calendar.book(TEAM, specs)
    calendar.cancel(TEAM, [specs[0].event_id, "0000deadbeef01"])
    calendar.cancel(TEAM, [specs[0].event_id])  # twice is fine

    stored = {r.id: r for r in rows(db)}
    assert stored[specs[0].event_id].status == "cancelled"
    assert stored[specs[0].event_id].sequence == 1
    assert calendar.free_busy(TEAM, [SAM], MON, MON + timedelta(hours=3))[SAM] == []
    document = invite_for_token(db, token_of(booked[0].ics_url))
    assert document is not None
    parsed = icalendar.Calendar.from_ical(document)
    assert parsed["METHOD"] == "CANCEL"
    assert parsed.walk("VEVENT")[0]["STATUS"] == "CANCELLED"
    # booking the cancelled id again brings it back (a retry after a cancel), with a new sequence
    calendar.book(TEAM, specs[:1])
    assert {r.id: r for r in rows(db)}[specs[0].event_id].status == "confirmed"
    assert {r.id: r for r in rows(db)}[specs[0].event_id].sequence == 2


def test_declines_are_recorded_and_read_back(calendar: BuiltinCalendar) -> None:
    specs = loop(1)
    calendar.book(TEAM, specs)
    calendar.set_response(TEAM, specs[0].event_id, "SAM@example.com", "declined")

    answers = calendar.responses(TEAM, [specs[0].event_id, "0000deadbeef01"])

    assert list(answers) == [specs[0].event_id]
    assert {(a.email, a.status) for a in answers[specs[0].event_id]} == {
        (SAM, "declined"),
        (CANDIDATE, "needsAction"),
    }
    # someone who declined is not busy at that time
    assert calendar.free_busy(TEAM, [SAM], MON, MON + timedelta(hours=1))[SAM] == []
    with pytest.raises(CalendarError, match="not invited"):
        calendar.set_response(TEAM, specs[0].event_id, "otto@example.com", "declined")
    with pytest.raises(ValueError):
        calendar.set_response(TEAM, specs[0].event_id, SAM, "maybe")


def test_on_site_interviews_get_a_free_room(db: Database, calendar: BuiltinCalendar) -> None:
    first = calendar.book(TEAM, loop(1, online=False))
    assert first[0].room == ROOMS[0]
    # overlapping: the first room is taken by the first loop
    second = calendar.book(TEAM, loop(1, start=MON + timedelta(minutes=30), online=False))
    assert second[0].room == ROOMS[1]
    busy = calendar.free_busy(TEAM, list(ROOMS), MON, MON + timedelta(hours=3))
    assert busy[ROOMS[0]] == [Interval(MON, MON + timedelta(hours=1))]
    assert calendar.pick_room(TEAM, MON, MON + timedelta(hours=1)) is None
    assert calendar.pick_room(TEAM, MON + timedelta(hours=1), MON + timedelta(hours=2)) == ROOMS[0]
    with pytest.raises(BookingError, match="No room is free"):
        calendar.book(TEAM, loop(1, start=MON + timedelta(minutes=15), online=False))
    assert len(rows(db)) == 2


def test_a_moved_on_site_interview_keeps_its_room_when_still_free(calendar: BuiltinCalendar) -> None:
    calendar.book(TEAM, loop(1, start=MON + timedelta(hours=2), online=False))  # holds room 1 at 11:00
    (spec,) = loop(1, online=False)
    spec = replace(spec, room=ROOMS[1])
    calendar.book(TEAM, [spec])
    moved = replace(
        spec, room=None, start=spec.start + timedelta(minutes=30), end=spec.end + timedelta(minutes=30)
    )
    (after,) = calendar.move(TEAM, [moved])
    assert after.room == ROOMS[1]  # room 1 is free at 09:30 too, but the interview keeps its room


def test_invites_follow_the_event_across_a_daylight_saving_change(
    db: Database, calendar: BuiltinCalendar
) -> None:
    london = ZoneInfo("Europe/London")  # summer time ends on Sunday 25 October 2026
    friday = EventSpec(
        "f0000bb000001", "Friday", "", datetime(2026, 10, 23, 9, tzinfo=london),
        datetime(2026, 10, 23, 10, tzinfo=london), (SAM, CANDIDATE), timezone="Europe/London",
    )  # fmt: skip
    (booked,) = calendar.book(TEAM, [friday])
    monday = replace(
        friday, start=datetime(2026, 10, 26, 9, tzinfo=london), end=datetime(2026, 10, 26, 10, tzinfo=london)
    )
    before = invite_for_token(db, token_of(booked.ics_url))
    (moved,) = calendar.move(TEAM, [monday])
    after = invite_for_token(db, token_of(moved.ics_url))

    assert before is not None and after is not None
    assert b"DTSTART:20261023T080000Z" in before
    assert b"DTSTART:20261026T090000Z" in after and b"SEQUENCE:1" in after
    assert moved.start == datetime(2026, 10, 26, 9, tzinfo=UTC)
    busy = calendar.free_busy(
        TEAM, [SAM], datetime(2026, 10, 22, tzinfo=UTC), datetime(2026, 10, 28, tzinfo=UTC)
    )
    assert busy[SAM] == [
        Interval(datetime(2026, 10, 26, 9, tzinfo=UTC), datetime(2026, 10, 26, 10, tzinfo=UTC))
    ]


def _get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def test_invites_are_served_over_http_at_their_url(database_url: str) -> None:
    with Sandbox(database_url) as box:
        calendar = box.app.calendar
        assert isinstance(calendar, BuiltinCalendar)
        specs = loop(1)
        (booked,) = calendar.book(TEAM, specs)
        token = token_of(booked.ics_url)
        assert booked.ics_url == f"http://localhost:3000/ics/{token}.ics"
        base = box.server.url if box.server else ""

        status, headers, body = _get(f"{base}/ics/{token}.ics")
        assert status == 200
        assert headers["Content-Type"].startswith("text/calendar")
        assert headers["Cache-Control"] == "no-store"
        event = icalendar.Calendar.from_ical(body).walk("VEVENT")[0]
        assert str(event["UID"]) == specs[0].event_id
        assert str(event["ORGANIZER"]) == "mailto:hana@example.com"

        calendar.cancel(TEAM, [specs[0].event_id])
        status, headers, body = _get(f"{base}/ics/{token}.ics")
        assert status == 200 and "method=CANCEL" in headers["Content-Type"]

        for path in (f"/ics/{'A' * 43}.ics", f"/ics/{token}", "/ics/../healthz.ics", "/ics/"):
            assert _get(base + path)[0] == 404, path
