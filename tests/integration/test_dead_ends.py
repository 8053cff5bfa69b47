"""A dead end in the schedule modal explains itself and offers the nearest options, each relaxing
one rule, that book through the same path with an audit entry saying what was relaxed (issue 13.3).
Through the real endpoint with the loopback Slack; the built-in calendar holds the events."""

from __future__ import annotations

from typing import Any

from bot.sandbox.harness import Sandbox
from storage.models import AuditEvent
from tests.factories import TEAM
from tests.scheduling_support import (
    calendar_rows,
    enter_availability,
    interviews,
    open_options,
    setup_schedule,
)

# The video loop is two 60-minute interviews on one day with a 15-minute buffer; Grace (New York)
# gives one hour on Tuesday and one on Wednesday (10:00–11:00 UTC).
TUE_HOUR = ("2026-11-24", "05:00", "06:00")
WED_HOUR = ("2026-11-25", "05:00", "06:00")


def relaxed_sections(view: dict[str, Any]) -> list[dict[str, Any]]:
    return [b for b in view["blocks"] if str(b.get("block_id", "")).startswith("relaxed:")]


def test_a_dead_end_names_its_reason_and_books_the_nearest_option(sandbox: Sandbox) -> None:
    setup_schedule(sandbox)
    enter_availability(sandbox, [TUE_HOUR, WED_HOUR])
    view = open_options(sandbox)
    body = str(view["blocks"])
    assert "Nothing fits. The candidate's longest day of windows is 1 h for a 2 h loop on one day" in body
    [nearest] = relaxed_sections(view)
    assert nearest["text"]["text"].startswith("*Over more than one day*")
    assert nearest["accessory"]["text"]["text"] == "Book this"

    sandbox.click("UHANA", "book_option", nearest["accessory"]["value"], view=view, block_id="relaxed:0")
    booked = sorted((iv.start_at, iv.end_at) for iv in interviews(sandbox))
    assert [start.day for start, _ in booked] == [24, 25]  # one interview each day
    assert len(calendar_rows(sandbox)) == 2
    with sandbox.app.db.uow(TEAM) as uow:
        [event] = [e for e in uow.audit.all() if e.action == "panel.booked"]
    assert isinstance(event, AuditEvent) and event.after is not None
    assert event.after["relaxed"] == "over more than one day"


def test_one_week_later_when_an_interviewer_is_away_all_day(sandbox: Sandbox) -> None:
    setup_schedule(sandbox)
    enter_availability(sandbox, [("2026-11-24", "05:00", "12:00")])  # New York: 10:00–17:00 UTC
    sandbox.command("USAM", "busy 2026-11-24 00:00-23:45 away")
    view = open_options(sandbox)
    assert "Nothing fits." in str(view["blocks"])
    [later] = [s for s in relaxed_sections(view) if "One week later" in s["text"]["text"]]
    assert "Tue 1 Dec" in later["text"]["text"]

    sandbox.click("UHANA", "book_option", later["accessory"]["value"], view=view, block_id=later["block_id"])
    assert {iv.start_at.day for iv in interviews(sandbox) if iv.start_at} == {1}
    with sandbox.app.db.uow(TEAM) as uow:
        [event] = [e for e in uow.audit.all() if e.action == "panel.booked"]
    assert event.after is not None
    assert event.after["relaxed"] == "one week later, if the candidate is free the same hours"
