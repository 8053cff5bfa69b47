"""A whole Loopbot on loopback: the real app and HTTP server, a simulated workspace, a movable clock.

Used by the integration tests, `loopbot demo` and the benchmarks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from bot.container import Loopbot, build
from bot.sandbox.driver import Reply, SlackDriver
from bot.sandbox.fake_slack import FakeSlack, MethodLimits
from bot.settings import Settings
from bot.web import WebApp, WebServer
from hiring.clock import FixedClock
from hiring.outbox import TickReport

SIGNING_SECRET = "sandbox-signing-secret"
BOT_TOKEN = "xoxb-sandbox-token"
START = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # a Monday morning
T = TypeVar("T")


@dataclass(frozen=True)
class Person:
    user_id: str
    name: str
    real_name: str
    tz: str


PEOPLE = (
    Person("UHANA", "hana", "Hana Manager", "Europe/London"),
    Person("URITA", "rita", "Rita Recruiter", "America/New_York"),
    Person("UADMIN", "ada", "Ada Admin", "Europe/London"),
    Person("UOTTO", "otto", "Otto Outsider", "Europe/Berlin"),
    Person("UPRIYA", "priya", "Priya Patel", "Asia/Kolkata"),
    Person("USAM", "sam", "Sam Smith", "Europe/London"),
    Person("UJONAS", "jonas", "Jonas Berg", "Europe/Berlin"),
    Person("ULEE", "lee", "Lee Chen", "America/New_York"),
    Person("UMIA", "mia", "Mia Rossi", "Europe/Rome"),
    Person("UNOAH", "noah", "Noah Kim", "America/Los_Angeles"),
    Person("UDORA", "dora", "Dora Director", "Europe/London"),
)
HIRING_CHANNEL = "CHIRING"
OTHER_CHANNEL = "CPLATFORM"
NO_BOT_CHANNEL = "CNOBOT"


def seed(fake: FakeSlack) -> None:
    """People and channels of the simulated workspace."""
    for p in PEOPLE:
        fake.add_user(p.user_id, p.name, real_name=p.real_name, tz=p.tz, is_admin=p.user_id == "UADMIN")
    fake.add_channel(HIRING_CHANNEL, "hiring-backend")
    fake.add_channel(OTHER_CHANNEL, "hiring-platform")
    fake.add_channel(NO_BOT_CHANNEL, "random", bot_is_member=False)
    fake.add_channel("CGENERAL", "general")


class Sandbox:
    """Start with `Sandbox(database_url).start()`; stop with `.stop()` (or use it as a context manager)."""

    def __init__(
        self,
        database_url: str,
        *,
        start: datetime = START,
        rate_limits: Mapping[str, MethodLimits] | None = None,
        **settings: Any,
    ) -> None:
        """`rate_limits`: the fake Slack enforces them (see `bot.sandbox.fake_slack.SLACK_LIMITS`)."""
        self.fake = FakeSlack(rate_limits=rate_limits)
        seed(self.fake)
        self.clock = FixedClock(start)
        self.database_url = database_url
        self.settings_overrides = settings
        self.loopbot: Loopbot | None = None
        self.server: WebServer | None = None

    def start(self) -> Sandbox:
        self.fake.start()
        values: dict[str, Any] = {
            "slack_bot_token": BOT_TOKEN,
            "slack_signing_secret": SIGNING_SECRET,
            "slack_api_url": self.fake.api_url,
            "database_url": self.database_url,
            "admins": ["UADMIN"],
            "default_timezone": "Europe/London",
            # One send at a time, unpaced: a tick's messages arrive in order and at once in tests.
            "slack_send_workers": 1,
            "slack_channel_spacing_seconds": 0.0,
        }
        values.update(self.settings_overrides)
        settings = Settings(_env_file=None, **values)  # type: ignore[call-arg]
        self.loopbot = build(settings, clock=self.clock)
        self.web = WebApp(self.loopbot)
        self.server = WebServer(self.web, "127.0.0.1", 0, threads=settings.web_threads).start()
        self.slack = SlackDriver(self.server.url + "/slack/events", SIGNING_SECRET, self.fake)
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
        if self.loopbot is not None:
            self.loopbot.close()
        self.fake.stop()

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- conveniences: act, then wait for the work done after the ack -------------------------
    @property
    def app(self) -> Loopbot:
        assert self.loopbot is not None
        return self.loopbot

    def idle(self, timeout: float = 15.0) -> None:
        if not self.app.wait_idle(timeout):
            raise TimeoutError("background work did not finish")

    def _after(self, result: T) -> T:
        """`result`, once the work it handed off after the ack is done."""
        self.idle()
        return result

    def command(self, user_id: str, text: str = "", **kw: Any) -> Reply:
        return self._after(self.slack.command(user_id, text, **kw))

    def submit(self, user_id: str, values: dict[str, Any], **kw: Any) -> Reply:
        return self._after(self.slack.submit(user_id, values, **kw))

    def click(self, user_id: str, action_id: str, value: str | None = None, **kw: Any) -> Reply:
        return self._after(self.slack.click(user_id, action_id, value, **kw))

    def enter(self, user_id: str, block_id: str, text: str, **kw: Any) -> Reply:
        return self._after(self.slack.enter(user_id, block_id, text, **kw))

    def event(self, event: dict[str, Any], **kw: Any) -> Reply:
        return self._after(self.slack.event(event, **kw))

    def advance(self, **delta: float) -> datetime:
        return self.clock.advance(timedelta(**delta))

    def tick(self) -> TickReport:
        """One scheduler tick at the sandbox clock's now (reminders, debriefs, digests), then wait
        for any work it handed off."""
        return self._after(self.app.engine.tick())

    def last_reply(self, user_id: str) -> str:
        """The text of the newest ephemeral reply the user saw."""
        replies = self.fake.ephemerals(user_id)
        if not replies:
            raise AssertionError(f"{user_id} saw no ephemeral reply")
        return replies[-1].text
