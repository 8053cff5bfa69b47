"""A dead end in the schedule modal explains itself and offers the nearest options, each relaxing
one rule, that book through the same path with an audit entry saying what was relaxed (issue 13.3).
Through the real endpoint with the loopback Slack; the built-in calendar holds the events."""

from __future__ import annotations

from typing import Any

import pytest

from bot.sandbox.harness import Sandbox
from hiring.panels.pools import PoolInput
from storage.models import AuditEvent
from tests.factories import TEAM
from tests.loops import ADMIN
from tests.scheduling_support import (
    calendar_rows,
    enter_availability,
    interviews,
    open_options,
    option_sections,
    seat_users,
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


def sam_away_on_tuesday(sandbox: Sandbox) -> dict[str, Any]:
    """Grace is free Tuesday 10:00–17:00 UTC, Sam (Coding) is away all Tuesday: nothing fits."""
    setup_schedule(sandbox)
    enter_availability(sandbox, [("2026-11-24", "05:00", "12:00")])
    sandbox.command("USAM", "busy 2026-11-24 00:00-23:45 away")
    view = open_options(sandbox)
    assert "Nothing fits." in str(view["blocks"])
    return view


def test_another_interviewer_from_the_pool_is_offered_first_and_takes_the_seat(sandbox: Sandbox) -> None:
    view = sam_away_on_tuesday(sandbox)
    first = relaxed_sections(view)[0]
    # Lee and Priya are the qualified engineers off the loop; the rotation tries Lee first, but his
    # New York day starts at 14:00 UTC, too late for Coding then System design before Jonas's day ends.
    assert first["text"]["text"].startswith("*With <@UPRIYA> instead of <@USAM> for Coding* · ")
    assert "<@UPRIYA>" in first["text"]["text"].split("\n")[1]
    assert len(first["accessory"]["value"]) <= 2000  # a button's value limit

    sandbox.click("UHANA", "book_option", first["accessory"]["value"], view=view, block_id=first["block_id"])
    coding, design = interviews(sandbox)
    assert seat_users(sandbox, coding.id) == [("UMIA", "shadow"), ("UPRIYA", "interviewer")]
    assert seat_users(sandbox, design.id) == [("UJONAS", "interviewer")]
    assert coding.start_at is not None and coding.start_at.day == 24
    with sandbox.app.db.uow(TEAM) as uow:
        [event] = [e for e in uow.audit.all() if e.action == "panel.booked"]
    assert event.after is not None
    assert event.after["relaxed"] == "with <@UPRIYA> instead of <@USAM> for Coding"
    assert event.after["swapped"] == {"interview": "coding", "out": "USAM", "in": "UPRIYA"}
    assert event.after["interviews"]["coding"]["interviewers"] == ["UPRIYA"]
    assert "<@UPRIYA>" in str(sandbox.fake.last_view("UHANA"))  # the booked view shows the new panel
    assert sandbox.fake.dms("UPRIYA") and not sandbox.fake.dms("USAM")  # told: Priya, not Sam

    # The same click again (Slack retrying, or a second press) books nothing more.
    sandbox.click("UHANA", "book_option", first["accessory"]["value"], view=view, block_id=first["block_id"])
    assert len(calendar_rows(sandbox)) == 2
    with sandbox.app.db.uow(TEAM) as uow:
        assert len([e for e in uow.audit.all() if e.action == "panel.booked"]) == 1


def test_no_swap_when_the_pool_has_nobody_else(sandbox: Sandbox) -> None:
    setup_schedule(sandbox)
    pools = sandbox.app.services.pools
    engineers = pools.find(TEAM, "Backend engineers")
    pools.save(
        ADMIN,
        PoolInput(
            name="Backend engineers",
            kind="engineer",
            qualified=["USAM", "UJONAS"],
            reverse_shadow=["UNOAH"],  # reverse shadows and shadows never take a seat alone
            shadow=["UMIA", "UPRIYA"],
        ),
        pool_id=engineers.id,
    )
    enter_availability(sandbox, [("2026-11-24", "05:00", "12:00")])
    sandbox.command("USAM", "busy 2026-11-24 00:00-23:45 away")
    view = open_options(sandbox)
    labels = [s["text"]["text"] for s in relaxed_sections(view)]
    assert labels and not any("instead of" in label for label in labels)
    assert labels[0].startswith("*One week later")


@pytest.mark.parametrize(
    ("forged", "answer"),
    [
        ("UOTTO", "<@UOTTO> is not qualified in the pool for Coding, so they can't take <@USAM>'s place."),
        ("UJONAS", "<@UJONAS> is on this loop already."),
    ],
)
def test_a_forged_swap_is_refused(sandbox: Sandbox, forged: str, answer: str) -> None:
    view = sam_away_on_tuesday(sandbox)
    first = relaxed_sections(view)[0]
    value = first["accessory"]["value"].replace(":UPRIYA:", f":{forged}:")
    assert value != first["accessory"]["value"]

    sandbox.click("UHANA", "book_option", value, view=view, block_id=first["block_id"])
    shown = str(sandbox.fake.last_view("UHANA"))
    assert answer in shown and "Nothing fits." in shown  # fresh options under the answer
    assert calendar_rows(sandbox) == []
    coding, _ = interviews(sandbox)
    assert seat_users(sandbox, coding.id) == [("UMIA", "shadow"), ("USAM", "interviewer")]


def test_moving_a_booked_loop_offers_no_swap_and_refuses_one(sandbox: Sandbox) -> None:
    """A swap while moving would drop a booked interviewer unannounced: none is offered, and a
    swap token on a "Move here" button is refused."""
    setup_schedule(sandbox)
    enter_availability(sandbox, [("2026-11-24", "05:00", "12:00")])
    view = open_options(sandbox)
    sandbox.click("UHANA", "book_option", option_sections(view)[0]["accessory"]["value"], view=view)
    assert len(calendar_rows(sandbox)) == 2
    enter_availability(sandbox, [("2026-11-25", "05:00", "12:00")])  # Wednesday only now
    sandbox.command("USAM", "busy 2026-11-25 00:00-23:45 away")

    view = open_options(sandbox, command="reschedule")
    sections = relaxed_sections(view)
    assert sections and not any("instead of" in s["text"]["text"] for s in sections)
    value = sections[0]["accessory"]["value"].rsplit("|", 1)[0] + "|swap:0:USAM:UPRIYA:coding"
    sandbox.click("UHANA", "book_option", value, view=view, block_id=sections[0]["block_id"])
    assert "replace an interviewer first, then move it" in str(sandbox.fake.last_view("UHANA"))
    assert {iv.start_at.day for iv in interviews(sandbox) if iv.start_at} == {24}
    coding, _ = interviews(sandbox)
    assert seat_users(sandbox, coding.id) == [("UMIA", "shadow"), ("USAM", "interviewer")]
