"""Google round trips to find and book a K-interview loop among N people, counted at the fake.

For each (N people, K interviews) the Google provider reads free/busy for everyone, places the K
interviews in the first hours their interviewers are free, and books them; the loopback fake of
Calendar v3 counts the HTTP requests it receives. The bound (issue 3): at most ⌈N/50⌉ `freeBusy`
requests plus one batch request. An on-site case adds the rooms to the same free/busy read, so its
bound is ⌈(N+R)/50⌉. The reference, measured in the same run against the same fake with the same
client library, is the naive way: one `freeBusy` per person and one `events.insert` per interview.
Every request is real HTTP on loopback, so wall times compare the two shapes, not Google's latency.

Run: `python -m benchmarks.google_roundtrips` (figures printed and written to
benchmarks/results/google_roundtrips.json). Exits non-zero if a bound is broken.
"""

from __future__ import annotations

import json
import math
import sys
import time
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from google.oauth2.credentials import Credentials
from googleapiclient.discovery import build

from bot.sandbox.fake_google import FakeGoogleCalendar
from scheduling.calendar_protocol import EventSpec, Interval, is_free
from scheduling.google_calendar import GoogleCalendar

RESULTS = Path(__file__).with_name("results")
START = datetime(2026, 11, 23, 9, tzinfo=UTC)
CASES = [
    (5, 4, False),
    (12, 5, False),
    (50, 5, False),
    (51, 5, False),
    (120, 6, False),
    (250, 8, False),
    (40, 5, True),
]
ROOMS = [f"c_room-{i}@resource.calendar.google.com" for i in range(3)]


def people(n: int) -> list[str]:
    return [f"person{i:03d}@example.com" for i in range(n)]


def seed_busy(fake: FakeGoogleCalendar, everyone: list[str]) -> None:
    """Every third person is busy on Monday morning, so placing interviews has something to avoid."""
    for i, email in enumerate(everyone):
        if i % 3 == 0:
            fake.add_busy(email, START, START + timedelta(hours=2))


def place(k: int, everyone: list[str], busy: dict[str, list[Interval]], *, online: bool) -> list[EventSpec]:
    """Interview i goes to the first hour from Monday 09:00 where its interviewer is free."""
    specs = []
    hour = 0
    for i in range(k):
        interviewer = everyone[i % len(everyone)]
        while not is_free(
            busy[interviewer], START + timedelta(hours=hour), START + timedelta(hours=hour + 1)
        ):
            hour += 1
        start = START + timedelta(hours=hour)
        specs.append(
            EventSpec(
                uuid.uuid4().hex,
                f"Interview {i + 1}",
                "benchmark",
                start,
                start + timedelta(hours=1),
                (interviewer, "candidate@example.org"),
                online=online,
            )
        )
        hour += 1
    return specs


def loopbot(n: int, k: int, onsite: bool) -> dict[str, Any]:
    with FakeGoogleCalendar() as fake:
        everyone = people(n)
        seed_busy(fake, everyone)
        rooms = ROOMS if onsite else []
        calendar = GoogleCalendar(
            Credentials(token="bench"),
            api_endpoint=fake.api_endpoint,
            batch_endpoint=fake.batch_endpoint,
            rooms=rooms,
        )
        began = time.perf_counter()
        busy = calendar.free_busy("TBENCH", everyone + rooms, START, START + timedelta(days=5))
        specs = place(k, everyone, busy, online=not onsite)
        if onsite:
            specs = [replace(s, room=calendar.pick_room("TBENCH", s.start, s.end, busy=busy)) for s in specs]
        booked = calendar.book("TBENCH", specs)
        elapsed = time.perf_counter() - began
        assert len(booked) == k and len(fake.live_events()) == k
        return {
            "freebusy_requests": len(fake.round_trips("freeBusy")),
            "batch_requests": len(fake.round_trips("batch")),
            "total_requests": len(fake.round_trips()),
            "ms": round(elapsed * 1000, 2),
        }


def naive(n: int, k: int, onsite: bool) -> dict[str, Any]:
    """One freeBusy per calendar, one insert request per interview (no batch)."""
    with FakeGoogleCalendar() as fake:
        everyone = people(n)
        seed_busy(fake, everyone)
        rooms = ROOMS if onsite else []
        credentials = Credentials(token="bench")
        calendar = GoogleCalendar(credentials, api_endpoint=fake.api_endpoint, rooms=rooms)
        service = build(
            "calendar", "v3", credentials=credentials, static_discovery=True,
            client_options={"api_endpoint": fake.api_endpoint},
        )  # fmt: skip
        began = time.perf_counter()
        busy: dict[str, list[Interval]] = {}
        for email in everyone + rooms:
            busy.update(calendar.free_busy("TBENCH", [email], START, START + timedelta(days=5)))
        specs = place(k, everyone, busy, online=not onsite)
        for spec in specs:
            body = {
                "id": spec.event_id,
                "summary": spec.summary,
                "start": {"dateTime": spec.start.isoformat()},
                "end": {"dateTime": spec.end.isoformat()},
                "attendees": [{"email": a} for a in spec.attendees],
            }
            service.events().insert(calendarId="primary", body=body, sendUpdates="all").execute()
        elapsed = time.perf_counter() - began
        return {"total_requests": len(fake.round_trips()), "ms": round(elapsed * 1000, 2)}


def main() -> int:
    rows = []
    broken = []
    for n, k, onsite in CASES:
        calendars = n + (len(ROOMS) if onsite else 0)
        bound = math.ceil(calendars / 50) + 1
        ours = loopbot(n, k, onsite)
        reference = naive(n, k, onsite)
        ok = ours["freebusy_requests"] <= math.ceil(calendars / 50) and ours["batch_requests"] == 1
        ok = ok and ours["total_requests"] <= bound
        if not ok:
            broken.append((n, k, onsite))
        rows.append(
            {
                "people": n,
                "interviews": k,
                "onsite_rooms": len(ROOMS) if onsite else 0,
                "bound_requests": bound,
                "loopbot": ours,
                "naive_reference": reference,
                "within_bound": ok,
            }
        )
    print(
        f"{'N':>4} {'K':>2} {'rooms':>5} | {'bound':>5} {'freeBusy':>8} {'batch':>5} {'total':>5} {'ms':>8} | naive {'total':>5} {'ms':>8}"
    )
    for r in rows:
        ours, ref = r["loopbot"], r["naive_reference"]
        print(
            f"{r['people']:>4} {r['interviews']:>2} {r['onsite_rooms']:>5} | {r['bound_requests']:>5} "
            f"{ours['freebusy_requests']:>8} {ours['batch_requests']:>5} {ours['total_requests']:>5} {ours['ms']:>8} "
            f"|       {ref['total_requests']:>5} {ref['ms']:>8}"
        )
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / "google_roundtrips.json"
    out.write_text(json.dumps({"cases": rows, "all_within_bound": not broken}, indent=2) + "\n")
    print(f"written to {out}")
    if broken:
        print(f"bound broken for {broken}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
