"""Scheduling links' service (`hiring/scheduling/links.py`) on SQLite and PostgreSQL, with the real app
and the loopback Slack: issue, list, revoke, open, expiry by the clock, rate limits, erasure, and the
notices when the candidate acts."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.sandbox.harness import Sandbox
from hiring.errors import Conflict, NotFound, PermissionDenied
from hiring.permissions import Actor
from hiring.scheduling.links import CandidateAction, OpenLink, token_hash
from storage.models import Candidate, LinkAction, Role, SchedulingLink
from tests.factories import TEAM, make_candidate, make_role

RITA = Actor(team_id=TEAM, user_id="URITA")
HANA = Actor(team_id=TEAM, user_id="UHANA")
PRIYA = Actor(team_id=TEAM, user_id="UPRIYA")


def announced_candidate(sandbox: Sandbox, **kw: object) -> tuple[Role, Candidate]:
    """A role (UHANA hiring manager, URITA recruiter) and Grace Hopper, announced in #hiring."""
    db, clock = sandbox.app.db, sandbox.clock
    role = make_role(db, clock)
    candidate = make_candidate(db, clock, role, **kw)  # type: ignore[arg-type]
    sandbox.app.services.candidates.announce(TEAM, candidate.id, "URITA")
    return role, candidate


def test_a_link_has_a_long_random_token_stored_only_hashed_and_lasts_the_roles_days(sandbox: Sandbox) -> None:
    _, grace = announced_candidate(sandbox)
    links = sandbox.app.services.links
    issued = links.issue(RITA, grace.id)
    assert len(issued.token) >= 43  # 32 random bytes, base64url: 256 bits
    assert issued.url == f"http://localhost:3000/candidate/{issued.token}"
    assert issued.expires_at == sandbox.clock.now() + timedelta(days=7)
    assert (issued.candidate_name, issued.candidate_email) == ("Grace Hopper", "grace@example.com")
    with sandbox.app.db.uow(TEAM) as uow:
        rows = list(uow.session.scalars(select(SchedulingLink)))
        audit = [e for e in uow.audit.all() if e.action.startswith("link.")]
    assert [r.token_hash for r in rows] == [hashlib.sha256(issued.token.encode()).hexdigest()]
    assert issued.token not in str([(r.token_hash, r.stage_key) for r in rows])
    assert issued.token not in str([(e.before, e.after) for e in audit])
    assert [e.action for e in audit] == ["link.issued"]

    # A second link (three days) leaves the first one working.
    second = links.issue(HANA, grace.id, days=3)
    assert second.token != issued.token and second.expires_at == sandbox.clock.now() + timedelta(days=3)
    listed = links.listed(TEAM, grace.id)
    assert [(v.link_id, v.state, v.created_by) for v in listed] == [
        (second.link_id, "active", "UHANA"),
        (issued.link_id, "active", "URITA"),
    ]
    assert listed[0].stage_label == issued.stage_label


def test_only_the_hiring_manager_recruiters_or_admins_issue_and_revoke(sandbox: Sandbox) -> None:
    _, grace = announced_candidate(sandbox)
    links = sandbox.app.services.links
    with pytest.raises(PermissionDenied):
        links.issue(PRIYA, grace.id)
    issued = links.issue(Actor(TEAM, "UADMIN", is_admin=True), grace.id)
    with pytest.raises(PermissionDenied):
        links.revoke(PRIYA, issued.link_id)
    with pytest.raises(NotFound):
        links.revoke(Actor("TOTHER", "URITA"), issued.link_id)  # another workspace sees nothing
    assert links.listed(TEAM, grace.id)[0].state == "active"


