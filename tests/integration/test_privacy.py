"""Erasure on request and by retention, and the admin audit trail."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

from sqlalchemy import select

from bot.sandbox.harness import HIRING_CHANNEL, Sandbox
from hiring.clock import SystemClock
from scheduling.calendar_protocol import EventSpec
from storage.models import AvailabilityWindow, CalendarEvent, Candidate, Interview, Scorecard
from tests.factories import TEAM, make_booked_panel, make_candidate, make_role, make_scorecard


def setup_candidate(box: Sandbox) -> tuple[Candidate, Interview, Interview]:
    """Grace, with a past interview (scorecard in) and a future one booked in the calendar."""
    db, clock = box.app.db, box.clock
    start = clock.now()
    role = make_role(db, clock)
    candidate = make_candidate(
        db, clock, role, accommodations="Needs captions", private_accommodations="Medical detail"
    )
    with db.uow(TEAM) as uow:
        c = uow.candidates.get(candidate.id)
        assert c is not None
        c.notes = "Strong referral from Ada"
        c.links = "https://example.com/grace-cv"
        c.windows = [
            AvailabilityWindow(start_at=start + timedelta(days=3), end_at=start + timedelta(days=3, hours=4))
        ]
        uow.commit()
    past = make_booked_panel(db, clock, candidate, start=start - timedelta(days=2), interviewers=["USAM"])
    future = make_booked_panel(db, clock, candidate, start=start + timedelta(days=2), interviewers=["UJONAS"])
    past_iv, future_iv = past.interviews[0], future.interviews[0]
    make_scorecard(
        db, clock, past_iv, "USAM", ratings={}, evidence="Grace explained the outage clearly and calmly."
    )
    spec = EventSpec(
        event_id="lbpriva0c0ffee1",
        summary="Interview: Grace Hopper",
        description="Technical interview with Grace Hopper",
        start=future_iv.start_at,  # type: ignore[arg-type]
        end=future_iv.end_at,  # type: ignore[arg-type]
        attendees=("ujonas@example.com", "grace@example.com"),
    )
    box.app.services.calendar.book(TEAM, [spec])
    with db.uow(TEAM) as uow:
        row = uow.session.get(Interview, future_iv.id)
        assert row is not None
        row.event_id = spec.event_id
        uow.commit()
    box.app.services.candidates.announce(TEAM, candidate.id, "URITA")
    return candidate, past_iv, future_iv


def test_only_recruiters_and_admins_may_erase(sandbox: Sandbox) -> None:
    candidate, _, _ = setup_candidate(sandbox)
    for user in ("UOTTO", "UHANA", "USAM"):
        sandbox.command(user, "forget Grace Hopper")
        assert sandbox.fake.last_view(user) is None
    assert "Only the role's recruiters or a workspace admin" in sandbox.last_reply("UHANA")
    with sandbox.app.db.uow(TEAM) as uow:
        assert uow.candidates.get(candidate.id).name == "Grace Hopper"  # type: ignore[union-attr]


def test_erasure_blanks_personal_data_rewrites_messages_and_cancels_future_events(sandbox: Sandbox) -> None:
    candidate, past_iv, future_iv = setup_candidate(sandbox)
    sandbox.command("URITA", "forget Grace Hopper")
    view = sandbox.fake.last_view("URITA")
    assert view is not None and view["callback_id"] == "forget_modal"
    reply = sandbox.submit("URITA", {})
    assert reply.json()["errors"]["confirm"].startswith("Tick the box")
    with sandbox.app.db.uow(TEAM) as uow:
        assert uow.candidates.get(candidate.id).erased_at is None  # type: ignore[union-attr]

    assert sandbox.submit("URITA", {"confirm": ["erase"]}).status == 200
    db = sandbox.app.db
    with db.uow(TEAM) as uow:
        c = uow.candidates.get(candidate.id)
        assert c is not None and c.erased_at is not None
        assert (c.name, c.email, c.notes, c.links, c.accommodations, c.private_accommodations) == (
            f"Erased candidate #{c.id}",
            None,
            "",
            "",
            "",
            "",
        )
        assert c.windows == []
        cards = list(uow.session.scalars(select(Scorecard).where(Scorecard.candidate_id == c.id)))
        assert [card.evidence for card in cards] == [""]
        assert cards[0].status == "submitted"  # anonymous counts stay
        assert uow.session.get(Interview, future_iv.id).status == "cancelled"  # type: ignore[union-attr]
        assert uow.session.get(Interview, past_iv.id).status == "booked"  # type: ignore[union-attr]
        event = uow.session.get(CalendarEvent, "lbpriva0c0ffee1")
        assert event is not None and event.status == "cancelled"
        assert "Grace" not in event.summary + event.description
        assert "grace@example.com" not in str(event.attendees)
        actions = [e.action for e in uow.audit.for_candidate(c.id)]
        assert actions[-1] == "candidate.erased"
    channel_posts = sandbox.fake.posts(HIRING_CHANNEL)
    assert channel_posts and all("Grace" not in p.text + str(p.blocks) for p in channel_posts)
    assert any(p.history for p in channel_posts)
    summary = sandbox.fake.dms("URITA")[-1].text
    assert "1 message(s) rewritten" in summary and "1 future event(s) cancelled" in summary
    # The name is gone everywhere: it can no longer be found.
    sandbox.command("URITA", "status Grace Hopper")
    assert "No candidate called" in sandbox.last_reply("URITA")


def test_retention_erases_rejected_candidates_after_the_period(sandbox: Sandbox) -> None:
    db, clock = sandbox.app.db, sandbox.clock
    role = make_role(db, clock)
    old = make_candidate(db, clock, role, name="Old Rejected")
    recent = make_candidate(db, clock, role, name="Recent Rejected")
    active = make_candidate(db, clock, role, name="Still Active")
    with db.uow(TEAM) as uow:
        for cid, status, age in (
            (old.id, "rejected", 40),
            (recent.id, "rejected", 5),
            (active.id, "active", 90),
        ):
            c = uow.candidates.get(cid)
            assert c is not None
            c.status = status
            c.status_changed_at = clock.now() - timedelta(days=age)
        uow.commit()
    done = sandbox.app.services.privacy.retention_sweep(30)
    assert [e.candidate_id for e in done] == [old.id]
    assert sandbox.app.services.privacy.retention_sweep(30) == []
    with db.uow(TEAM) as uow:
        names = {c.id: c.name for c in uow.session.scalars(select(Candidate))}
    assert names == {
        old.id: f"Erased candidate #{old.id}",
        recent.id: "Recent Rejected",
        active.id: "Still Active",
    }


def test_audit_trail_is_for_admins_and_reading_it_is_audited(sandbox: Sandbox) -> None:
    candidate, _, _ = setup_candidate(sandbox)
    sandbox.command("UHANA", "feedback Grace Hopper")  # the hiring manager reads Sam's scorecard
    sandbox.command("URITA", "audit Grace Hopper")
    assert "Only a workspace admin" in sandbox.last_reply("URITA")
    sandbox.command("UADMIN", "audit Grace Hopper")
    blocks = str(sandbox.fake.ephemerals("UADMIN")[-1].blocks)
    assert "Audit trail for Grace Hopper" in blocks
    assert "<@UHANA>" in blocks and "scorecard.viewed" in blocks
    with sandbox.app.db.uow(TEAM) as uow:
        actions = [e.action for e in uow.audit.for_candidate(candidate.id)]
    assert actions[-1] == "audit.viewed"


def test_loopbot_forget_from_the_command_line(database_url: str) -> None:
    """The CLI runs on the real clock, so the test builds its dates from that same clock: the
    future interview is two days after the real now, whatever today is."""
    now = SystemClock().now().replace(second=0, microsecond=0)
    with Sandbox(database_url, start=now) as sandbox:
        candidate, _, _ = setup_candidate(sandbox)
        env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
        env |= {
            "DATABASE_URL": database_url,
            "SLACK_BOT_TOKEN": "xoxb-sandbox-token",
            "SLACK_SIGNING_SECRET": "cli-secret",
            "SLACK_API_URL": sandbox.fake.api_url,
        }
        command = [sys.executable, "-m", "bot.cli", "forget", "Grace Hopper", "--team", TEAM]
        refused = subprocess.run(command, env=env, input="no\n", capture_output=True, text=True, timeout=120)
        assert refused.returncode == 1 and "Nothing was erased" in refused.stdout
        done = subprocess.run([*command, "--yes"], env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        assert (
            f"Candidate #{candidate.id} erased: 1 message(s) rewritten, 1 future event(s) cancelled."
            in done.stdout
        )
        with sandbox.app.db.uow(TEAM) as uow:
            assert uow.candidates.get(candidate.id).erased_at is not None  # type: ignore[union-attr]
    assert not sandbox.fake.block_errors, sandbox.fake.block_errors
