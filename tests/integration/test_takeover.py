"""Claims tied to live replicas, on SQLite and PostgreSQL: a dead replica's claims are taken over on
the survivor's next tick (no lease to wait for), a slow replica that keeps beating keeps its claims, a
replica declared dead while frozen sends nothing more, and a stopping replica gives its claims back.

Liveness runs on each replica's monotonic clock; here one the test moves (`Ticker`), while the
business clock stands still, so no lease ever expires in these tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from bot.sandbox.harness import START
from bot.settings import Settings
from hiring.clock import FixedClock
from hiring.outbox import Dispatcher, Due
from hiring.replicas import Liveness
from storage.models import Notification, Replica
from storage.uow import Database
from tests.integration.test_outbox import Killed, RecordingNotifier, items, source_of

TIMEOUT = 30.0


class Ticker:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    yield database
    database.dispose()


def replica(
    db: Database, clock: FixedClock, ticker: Ticker, name: str, dues: list[Due]
) -> tuple[Dispatcher, RecordingNotifier]:
    notifier = RecordingNotifier()
    liveness = Liveness(db, clock, replica=name, timeout_seconds=TIMEOUT, monotonic=ticker)
    return Dispatcher(db, clock, notifier, [source_of(dues)], liveness=liveness), notifier


def rows(db: Database) -> list[Notification]:
    with db.uow("T1") as uow:
        return list(uow.session.scalars(select(Notification).order_by(Notification.key)))


def replicas(db: Database) -> set[str]:
    with db.uow("") as uow:
        return set(uow.session.scalars(select(Replica.id)))


def test_a_dead_replicas_claims_are_taken_over_on_the_next_tick_after_the_timeout(db: Database) -> None:
    clock, ticker, dues = FixedClock(START), Ticker(), items(19)
    doomed, killer = replica(db, clock, ticker, "doomed", dues)
    killer.fail = [Killed()]
    with pytest.raises(Killed):
        doomed.tick()  # killed on its first send: 19 claims held, nothing sent
    survivor, notifier = replica(db, clock, ticker, "survivor", dues)
    assert survivor.tick().sent == 0  # the doomed replica's heartbeat is fresh: its claims hold
    ticker.advance(TIMEOUT - 1)
    assert survivor.tick().sent == 0  # not dead for long enough yet
    ticker.advance(1)
    report = survivor.tick()
    assert report.sent == 19 and survivor.liveness is not None
    assert survivor.liveness.reaped == ["doomed"]
    assert [c for _, _, c, _ in notifier.sent] == [f"message {i}" for i in range(19)]
    assert all(r.claimed_by == "survivor" and r.sent_at is not None for r in rows(db))
    assert replicas(db) == {"survivor"}
    assert survivor.tick().sent == 0


def test_a_slow_replica_that_keeps_beating_keeps_its_claims(db: Database) -> None:
    clock, ticker, dues = FixedClock(START), Ticker(), items(3)
    rival, other = replica(db, clock, ticker, "rival", dues)
    slow, notifier = replica(db, clock, ticker, "slow", dues)

    def before_send(to: str, content: object) -> None:
        for _ in range(4):  # a send taking far longer than the timeout, the heartbeat job beating
            ticker.advance(TIMEOUT / 6)
            assert slow.liveness is not None and slow.liveness.beat()
            rival.tick()

    notifier.before_send = before_send
    assert slow.tick().sent == 3
    assert other.sent == [] and [c for _, _, c, _ in notifier.sent] == ["message 0", "message 1", "message 2"]
    assert replicas(db) == {"rival", "slow"}


def test_a_replica_declared_dead_while_frozen_sends_nothing_more(db: Database) -> None:
    clock, ticker, dues = FixedClock(START), Ticker(), items(4)
    rival, other = replica(db, clock, ticker, "rival", dues[1:])
    frozen, notifier = replica(db, clock, ticker, "frozen", dues)

    def before_send(to: str, content: object) -> None:
        if content == "message 0":  # the process stops for longer than the timeout after this send
            rival.tick()  # the rival sees its heartbeat...
            ticker.advance(TIMEOUT + 1)
            assert rival.tick().sent == 3  # ... stand still: it is declared dead, its claims taken over

    notifier.before_send = before_send
    report = frozen.tick()
    assert [c for _, _, c, _ in notifier.sent] == ["message 0"]  # the send under way, then no more
    assert report.sent == 1 and report.skipped == 3
    assert sorted(str(c) for _, _, c, _ in other.sent) == ["message 1", "message 2", "message 3"]
    assert all(r.sent_at is not None for r in rows(db))
    assert frozen.replica != "frozen"  # it goes on under a new id; the old one's claims are not its own


def test_a_stopping_replica_finishes_its_send_and_gives_the_rest_back(db: Database) -> None:
    clock, ticker, dues = FixedClock(START), Ticker(), items(5)
    stopping, notifier = replica(db, clock, ticker, "stopping", dues)

    def before_send(to: str, content: object) -> None:
        if content == "message 1":
            stopping.stop()  # SIGTERM while message 1 is being sent

    notifier.before_send = before_send
    report = stopping.tick()
    assert stopping.liveness is not None
    stopping.liveness.stop()
    assert (report.sent, report.deferred) == (2, 3)
    assert replicas(db) == set()
    released = [r for r in rows(db) if r.sent_at is None]
    assert [r.attempts for r in released] == [0, 0, 0]  # given back untried
    survivor, other = replica(db, clock, ticker, "survivor", dues)
    assert survivor.tick().sent == 3  # at once: no lease or heartbeat to wait for
    assert [c for _, _, c, _ in other.sent] == ["message 2", "message 3", "message 4"]
    assert all(r.sent_at is not None for r in rows(db))


def test_the_replica_timeout_leaves_a_send_time_to_end_before_anyone_declares_the_replica_dead() -> None:
    assert Settings(replica_timeout_seconds=60, slack_timeout_seconds=5).replica_timeout == 60
    assert Settings(replica_timeout_seconds=3, slack_timeout_seconds=5).replica_timeout == 15
