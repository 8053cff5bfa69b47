"""Start-up and ticks log what an operator needs, not library chatter."""

from __future__ import annotations

import logging

import pytest

from bot.observability import configure_logging
from bot.sandbox.harness import Sandbox


def test_no_notice_about_token_and_client_at_start(
    database_url: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-from-the-environment")  # as in production
    with caplog.at_level(logging.INFO), Sandbox(database_url):
        pass
    assert not [r for r in caplog.records if r.name.startswith("slack_bolt")], caplog.text


@pytest.mark.parametrize(("level", "shown"), [("INFO", False), ("DEBUG", True)])
def test_job_runs_are_logged_only_at_debug(level: str, shown: bool) -> None:
    root = logging.getLogger()
    handlers, root_level = root.handlers[:], root.level
    try:
        configure_logging(level, "text", [])
        assert logging.getLogger("apscheduler.executors.default").isEnabledFor(logging.INFO) is shown
        assert logging.getLogger("bot.engine").isEnabledFor(logging.INFO)
    finally:
        root.handlers[:] = handlers
        root.setLevel(root_level)
        logging.getLogger("apscheduler.executors").setLevel(logging.NOTSET)
