"""Real `loopbot worker` / `loopbot run` processes killed or stopped in the middle of their work, on
SQLite and PostgreSQL: killed with SIGKILL mid-tick, a second worker takes the claims over once the
dead one's heartbeat stands still (not after the 5-minute lease); stopped with SIGTERM mid-tick, the
worker finishes its send in flight, gives the rest back and exits 0, and a restart sends the rest at
once; stopped with SIGTERM mid-request, the command is still answered. Every reminder goes out once.

The processes run on the real clock: the interviews are built from its now (as in test_engine.py)."""

from __future__ import annotations

import signal
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from bot.sandbox.driver import SlackDriver
from bot.sandbox.fake_slack import FakeSlack
from bot.sandbox.harness import SIGNING_SECRET
from hiring.clock import FixedClock
from storage.models import Notification, Replica
from storage.uow import Database
from tests.factories import make_booked_panel, make_candidate, make_person, make_role
from tests.integration.test_engine import environment, listening_port, slack, start, stop, wait_until

__all__ = ["slack"]  # the fake Slack fixture, shared with test_engine.py

REMINDERS = 19


def overdue_interviews(database_url: str, n: int = REMINDERS) -> None:
    """`n` interviews that ended two hours ago (real time), each with its own candidate, all with an
    interviewer who works around the clock: `n` scorecard requests are due now."""
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    db = Database(database_url)
    clock = FixedClock(now)
    make_person(db, clock, "USAM", tz="UTC", start="00:00", end="23:59", days="0,1,2,3,4,5,6")
    role = make_role(db, clock)
    for i in range(n):
        candidate = make_candidate(db, clock, role, name=f"Candidate {i:02d}")
        start_at = now - timedelta(hours=2, minutes=30) - timedelta(minutes=i)
        make_booked_panel(db, clock, candidate, start=start_at, interviewers=["USAM"])
    db.dispose()


def outbox(database_url: str) -> tuple[list[Notification], set[str]]:
    db = Database(database_url)
    try:
        with db.uow("") as uow:
            rows = list(uow.session.scalars(select(Notification)))
            replicas = set(uow.session.scalars(select(Replica.id)))
    finally:
        db.dispose()
    return rows, replicas


def requests_sent(database_url: str) -> int:
    """How many of the scorecard requests are marked sent."""
    rows, _ = outbox(database_url)
    return sum(1 for r in rows if r.kind == "scorecard_request" and r.sent_at is not None)


def exactly_once(fake: FakeSlack, database_url: str) -> list[Notification]:
    """Every message Slack got is one sent notification and the other way round; all requests sent."""
    rows, _ = outbox(database_url)
    sent = [r for r in rows if r.sent_at is not None]
    posted = [(m.channel, m.ts) for m in fake.messages if m.kind == "message"]
    assert len(posted) == len(sent), "a notification was posted twice (or posted and not recorded)"
    assert set(posted) == {(r.channel_id, r.message_ts) for r in sent}
    requests = [r for r in rows if r.kind == "scorecard_request"]
    assert len(requests) == REMINDERS and all(r.sent_at is not None for r in requests)
    texts = Counter(m.text for m in fake.messages if m.kind == "message")
    assert max(texts.values()) == 1, texts
    return requests


