"""Slow dependencies: a Slack or Google call that hangs is cut at its timeout (small ones here:
`SLACK_TIMEOUT_SECONDS`, `GOOGLE_TIMEOUT_SECONDS`), retried where that is safe, and explained to
whoever waits; Slack still gets its ack in time. The fakes hang for real on loopback (`stall()`),
the real slack_sdk and google-api-python-client talk to them."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.sandbox.fake_google import FakeGoogleCalendar
from bot.sandbox.fake_slack import BOT_USER_ID, FakeSlack
from bot.sandbox.harness import HIRING_CHANNEL, Sandbox
from bot.slack_client import SlackUnreachable, make_client
from scheduling.calendar_protocol import CalendarError
from scheduling.google_calendar import GoogleCalendar, load_credentials
from storage.models import Role
from tests.factories import TEAM
from tests.scheduling_support import (
    click_option,
    enter_availability,
    google_sandbox,
    interviews,
    open_options,
    option_sections,
    panel_status,
    service_account,
    setup_schedule,
)

SLACK_TIMEOUT = 0.5
GOOGLE_TIMEOUT = 0.5
TUE = ("2026-11-24", "05:00", "12:00")  # New York: 10:00–17:00 UTC
LOOP_DMS = ("USAM", "UMIA", "UJONAS")


@pytest.fixture
def slow(database_url: str) -> Iterator[Sandbox]:
    """The sandbox with a Slack timeout small enough to hit in a test."""
    with Sandbox(database_url, slack_timeout_seconds=SLACK_TIMEOUT) as box:
        yield box
        assert not box.fake.block_errors, box.fake.block_errors


@pytest.fixture
def google() -> Iterator[FakeGoogleCalendar]:
    with FakeGoogleCalendar(owner="rita@example.com") as server:
        yield server


@pytest.fixture
def gbox(database_url: str, google: FakeGoogleCalendar, tmp_path: Path) -> Iterator[Sandbox]:
    """The sandbox on Google Calendar (the real client against the fake), small timeouts."""
    box = google_sandbox(
        database_url,
        google,
        tmp_path,
        google_timeout_seconds=GOOGLE_TIMEOUT,
        slack_timeout_seconds=SLACK_TIMEOUT,
    )
    with box:
        yield box


def text_of(view: dict[str, Any] | None) -> str:
    return json.dumps(view)


def role_values(box: Sandbox) -> dict[str, object]:
    box.command("UHANA", "role")
    view = box.fake.last_view("UHANA")
    assert view is not None
    plan = next(b for b in view["blocks"] if b["block_id"] == "plan")["element"]["options"][0]["value"]
    return {
        "title": "Backend Engineer",
        "channel": HIRING_CHANNEL,
        "hiring_manager": "UHANA",
        "plan": plan,
        "timezone": "Europe/London",
    }


def roles(box: Sandbox) -> list[str]:
    with box.app.db.uow(TEAM) as uow:
        return [r.title for r in uow.session.scalars(select(Role))]


# -- Slack ----------------------------------------------------------------------------------------
def test_a_stalled_views_open_does_not_delay_the_ack_and_the_user_is_told(slow: Sandbox) -> None:
    slow.fake.stall("views.open", 10)
    reply = slow.command("UHANA", "role")
    assert reply.status == 200 and reply.elapsed < 10  # the ack came before the stall ended
    # Tried once: by the time it timed out, its trigger id had expired (Slack allows ~3 s).
    assert len(slow.fake.calls_to("views.open")) == 1
    assert slow.last_reply("UHANA") == (
        "Slack didn't answer within 0.5 s, so I couldn't open the form. Please try again in a moment."
    )
    slow.fake.release()
    slow.command("UHANA", "role")
    assert slow.fake.last_view("UHANA") is not None


def test_a_submission_that_waits_on_a_stalled_slack_is_answered_inside_slacks_3_seconds(
    database_url: str,
) -> None:
    """The role modal checks its channel before the ack. With a 30 s client timeout and a Slack
    that hangs for 10 s, the check is cut to fit Slack's 3 s: the field shows why, nothing is saved."""
    with Sandbox(database_url, slack_timeout_seconds=30) as box:
        values = role_values(box)
        box.fake.stall("conversations.info", 10)
        reply = box.submit("UHANA", values)
        assert reply.elapsed < 10  # answered before the stall ended
        errors = reply.json()["errors"]
        assert "so I couldn't check the channel" in errors["channel"]
        assert len(box.fake.calls_to("conversations.info")) == 1  # no retry while the ack is owed
        assert roles(box) == []
        box.fake.release()
        assert box.submit("UHANA", values).body == ""
        assert roles(box) == ["Backend Engineer"]
        assert len(box.fake.posts(HIRING_CHANNEL)) == 1


def test_a_button_whose_modal_update_stalls_is_retried_once_then_explained(slow: Sandbox) -> None:
    setup_schedule(slow)
    enter_availability(slow, [TUE])
    view = open_options(slow)
    before = len(slow.fake.calls_to("views.update"))
    slow.fake.stall("views.update", times=2)  # "Writing the calendar events…", and its retry
    click_option(slow, view)
    assert len(slow.fake.calls_to("views.update")) - before == 2
    [dm] = slow.fake.dms("UHANA")
    assert dm.text == (
        "Slack didn't answer within 0.5 s, so I couldn't update the form. Please try again in a moment."
    )
    assert all(iv.start_at is None for iv in interviews(slow))  # nothing was booked
    slow.fake.release()
    click_option(slow, view)
    assert all(iv.start_at is not None for iv in interviews(slow))
    assert len(slow.fake.posts(HIRING_CHANNEL)) == 1