def test_open_refuses_wrong_expired_and_revoked_tokens_and_records_use(sandbox: Sandbox) -> None:
    role, grace = announced_candidate(sandbox)
    links = sandbox.app.services.links
    issued = links.issue(RITA, grace.id, days=2)
    assert links.open("x" * 43) is None and links.open("") is None and links.open("y" * 5000) is None
    opened = links.open(issued.token)
    assert opened == OpenLink(
        link_id=issued.link_id,
        team_id=TEAM,
        candidate_id=grace.id,
        stage_key=grace.stage_key,
        expires_at=issued.expires_at,
        role_id=role.id,
        cancel_cutoff_hours=24,
    )
    assert links.listed(TEAM, grace.id)[0].last_used_at == sandbox.clock.now()

    sandbox.advance(days=2)  # expiry is exclusive: at expires_at it no longer opens
    assert links.open(issued.token) is None
    assert links.listed(TEAM, grace.id)[0].state == "expired"

    fresh = links.issue(RITA, grace.id)
    links.revoke(HANA, fresh.link_id)
    links.revoke(HANA, fresh.link_id)  # twice: nothing more happens
    assert links.open(fresh.token) is None
    assert [v.state for v in links.listed(TEAM, grace.id)] == ["revoked", "expired"]
    with sandbox.app.db.uow(TEAM) as uow:
        assert [e.action for e in uow.audit.all() if e.action.startswith("link.")] == [
            "link.issued",
            "link.issued",
            "link.revoked",
        ]


def test_a_link_stops_opening_when_the_candidate_leaves_its_stage_or_the_process(sandbox: Sandbox) -> None:
    _, grace = announced_candidate(sandbox)
    links = sandbox.app.services.links
    issued = links.issue(RITA, grace.id)
    with sandbox.app.db.uow(TEAM) as uow:
        row = uow.candidates.get(grace.id)
        assert row is not None
        row.status = "rejected"
        uow.commit()
    assert links.open(issued.token) is None
    with pytest.raises(Conflict):
        links.issue(RITA, grace.id)


def test_attempts_are_limited_per_key_in_the_database(sandbox: Sandbox) -> None:
    links = sandbox.app.services.links
    token_key = f"token:{token_hash('abc')}"
    assert [links.allow_attempt(token_key, limit=3, per_seconds=60) for _ in range(4)] == [
        True,
        True,
        True,
        False,
    ]
    assert links.allow_attempt("addr:127.0.0.1", limit=3, per_seconds=60)  # another key counts alone
    sandbox.advance(seconds=30)
    assert not links.allow_attempt(token_key, limit=3, per_seconds=60)
    sandbox.advance(seconds=31)  # the window started 61 s ago: a new one begins
    assert links.allow_attempt(token_key, limit=3, per_seconds=60)
    assert links.allow_attempt("addr:" + "f" * 300, limit=1, per_seconds=60)  # long keys are hashed
    assert not links.allow_attempt("addr:" + "f" * 300, limit=1, per_seconds=60)


def test_erasing_the_candidate_deletes_their_links(sandbox: Sandbox) -> None:
    _, grace = announced_candidate(sandbox)
    links = sandbox.app.services.links
    issued = links.issue(RITA, grace.id)
    opened = links.open(issued.token)
    assert opened is not None
    links.candidate_acted(opened, CandidateAction.asked_for_accommodations("A quiet room, please"))
    sandbox.app.services.privacy.forget(RITA, grace.id)
    assert links.open(issued.token) is None
    assert links.listed(TEAM, grace.id) == []
    with sandbox.app.db.uow(TEAM) as uow:
        assert list(uow.session.scalars(select(SchedulingLink))) == []
        assert list(uow.session.scalars(select(LinkAction))) == []
    assert links.due(sandbox.clock.now()) == []


