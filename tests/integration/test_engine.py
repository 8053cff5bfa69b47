"""The job runner (APScheduler as the clock) and the `loopbot worker` / `loopbot run` processes."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.engine import retention_job
from bot.sandbox.fake_slack import FakeSlack
from bot.sandbox.harness import BOT_TOKEN, SIGNING_SECRET, Sandbox, seed
from hiring.clock import FixedClock
from scheduling.jobs import DailyTrigger, JobRunner
from storage.models import Candidate
from storage.uow import Database
from tests.factories import TEAM, make_booked_panel, make_candidate, make_person, make_role


def wait_until(predicate: object, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met in time")
        time.sleep(0.05)


def test_daily_triggers_fire_in_their_own_time_zone() -> None:
    now = datetime(2026, 11, 23, 12, tzinfo=UTC)  # Monday
    new_york = DailyTrigger(tz="America/New_York", days="0,1,2,3,4", time="09:00").trigger()
    assert new_york is not None
    assert new_york.get_next_fire_time(None, now) == datetime(2026, 11, 23, 14, tzinfo=UTC)
    kolkata = DailyTrigger(tz="Asia/Kolkata", days="0,1,2,3,4", time="09:30").trigger()
    assert kolkata is not None
    assert kolkata.get_next_fire_time(None, now) == datetime(2026, 11, 24, 4, tzinfo=UTC)
    weekend = DailyTrigger(tz="Europe/London", days="5,6", time="10:00").trigger()
    assert weekend is not None
    assert weekend.get_next_fire_time(None, now) == datetime(2026, 11, 28, 10, tzinfo=UTC)
    assert DailyTrigger(tz="Mars/Base", days="0", time="09:00").trigger() is None
    assert DailyTrigger(tz="UTC", days="", time="09:00").trigger() is None
    assert DailyTrigger(tz="UTC", days="0", time="25:00").trigger() is None


def test_the_runner_ticks_at_once_then_periodically_and_keeps_daily_triggers_in_sync() -> None:
    ticked = threading.Event()
    calls: list[int] = []

    def tick() -> None:
        calls.append(1)
        if len(calls) >= 3:
            ticked.set()

    runner = JobRunner(tick, tick_seconds=0.1)
    runner.set_daily_triggers([DailyTrigger("Europe/London", "0,1,2,3,4", "09:00")])  # before start
    runner.start()
    try:
        assert ticked.wait(timeout=20), "the runner did not tick"
        assert set(runner.daily_jobs()) == {"daily:Europe/London:0,1,2,3,4:09:00"}
        runner.set_daily_triggers(
            [
                DailyTrigger("America/New_York", "0,1,2,3,4", "09:00"),
                DailyTrigger("Asia/Kolkata", "1", "08:00"),
            ]
        )
        jobs = runner.daily_jobs()
        assert set(jobs) == {"daily:America/New_York:0,1,2,3,4:09:00", "daily:Asia/Kolkata:1:08:00"}
        next_run = jobs["daily:America/New_York:0,1,2,3,4:09:00"]
        assert next_run is not None and next_run.astimezone(UTC).hour in (13, 14)  # 09:00 in New York
    finally:
        runner.shutdown()
    assert not runner.running
    count = len(calls)
    time.sleep(0.3)
    assert len(calls) == count  # stopped means stopped


def test_a_failing_tick_does_not_stop_the_runner() -> None:
    calls: list[int] = []

    def tick() -> None:
        calls.append(1)
        raise RuntimeError("database away")

    runner = JobRunner(tick, tick_seconds=0.1)
    runner.start()
    try:
        wait_until(lambda: len(calls) >= 3)
    finally:
        runner.shutdown()


# -- the real processes ------------------------------------------------------------------------------
@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    fake = FakeSlack()
    seed(fake)
    fake.start()
    yield fake
    fake.stop()


def overdue_interview(database_url: str) -> None:
    """An interview that ended two hours ago (real time) and an interviewer who works around the clock."""
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    db = Database(database_url)
    clock = FixedClock(now)
    make_person(db, clock, "USAM", tz="UTC", start="00:00", end="23:59", days="0,1,2,3,4,5,6")
    role = make_role(db, clock)
    candidate = make_candidate(db, clock, role)
    make_booked_panel(db, clock, candidate, start=now - timedelta(hours=2, minutes=30), interviewers=["USAM"])
    db.dispose()


def environment(database_url: str, fake: FakeSlack, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_", "TICK_"))}
    env.update(
        {
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": fake.api_url,
            "DATABASE_URL": database_url,
            "TICK_SECONDS": "1",
            "LOG_LEVEL": "WARNING",
        }
    )
    env.update(extra)
    return env


def nudged(fake: FakeSlack) -> bool:
    return any(m.text.startswith("Scorecard ") for m in fake.dms("USAM"))


def stop(process: subprocess.Popen[bytes], sig: int) -> int:
    process.send_signal(sig)
    try:
        return process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()


def start(command: str, cwd: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    """`loopbot <command>`, its output written to cwd/output.log (a pipe nobody reads while the process
    runs could fill up and block it)."""
    with open(cwd / "output.log", "wb") as output:
        return subprocess.Popen(
            [sys.executable, "-m", "bot.cli", command],
            cwd=cwd,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def test_loopbot_worker_runs_the_scheduler_until_sigterm(
    database_url: str, slack: FakeSlack, tmp_path: Path
) -> None:
    overdue_interview(database_url)
    process = start("worker", tmp_path, environment(database_url, slack, PORT="0", HOST="127.0.0.1"))
    try:
        port = listening_port(tmp_path / "output.log")
        slack.wait_for(lambda: nudged(slack), timeout=60)
        wait_until(lambda: ready(port), timeout=60)  # 503 while warming up (the first tick included)
        for path, expected in (("/healthz", '"ok": true'), ("/metrics", "loopbot_tick_seconds_count")):
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
                assert expected in response.read().decode()
        request = urllib.request.Request(f"http://127.0.0.1:{port}/slack/events", data=b"{}", method="POST")
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=10)
        assert refused.value.code == 404  # a worker serves no Slack requests
    finally:
        code = stop(process, signal.SIGTERM)
    output = (tmp_path / "output.log").read_text()
    assert code == 0, output
    assert "worker running" in output
    assert len([m for m in slack.dms("USAM") if m.text.startswith("Scorecard ")]) == 1


def ready(port: int) -> bool:
    """Whether `/healthz` answers 200 (it answers 503 while the process warms up)."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as response:
            return response.status == 200
    except urllib.error.HTTPError:
        return False