@pytest.mark.parametrize("method", ["chat.postMessage", "conversations.open"])
def test_notices_that_meet_a_stalled_slack_are_sent_by_a_later_tick_once_each(
    slow: Sandbox, method: str
) -> None:
    """The booking is stored; the first notice Slack does not answer is retried once, the rest of
    the workspace's notices wait (no 1 s stall each), and the next tick sends every one once."""
    setup_schedule(slow)
    enter_availability(slow, [TUE])
    view = open_options(slow)
    before = len(slow.fake.calls_to(method))
    slow.fake.stall(method, times=2)
    click_option(slow, view)
    assert len(slow.fake.calls_to(method)) - before == 2
    assert all(iv.start_at is not None for iv in interviews(slow))
    assert sum(len(slow.fake.dms(u)) for u in LOOP_DMS) == 0
    slow.fake.release()
    slow.advance(minutes=1)
    slow.tick()
    assert len(slow.fake.posts(HIRING_CHANNEL)) == 1
    assert [len(slow.fake.dms(u)) for u in LOOP_DMS] == [1, 1, 1]


def test_a_timed_out_connection_is_closed_and_its_late_answer_never_read() -> None:
    with FakeSlack() as fake:
        fake.add_user("UADA", "ada")
        client = make_client("xoxb-test", fake.api_url, timeout=0.2)
        fake.stall("users.info", 0.4, times=2)  # answered, but late: after the client gave up
        with pytest.raises(SlackUnreachable) as raised:
            client.users_info(user="UADA")
        assert "didn't answer within 0.2 s" in raised.value.message
        assert len(fake.calls_to("users.info")) == 2  # a time-out is retried once
        time.sleep(0.5)  # both late answers have been written by now
        answer = client.auth_test()
        assert answer["user_id"] == BOT_USER_ID and answer["url"] == "https://loopbot-sim.slack.com/"
        assert client.users_info(user="UADA")["user"]["id"] == "UADA"


# -- Google ---------------------------------------------------------------------------------------
def test_a_stalled_free_busy_read_is_retried(gbox: Sandbox, google: FakeGoogleCalendar) -> None:
    setup_schedule(gbox)
    enter_availability(gbox, [TUE])
    google.stall("freeBusy", times=1)
    view = open_options(gbox)
    assert len(google.calls_to("freeBusy")) == 2
    assert option_sections(view)


def test_free_busy_that_never_answers_is_explained_in_the_modal(
    gbox: Sandbox, google: FakeGoogleCalendar
) -> None:
    setup_schedule(gbox)
    enter_availability(gbox, [TUE])
    google.stall("freeBusy", times=2)
    view = open_options(gbox)
    assert len(google.calls_to("freeBusy")) == 2  # tried twice, then explained
    assert "Could not read free/busy from Google Calendar (no answer within 0.5 s)." in text_of(view)
    assert not option_sections(view)


@pytest.mark.parametrize(
    ("operation", "applied"),
    [("events.insert", False), ("batch", True)],
    ids=["never-written", "written-unanswered"],
)
def test_a_booking_whose_insert_stalls_is_undone_explained_and_booked_once_later(
    gbox: Sandbox, google: FakeGoogleCalendar, operation: str, applied: bool
) -> None:
    """The insert batch gets no answer (Google wrote the events, or not): it is not sent again,
    the events it may have written are deleted, nothing is stored, and the modal says why."""
    loop = setup_schedule(gbox)
    enter_availability(gbox, [TUE])
    view = open_options(gbox)
    google.reset_calls()
    google.stall(operation, applied=applied)
    click_option(gbox, view)
    # The insert batch, not sent again, then one batch deleting what it may have written.
    assert len(google.round_trips("batch")) == 2
    assert len(google.calls_to("events.delete")) == 2
    assert google.live_events() == []
    assert all(iv.start_at is None for iv in interviews(gbox))
    assert panel_status(gbox, loop.panel_id) == "ready"
    shown = gbox.fake.last_view("UHANA")
    assert "no answer within 0.5 s" in text_of(shown) and "Nothing was booked." in text_of(shown)
    assert option_sections(shown)  # with fresh options
    assert gbox.fake.posts(HIRING_CHANNEL) == []
    google.release()
    click_option(gbox, shown)
    assert sorted(e["id"] for e in google.live_events()) == sorted(iv.event_id for iv in interviews(gbox))
    assert len(google.live_events()) == 2
    assert len(gbox.fake.posts(HIRING_CHANNEL)) == 1


def test_a_late_google_answer_is_never_read_as_the_next_requests(
    google: FakeGoogleCalendar, tmp_path: Path
) -> None:
    credentials = load_credentials(service_account(tmp_path, google), "rita@example.com")
    calendar = GoogleCalendar(
        credentials,
        api_endpoint=google.api_endpoint,
        batch_endpoint=google.batch_endpoint,
        timeout_seconds=0.2,
        timeout_retries=0,
    )
    start = datetime(2026, 11, 24, 9, tzinfo=UTC)
    google.add_busy("sam@example.com", start, start + timedelta(hours=1))
    google.stall("freeBusy", 0.4)  # answered, but after the client gave up
    with pytest.raises(CalendarError, match=r"no answer within 0\.2 s"):
        calendar.free_busy(TEAM, ["sam@example.com"], start, start + timedelta(hours=8))
    time.sleep(0.5)
    assert calendar.responses(TEAM, ["nosuchevent1"]) == {}  # a batch, answered as a batch
    busy = calendar.free_busy(TEAM, ["sam@example.com"], start, start + timedelta(hours=8))
    assert [(b.start, b.end) for b in busy["sam@example.com"]] == [(start, start + timedelta(hours=1))]
