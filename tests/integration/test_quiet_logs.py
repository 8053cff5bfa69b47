"""Start-up and ticks log what an operator needs, not library chatter."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from bot.observability import configure_logging
from bot.sandbox.fake_slack import FakeSlack
from bot.sandbox.harness import BOT_TOKEN, Sandbox
from bot.slack_client import make_client


def test_no_notice_about_token_and_client_at_start(
    database_url: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-from-the-environment")  # as in production
    with caplog.at_level(logging.INFO), Sandbox(database_url):
        pass
    assert not [r for r in caplog.records if r.name.startswith("slack_bolt")], caplog.text


@pytest.fixture
def own_logging() -> Iterator[None]:
    """A test that sets logging up as start-up does; everything it changed is put back after."""
    root = logging.getLogger()
    handlers, root_level = root.handlers[:], root.level
    try:
        yield
    finally:
        root.handlers[:] = handlers
        root.setLevel(root_level)
        for name in ("apscheduler.executors", "slack_sdk.web.base_client"):
            logging.getLogger(name).setLevel(logging.NOTSET)


@pytest.mark.parametrize(("level", "shown"), [("INFO", False), ("DEBUG", True)])
def test_job_runs_are_logged_only_at_debug(level: str, shown: bool, own_logging: None) -> None:
    configure_logging(level, "text", [])
    assert logging.getLogger("apscheduler.executors.default").isEnabledFor(logging.INFO) is shown
    assert logging.getLogger("bot.engine").isEnabledFor(logging.INFO)


class Watched(str):
    """Text that counts how often it is formatted with repr(), as a debug line formats a call's body."""

    formatted = 0

    def __repr__(self) -> str:
        Watched.formatted += 1
        return super().__repr__()


@pytest.mark.parametrize(("level", "formatted"), [("INFO", False), ("DEBUG", True)])
def test_slack_calls_are_formatted_for_the_log_only_at_debug(
    level: str, formatted: bool, own_logging: None
) -> None:
    configure_logging(level, "text", [])
    Watched.formatted = 0
    with FakeSlack() as fake:
        fake.add_channel("CLOGS", "logs")
        make_client(BOT_TOKEN, fake.api_url).chat_postMessage(channel="CLOGS", text=Watched("hello"))
        assert [post.text for post in fake.posts("CLOGS")] == ["hello"]
    assert (Watched.formatted > 0) is formatted