def test_a_worker_killed_mid_tick_is_taken_over_by_another_worker(
    database_url: str, slack: FakeSlack, tmp_path: Path
) -> None:
    overdue_interviews(database_url)
    env = environment(
        database_url,
        slack,
        PORT="0",
        HOST="127.0.0.1",
        REPLICA_TIMEOUT_SECONDS="6",
        SLACK_TIMEOUT_SECONDS="2",
    )
    slack.stall("chat.postMessage")  # the first send hangs: the worker is killed in the middle of it
    (tmp_path / "a").mkdir()
    doomed = start("worker", tmp_path / "a", env)
    try:
        slack.wait_for(lambda: slack.held("chat.postMessage") == 1, timeout=60)
        rows, replicas = outbox(database_url)
        claimed = [r for r in rows if r.kind == "scorecard_request"]
        assert len(claimed) == REMINDERS and len(replicas) == 1  # all claimed, none sent
        doomed.send_signal(signal.SIGKILL)
        doomed.wait(timeout=30)
    finally:
        if doomed.poll() is None:
            doomed.kill()
    slack.release()  # the dead worker's call is dropped unanswered: that message never went out
    killed_at = time.monotonic()
    (tmp_path / "b").mkdir()
    survivor = start("worker", tmp_path / "b", env)
    try:
        wait_until(lambda: requests_sent(database_url) == REMINDERS, timeout=90)
        took = time.monotonic() - killed_at
        time.sleep(2)  # two more ticks: nothing more goes out
    finally:
        code = stop(survivor, signal.SIGTERM)
    output = (tmp_path / "b" / "output.log").read_text()
    assert code == 0, output
    assert "stopped beating" in output, output
    requests = exactly_once(slack, database_url)
    assert len({r.claimed_by for r in requests}) == 1 and requests[0].claimed_by not in replicas
    print(f"all {REMINDERS} reminders delivered {took:.1f} s after the kill")


def test_sigterm_mid_tick_finishes_the_send_gives_the_rest_back_and_a_restart_sends_it(
    database_url: str, slack: FakeSlack, tmp_path: Path
) -> None:
    overdue_interviews(database_url)
    env = environment(database_url, slack, PORT="0", HOST="127.0.0.1", SHUTDOWN_GRACE_SECONDS="10")
    slack.stall("chat.postMessage", 1)  # a slow Slack: the first send takes 1 s, then goes out
    (tmp_path / "a").mkdir()
    worker = start("worker", tmp_path / "a", env)
    try:
        slack.wait_for(lambda: slack.held("chat.postMessage") == 1, timeout=60)
        worker.send_signal(signal.SIGTERM)
        signalled = time.monotonic()
        code = worker.wait(timeout=10)  # within SHUTDOWN_GRACE_SECONDS
        print(f"exited {time.monotonic() - signalled:.2f} s after SIGTERM")
    finally:
        if worker.poll() is None:
            worker.kill()
    assert code == 0, (tmp_path / "a" / "output.log").read_text()
    assert requests_sent(database_url) == 1  # the send in flight finished, and was marked
    rows, replicas = outbox(database_url)
    unsent = [r for r in rows if r.kind == "scorecard_request" and r.sent_at is None]
    assert replicas == set() and len(unsent) == REMINDERS - 1
    assert all(r.attempts == 0 for r in unsent)  # given back untried, nobody waits for a lease
    (tmp_path / "b").mkdir()
    restart = start("worker", tmp_path / "b", env)
    try:
        wait_until(lambda: requests_sent(database_url) == REMINDERS, timeout=60)
        time.sleep(2)
    finally:
        assert stop(restart, signal.SIGTERM) == 0
    exactly_once(slack, database_url)


def test_sigterm_mid_request_still_answers_the_command(
    database_url: str, slack: FakeSlack, tmp_path: Path
) -> None:
    env = environment(database_url, slack, PORT="0", HOST="127.0.0.1", SHUTDOWN_GRACE_SECONDS="10")
    process = start("run", tmp_path, env)
    try:
        port = listening_port(tmp_path / "output.log")
        driver = SlackDriver(f"http://127.0.0.1:{port}/slack/events", SIGNING_SECRET, slack)
        slack.stall("views.open", 1.5)  # the modal is on its way when SIGTERM arrives
        reply = driver.command("UHANA", "role")
        assert reply.status == 200
        slack.wait_for(lambda: slack.held("views.open") == 1, timeout=30)
        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
    assert code == 0, (tmp_path / "output.log").read_text()
    assert slack.last_view("UHANA") is not None  # the modal opened