def listening_port(output: Path) -> int:
    """The port `loopbot run` says it listens on (it binds port 0: no race for a free port)."""
    found: list[int] = []

    def said() -> bool:
        match = re.search(r"listening on 127\.0\.0\.1:(\d+)", output.read_text())
        found.extend([int(match.group(1))] if match else [])
        return bool(found)

    wait_until(said, timeout=60)
    return found[0]


def test_loopbot_run_serves_slack_and_runs_the_scheduler_in_process(
    database_url: str, slack: FakeSlack, tmp_path: Path
) -> None:
    overdue_interview(database_url)
    process = start("run", tmp_path, environment(database_url, slack, PORT="0", HOST="127.0.0.1"))
    try:
        port = listening_port(tmp_path / "output.log")
        slack.wait_for(lambda: nudged(slack), timeout=60)
        wait_until(lambda: ready(port), timeout=60)
    finally:
        code = stop(process, signal.SIGTERM)
    output = (tmp_path / "output.log").read_text()
    assert code == 0, output


def test_extra_interval_jobs_run_alongside_the_tick() -> None:
    """The tick runs at once and the sweep periodically; when each runs is timed in
    benchmarks/timing_bench.py, not asserted here."""
    calls: list[str] = []
    runner = JobRunner(lambda: calls.append("tick"), tick_seconds=60)
    runner.add_interval("sweep", lambda: calls.append("sweep"), 0.1)
    runner.start()
    try:
        wait_until(lambda: calls.count("sweep") >= 2 and "tick" in calls)
    finally:
        runner.shutdown()
    assert calls.count("tick") == 1  # a 60 s tick ran once, at start, without waiting its period


def test_the_retention_sweep_runs_once_an_hour_across_replicas(sandbox: Sandbox) -> None:
    db, clock = sandbox.app.db, sandbox.clock
    role = make_role(db, clock)
    old = make_candidate(db, clock, role, name="Old Rejected")
    recent = make_candidate(db, clock, role, name="Recently Rejected")
    with db.uow(TEAM) as uow:
        for candidate, days in ((old, 40), (recent, 5)):
            row = uow.session.get(Candidate, candidate.id)
            assert row is not None
            row.status, row.status_changed_at = "rejected", clock.now() - timedelta(days=days)
        uow.commit()
    sweep, other_replica = retention_job(sandbox.app.services, 30), retention_job(sandbox.app.services, 30)
    sweep()
    with db.uow(TEAM) as uow:
        erased = {c.id: c.erased_at for c in uow.session.query(Candidate)}
    assert erased[old.id] is not None and erased[recent.id] is None
    with db.uow(TEAM) as uow:  # the other one is now past the retention period too...
        row = uow.session.get(Candidate, recent.id)
        assert row is not None
        row.status_changed_at = clock.now() - timedelta(days=31)
        uow.commit()
    other_replica()
    with db.uow(TEAM) as uow:
        row = uow.session.get(Candidate, recent.id)
        assert row is not None and row.erased_at is None  # ...but this hour was swept
    clock.advance(timedelta(hours=1))
    other_replica()
    with db.uow(TEAM) as uow:
        row = uow.session.get(Candidate, recent.id)
        assert row is not None and row.erased_at is not None
