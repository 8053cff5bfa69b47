"""The outbox contract on SQLite and PostgreSQL: claim once, retry with backoff, honour Retry-After,
survive a replica killed between claim and send, never let two replicas send the same item."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.sandbox.harness import START
from hiring.clock import FixedClock
from hiring.errors import ExternalServiceError, RateLimited
from hiring.outbox import BACKOFF, LEASE, Dispatcher, Due, sent_keys
from hiring.ports import Sent
from storage.models import Notification, SlackMessage
from storage.uow import Database


class Killed(BaseException):
    """The process dies (like SystemExit): nothing in the dispatcher may swallow it."""


class RecordingNotifier:
    """A Notifier that records what it sends; `fail` scripts failures for the next sends."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, object, str | None]] = []
        self.fail: list[BaseException] = []
        self.before_send: Callable[[str, object], None] | None = None

    def send(self, team_id: str, to: str, content: object, *, thread_ts: str | None = None) -> Sent:
        if self.before_send is not None:
            self.before_send(to, content)
        if self.fail:
            raise self.fail.pop(0)
        self.sent.append((team_id, to, content, thread_ts))
        return Sent(
            channel_id=to if to.startswith("C") else "D" + to[1:], ts=f"{1000 + len(self.sent)}.000100"
        )

    def update(self, team_id: str, sent: Sent, content: object) -> None:
        raise AssertionError("not used")

    def delete(self, team_id: str, sent: Sent) -> None:
        raise AssertionError("not used")


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    yield database
    database.dispose()


def items(n: int, team: str = "T1", prefix: str = "test") -> list[Due]:
    return [Due(team, f"{prefix}:{i:03d}", "test", "CHIRING", f"message {i}") for i in range(n)]


def source_of(dues: list[Due]) -> Callable[[object], list[Due]]:
    return lambda now: list(dues)


def test_each_key_is_claimed_and_sent_once(db: Database) -> None:
    clock, notifier = FixedClock(START), RecordingNotifier()
    dispatcher = Dispatcher(db, clock, notifier, [source_of(items(3))])
    first = dispatcher.tick()
    assert (first.due, first.claimed, first.sent, first.failed) == (3, 3, 3, 0)
    clock.advance(timedelta(hours=1))
    again = dispatcher.tick()
    assert (again.claimed, again.sent, again.skipped) == (0, 0, 3)
    assert [c for _, _, c, _ in notifier.sent] == ["message 0", "message 1", "message 2"]
    assert sent_keys(db, "test:") == ["test:000", "test:001", "test:002"]
    with db.uow("T1") as uow:
        recorded = list(uow.session.scalars(select(SlackMessage.ts).order_by(SlackMessage.ts)))
        row = uow.session.scalars(select(Notification).where(Notification.key == "test:000")).one()
    assert recorded == ["1001.000100", "1002.000100", "1003.000100"]
    # The bulk claim stores its times exactly as the models do: UTC, aware, to the microsecond.
    assert (row.claimed_at, row.lease_until, row.next_attempt_at) == (START, START + LEASE, START)
    assert row.payload == {"to": "CHIRING", "candidate_id": None} and row.attempts == 1
    assert (row.sent_at, row.channel_id, row.message_ts) == (START, "CHIRING", "1001.000100")


def test_more_than_one_claim_batch_and_duplicate_keys(db: Database) -> None:
    clock, notifier = FixedClock(START), RecordingNotifier()
    dues = items(1203)
    report = Dispatcher(db, clock, notifier, [source_of(dues + dues[:5])]).tick()
    assert (report.due, report.sent) == (1208, 1203)
    assert len({c for _, _, c, _ in notifier.sent}) == 1203


def test_a_failed_send_is_retried_by_a_later_tick_after_the_backoff(db: Database) -> None:
    clock, notifier = FixedClock(START), RecordingNotifier()
    notifier.fail = [ExternalServiceError("Slack answered “fatal_error”.")]
    dispatcher = Dispatcher(db, clock, notifier, [source_of(items(1))])
    report = dispatcher.tick()
    assert (report.claimed, report.failed, report.sent) == (1, 1, 0)
    assert report.last_error == "Slack answered “fatal_error”."
    with db.uow("T1") as uow:
        row = uow.session.scalars(select(Notification)).one()
        assert row.sent_at is None and row.next_attempt_at == START + BACKOFF[0]
        assert row.last_error == "Slack answered “fatal_error”."
    clock.advance(BACKOFF[0] - timedelta(seconds=1))
    assert dispatcher.tick().sent == 0
    clock.advance(timedelta(seconds=1))
    assert dispatcher.tick().sent == 1
    assert len(notifier.sent) == 1
    with db.uow("T1") as uow:
        row = uow.session.scalars(select(Notification)).one()
        assert row.sent_at is not None and row.attempts == 2 and row.last_error is None


def test_retry_after_of_a_429_is_honoured_and_pauses_that_workspace(db: Database) -> None:
    clock, notifier = FixedClock(START), RecordingNotifier()
    notifier.fail = [RateLimited("Slack is rate-limiting me", retry_after=600)]
    dues = items(3, team="T1") + items(2, team="T2", prefix="zzz")
    dispatcher = Dispatcher(db, clock, notifier, [source_of(dues)])
    report = dispatcher.tick()
    # T1's first send is rate-limited, so its other two wait too; T2 is another workspace and goes.
    assert (report.sent, report.failed, report.deferred) == (2, 1, 2)
    assert {t for t, _, _, _ in notifier.sent} == {"T2"}
    clock.advance(BACKOFF[0])  # past the ordinary backoff, still inside Retry-After
    assert dispatcher.tick().sent == 0
    clock.advance(timedelta(seconds=600) - BACKOFF[0])
    assert dispatcher.tick().sent == 3
    assert sorted(str(c) for _, _, c, _ in notifier.sent) == [f"message {i}" for i in (0, 0, 1, 1, 2)]
    assert len(sent_keys(db, "")) == 5


