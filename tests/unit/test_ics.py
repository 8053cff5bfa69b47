"""iCalendar invites, and the interval and room helpers both calendar providers share."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest

from scheduling.calendar_protocol import EventSpec, Interval, assign_rooms, is_free, merge, subtract
from scheduling.ics import Invite, invite_ics

LONDON = ZoneInfo("Europe/London")
T = datetime(2026, 11, 23, 9, tzinfo=UTC)


def invite(**kw: object) -> Invite:
    values: dict[str, object] = {
        "uid": "0a1b2c3d4e5f",
        "sequence": 0,
        "summary": "Interview: Ada",
        "description": "System design",
        "start": T,
        "end": T + timedelta(hours=1),
        "organizer": "hana@example.com",
        "attendees": [("sam@example.com", "needsAction"), ("ada@gmail.com", "declined")],
        "stamp": datetime(2026, 11, 20, 12, tzinfo=UTC),
    }
    values.update(kw)
    return Invite(**values)  # type: ignore[arg-type]


def parse(document: bytes) -> tuple[Any, Any]:
    calendar = icalendar.Calendar.from_ical(document)
    (event,) = calendar.walk("VEVENT")
    return calendar, event


def test_an_invite_is_a_request_with_our_uid_people_and_utc_times() -> None:
    document = invite_ics(invite())
    calendar, event = parse(document)
    assert calendar["METHOD"] == "REQUEST" and calendar["VERSION"] == "2.0"
    assert str(event["UID"]) == "0a1b2c3d4e5f"
    assert event["SEQUENCE"] == 0
    assert event["STATUS"] == "CONFIRMED"
    assert b"DTSTART:20261123T090000Z" in document and b"DTEND:20261123T100000Z" in document
    assert b"DTSTAMP:20261120T120000Z" in document
    assert str(event["ORGANIZER"]) == "mailto:hana@example.com"
    attendees = {str(a): a.params["PARTSTAT"] for a in event["ATTENDEE"]}
    assert attendees == {"mailto:sam@example.com": "NEEDS-ACTION", "mailto:ada@gmail.com": "DECLINED"}
    assert all(a.params["RSVP"] == "TRUE" for a in event["ATTENDEE"])
    assert b"\r\n" in document  # RFC 5545 line endings


def test_local_times_are_written_as_the_same_instant_in_utc_across_daylight_saving() -> None:
    summer = invite_ics(
        invite(start=datetime(2026, 10, 23, 9, tzinfo=LONDON), end=datetime(2026, 10, 23, 10, tzinfo=LONDON))
    )
    winter = invite_ics(
        invite(start=datetime(2026, 10, 26, 9, tzinfo=LONDON), end=datetime(2026, 10, 26, 10, tzinfo=LONDON))
    )
    assert b"DTSTART:20261023T080000Z" in summer
    assert b"DTSTART:20261026T090000Z" in winter
    offset = invite_ics(invite(start=datetime(2026, 3, 29, 9, tzinfo=timezone(timedelta(hours=2)))))
    assert b"DTSTART:20260329T070000Z" in offset
    _, event = parse(winter)
    assert event.decoded("DTSTART") == datetime(2026, 10, 26, 9, tzinfo=UTC)


def test_a_moved_invite_carries_a_higher_sequence_and_a_cancelled_one_says_cancel() -> None:
    _, moved = parse(invite_ics(invite(sequence=3)))
    assert moved["SEQUENCE"] == 3
    calendar, cancelled = parse(invite_ics(invite(sequence=4, cancelled=True)))
    assert calendar["METHOD"] == "CANCEL"
    assert cancelled["STATUS"] == "CANCELLED" and cancelled["SEQUENCE"] == 4


def test_user_text_is_escaped_and_the_video_link_is_included() -> None:
    hostile = "Ada; DROP\nEND:VEVENT\nBEGIN:VEVENT,x"
    document = invite_ics(invite(summary=hostile, description=hostile, video_link="https://meet.example/abc"))
    calendar, event = parse(document)
    assert len(calendar.walk("VEVENT")) == 1
    assert str(event["SUMMARY"]) == hostile
    assert str(event["URL"]) == "https://meet.example/abc"
    assert str(event["LOCATION"]) == "https://meet.example/abc"
    assert str(event["DESCRIPTION"]).endswith("Join: https://meet.example/abc")


def test_a_room_is_the_location() -> None:
    _, event = parse(invite_ics(invite(location="Turing room")))
    assert str(event["LOCATION"]) == "Turing room"


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError):
        invite_ics(invite(start=datetime(2026, 11, 23, 9)))


# -- shared helpers --------------------------------------------------------------------------------


def h(n: float) -> datetime:
    return T + timedelta(hours=n)


def test_merge_clips_sorts_and_joins_overlapping_and_touching_intervals() -> None:
    spans = [
        Interval(h(3), h(4)),
        Interval(h(-1), h(1)),
        Interval(h(1), h(2)),
        Interval(h(7), h(9)),
        Interval(h(5), h(5.5)),
    ]
    assert merge(spans, h(0), h(8)) == [
        Interval(h(0), h(2)),
        Interval(h(3), h(4)),
        Interval(h(5), h(5.5)),
        Interval(h(7), h(8)),
    ]
    assert merge([Interval(h(9), h(10))], h(0), h(8)) == []


def test_subtract_and_is_free() -> None:
    assert subtract([Interval(h(0), h(4))], Interval(h(1), h(2))) == [
        Interval(h(0), h(1)),
        Interval(h(2), h(4)),
    ]
    assert subtract([Interval(h(0), h(1))], Interval(h(1), h(2))) == [Interval(h(0), h(1))]
    assert is_free([Interval(h(0), h(1))], h(1), h(2))
    assert not is_free([Interval(h(0), h(1))], h(0.5), h(2))


def spec(
    event_id: str, start: float, end: float, *, online: bool = False, room: str | None = None
) -> EventSpec:
    return EventSpec(event_id, "x", "", h(start), h(end), ("a@example.com",), online=online, room=room)


def test_rooms_are_assigned_without_double_booking_and_kept_when_preferred() -> None:
    busy = {"A": [Interval(h(0), h(1))]}
    events = [
        spec("00001", 0, 1),
        spec("00002", 0.5, 1.5),
        spec("00003", 2, 3, online=True),
        spec("00004", 2, 3, room="B"),
    ]
    placed, unplaced = assign_rooms(events, ["A", "B"], busy)
    assert [e.room for e in placed] == ["B", None, None, "B"]
    assert unplaced == ["00002"]
    placed, unplaced = assign_rooms([spec("00005", 4, 5)], ["A", "B"], {}, prefer={"00005": "B"})
    assert [e.room for e in placed] == ["B"] and unplaced == []


def test_event_specs_are_validated() -> None:
    with pytest.raises(ValueError, match="base32hex"):
        spec("not-valid!", 0, 1)
    with pytest.raises(ValueError, match="ends before"):
        spec("00001", 1, 0)
    with pytest.raises(ValueError, match="timezone-aware"):
        EventSpec("00001", "x", "", datetime(2026, 1, 1), datetime(2026, 1, 2), ())
    with pytest.raises(ValueError, match="time zone"):
        EventSpec("00001", "x", "", h(0), h(1), (), timezone="Mars/Olympus")
    assert EventSpec("00001", "x", "", h(0), h(1), (" Sam@Example.com", "sam@example.com")).attendees == (
        "sam@example.com",
    )