def test_what_the_candidate_did_reaches_the_channel_thread_the_recruiter_and_the_manager(
    sandbox: Sandbox,
) -> None:
    _, grace = announced_candidate(sandbox, name="Grace <!channel> Hopper")
    links = sandbox.app.services.links
    issued = links.issue(RITA, grace.id)
    opened = links.open(issued.token)
    assert opened is not None
    [announcement] = sandbox.fake.posts("CHIRING")
    start = sandbox.clock.now() + timedelta(days=2)
    links.candidate_acted(opened, CandidateAction.booked(((start, start + timedelta(hours=1)),)))
    links.candidate_acted(
        opened, CandidateAction.gave_availability("Tue 09:00–12:00, Wed afternoons", "<@UHANA> *soon* & <b>")
    )
    replies = [p for p in sandbox.fake.posts("CHIRING") if p.thread_ts == announcement.ts]
    assert len(replies) == 2
    assert "booked their interviews" in replies[0].text and "<!channel>" not in str(replies[0].blocks)
    assert "&lt;!channel&gt;" in str(replies[0].blocks)
    body = str(replies[1].blocks)
    assert "&lt;@UHANA&gt;" in body and "&amp;" in body and "&lt;b&gt;" in body
    assert "Tue 09:00–12:00, Wed afternoons" in body
    for person in ("URITA", "UHANA"):
        dms = sandbox.fake.dms(person)
        assert [("booked" in d.text, "availability" in d.text) for d in dms] == [(True, False), (False, True)]
    assert sandbox.fake.dms("UPRIYA") == []
    assert links.listed(TEAM, grace.id)[0].state == "used"
    assert links.open(issued.token) is not None  # a used link still opens (to reschedule or cancel)


def test_without_a_candidate_message_the_channel_gets_a_message_of_its_own(sandbox: Sandbox) -> None:
    db, clock = sandbox.app.db, sandbox.clock
    grace = make_candidate(db, clock, make_role(db, clock))  # never announced in the channel
    links = sandbox.app.services.links
    opened = links.open(links.issue(RITA, grace.id).token)
    assert opened is not None
    links.candidate_acted(opened, CandidateAction.cancelled("Found another job, thank you!"))
    [post] = sandbox.fake.posts("CHIRING")
    assert post.thread_ts is None and "cancelled their interviews" in post.text
    assert "Senior Backend Engineer" in str(post.blocks) and "Found another job" in str(post.blocks)
    assert len(sandbox.fake.dms("URITA")) == len(sandbox.fake.dms("UHANA")) == 1


def test_a_notice_that_failed_to_send_is_sent_by_a_later_tick_once(sandbox: Sandbox) -> None:
    _, grace = announced_candidate(sandbox)
    links = sandbox.app.services.links
    opened = links.open(links.issue(RITA, grace.id).token)
    assert opened is not None
    start = sandbox.clock.now() + timedelta(days=3)
    sandbox.fake.fail("chat.postMessage", "channel_not_found")  # the thread reply fails once
    links.candidate_acted(opened, CandidateAction.rescheduled(((start, start + timedelta(minutes=45)),)))
    [announcement] = sandbox.fake.posts("CHIRING")
    assert [p for p in sandbox.fake.posts("CHIRING") if p.thread_ts] == []
    sandbox.advance(minutes=2)  # past the first retry's backoff
    sandbox.tick()
    sandbox.tick()
    [reply] = [p for p in sandbox.fake.posts("CHIRING") if p.thread_ts == announcement.ts]
    assert "moved their interviews" in reply.text
    assert len(sandbox.fake.dms("URITA")) == len(sandbox.fake.dms("UHANA")) == 1


def test_an_accommodations_request_is_quoted_to_the_managers_only_never_in_the_channel(
    sandbox: Sandbox,
) -> None:
    _, grace = announced_candidate(sandbox)
    links = sandbox.app.services.links
    opened = links.open(links.issue(RITA, grace.id).token)
    assert opened is not None
    [announcement] = sandbox.fake.posts("CHIRING")
    links.candidate_acted(opened, CandidateAction.asked_for_accommodations("Medical detail: a quiet room"))
    [reply] = [p for p in sandbox.fake.posts("CHIRING") if p.thread_ts == announcement.ts]
    assert "asked for accommodations" in reply.text
    assert "Medical detail" not in str(reply.blocks) and "recruiters and the hiring manager only" in str(
        reply.blocks
    )
    for manager in ("URITA", "UHANA"):
        assert "Medical detail: a quiet room" in str([m.blocks for m in sandbox.fake.dms(manager)])