def test_a_replica_killed_between_claim_and_send_loses_nothing(db: Database) -> None:
    clock = FixedClock(START)
    dues = items(4)
    killer = RecordingNotifier()
    killer.fail = [Killed()]
    doomed = Dispatcher(db, clock, killer, [source_of(dues)], replica="doomed")
    with pytest.raises(Killed):
        doomed.tick()
    assert killer.sent == []
    survivor_notifier = RecordingNotifier()
    survivor = Dispatcher(db, clock, survivor_notifier, [source_of(dues)], replica="survivor")
    assert survivor.tick().sent == 0  # the dead replica's leases still hold
    clock.advance(LEASE)
    report = survivor.tick()
    assert report.sent == 4
    assert [c for _, _, c, _ in survivor_notifier.sent] == [f"message {i}" for i in range(4)]
    clock.advance(timedelta(hours=1))
    assert survivor.tick().sent == 0


def test_a_long_batch_renews_its_leases_so_nobody_takes_them_over(db: Database) -> None:
    clock = FixedClock(START)
    dues = items(2)
    slow = RecordingNotifier()
    other = RecordingNotifier()
    rival = Dispatcher(db, clock, other, [source_of(dues)], replica="rival")

    def before_send(to: str, content: object) -> None:
        if content == "message 0":
            clock.advance(timedelta(minutes=4))  # a slow first send: the lease has a minute left
        else:
            clock.advance(timedelta(minutes=2))  # now past the original lease, not the renewed one
            rival.tick()

    slow.before_send = before_send
    Dispatcher(db, clock, slow, [source_of(dues)], replica="slow", renew_after_seconds=0).tick()
    assert [c for _, _, c, _ in slow.sent] == ["message 0", "message 1"]
    assert other.sent == []


def test_a_replica_that_lost_its_lease_does_not_send_again(db: Database) -> None:
    clock = FixedClock(START)
    slow = RecordingNotifier()

    def before_send(to: str, content: object) -> None:
        if content == "message 0":
            # The replica stalls longer than its lease and another one takes message 1 over meanwhile.
            with db.uow("T1") as uow:
                row = uow.session.scalars(select(Notification).where(Notification.key == "test:001")).one()
                row.claimed_by, row.lease_until = "rival", START + 2 * LEASE
                uow.commit()

    slow.before_send = before_send
    report = Dispatcher(db, clock, slow, [source_of(items(2))], replica="slow", renew_after_seconds=0).tick()
    assert [c for _, _, c, _ in slow.sent] == ["message 0"]
    assert report.skipped == 1
    with db.uow("T1") as uow:
        row = uow.session.scalars(select(Notification).where(Notification.key == "test:001")).one()
        assert (row.claimed_by, row.sent_at) == ("rival", None)


def test_follow_ups_go_in_the_thread_of_the_message_they_follow(db: Database) -> None:
    clock, notifier = FixedClock(START), RecordingNotifier()

    def replies(sent: Sent) -> list[Due]:
        return [
            Due("T1", f"parent:reply:{i}", "reply", sent.channel_id, f"reply {i}", thread_ts=sent.ts)
            for i in range(2)
        ]

    parent = Due(
        "T1", "parent", "parent", "CHIRING", "parent", followups=replies, payload={"sections": ["a"]}
    )
    report = Dispatcher(db, clock, notifier).send_now([parent])
    assert report.sent == 3
    assert [(c, ts) for _, _, c, ts in notifier.sent] == [
        ("parent", None),
        ("reply 0", "1001.000100"),
        ("reply 1", "1001.000100"),
    ]
    with db.uow("T1") as uow:
        row = uow.session.scalars(select(Notification).where(Notification.key == "parent")).one()
        assert row.payload["sections"] == ["a"] and row.message_ts == "1001.000100"


def test_an_item_is_given_up_after_too_many_failures(db: Database) -> None:
    from hiring.outbox import MAX_ATTEMPTS

    clock, notifier = FixedClock(START), RecordingNotifier()
    notifier.fail = [ExternalServiceError("I'm not a member of that channel.")] * MAX_ATTEMPTS
    dispatcher = Dispatcher(db, clock, notifier, [source_of(items(1))])
    for _ in range(MAX_ATTEMPTS):
        assert dispatcher.tick().failed == 1
        clock.advance(timedelta(hours=2))
    report = dispatcher.tick()
    assert (report.claimed, report.sent, report.failed) == (0, 0, 0)
    assert notifier.sent == []


def test_keys_with_any_characters_are_claimed_and_recognised_as_sent(db: Database) -> None:
    clock, notifier = FixedClock(START), RecordingNotifier()
    odd = ['quote:"x"', "back\\slash", "comma,brace{}", "space and ünïcode", "a'b"]
    dues = [Due("T1", key, "test", "CHIRING", key) for key in odd]
    dispatcher = Dispatcher(db, clock, notifier, [source_of(dues)])
    assert dispatcher.tick().sent == len(odd)
    again = dispatcher.tick()
    assert (again.sent, again.skipped) == (0, len(odd))
    assert sorted(sent_keys(db, "")) == sorted(odd)
