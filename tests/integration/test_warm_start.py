"""A started process is warm before it says it is ready, and a database at head starts without Alembic."""

from __future__ import annotations

import json
import logging
import threading
import urllib.error
import urllib.request

import pytest
from alembic.script import ScriptDirectory

from bot.container import Loopbot
from bot.sandbox.fake_slack import TEAM_ID
from bot.sandbox.harness import Sandbox
from bot.startup import start_warming, warm_up
from bot.web import WebApp, WebServer
from scheduling.jobs import JobRunner
from storage.database import alembic_config, at_head, current_revision, downgrade, head_revisions, upgrade
from storage.uow import Database


def get(url: str) -> tuple[int, dict[str, object]]:
    try:
        with urllib.request.urlopen(url, timeout=5) as reply:
            return reply.status, json.loads(reply.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def test_healthz_answers_503_warming_until_the_warm_up_is_done(sandbox: Sandbox) -> None:
    assert sandbox.loopbot is not None
    warm = threading.Event()
    server = WebServer(WebApp(sandbox.loopbot, warm=warm), "127.0.0.1", 0, threads=2).start()
    try:
        assert get(server.url + "/healthz") == (503, {"ok": False, "warming": True})
        warm.set()
        assert get(server.url + "/healthz") == (200, {"ok": True, "database": "up"})
    finally:
        server.stop()


def test_warm_up_seeds_and_parses_the_workspace_plans_before_any_command(sandbox: Sandbox) -> None:
    assert sandbox.loopbot is not None
    db = sandbox.loopbot.db
    with db.uow(TEAM_ID) as uow:
        assert uow.plans.all() == []
    assert start_warming(sandbox.loopbot, (TEAM_ID,), scheduler=False).wait(timeout=30)
    with db.uow(TEAM_ID) as uow:
        assert {p.source for p in uow.plans.all()} == {"builtin"}
        assert len(uow.plans.all()) >= 4
    sandbox.command("UHANA", "role")
    view = sandbox.fake.last_view("UHANA")
    assert view is not None and "Senior Backend (public-sector publishing)" in json.dumps(view)
    warm_up(sandbox.loopbot, ())  # no workspace known (multi-workspace mode): nothing to warm


def test_warm_up_pushes_one_signed_request_through_the_slack_endpoint_unseen(
    sandbox: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    assert sandbox.loopbot is not None
    web = WebApp(sandbox.loopbot)
    calls = len(sandbox.fake.calls)
    acks = ack_count(sandbox.loopbot)
    assert start_warming(sandbox.loopbot, (TEAM_ID,), scheduler=False, web=web).wait(timeout=30)
    sandbox.idle()
    assert ack_count(sandbox.loopbot) == acks + 1  # answered by the endpoint, as Slack's requests are
    assert b'loopbot_requests_total{kind="view_closed"} 1.0' in sandbox.loopbot.metrics.exposition()[1]
    # Nobody sees it: Slack is at most asked who the token is (Bolt's one auth.test), nothing posted.
    assert {c.method for c in sandbox.fake.calls[calls:]} <= {"auth.test"}
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING and r.name.startswith("bot")]


def ack_count(loopbot: Loopbot) -> float:
    """How many Slack requests the endpoint has answered (its ack histogram's count)."""
    text = loopbot.metrics.exposition()[1].decode()
    line = next(line for line in text.splitlines() if line.startswith("loopbot_ack_seconds_count"))
    return float(line.split()[-1])


def test_head_revisions_are_alembics_heads() -> None:
    assert head_revisions() == set(ScriptDirectory.from_config(alembic_config()).get_heads())


def test_upgrade_skips_alembic_at_head_and_brings_a_database_behind_to_head(database_url: str) -> None:
    db = Database(database_url)
    try:
        assert at_head(db.engine)
        upgrade(db.engine)  # at head already: nothing to do
        downgrade(db.engine, "0001")
        assert not at_head(db.engine)
        upgrade(db.engine)
        assert at_head(db.engine)
        assert {current_revision(db.engine)} == head_revisions()
        with db.uow("T1") as uow:
            assert uow.plans.all() == []
    finally:
        db.dispose()


def test_the_job_runner_says_when_its_first_tick_is_done() -> None:
    ticks: list[int] = []
    runner = JobRunner(lambda: ticks.append(1), tick_seconds=60)
    assert not runner.ticked.is_set()
    runner.start()
    try:
        assert runner.ticked.wait(timeout=30)
        assert ticks == [1]
    finally:
        runner.shutdown()
