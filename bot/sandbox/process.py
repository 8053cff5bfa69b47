"""Loopbot (or a bare Bolt app) served from its own process, talking to the simulated workspace.

Load tests and benchmarks use it so the server has its own interpreter (and GIL) and memory.
"""

from __future__ import annotations

import os
import subprocess
import sys

import psutil

from bot.sandbox.driver import SlackDriver
from bot.sandbox.fake_slack import FakeSlack
from bot.sandbox.harness import BOT_TOKEN, SIGNING_SECRET


class ServerProcess:
    """`python -m bot.sandbox.serve` on a free port; stopped by closing its standard input."""

    def __init__(
        self, fake: FakeSlack, database_url: str, *, bare: bool = False, env: dict[str, str] | None = None
    ) -> None:
        environment = dict(os.environ)
        environment.update(
            {
                "SLACK_BOT_TOKEN": BOT_TOKEN,
                "SLACK_SIGNING_SECRET": SIGNING_SECRET,
                "SLACK_API_URL": fake.api_url,
                "DATABASE_URL": database_url,
                "DEFAULT_TIMEZONE": "Europe/London",
                "LOG_LEVEL": "ERROR",
            }
        )
        environment.update(env or {})
        command = [sys.executable, "-m", "bot.sandbox.serve", *(["--bare"] if bare else [])]
        self.process = subprocess.Popen(
            command, env=environment, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line.startswith("PORT "):
            self.process.kill()
            raise RuntimeError(f"server did not start: {line!r}")
        self.url = f"http://127.0.0.1:{int(line.split()[1])}/slack/events"
        self.driver = SlackDriver(self.url, SIGNING_SECRET, fake)

    def rss_mb(self) -> float:
        return float(psutil.Process(self.process.pid).memory_info().rss / 2**20)

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        assert self.process.stdin is not None
        self.process.stdin.close()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
