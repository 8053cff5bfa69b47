"""iCalendar invites for the built-in calendar (RFC 5545, via `icalendar`).

One VEVENT per interview: UID is the event id Loopbot chose, SEQUENCE grows with every change so
calendar clients replace the invite instead of adding a second one, METHOD is REQUEST (or CANCEL
once cancelled). Times are written in UTC, so a change of daylight-saving time never shifts them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from scheduling.calendar_protocol import utc

PRODID = "-//Loopbot//Interviews//EN"
PARTSTAT = {
    "needsAction": "NEEDS-ACTION",
    "accepted": "ACCEPTED",
    "declined": "DECLINED",
    "tentative": "TENTATIVE",
}


@dataclass(frozen=True)
class Invite:
    """What an invite says. `attendees` are (email, responseStatus) pairs; `stamp` is when the
    event last changed (DTSTAMP), from the injected clock."""

    uid: str
    sequence: int
    summary: str
    description: str
    start: datetime
    end: datetime
    organizer: str
    attendees: Sequence[tuple[str, str]]
    stamp: datetime
    location: str = ""
    video_link: str | None = None
    cancelled: bool = False


def invite_ics(invite: Invite) -> bytes:
    """The invite as an iCalendar document (METHOD:REQUEST, or METHOD:CANCEL when cancelled)."""
    from icalendar import Calendar, Event, vCalAddress, vText  # only when an invite is served

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "CANCEL" if invite.cancelled else "REQUEST")

    event = Event()
    event.add("uid", invite.uid)
    event.add("sequence", invite.sequence)
    event.add("dtstamp", utc(invite.stamp))  # `utc` refuses naive times
    event.add("dtstart", utc(invite.start))
    event.add("dtend", utc(invite.end))
    event.add("summary", invite.summary)
    description = invite.description
    if invite.video_link:
        description = f"{description}\n\nJoin: {invite.video_link}".strip()
        event.add("url", invite.video_link)
    if description:
        event.add("description", description)
    location = invite.location or invite.video_link or ""
    if location:
        event.add("location", location)
    event.add("status", "CANCELLED" if invite.cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")

    organizer = vCalAddress(f"mailto:{invite.organizer}")
    organizer.params["cn"] = vText(invite.organizer)
    event.add("organizer", organizer)
    for email, status in invite.attendees:
        attendee = vCalAddress(f"mailto:{email}")
        attendee.params["cn"] = vText(email)
        attendee.params["cutype"] = vText("INDIVIDUAL")
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        attendee.params["partstat"] = vText(PARTSTAT.get(status, "NEEDS-ACTION"))
        attendee.params["rsvp"] = vText("TRUE")
        event.add("attendee", attendee, encode=False)
    calendar.add_component(event)
    return bytes(calendar.to_ical())
