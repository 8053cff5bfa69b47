"""Exactly-once notifications across replicas: derive what is due, claim it under a unique key, send.

Our tables are the truth and APScheduler is only the clock. Each tick asks every *source* what is
due now (derived from current state, so a moved or cancelled interview simply stops being due),
claims each item by inserting a `notifications` row with a unique key, sends it, and marks it sent.
A failed send stays claimed but unsent with a backoff; a later tick (on any replica) takes it over
once its lease has expired and it is still due. A replica killed between claim and send loses
nothing: its lease expires and another tick sends it.
"""

from __future__ import annotations

import logging
import socket
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from hiring.clock import Clock
from hiring.errors import ExternalServiceError
from hiring.ports import Notifier, Sent
from storage.models import Notification
from storage.uow import Database

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15), timedelta(hours=1))


@dataclass(frozen=True)
class Due:
    """One notification that should exist now. `key` is unique forever (e.g. `nudge:42:1`)."""

    team_id: str
    key: str
    kind: str
    to: str
    content: object
    candidate_id: int | None = None
    thread_ts: str | None = None
    on_sent: Callable[[Sent], None] | None = field(default=None, compare=False)


Source = Callable[[datetime], Iterable[Due]]


@dataclass
class TickReport:
    due: int = 0
    claimed: int = 0
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    keys_sent: list[str] = field(default_factory=list)


def replica_id() -> str:
    return f"{socket.gethostname()}:{uuid.uuid4().hex[:8]}"


class Dispatcher:
    """Claims and sends what the sources say is due; safe to run on many replicas at once."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        notifier: Notifier,
        sources: Sequence[Source] = (),
        *,
        replica: str | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.notifier = notifier
        self.sources: list[Source] = list(sources)
        self.replica = replica or replica_id()

    def add_source(self, source: Source) -> None:
        self.sources.append(source)

    def tick(self) -> TickReport:
        """One pass: every source, every due item, claimed and sent at most once."""
        report = TickReport()
        now = self.clock.now()
        for source in self.sources:
            try:
                items = list(source(now))
            except Exception:
                log.exception("a notification source failed; the next tick will try again")
                continue
            report.due += len(items)
            fresh = self._unsent(items)
            for due in fresh:
                self._deliver(due, now, report)
            report.skipped += len(items) - len(fresh)
        return report

    def _unsent(self, items: list[Due]) -> list[Due]:
        """Drop items already sent (one query per 500 keys)."""
        if not items:
            return []
        sent: set[str] = set()
        keys = [d.key for d in items]
        with self.db.uow("") as uow:
            for i in range(0, len(keys), 500):
                chunk = keys[i : i + 500]
                sent.update(
                    uow.session.scalars(
                        select(Notification.key).where(
                            Notification.key.in_(chunk), Notification.sent_at.is_not(None)
                        )
                    )
                )
        return [d for d in items if d.key not in sent]

    def claim(self, due: Due, now: datetime) -> int | None:
        """Insert the claim row, or take over an unsent one whose lease expired and retry is due."""
        with self.db.uow(due.team_id) as uow:
            row = Notification(
                team_id=due.team_id,
                key=due.key,
                kind=due.kind,
                payload={"to": due.to, "candidate_id": due.candidate_id},
                claimed_at=now,
                claimed_by=self.replica,
                lease_until=now + LEASE,
                attempts=1,
                next_attempt_at=now,
            )
            try:
                uow.session.add(row)
                uow.commit()
                return row.id
            except IntegrityError:
                pass
        with self.db.uow(due.team_id) as uow:
            result = uow.session.execute(
                update(Notification)
                .where(
                    Notification.key == due.key,
                    Notification.sent_at.is_(None),
                    Notification.lease_until <= now,
                    Notification.next_attempt_at <= now,
                )
                .values(
                    claimed_by=self.replica,
                    claimed_at=now,
                    lease_until=now + LEASE,
                    attempts=Notification.attempts + 1,
                )
                .returning(Notification.id)
            )
            won = result.scalar()
            uow.commit()
            return won

    def _deliver(self, due: Due, now: datetime, report: TickReport) -> None:
        claim_id = self.claim(due, now)
        if claim_id is None:
            report.skipped += 1
            return
        report.claimed += 1
        try:
            sent = self.notifier.send(due.team_id, due.to, due.content, thread_ts=due.thread_ts)
        except Exception as exc:
            self._failed(claim_id, due, now, exc)
            report.failed += 1
            return
        self._sent(claim_id, due, sent, self.clock.now())
        report.sent += 1
        report.keys_sent.append(due.key)
        if due.on_sent is not None:
            try:
                due.on_sent(sent)
            except Exception:
                log.exception("after-send hook failed for %s", due.kind)

    def _sent(self, claim_id: int, due: Due, sent: Sent, now: datetime) -> None:
        with self.db.uow(due.team_id) as uow:
            row = uow.session.get(Notification, claim_id)
            assert row is not None
            row.sent_at = now
            row.channel_id = sent.channel_id
            row.message_ts = sent.ts
            row.last_error = None
            uow.messages.record(
                channel_id=sent.channel_id, ts=sent.ts, kind=due.kind, candidate_id=due.candidate_id, at=now
            )
            uow.commit()

    def _failed(self, claim_id: int, due: Due, now: datetime, exc: Exception) -> None:
        reason = exc.message if isinstance(exc, ExternalServiceError) else type(exc).__name__
        log.warning("sending %s failed (%s); a later tick retries it", due.kind, reason)
        with self.db.uow(due.team_id) as uow:
            row = uow.session.get(Notification, claim_id)
            assert row is not None
            delay = BACKOFF[min(row.attempts, len(BACKOFF)) - 1]
            row.next_attempt_at = now + delay
            row.lease_until = now
            row.last_error = reason[:500]
            uow.commit()


def sent_keys(db: Database, prefix: str) -> list[str]:
    """Keys of sent notifications starting with `prefix` (tests and reports)."""
    with db.uow("") as uow:
        rows: Any = uow.session.scalars(
            select(Notification.key).where(
                Notification.key.startswith(prefix), Notification.sent_at.is_not(None)
            )
        )
        return sorted(rows)
