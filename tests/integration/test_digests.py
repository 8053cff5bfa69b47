"""Channel digests through the real app and the Slack fake: schedule, contents, limits, `/interview digest`.

The sandbox clock starts on Monday 2026-11-23 08:00 UTC; London is on UTC in November.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.sandbox.fake_slack import Posted
from bot.sandbox.harness import HIRING_CHANNEL, NO_BOT_CHANNEL, Sandbox
from hiring.chasing.digests import DigestDetail, DigestService
from hiring.clock import FixedClock
from hiring.errors import ExternalServiceError
from hiring.outbox import LEASE, Dispatcher, sent_keys
from hiring.permissions import Actor
from hiring.ports import Notifier, Sent
from storage.models import (
    Candidate,
    Decision,
    FeedbackReport,
    Interview,
    Notification,
    Panel,
    Role,
    Scorecard,
    Seat,
)
from tests.factories import TEAM, make_booked_panel, make_candidate, make_role
from tests.helpers import assert_escaped


def utc(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


def at(box: Sandbox, moment: datetime) -> None:
    box.clock.set(moment)
    box.tick()


def summaries(box: Sandbox, channel: str = HIRING_CHANNEL) -> list[Posted]:
    return [
        m for m in box.fake.posts(channel) if m.text.startswith("Hiring digest for") and m.thread_ts is None
    ]


def thread(box: Sandbox, parent: Posted) -> list[Posted]:
    return [m for m in box.fake.posts(parent.channel) if m.thread_ts == parent.ts]


def text_of(message: Posted) -> str:
    parts = [message.text]

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("text"), str):
                parts.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(message.blocks)
    return "\n".join(parts)


def pipeline(box: Sandbox) -> Role:
    """A role with a candidate in each situation a digest reports (as of Monday 09:00)."""
    db, clock = box.app.db, box.clock
    role = make_role(db, clock)
    grace = make_candidate(db, clock, role, name="Grace Hopper")
    make_booked_panel(db, clock, grace, start=utc(24, 10), interviewers=["USAM"])  # tomorrow
    alan = make_candidate(db, clock, role, name="Alan Turing")
    make_booked_panel(db, clock, alan, start=utc(26, 10), interviewers=["UMIA"])  # in three days
    ada = make_candidate(db, clock, role, name="Ada Lovelace")
    ada_panel = make_booked_panel(db, clock, ada, start=utc(21, 10), interviewers=["ULEE", "USAM"])
    edsger = make_candidate(db, clock, role, name="Edsger Dijkstra", stage_key="onsite")
    onsite = make_booked_panel(db, clock, edsger, start=utc(19, 9), interviewers=["UJONAS", "UNOAH"])
    barbara = make_candidate(db, clock, role, name="Barbara Liskov")
    ken = make_candidate(db, clock, role, name="Ken Thompson")
    with db.uow(TEAM) as uow:
        interview = ada_panel.interviews[0]
        uow.session.add(
            Scorecard(
                team_id=TEAM,
                interview_id=interview.id,
                candidate_id=ada.id,
                stage_key="phone",
                author_id="USAM",
                status="submitted",
                ratings={"problem_solving": 4},
                recommendation="strong_yes",
                evidence="SECRET EVIDENCE",
                created_at=utc(21, 15, 30),
                updated_at=utc(21, 15, 30),
                submitted_at=utc(21, 15, 30),  # five hours after the interview
            )
        )
        for onsite_interview in onsite.interviews:  # every on-site scorecard is in, five hours after
            assert onsite_interview.end_at is not None
            for author in ("UJONAS", "UNOAH"):
                done = onsite_interview.end_at + timedelta(hours=5)
                uow.session.add(
                    Scorecard(
                        team_id=TEAM,
                        interview_id=onsite_interview.id,
                        candidate_id=edsger.id,
                        stage_key="onsite",
                        author_id=author,
                        status="submitted",
                        ratings={"design": 2},
                        recommendation="no",
                        evidence="SECRET EVIDENCE",
                        created_at=done,
                        updated_at=done,
                        submitted_at=done,
                    )
                )
        uow.session.add(
            Notification(
                team_id=TEAM,
                key=f"debrief:{onsite.id}",
                kind="debrief",
                payload={},
                claimed_at=utc(20, 9),
                claimed_by="test",
                lease_until=utc(20, 9),
                attempts=1,
                next_attempt_at=utc(20, 9),
                sent_at=utc(20, 9),
                channel_id=HIRING_CHANNEL,
                message_ts="1.1",
            )
        )
        decision = Decision(
            team_id=TEAM,
            candidate_id=barbara.id,
            role_id=role.id,
            stage_key="phone",
            outcome="reject",
            decided_by="UHANA",
            decided_at=utc(22, 9),
        )
        uow.session.add(decision)
        uow.session.flush()
        uow.session.add(
            FeedbackReport(
                team_id=TEAM,
                candidate_id=barbara.id,
                decision_id=decision.id,
                body="Thank you for interviewing.",
                status="draft",
                created_at=utc(22, 9),
                updated_at=utc(22, 9),
            )
        )
        for person in (barbara, ken):
            row = uow.session.get(Candidate, person.id)
            assert row is not None
            row.status = "rejected"
        uow.commit()
    return role


def test_a_scheduled_digest_goes_out_once_a_weekday_at_the_roles_time(sandbox: Sandbox) -> None:
    london = make_role(sandbox.app.db, sandbox.clock)
    make_role(
        sandbox.app.db,
        sandbox.clock,
        title="Platform Engineer",
        channel="CPLATFORM",
        timezone="America/New_York",
    )
    at(sandbox, utc(23, 8, 59))
    assert summaries(sandbox) == [] and summaries(sandbox, "CPLATFORM") == []
    at(sandbox, utc(23, 9))
    assert len(summaries(sandbox)) == 1
    at(sandbox, utc(23, 9, 1))
    at(sandbox, utc(23, 13, 59))
    assert len(summaries(sandbox)) == 1 and summaries(sandbox, "CPLATFORM") == []
    at(sandbox, utc(23, 14))  # 09:00 in New York
    assert len(summaries(sandbox, "CPLATFORM")) == 1
    at(sandbox, utc(24, 9))
    assert len(summaries(sandbox)) == 2
    for moment in (utc(28, 9), utc(28, 14), utc(29, 9), utc(29, 14)):  # the weekend
        at(sandbox, moment)
    assert len(summaries(sandbox)) == 2 and len(summaries(sandbox, "CPLATFORM")) == 1
    assert [k for k in sent_keys(sandbox.app.db, "digest:") if k.count(":") == 2] == [
        f"digest:{london.id}:2026-11-23",
        f"digest:{london.id}:2026-11-24",
        f"digest:{london.id + 1}:2026-11-23",
    ]


def test_after_downtime_the_digest_is_caught_up_but_not_a_day_late(sandbox: Sandbox) -> None:
    make_role(sandbox.app.db, sandbox.clock)
    at(sandbox, utc(23, 11))  # down at 09:00, back at 11:00
    assert len(summaries(sandbox)) == 1
    at(sandbox, utc(24, 22))  # down all Tuesday: 13 hours late is too late, Wednesday's comes on time
    assert len(summaries(sandbox)) == 1
    at(sandbox, utc(25, 9))
    assert len(summaries(sandbox)) == 2


def test_the_digest_says_what_is_coming_late_waiting_and_moving_and_never_a_score(sandbox: Sandbox) -> None:
    role = pipeline(sandbox)
    digest = sandbox.app.services.digests.build(TEAM, role.id, utc(23, 9))
    assert [(u.candidate_name, u.interviewer_ids) for u in digest.upcoming] == [("Grace Hopper", ("USAM",))]
    assert [(p.user_id, [(c.candidate_name, c.late_by) for c in p.scorecards]) for p in digest.late] == [
        ("ULEE", [("Ada Lovelace", timedelta(hours=22, minutes=30))])
    ]
    assert [(w.candidate_name, w.stage_name, w.waiting) for w in digest.waiting] == [
        ("Edsger Dijkstra", "On-site interview", timedelta(days=3))
    ]
    assert [(s.stage_name, s.active) for s in digest.stages] == [
        ("Technical phone interview", 3),
        ("On-site interview", 1),
    ]
    assert (digest.median_feedback, digest.feedback_count) == (timedelta(hours=5), 13)
    assert [(d.user_id, d.scorecards, d.median) for d in digest.delays] == [
        ("UJONAS", 6, timedelta(hours=5)),
        ("UNOAH", 6, timedelta(hours=5)),
        ("USAM", 1, timedelta(hours=5)),
    ]
    assert [(r.candidate_name, r.waiting) for r in digest.reports] == [("Barbara Liskov", timedelta(days=1))]

    at(sandbox, utc(23, 9))
    (summary,) = summaries(sandbox)
    text = text_of(summary)
    assert "Hiring digest · Senior Backend Engineer" in text
    assert "Grace Hopper" in text and "Alan Turing" not in text
    assert "<@ULEE> — 1 scorecard, up to 22 h late" in text
    assert "Edsger Dijkstra* — On-site interview, waiting 3 days" in text
    assert "Technical phone interview 3 · On-site interview 1" in text
    assert "median 5 h over 13 scorecards" in text
    assert "Barbara Liskov* — drafted 1 day ago" in text
    replies = thread(sandbox, summary)
    headers = [r.blocks[0]["text"]["text"] for r in replies]
    assert headers == [
        "Interviews in the next 48 hours (1)",
        "Late scorecards by person (1)",
        "Waiting for a decision (1)",
        "Candidates per stage (4)",
        "Time to feedback, last 7 days (13)",
        "Feedback reports not sent yet (1)",
    ]
    assert "Ada Lovelace*, Technical phone interview — 22 h late" in text_of(replies[1])
    everything = "\n".join(text_of(m) for m in sandbox.fake.posts(HIRING_CHANNEL))
    assert "SECRET" not in everything and "strong" not in everything.lower()


def test_user_text_in_a_digest_is_escaped(sandbox: Sandbox) -> None:
    hostile = "<!channel> *Bobby* <@UADMIN>"
    role = make_role(sandbox.app.db, sandbox.clock, title=hostile)
    candidate = make_candidate(sandbox.app.db, sandbox.clock, role, name=hostile)
    make_booked_panel(sandbox.app.db, sandbox.clock, candidate, start=utc(24, 10), interviewers=["USAM"])
    at(sandbox, utc(23, 9))
    (summary,) = summaries(sandbox)
    for message in [summary, *thread(sandbox, summary)]:
        assert_escaped(hostile, message.blocks, message.text)
        assert "&lt;!channel&gt; ∗Bobby∗ &lt;@UADMIN&gt;" in text_of(message)


def bulk_upcoming(box: Sandbox, role: Role, count: int, start: datetime) -> None:
    """`count` candidates with long names, each with a phone interview in the next 48 hours."""
    now = box.clock.now()
    with box.app.db.uow(TEAM) as uow:
        for n in range(count):
            candidate = Candidate(
                team_id=TEAM,
                role_id=role.id,
                name=f"Candidate {n:04d} " + "with a very long name " * 8,
                email=None,
                stage_key="phone",
                status="active",
                status_changed_at=now,
                created_by="UHANA",
                created_at=now,
                updated_at=now,
            )
            panel = Panel(
                team_id=TEAM,
                stage_key="phone",
                status="booked",
                created_by="UHANA",
                created_at=now,
                updated_at=now,
            )
            panel.candidate = candidate
            begin = start + timedelta(minutes=2 * n)
            interview = Interview(
                team_id=TEAM,
                interview_key="phone-screen",
                title="Technical phone interview",
                duration_minutes=30,
                status="booked",
                start_at=begin,
                end_at=begin + timedelta(minutes=30),
            )
            interview.seats = [Seat(team_id=TEAM, user_id="USAM", kind="interviewer")]
            panel.interviews.append(interview)
            uow.session.add(panel)
        uow.commit()


def test_a_large_pipeline_stays_within_block_kit_limits(sandbox: Sandbox) -> None:
    role = make_role(sandbox.app.db, sandbox.clock)
    bulk_upcoming(sandbox, role, 1300, utc(23, 10))
    at(sandbox, utc(23, 9))
    (summary,) = summaries(sandbox)
    assert "…and 1295 more in the thread" in text_of(summary)
    replies = thread(sandbox, summary)
    for message in [summary, *replies]:
        assert len(message.blocks) <= 50
        for block in message.blocks:
            if block["type"] == "section":
                assert len(block["text"]["text"]) <= 3000
    upcoming = replies[0]
    assert upcoming.blocks[0]["text"]["text"] == "Interviews in the next 48 hours (1300)"
    shown = text_of(upcoming).count("• ")
    assert 0 < shown < 1300
    assert f"…and {1300 - shown} more lines not shown" in text_of(upcoming)
    # The fake validated every message with slack_sdk; the fixture fails on any rejected block.


def test_interview_digest_posts_now_and_a_retried_request_posts_once(sandbox: Sandbox) -> None:
    role = pipeline(sandbox)
    sandbox.clock.set(utc(23, 7))
    sandbox.command("UHANA", "digest")
    assert sandbox.last_reply("UHANA") == "Posted the hiring digest in <#CHIRING> (details in its thread)."
    (summary,) = summaries(sandbox)
    assert "Posted on request" in text_of(summary) and len(thread(sandbox, summary)) == 6
    sandbox.command("URITA", "digest Senior Backend Engineer", channel_id=HIRING_CHANNEL)
    assert len(summaries(sandbox)) == 2
    digests = sandbox.app.services.digests
    actor = Actor(team_id=TEAM, user_id="UHANA")
    assert digests.post_now(actor, role.id, "trigger-1").posted
    assert not digests.post_now(actor, role.id, "trigger-1").posted  # Slack retried the same request
    assert len(summaries(sandbox)) == 3
    sandbox.command("UOTTO", "digest")
    assert "don't manage any open role" in sandbox.last_reply("UOTTO")
    sandbox.command("UOTTO", "digest Senior Backend Engineer")
    assert "Only the hiring manager" in sandbox.last_reply("UOTTO")
    sandbox.command("UHANA", "digest Senior Frontend Engineer")
    assert "No open role called “Senior Frontend Engineer”" in sandbox.last_reply("UHANA")
    assert len(summaries(sandbox)) == 3


def test_a_digest_for_a_channel_without_the_bot_says_what_to_do(sandbox: Sandbox) -> None:
    make_role(sandbox.app.db, sandbox.clock, channel=NO_BOT_CHANNEL)
    sandbox.command("UHANA", "digest")
    assert "Invite me with `/invite @Loopbot`" in sandbox.last_reply("UHANA")


class Killed(BaseException):
    """The replica dies mid-tick."""


class DiesOnDetails:
    """A notifier that dies when the first thread reply is about to go (after the summary went)."""

    def __init__(self, inner: Notifier) -> None:
        self.inner = inner

    def send(self, team_id: str, to: str, content: object, *, thread_ts: str | None = None) -> Sent:
        if isinstance(content, DigestDetail):
            raise Killed()
        return self.inner.send(team_id, to, content, thread_ts=thread_ts)

    def update(self, team_id: str, sent: Sent, content: object) -> None:
        self.inner.update(team_id, sent, content)

    def delete(self, team_id: str, sent: Sent) -> None:
        self.inner.delete(team_id, sent)


def test_a_replica_killed_between_summary_and_details_finishes_the_thread_later(sandbox: Sandbox) -> None:
    pipeline(sandbox)
    services = sandbox.app.services
    clock = FixedClock(utc(23, 9))
    digests = DigestService(services.db, clock, services.notifier)
    doomed = Dispatcher(
        services.db, clock, DiesOnDetails(services.notifier), [digests.source], replica="doomed"
    )
    with pytest.raises(Killed):
        doomed.tick()
    (summary,) = summaries(sandbox)
    assert thread(sandbox, summary) == []
    survivor = Dispatcher(services.db, clock, services.notifier, [digests.source], replica="survivor")
    assert survivor.tick().sent == 0  # the dead replica's claims still hold
    clock.set(utc(23, 9) + LEASE)
    assert survivor.tick().sent == 6
    assert len(summaries(sandbox)) == 1 and len(thread(sandbox, summary)) == 6
    assert survivor.tick().sent == 0


def test_a_digest_that_cannot_be_posted_is_reported(sandbox: Sandbox) -> None:
    role = make_role(sandbox.app.db, sandbox.clock)
    services = sandbox.app.services
    sandbox.fake.fail("chat.postMessage", "fatal_error")
    with pytest.raises(ExternalServiceError, match="fatal_error"):
        services.digests.post_now(Actor(TEAM, "UHANA"), role.id, "trigger-2")
    assert summaries(sandbox) == []
    with sandbox.app.db.uow(TEAM) as uow:
        row = uow.session.query(Notification).one()
        assert row.sent_at is None and row.last_error and "fatal_error" in row.last_error
