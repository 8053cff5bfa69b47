"""Faults: Slack rate limits and errors, PostgreSQL connections cut mid-flight. Nothing is lost,
nothing is duplicated, and the user is told what happened."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import create_engine, select, text

from bot.sandbox.harness import HIRING_CHANNEL, Sandbox
from storage.models import AuditEvent, Role


def open_role_modal(box: Sandbox, user: str = "UHANA") -> dict[str, object]:
    box.command(user, "role")
    view = box.fake.last_view(user)
    assert view is not None
    plan = next(b for b in view["blocks"] if b["block_id"] == "plan")["element"]["options"][0]["value"]
    return {
        "title": "Backend Engineer",
        "channel": HIRING_CHANNEL,
        "hiring_manager": "UHANA",
        "plan": plan,
        "timezone": "Europe/London",
    }


def test_rate_limited_and_failing_slack_calls_are_retried_once_each(sandbox: Sandbox) -> None:
    sandbox.fake.fail("views.open", "internal_error", status=500)
    values = open_role_modal(sandbox)
    assert len(sandbox.fake.calls_to("views.open")) == 2  # one 500, one success
    sandbox.fake.fail("chat.postMessage", "ratelimited", status=429, retry_after=1)
    sandbox.submit("UHANA", values)
    assert len(sandbox.fake.calls_to("chat.postMessage")) == 2
    assert len(sandbox.fake.posts(HIRING_CHANNEL)) == 1


def test_a_channel_lost_after_validation_is_explained_and_the_role_kept(sandbox: Sandbox) -> None:
    values = open_role_modal(sandbox)
    sandbox.fake.fail("chat.postMessage", "not_in_channel")
    sandbox.submit("UHANA", values)
    with sandbox.app.db.uow("T0LOOPBOT") as uow:
        assert [r.title for r in uow.session.scalars(select(Role))] == ["Backend Engineer"]
    assert "not a member of that channel" in sandbox.fake.dms("UHANA")[-1].text


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_postgres_connections_cut_mid_flight_lose_and_duplicate_nothing(
    sandbox: Sandbox, database_url: str
) -> None:
    """Submissions race a killer that terminates every backend of the database: each submission
    either lands whole (role, audit event, one announcement) or is refused with a message; a resubmit
    then lands it. No half-written role, no double post."""
    from sqlalchemy.engine import make_url

    values = open_role_modal(sandbox)
    admin = create_engine(make_url(database_url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    name = make_url(database_url).database
    stop = threading.Event()

    def killer() -> None:
        with admin.connect() as conn:
            while not stop.is_set():
                conn.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :d AND pid <> pg_backend_pid()"
                    ),
                    {"d": name},
                )
                time.sleep(0.05)

    thread = threading.Thread(target=killer, daemon=True)
    thread.start()
    outcomes = []
    try:
        for i in range(15):
            sandbox.command("UHANA", "role")
            view = sandbox.fake.last_view("UHANA")
            reply = sandbox.submit("UHANA", values | {"title": f"Role {i}"}, view=view)
            outcomes.append((i, view, reply.status, reply.body))
    finally:
        stop.set()
        thread.join()
        admin.dispose()
    assert all(status == 200 for _, _, status, _ in outcomes)
    # Resubmit the ones that were refused: now they land, exactly once.
    for i, view, _, body in outcomes:
        if body:
            assert "errors" in body
            retry = sandbox.submit("UHANA", values | {"title": f"Role {i}"}, view=view)
            assert retry.body == "", retry.body
    with sandbox.app.db.uow("T0LOOPBOT") as uow:
        titles = sorted(r.title for r in uow.session.scalars(select(Role)))
        audits = [e for e in uow.session.scalars(select(AuditEvent)) if e.action == "role.created"]
    assert titles == sorted(f"Role {i}" for i in range(15))
    assert len(audits) == 15
    posts = [p.text for p in sandbox.fake.posts(HIRING_CHANNEL)]
    assert sorted(posts) == sorted(set(posts)) and len(posts) <= 15
