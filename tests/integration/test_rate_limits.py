"""Slack's rate limits: the fake enforces them as Slack does (429, `ratelimited`, `Retry-After` in whole
seconds), and the app's send path waits them out per channel and still delivers every item once."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timedelta

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.sandbox.fake_slack import SLACK_LIMITS, FakeSlack, Limit, MethodLimits
from bot.sandbox.harness import BOT_TOKEN, START, Sandbox
from bot.slack_client import make_client
from handlers.slack_gateway import SlackNotifier
from hiring.clock import FixedClock
from hiring.errors import RateLimited
from hiring.outbox import BACKOFF, Dispatcher, Due, TickReport, sent_keys
from hiring.ports import Sent
from hiring.privacy.erasure import ErasedNotice
from storage.uow import Database

HOME = {"type": "home", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Home"}}]}


class ManualClock:
    """The fake's clock, moved by hand (seconds)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    yield database
    database.dispose()


def raw_client(fake: FakeSlack) -> WebClient:
    """A client without retry handlers: it sees Slack's answers as they are."""
    client = WebClient(token=BOT_TOKEN, base_url=fake.api_url)
    client.retry_handlers = []
    return client


def refused(call: Callable[[], object]) -> tuple[int, str | None, object]:
    with pytest.raises(SlackApiError) as caught:
        call()
    response = caught.value.response
    return response.status_code, response.headers.get("Retry-After"), response.data


def test_the_fake_answers_429_with_retry_after_beyond_a_channels_limit() -> None:
    clock = ManualClock()
    with FakeSlack(rate_limits=SLACK_LIMITS, clock=clock) as fake:
        fake.add_channel("CONE", "one")
        fake.add_channel("CTWO", "two")
        client = raw_client(fake)
        for _ in range(SLACK_LIMITS["chat.postMessage"].per_target.burst):  # type: ignore[union-attr]
            client.chat_postMessage(channel="CONE", text="hi")
        post = lambda: client.chat_postMessage(channel="CONE", text="one too many")  # noqa: E731
        assert refused(post) == (429, "1", {"ok": False, "error": "ratelimited"})
        assert client.chat_postMessage(channel="CTWO", text="another channel")["ok"]  # not limited
        clock.now += 1.0
        assert client.chat_postMessage(channel="CONE", text="a second later")["ok"]
        assert len(fake.posts("CONE")) == 4


def test_conversations_open_is_tier_3_and_views_publish_tier_4() -> None:
    clock = ManualClock()
    with FakeSlack(rate_limits=SLACK_LIMITS, clock=clock) as fake:
        for n in range(30):
            fake.add_user(f"U{n:03d}", f"person {n}")
        client = raw_client(fake)
        for n in range(10):  # Tier 3's burst
            client.conversations_open(users=f"U{n:03d}")
        status, retry_after, _ = refused(lambda: client.conversations_open(users="U010"))
        assert (status, retry_after) == (429, "2")  # 50 a minute: the next token in 1.2 s, said as 2
        for n in range(20):  # Tier 4's burst
            client.views_publish(user_id=f"U{n:03d}", view=HOME)
        status, retry_after, _ = refused(lambda: client.views_publish(user_id="U029", view=HOME))
        assert (status, retry_after) == (429, "1")
        clock.now += 2.0
        assert client.conversations_open(users="U010")["ok"]


def due_items(channels: Iterable[str], per_channel: int) -> list[Due]:
    return [
        Due("T0LOOPBOT", f"limit:{c}:{i:02d}", "test", c, ErasedNotice(candidate_id=i))
        for c in channels
        for i in range(per_channel)
    ]


def source_of(items: list[Due]) -> Callable[[datetime], list[Due]]:
    return lambda now: items


def test_a_429_is_waited_out_and_every_item_is_delivered_exactly_once(db: Database) -> None:
    # A channel allows three at once and then one a second; the app is told not to pace itself, so
    # Slack refuses it and the client waits each Retry-After before trying again.
    limits = {"chat.postMessage": MethodLimits(per_target=Limit(1.0, 3))}
    with FakeSlack(rate_limits=limits) as fake:
        fake.add_channel("CBUSY", "busy")
        fake.add_channel("CQUIET", "quiet")
        client = make_client(BOT_TOKEN, fake.api_url)
        items = due_items(["CBUSY"], 5) + due_items(["CQUIET"], 2)
        dispatcher = Dispatcher(
            db, FixedClock(START), SlackNotifier(lambda team: client), [source_of(items)], send_workers=4
        )
        report = dispatcher.tick()
        assert (report.sent, report.failed, report.deferred) == (7, 0, 0)
        assert fake.limiter is not None and fake.limiter.refused  # Slack did say 429
        assert len(fake.posts("CBUSY")) == 5
        assert len(fake.posts("CQUIET")) == 2
        assert len(sent_keys(db, "limit:")) == 7
        assert dispatcher.tick().sent == 0  # nothing twice


