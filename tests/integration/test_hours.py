"""`/interview hours`: people set their own working hours; the time zone follows Slack unless given."""

from __future__ import annotations

from sqlalchemy import select

from bot.sandbox.harness import Sandbox
from storage.models import AuditEvent, Person
from tests.factories import TEAM
from tests.helpers import mrkdwn_texts
from tests.loops import make_pools


def person(sandbox: Sandbox, user_id: str) -> Person | None:
    with sandbox.app.db.uow(TEAM) as uow:
        return uow.people.get(user_id)


def hours_events(sandbox: Sandbox) -> list[AuditEvent]:
    with sandbox.app.db.uow(TEAM) as uow:
        return list(uow.session.scalars(select(AuditEvent).where(AuditEvent.action == "person.hours")))


def reply_text(sandbox: Sandbox, user_id: str) -> str:
    """The newest ephemeral reply with its blocks' text (plain or mrkdwn)."""
    reply = sandbox.fake.ephemerals(user_id)[-1]
    return "\n".join([reply.text, *(b["text"]["text"] for b in reply.blocks if b.get("text"))])


def test_hours_shows_the_defaults_in_the_slack_time_zone(sandbox: Sandbox) -> None:
    sandbox.command("USAM", "hours")
    assert "Your working hours are 09:00–17:00, Mon–Fri (Europe/London)" in sandbox.last_reply("USAM")
    sandbox.command("ULEE", "hours")
    assert "(America/New_York)" in sandbox.last_reply("ULEE")


def test_setting_hours_defaults_to_the_slack_time_zone_and_is_audited(sandbox: Sandbox) -> None:
    sandbox.command("UPRIYA", "hours 10:00-18:30")
    assert "10:00–18:30, Mon–Fri (Asia/Kolkata)" in sandbox.last_reply("UPRIYA")
    stored = person(sandbox, "UPRIYA")
    assert stored is not None
    assert (stored.work_start_minute, stored.work_end_minute, stored.work_days, stored.tz) == (
        600,
        1110,
        "0,1,2,3,4",
        "Asia/Kolkata",
    )
    assert stored.display_name == "Priya Patel"
    [event] = hours_events(sandbox)
    assert (event.actor_id, event.subject_id, event.before) == ("UPRIYA", "UPRIYA", None)
    assert event.after == {
        "tz": "Asia/Kolkata",
        "start": "10:00",
        "end": "18:30",
        "days": "0,1,2,3,4",
        "tz_source": "slack",
    }


def test_a_typed_time_zone_sticks_until_the_person_drops_it(sandbox: Sandbox) -> None:
    sandbox.command("UJONAS", "hours 8-16:30 Sun-Thu Asia/Jerusalem")
    assert "08:00–16:30, Sun–Thu (Asia/Jerusalem)" in sandbox.last_reply("UJONAS")
    # refreshing people from Slack (a pool save does it) keeps the hours and the chosen zone
    make_pools(sandbox)
    sandbox.app.services.people.ensure(TEAM, "UJONAS")
    stored = person(sandbox, "UJONAS")
    assert stored is not None
    assert (stored.tz, stored.work_days, stored.work_start_minute) == ("Asia/Jerusalem", "0,1,2,3,6", 480)
    # days stay when not given; without a zone it follows Slack again
    sandbox.command("UJONAS", "hours 9:00-17:00")
    assert "09:00–17:00, Sun–Thu (Europe/Berlin)" in sandbox.last_reply("UJONAS")
    first, second = hours_events(sandbox)
    assert first.after is not None and first.after["tz_source"] == "user"
    assert second.before == {"tz": "Asia/Jerusalem", "start": "08:00", "end": "16:30", "days": "0,1,2,3,6"}
    assert second.after is not None and second.after["tz_source"] == "slack"


def test_bad_hours_are_explained_and_change_nothing(sandbox: Sandbox) -> None:
    sandbox.command("USAM", "hours 9-17")
    cases = {
        "18:00-09:00": "must end after it starts",
        "25:00-26:00": "“25:00” is not a time",
        "9-9:15": "at least 30 minutes",
        "9-17 Funday": "can't read the days “Funday”",
        "9-17 Europe/Londn": "Did you mean Europe/London",
        "sometimes": "start-end",
    }
    for args, problem in cases.items():
        sandbox.command("USAM", f"hours {args}")
        text = reply_text(sandbox, "USAM")
        assert "Nothing was changed" in text and problem in text, (args, text)
    stored = person(sandbox, "USAM")
    assert stored is not None and (stored.work_start_minute, stored.work_end_minute) == (540, 1020)
    assert len(hours_events(sandbox)) == 1


def test_hostile_hours_text_is_not_parsed_as_mrkdwn(sandbox: Sandbox) -> None:
    sandbox.command("USAM", "hours 9-17 <!channel>")
    reply = sandbox.fake.ephemerals("USAM")[-1]
    assert "<!channel>" not in reply.text  # the fallback (mrkdwn) does not repeat the input
    assert mrkdwn_texts(reply.blocks) == []
    # plain_text is never parsed for mentions or formatting, so the user sees what they typed
    [block] = reply.blocks
    assert block["text"]["type"] == "plain_text"
    assert "I can't read the days “<!channel>”" in block["text"]["text"]
    assert person(sandbox, "USAM") is None


def test_slack_errors_are_retried_or_explained(sandbox: Sandbox) -> None:
    sandbox.fake.fail("users.info", "ratelimited", status=429, retry_after=0)
    sandbox.command("UMIA", "hours 9-17")
    assert "09:00–17:00, Mon–Fri (Europe/Rome)" in sandbox.last_reply("UMIA")
    sandbox.fake.fail("users.info", "ratelimited", status=429, retry_after=0, times=10)
    sandbox.command("UNOAH", "hours 9-17")
    assert "rate-limiting" in sandbox.last_reply("UNOAH")
    assert person(sandbox, "UNOAH") is None
    assert len(hours_events(sandbox)) == 1
