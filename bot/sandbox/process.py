"""Loopbot (or a bare Bolt app) served from its own process, talking to the simulated workspace.

Load tests and benchmarks use it so the server has its own interpreter (and GIL) and memory.
`ServerProcess` runs `python -m bot.sandbox.serve`; `LoopbotRun` runs the real `loopbot run`
console script, as users run it (scheduler on, production logging).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import IO

import psutil

from bot.sandbox.driver import SlackDriver
from bot.sandbox.fake_slack import FakeSlack
from bot.sandbox.harness import BOT_TOKEN, SIGNING_SECRET

ROOT = Path(__file__).resolve().parents[2]  # the code the child processes run
# Settings of the parent's environment that would change what the child serves.
UNSET = ("SLACK_APP_TOKEN", "SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "LOG_FORMAT", "PORT", "HOST")


def child_environment(fake: FakeSlack, database_url: str, env: dict[str, str] | None) -> dict[str, str]:
    """The parent's environment with the simulated workspace's settings, running this tree's code."""
    environment = {k: v for k, v in os.environ.items() if k not in UNSET}
    environment.update(
        {
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": fake.api_url,
            "DATABASE_URL": database_url,
            "DEFAULT_TIMEZONE": "Europe/London",
            "LOG_LEVEL": "ERROR",
            "PYTHONPATH": os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]),
        }
    )
    environment.update(env or {})
    return environment


class Served:
    """A server process and a driver signing requests to it."""

    process: subprocess.Popen[str]
    driver: SlackDriver

    def connect(self, fake: FakeSlack, port: int) -> None:
        self.url = f"http://127.0.0.1:{port}/slack/events"
        self.driver = SlackDriver(self.url, SIGNING_SECRET, fake)

    def rss_mb(self) -> float:
        return float(psutil.Process(self.process.pid).memory_info().rss / 2**20)

    def cpu_seconds(self) -> float:
        """User and system CPU time the process has used so far (all its threads)."""
        times = psutil.Process(self.process.pid).cpu_times()
        return float(times.user + times.system)

    def stop(self) -> None:
        """Stop the process (again: nothing)."""
        raise NotImplementedError


class ServerProcess(Served):
    """`python -m bot.sandbox.serve` on a free port; stopped by closing its standard input.

    `bare` serves a bare Bolt app instead of Loopbot (`user` or `matched`, see bot/sandbox/serve.py);
    its log (standard error) goes to `log_file` when given."""

    def __init__(
        self,
        fake: FakeSlack,
        database_url: str,
        *,
        bare: str | None = None,
        env: dict[str, str] | None = None,
        log_file: Path | None = None,
    ) -> None:
        environment = child_environment(fake, database_url, env)
        command = [sys.executable, "-m", "bot.sandbox.serve", *(["--bare", bare] if bare else [])]
        self.log: IO[str] | None = log_file.open("w") if log_file else None
        self.process = subprocess.Popen(
            command,
            env=environment,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line.startswith("PORT "):
            self.process.kill()
            raise RuntimeError(f"server did not start: {line!r}")
        self.connect(fake, int(line.split()[1]))

    def stop(self) -> None:
        if self.process.poll() is None:
            assert self.process.stdin is not None
            self.process.stdin.close()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
        if self.log is not None:
            self.log.close()


LISTENING = re.compile(r"listening on 127\.0\.0\.1:(\d+)")


def loopbot_script() -> str:
    """The `loopbot` console script of this interpreter's environment (else the one on PATH)."""
    beside = Path(sys.executable).with_name("loopbot")
    found = str(beside) if beside.exists() else shutil.which("loopbot")
    if found is None:
        raise RuntimeError("no `loopbot` console script: pip install -e . first")
    return found


class LoopbotRun(Served):
    """`loopbot run` on a free port (`PORT=0`, the port read from its log), scheduler on, logging at
    INFO in the default format to `log_file`; stopped with SIGTERM, as a platform stops it."""

    def __init__(
        self, fake: FakeSlack, database_url: str, log_file: Path, *, env: dict[str, str] | None = None
    ) -> None:
        environment = child_environment(fake, database_url, {"LOG_LEVEL": "INFO", **(env or {})})
        environment.update({"HOST": "127.0.0.1", "PORT": "0"})
        self.log_file = log_file
        self.log = log_file.open("w")
        self.process = subprocess.Popen(
            [loopbot_script(), "run"],
            env=environment,
            cwd=log_file.parent,  # no stray .env file
            stdin=subprocess.DEVNULL,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.connect(fake, self.wait_for_port(timeout=60))

    def wait_for_port(self, timeout: float) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = LISTENING.search(self.log_file.read_text())
            if found:
                return int(found.group(1))
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"loopbot run did not start: {self.log_file.read_text()[-2000:]}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