def test_paced_sends_stay_within_the_limits(db: Database) -> None:
    limits = {"chat.postMessage": MethodLimits(per_target=Limit(1.0, 1))}  # not even a burst
    with FakeSlack(rate_limits=limits) as fake:
        channels = [f"CPACE{n}" for n in range(4)]
        for channel in channels:
            fake.add_channel(channel, channel.lower())
        client = make_client(BOT_TOKEN, fake.api_url)
        items = due_items(channels, 2)
        notifier = SlackNotifier(lambda team: client)
        dispatcher = Dispatcher(
            db, FixedClock(START), notifier, [source_of(items)], send_workers=4, spacing_seconds=1.0
        )
        assert dispatcher.tick().sent == 8
        assert fake.limiter is not None and fake.limiter.refused == []
        assert all(len(fake.posts(c)) == 2 for c in channels)


def test_commands_are_answered_while_reminders_wait_out_a_429(database_url: str) -> None:
    limits = {"chat.postMessage": MethodLimits(per_target=Limit(1.0, 1))}
    with Sandbox(database_url, rate_limits=limits) as box:
        services = box.loopbot.services  # type: ignore[union-attr]
        items = due_items(["CHIRING"], 4)  # unpaced: each one after the first is refused, then retried
        dispatcher = Dispatcher(services.db, box.clock, services.notifier, [source_of(items)], send_workers=2)
        reports: list[TickReport] = []
        tick = threading.Thread(target=lambda: reports.append(dispatcher.tick()))
        tick.start()
        limiter = box.fake.limiter
        assert limiter is not None
        box.fake.wait_for(lambda: limiter.refused)
        reply = box.slack.command("USAM", "help")
        throttled_meanwhile = tick.is_alive()
        tick.join()
        assert reply.status == 200 and throttled_meanwhile
        box.fake.wait_for(lambda: box.fake.ephemerals("USAM"))
        assert reports[0].sent == 4 and len(box.fake.posts("CHIRING")) == 4


class OneBusyChannel:
    """A Notifier whose sends to `busy` are refused as Slack refuses a channel over its limit (after
    the client's own retries); every other channel takes them."""

    def __init__(self, busy: str) -> None:
        self.busy = busy
        self.sent: list[str] = []
        self.refusing = True

    def send(self, team_id: str, to: str, content: object, *, thread_ts: str | None = None) -> Sent:
        if to == self.busy and self.refusing:
            raise RateLimited("Slack is rate-limiting me", 30.0, per_destination=True)
        self.sent.append(to)
        return Sent(channel_id=to, ts=f"{1000 + len(self.sent)}.000100")

    def update(self, team_id: str, sent: Sent, content: object) -> None:
        raise AssertionError("not used")

    def delete(self, team_id: str, sent: Sent) -> None:
        raise AssertionError("not used")


def test_a_channel_still_refused_waits_alone_and_its_items_go_later_exactly_once(db: Database) -> None:
    clock, notifier = FixedClock(START), OneBusyChannel("CBUSY")
    items = due_items(["CBUSY", "CFREE"], 3)
    dispatcher = Dispatcher(db, clock, notifier, [source_of(items)], send_workers=2)
    report = dispatcher.tick()
    # One refused send for the busy channel, its other two handed back; the free channel goes on.
    assert (report.sent, report.failed, report.deferred) == (3, 1, 2)
    assert notifier.sent == ["CFREE"] * 3
    notifier.refusing = False
    clock.advance(timedelta(seconds=29))
    assert dispatcher.tick().sent == 0  # still inside Retry-After
    clock.advance(BACKOFF[0])
    assert dispatcher.tick().sent == 3
    assert sorted(notifier.sent) == ["CBUSY"] * 3 + ["CFREE"] * 3
    assert len(sent_keys(db, "limit:")) == 6
