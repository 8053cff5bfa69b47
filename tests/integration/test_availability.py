"""`/interview availability <candidate>`: the modal, its validation, storage in UTC, prefill and
permissions, through the real HTTP endpoint on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from bot.sandbox.harness import Sandbox
from storage.models import AuditEvent
from tests.factories import TEAM
from tests.scheduling_support import enter_availability, setup_schedule, utc


def by_id(view: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    assert view is not None
    return {b["block_id"]: b for b in view["blocks"] if b.get("block_id")}


def windows(sandbox: Sandbox, candidate_id: int) -> list[tuple[Any, Any]]:
    return sandbox.app.services.availability.windows(TEAM, candidate_id)


def test_windows_are_entered_in_the_candidates_time_zone_stored_in_utc_and_prefilled(
    sandbox: Sandbox,
) -> None:
    loop = setup_schedule(sandbox)
    sandbox.command("URITA", "availability Grace Hopper")
    blocks = by_id(sandbox.fake.last_view("URITA"))
    assert [k for k in blocks if k[0] in "dft"][:6] == ["d0", "f0", "t0", "d1", "f1", "t1"]
    assert blocks["d0"]["element"]["type"] == "datepicker" and blocks["f0"]["element"]["type"] == "timepicker"
    assert "America/New York" in str(sandbox.fake.last_view("URITA"))

    reply = enter_availability(
        sandbox, [("2026-11-24", "09:00", "12:30"), ("2026-11-26", "14:00", "17:00")], who="URITA"
    )
    assert (reply.status, reply.body) == (200, "")
    assert windows(sandbox, loop.candidate_id) == [
        (utc(2026, 11, 24, 14), utc(2026, 11, 24, 17, 30)),
        (utc(2026, 11, 26, 19), utc(2026, 11, 26, 22)),
    ]
    with sandbox.app.db.uow(TEAM) as uow:
        [event] = [e for e in uow.audit.all() if e.action == "availability.set"]
    assert isinstance(event, AuditEvent) and event.actor_id == "URITA" and event.before == {"windows": []}

    sandbox.command("UHANA", "availability Grace Hopper")
    again = by_id(sandbox.fake.last_view("UHANA"))
    assert again["d0"]["element"]["initial_date"] == "2026-11-24"
    assert (again["f0"]["element"]["initial_time"], again["t0"]["element"]["initial_time"]) == (
        "09:00",
        "12:30",
    )
    assert again["d1"]["element"]["initial_date"] == "2026-11-26"
    assert "initial_date" not in again["d2"]["element"]

    # Saving again replaces them all: clear the first row, keep the second.
    sandbox.submit("UHANA", {"d0": None, "f0": None, "t0": None})
    assert windows(sandbox, loop.candidate_id) == [(utc(2026, 11, 26, 19), utc(2026, 11, 26, 22))]


def test_bad_rows_are_refused_next_to_their_fields_and_nothing_changes(sandbox: Sandbox) -> None:
    loop = setup_schedule(sandbox)
    reply = enter_availability(
        sandbox,
        [("2026-11-24", "12:00", "09:00"), ("2026-11-20", "09:00", "10:00"), ("2026-11-25", "09:00", "")],
    )
    errors = reply.json()["errors"]
    assert "must end after it starts" in errors["t0"]
    assert "already past" in errors["d1"]
    assert errors["t2"] == "Pick when the window ends."
    assert windows(sandbox, loop.candidate_id) == []
    empty = sandbox.submit("URITA", {})
    assert "at least one window" in empty.json()["errors"]["d0"]


def test_only_the_roles_managers_may_enter_availability(sandbox: Sandbox) -> None:
    loop = setup_schedule(sandbox)
    sandbox.command("UOTTO", "availability Grace Hopper")
    assert "Only the hiring manager" in sandbox.last_reply("UOTTO")
    assert sandbox.fake.last_view("UOTTO") is None
    sandbox.command("UHANA", "availability")
    assert "Name the candidate" in sandbox.last_reply("UHANA")
    # A modal opened by a manager and submitted by an outsider changes nothing.
    sandbox.command("UHANA", "availability Grace Hopper")
    view = sandbox.fake.last_view("UHANA")
    reply = sandbox.slack.submit("UOTTO", {"d0": "2026-11-24", "f0": "09:00", "t0": "10:00"}, view=view)
    sandbox.idle()
    assert "Only the hiring manager" in str(reply.json()["errors"])
    assert windows(sandbox, loop.candidate_id) == []
