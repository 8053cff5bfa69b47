"""`/interview availability <candidate>`: one field in the candidate's time zone ("Tue 9-12:30, Thu
14-17"), a preview on Enter and before saving, errors next to the field, storage in UTC, the stored
windows shown and pre-filled for editing, and permissions, through the real HTTP endpoint on SQLite
and PostgreSQL."""

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


def shown(view: dict[str, Any] | None) -> str:
    assert view is not None
    return " ".join(str(b.get("text", {}).get("text", "")) for b in view["blocks"] if b["type"] == "section")


def test_one_line_is_previewed_then_saved_in_utc_and_shown_again_for_editing(sandbox: Sandbox) -> None:
    loop = setup_schedule(sandbox)  # the sandbox starts on Monday 23 Nov; Grace is in New York
    sandbox.command("URITA", "availability Grace Hopper")
    field = by_id(sandbox.fake.last_view("URITA"))["when"]
    assert field["element"]["type"] == "plain_text_input" and field["dispatch_action"] is True
    assert "America/New York" in str(sandbox.fake.last_view("URITA"))
    assert "no windows yet" in shown(sandbox.fake.last_view("URITA"))

    first = sandbox.submit("URITA", {"when": "Tue 9-12:30, Thu 14-17"})
    assert first.json()["response_action"] == "update"
    preview = shown(sandbox.fake.last_view("URITA"))
    assert "What I understood* (2 windows)" in preview
    assert "Tue 24 Nov 09:00–12:30" in preview and "Thu 26 Nov 14:00–17:00" in preview
    assert windows(sandbox, loop.candidate_id) == []  # nothing saved before the preview was seen

    second = sandbox.submit("URITA", {"when": "Tue 9-12:30, Thu 14-17"})
    assert (second.status, second.body) == (200, "")
    assert windows(sandbox, loop.candidate_id) == [
        (utc(2026, 11, 24, 14), utc(2026, 11, 24, 17, 30)),
        (utc(2026, 11, 26, 19), utc(2026, 11, 26, 22)),
    ]
    with sandbox.app.db.uow(TEAM) as uow:
        [event] = [e for e in uow.audit.all() if e.action == "availability.set"]
    assert isinstance(event, AuditEvent) and event.actor_id == "URITA" and event.before == {"windows": []}

    sandbox.command("UHANA", "availability Grace Hopper")
    again = sandbox.fake.last_view("UHANA")
    text = by_id(again)["when"]["element"]["initial_value"]
    assert text == "Tue 24 Nov 2026 09:00-12:30; Thu 26 Nov 2026 14:00-17:00"
    assert "Saved now" in shown(again) and "Thu 26 Nov 14:00–17:00" in shown(again)
    # Saving it unchanged keeps the same windows; editing it replaces them all.
    assert sandbox.submit("UHANA", {}).body == ""
    assert len(windows(sandbox, loop.candidate_id)) == 2
    enter_availability(sandbox, "Thu 26 Nov 14-17", who="UHANA")
    assert windows(sandbox, loop.candidate_id) == [(utc(2026, 11, 26, 19), utc(2026, 11, 26, 22))]


def test_enter_previews_in_place_and_a_changed_text_is_previewed_again(sandbox: Sandbox) -> None:
    loop = setup_schedule(sandbox)
    sandbox.command("URITA", "availability Grace Hopper")
    view_id = sandbox.fake.last_view("URITA")["id"]  # type: ignore[index]
    assert sandbox.enter("URITA", "when", "Mon–Wed 9–12, Thu after 14:00").status == 200
    view = sandbox.fake.last_view("URITA")
    assert view is not None and view["id"] == view_id
    lines = shown(view)
    assert "(4 windows)" in lines
    for line in ("Mon 23 Nov 09:00–12:00", "Tue 24 Nov 09:00–12:00", "Wed 25 Nov 09:00–12:00"):
        assert line in lines
    assert "Thu 26 Nov 14:00–18:00" in lines

    sandbox.enter("URITA", "when", "Thu aftr 14:00")
    assert "I did not understand “aftr” in “Thu aftr 14:00”" in shown(sandbox.fake.last_view("URITA"))

    # Previewed one text, then typed another without Enter: Save shows the new preview first.
    sandbox.enter("URITA", "when", "Tue morning")
    changed = sandbox.submit("URITA", {"when": "Wed morning"})
    assert changed.json()["response_action"] == "update"
    assert "Wed 25 Nov 09:00–12:00" in shown(sandbox.fake.last_view("URITA"))
    assert windows(sandbox, loop.candidate_id) == []
    sandbox.submit("URITA", {"when": "Wed morning"})
    assert windows(sandbox, loop.candidate_id) == [(utc(2026, 11, 25, 14), utc(2026, 11, 25, 17))]


def test_text_it_does_not_understand_is_refused_next_to_the_field_and_nothing_changes(
    sandbox: Sandbox,
) -> None:
    loop = setup_schedule(sandbox)
    cases = {
        "Tue 9-12, Thu aftr 14:00": "I did not understand “aftr” in “Thu aftr 14:00”",
        "9-12": "“9-12” names no day",
        "Tue 12-9": "a window ends after it starts",
        "20 Nov 9-12": "is already past",
        "Tue 25 Nov 9-12": "25 Nov 2026 is a Wednesday",
        "": "Say when the candidate can interview",
        "<@UHANA> *bold*": "I did not understand “<” in “<@UHANA> *bold*”",
    }
    for text, expected in cases.items():
        reply = enter_availability(sandbox, text)
        errors = reply.json()["errors"]
        assert set(errors) == {"when"} and expected in errors["when"], (text, errors)
    assert windows(sandbox, loop.candidate_id) == []


def test_only_the_roles_managers_may_enter_availability(sandbox: Sandbox) -> None:
    loop = setup_schedule(sandbox)
    sandbox.command("UOTTO", "availability Grace Hopper")
    assert "Only the hiring manager" in sandbox.last_reply("UOTTO")
    assert sandbox.fake.last_view("UOTTO") is None
    sandbox.command("UHANA", "availability")
    assert "Name the candidate" in sandbox.last_reply("UHANA")
    # A modal opened by a manager and submitted (or previewed) by an outsider changes nothing.
    sandbox.command("UHANA", "availability Grace Hopper")
    view = sandbox.fake.last_view("UHANA")
    reply = sandbox.slack.submit("UOTTO", {"when": "Tue 9-10"}, view=view)
    sandbox.idle()
    assert "Only the hiring manager" in str(reply.json()["errors"])
    assert windows(sandbox, loop.candidate_id) == []
