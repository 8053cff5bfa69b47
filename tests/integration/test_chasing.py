"""Chasing late feedback through the real app, the Slack fake and a clock the tests move.

The sandbox starts on Monday 2026-11-23 08:00 UTC (London is on UTC in November). Each test books an
interview straight into the database, then moves the clock and runs the scheduler's tick.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.sandbox.fake_slack import Posted
from bot.sandbox.harness import HIRING_CHANNEL, Sandbox
from hiring.outbox import sent_keys
from storage.models import Decision, Interview, Panel, Scorecard
from tests.factories import TEAM, make_booked_panel, make_candidate, make_person, make_role
from tests.helpers import assert_escaped


def utc(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


def book(
    box: Sandbox,
    start: datetime,
    interviewers: list[str],
    *,
    name: str = "Grace Hopper",
    manager: str = "UHANA",
) -> Interview:
    """A role, a candidate and their 30-minute phone interview from `start`."""
    db, clock = box.app.db, box.clock
    role = make_role(db, clock, hiring_manager=manager)
    candidate = make_candidate(db, clock, role, name=name)
    panel = make_booked_panel(db, clock, candidate, start=start, interviewers=interviewers)
    return panel.interviews[0]


def at(box: Sandbox, moment: datetime) -> None:
    box.clock.set(moment)
    box.tick()


def nudges(box: Sandbox, user_id: str) -> list[Posted]:
    return [m for m in box.fake.dms(user_id) if m.text.startswith("Scorecard ")]


def escalations(box: Sandbox, user_id: str = "UHANA") -> list[Posted]:
    return [m for m in box.fake.dms(user_id) if m.text.startswith("Late feedback on")]


def channel_lines(box: Sandbox) -> list[Posted]:
    return [m for m in box.fake.posts(HIRING_CHANNEL) if m.text.startswith("Late feedback:")]


def submit(box: Sandbox, interview: Interview, user_id: str, status: str = "submitted") -> None:
    now = box.clock.now()
    with box.app.db.uow(TEAM) as uow:
        panel = uow.session.get(Panel, interview.panel_id)
        assert panel is not None
        uow.session.add(
            Scorecard(
                team_id=TEAM,
                interview_id=interview.id,
                candidate_id=panel.candidate_id,
                stage_key=panel.stage_key,
                author_id=user_id,
                status=status,
                ratings={"problem_solving": 4},
                recommendation="strong_yes",
                evidence="SECRET EVIDENCE",
                created_at=now,
                updated_at=now,
                submitted_at=now if status == "submitted" else None,
            )
        )
        uow.commit()


def change(box: Sandbox, interview: Interview, **values: object) -> None:
    with box.app.db.uow(TEAM) as uow:
        row = uow.session.get(Interview, interview.id)
        assert row is not None
        for name, value in values.items():
            setattr(row, name, value)
        uow.commit()


def all_text(messages: list[Posted]) -> str:
    return "\n".join(m.text + str(m.blocks) for m in messages)


def test_the_whole_ladder_nudges_escalates_then_tells_the_channel(sandbox: Sandbox) -> None:
    interview = book(sandbox, utc(23, 10), ["USAM"])  # ends Monday 10:30
    at(sandbox, utc(23, 10, 29))
    at(sandbox, utc(23, 11, 29))
    assert nudges(sandbox, "USAM") == []  # nothing before the interview ended, or before +1 h
    at(sandbox, utc(23, 11, 30))
    first = nudges(sandbox, "USAM")
    assert len(first) == 1 and first[0].text == "Scorecard to do: Grace Hopper – Technical phone interview"
    button = first[0].blocks[1]["elements"][0]
    assert (button["action_id"], button["value"], button["text"]["text"]) == (
        "scorecard_open",
        str(interview.id),
        "Submit scorecard",
    )
    at(sandbox, utc(23, 11, 31))
    at(sandbox, utc(24, 10, 29))
    assert len(nudges(sandbox, "USAM")) == 1 and escalations(sandbox) == []
    at(sandbox, utc(24, 10, 30))  # 24 hours after the end: due; the hiring manager hears
    (escalation,) = escalations(sandbox)
    assert "<@USAM>" in str(escalation.blocks) and "0 min ago" in str(escalation.blocks)
    at(sandbox, utc(24, 11, 30))
    second = nudges(sandbox, "USAM")
    assert len(second) == 2 and second[1].text.startswith("Scorecard late:")
    assert "1 h ago" in str(second[1].blocks)
    at(sandbox, utc(25, 10, 29))
    assert channel_lines(sandbox) == []
    at(sandbox, utc(25, 10, 30))  # a day after the deadline: one line in the hiring channel
    (line,) = channel_lines(sandbox)
    assert line.text == "Late feedback: Grace Hopper – Technical phone interview, 1 day late"
    assert "<@USAM>" in str(line.blocks)
    at(sandbox, utc(25, 11, 30))
    assert len(nudges(sandbox, "USAM")) == 3
    assert len(escalations(sandbox)) == 1 and len(channel_lines(sandbox)) == 1
    sent = sent_keys(sandbox.app.db, "")
    assert [k for k in sent if k.startswith("nudge:")] == [
        f"nudge:{interview.id}:USAM:20261123T1030:{n}" for n in (1, 2, 3)
    ]


def test_nudges_wait_for_working_hours_and_skip_the_weekend(sandbox: Sandbox) -> None:
    make_person(sandbox.app.db, sandbox.clock, "ULEE", tz="America/New_York")
    book(sandbox, utc(27, 21), ["ULEE"])  # Friday 16:00-16:30 in New York
    for moment in (utc(27, 22, 30), utc(28, 15), utc(28, 22, 30), utc(29, 15), utc(29, 22, 30)):
        at(sandbox, moment)
    assert nudges(sandbox, "ULEE") == []  # Friday after 17:00, then the weekend
    assert escalations(sandbox) == [] and channel_lines(sandbox) == []
    at(sandbox, utc(30, 9))  # Monday 09:00 in London, 04:00 in New York
    assert len(escalations(sandbox)) == 1 and len(channel_lines(sandbox)) == 1
    assert nudges(sandbox, "ULEE") == []
    at(sandbox, utc(30, 13, 59))
    assert nudges(sandbox, "ULEE") == []
    at(sandbox, utc(30, 14))  # 09:00 in New York: one nudge, not the three that fell outside hours
    assert len(nudges(sandbox, "ULEE")) == 1
    assert "(America/New_York)" in str(nudges(sandbox, "ULEE")[0].blocks)
    at(sandbox, utc(30, 22, 30))
    at(sandbox, utc(1, 13, 59).replace(month=12))
    assert len(nudges(sandbox, "ULEE")) == 1
    at(sandbox, utc(1, 14).replace(month=12))
    assert len(nudges(sandbox, "ULEE")) == 2


def test_the_interviewers_own_time_zone_from_slack_and_working_days(sandbox: Sandbox) -> None:
    # Priya has no stored hours: her Slack profile says Asia/Kolkata, default 09:00-17:00 Mon-Fri.
    book(sandbox, utc(24, 1), ["UPRIYA"])  # Tuesday 06:30-07:00 in Kolkata
    at(sandbox, utc(24, 2, 30))  # the first nudge's time, 08:00 in Kolkata
    at(sandbox, utc(24, 3, 29))
    assert nudges(sandbox, "UPRIYA") == []
    at(sandbox, utc(24, 3, 30))  # 09:00 in Kolkata
    assert len(nudges(sandbox, "UPRIYA")) == 1
    # Someone who works Tuesday to Saturday is nudged on a Saturday and not on a Monday.
    make_person(sandbox.app.db, sandbox.clock, "UMIA", tz="Europe/Rome", days="1,2,3,4,5")
    book(sandbox, utc(27, 14), ["UMIA"], name="Ada Lovelace")
    at(sandbox, utc(27, 16, 59))  # Friday 17:59 in Rome: outside her hours
    assert nudges(sandbox, "UMIA") == []
    at(sandbox, utc(28, 8))
    assert len(nudges(sandbox, "UMIA")) == 1
    at(sandbox, utc(30, 10))
    assert len(nudges(sandbox, "UMIA")) == 1


def test_a_moved_interview_moves_its_ladder(sandbox: Sandbox) -> None:
    interview = book(sandbox, utc(23, 10), ["USAM"])
    change(sandbox, interview, start_at=utc(23, 14), end_at=utc(23, 14, 30))  # moved before it ended
    at(sandbox, utc(23, 11, 30))
    assert nudges(sandbox, "USAM") == []
    at(sandbox, utc(23, 15, 30))
    assert len(nudges(sandbox, "USAM")) == 1
    # It turns out it has to be held again on Wednesday: a fresh ladder from the new end.
    change(sandbox, interview, start_at=utc(25, 10), end_at=utc(25, 10, 30))
    at(sandbox, utc(24, 14, 30))  # the old deadline: no escalation, the interview has not happened
    at(sandbox, utc(24, 15, 30))
    assert len(nudges(sandbox, "USAM")) == 1 and escalations(sandbox) == []
    at(sandbox, utc(25, 11, 30))
    assert len(nudges(sandbox, "USAM")) == 2
    assert [k for k in sent_keys(sandbox.app.db, "nudge:")] == [
        f"nudge:{interview.id}:USAM:20261123T1430:1",
        f"nudge:{interview.id}:USAM:20261125T1030:1",
    ]


def test_a_cancelled_interview_or_panel_stops_the_ladder(sandbox: Sandbox) -> None:
    interview = book(sandbox, utc(23, 10), ["USAM"])
    other = book(sandbox, utc(23, 10), ["ULEE"], name="Ada Lovelace")
    at(sandbox, utc(23, 14, 30))  # Lee is in New York: 09:30 there
    assert len(nudges(sandbox, "USAM")) == 1 and len(nudges(sandbox, "ULEE")) == 1
    change(sandbox, interview, status="cancelled")
    with sandbox.app.db.uow(TEAM) as uow:
        panel = uow.session.get(Panel, other.panel_id)
        assert panel is not None
        panel.status = "cancelled"
        uow.commit()
    for moment in (utc(24, 10, 30), utc(24, 15), utc(25, 10, 30), utc(25, 15)):
        at(sandbox, moment)
    assert len(nudges(sandbox, "USAM")) == 1 and len(nudges(sandbox, "ULEE")) == 1
    assert escalations(sandbox) == [] and channel_lines(sandbox) == []


def test_submitting_mid_ladder_stops_it_at_once(sandbox: Sandbox) -> None:
    interview = book(sandbox, utc(23, 10), ["USAM", "UJONAS"])
    at(sandbox, utc(23, 11, 30))
    assert len(nudges(sandbox, "USAM")) == 1 and len(nudges(sandbox, "UJONAS")) == 1
    submit(sandbox, interview, "UJONAS", status="draft")  # a draft does not count
    at(sandbox, utc(24, 10, 30))
    (escalation,) = escalations(sandbox)
    assert "<@USAM>" in str(escalation.blocks) and "<@UJONAS>" in str(escalation.blocks)
    at(sandbox, utc(24, 11, 30))
    draft_nudge = nudges(sandbox, "UJONAS")[-1]
    assert "You have a draft" in str(draft_nudge.blocks)
    submit(sandbox, interview, "USAM")
    at(sandbox, utc(25, 10, 30))
    (line,) = channel_lines(sandbox)
    assert "<@UJONAS>" in str(line.blocks) and "<@USAM>" not in str(line.blocks)
    at(sandbox, utc(25, 11, 30))
    assert len(nudges(sandbox, "USAM")) == 2 and len(nudges(sandbox, "UJONAS")) == 3
    assert "SECRET" not in all_text(sandbox.fake.posts(HIRING_CHANNEL) + escalations(sandbox))


def test_a_decision_on_the_stage_stops_chasing(sandbox: Sandbox) -> None:
    interview = book(sandbox, utc(23, 10), ["USAM"])
    at(sandbox, utc(23, 11, 30))
    with sandbox.app.db.uow(TEAM) as uow:
        panel = uow.session.get(Panel, interview.panel_id)
        assert panel is not None
        uow.session.add(
            Decision(
                team_id=TEAM,
                candidate_id=panel.candidate_id,
                role_id=panel.candidate.role_id,
                stage_key=panel.stage_key,
                outcome="reject",
                decided_by="UHANA",
                decided_at=sandbox.clock.now(),
            )
        )
        uow.commit()
    for moment in (utc(24, 10, 30), utc(24, 11, 30), utc(25, 10, 30)):
        at(sandbox, moment)
    assert len(nudges(sandbox, "USAM")) == 1
    assert escalations(sandbox) == [] and channel_lines(sandbox) == []


def test_after_downtime_the_first_tick_catches_up_without_a_flood(sandbox: Sandbox) -> None:
    book(sandbox, utc(23, 10), ["USAM"])
    at(sandbox, utc(25, 12))  # nobody ticked since Monday morning
    assert len(nudges(sandbox, "USAM")) == 1  # only the latest nudge, not three
    assert len(escalations(sandbox)) == 1 and len(channel_lines(sandbox)) == 1
    at(sandbox, utc(25, 12, 1))
    assert len(nudges(sandbox, "USAM")) == 1


def test_the_hiring_manager_is_not_told_about_their_own_scorecard(sandbox: Sandbox) -> None:
    book(sandbox, utc(23, 10), ["UHANA"])
    at(sandbox, utc(24, 11, 30))
    assert len(nudges(sandbox, "UHANA")) == 1
    assert escalations(sandbox) == []
    at(sandbox, utc(25, 10, 30))
    assert len(channel_lines(sandbox)) == 1


def test_a_failed_send_is_retried_later_and_a_429_waits_for_retry_after(sandbox: Sandbox) -> None:
    book(sandbox, utc(23, 10), ["USAM"])
    at(sandbox, utc(23, 10, 45))  # the scorecard request and the morning digest go out first
    sandbox.fake.fail("chat.postMessage", "fatal_error")
    at(sandbox, utc(23, 11, 30))
    assert nudges(sandbox, "USAM") == []
    at(sandbox, utc(23, 11, 30) + timedelta(seconds=30))
    assert nudges(sandbox, "USAM") == []  # backing off for a minute
    at(sandbox, utc(23, 11, 31))
    assert len(nudges(sandbox, "USAM")) == 1
    at(sandbox, utc(24, 10, 30))  # Tuesday's digest and the escalation
    before = len(sandbox.fake.calls_to("chat.postMessage"))
    sandbox.fake.fail("chat.postMessage", "ratelimited", status=429, retry_after=1)
    at(sandbox, utc(24, 11, 30))  # the client waits the second Slack asked for, then posts
    assert len(nudges(sandbox, "USAM")) == 2
    assert len(sandbox.fake.calls_to("chat.postMessage")) == before + 2


def test_user_text_is_escaped_in_every_chasing_message(sandbox: Sandbox) -> None:
    hostile = "<!channel> *Bobby* <@UADMIN>"
    book(sandbox, utc(23, 10), ["USAM"], name=hostile)
    at(sandbox, utc(25, 10, 30))
    messages = [*nudges(sandbox, "USAM"), *escalations(sandbox), *channel_lines(sandbox)]
    assert len(messages) == 3
    for message in messages:
        assert_escaped(hostile, message.blocks, message.text)
        assert "&lt;!channel&gt; ∗Bobby∗ &lt;@UADMIN&gt;" in str(message.blocks)


def test_pending_lists_ended_interviews_with_missing_scorecards(sandbox: Sandbox) -> None:
    for n, person in enumerate(["USAM", "UJONAS", "UMIA"]):
        book(sandbox, utc(23, 10), [person], name=f"Candidate {n}")
    services = sandbox.app.services
    pending = services.chasing.pending(utc(23, 12))
    assert sorted(p.user_id for p in pending) == ["UJONAS", "UMIA", "USAM"]
    with sandbox.app.db.uow(TEAM) as uow:
        assert len(list(uow.session.scalars(select(Interview)))) == 3
    assert services.chasing.pending(utc(23, 10, 29)) == []


def test_chasing_stops_after_the_horizon_but_the_digest_still_lists_it(sandbox: Sandbox) -> None:
    book(sandbox, utc(9, 10), ["USAM"])  # two weeks before the sandbox's Monday
    at(sandbox, utc(23, 10, 29))  # 14 days minus a minute after the end: still chased
    assert len(nudges(sandbox, "USAM")) == 1
    at(sandbox, utc(24, 10, 31))
    assert len(nudges(sandbox, "USAM")) == 1
    role_id = sandbox.app.services.roles.find(TEAM, "Senior Backend Engineer").id
    digest = sandbox.app.services.digests.build(TEAM, role_id)
    assert [p.user_id for p in digest.late] == ["USAM"]
