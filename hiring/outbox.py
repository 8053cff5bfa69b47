"""Exactly-once notifications across replicas: derive what is due, claim it under a unique key, send.

Our tables are the truth and APScheduler is only the clock. Each tick asks every *source* what is
due now (derived from current state, so a moved or cancelled interview simply stops being due),
drops what was already sent, claims the rest in bulk by inserting `notifications` rows with unique
keys (`INSERT … ON CONFLICT DO NOTHING RETURNING`, in key order so concurrent replicas never
deadlock), sends each claimed item and marks it sent (right after its send, or many in one commit
when sends are fast); after-send hooks and thread replies run once the marks are in.

* A failed send stays claimed but unsent, with a backoff (or Slack's `Retry-After` after a 429, which
  also pauses that workspace's other sends for the rest of the tick); a later tick on any replica
  takes it over once it is still due, its lease has expired and its retry time has come.
* A replica killed between claim and send loses nothing, and nobody waits for its 5-minute leases:
  the engine's claims are tied to the replica's heartbeat (`hiring.replicas.Liveness`), and once it
  has stood still for `REPLICA_TIMEOUT_SECONDS` another replica frees them (their lease ends) and the
  next tick of any replica takes them over. Claims made without a heartbeat (sends made at once from
  a request) wait for their lease.
* While a replica works through a long batch it renews its leases and keeps beating (a scheduler job
  apart from the tick), so nobody takes over items it is still sending; it sends only while its last
  beat is recent, and stops if it was declared dead meanwhile (frozen, or cut off from the database).
* `stop()` (SIGTERM): the send under way finishes and is marked; the claims not yet sent are released
  untried, for another replica or a restart to send at once.

The only window for a duplicate is a crash after Slack accepted a message and before its mark was
committed (Slack's `chat.postMessage` has no idempotency key); a mark waits at most
`MARK_GATHER_SECONDS` after its send began, so with real network sends that window holds one message.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from hiring.clock import Clock
from hiring.delivery import Paced
from hiring.errors import ExternalServiceError, RateLimited, WorkspaceUnavailable
from hiring.ports import Notifier, Sent
from hiring.replicas import Liveness, replica_id
from storage.repositories.base import StorageError
from storage.repositories.outbox import SentMark
from storage.uow import Database

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
RENEW_AFTER_SECONDS = 60.0  # real time between lease renewals while one replica works through a batch
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15), timedelta(hours=1))
MAX_ATTEMPTS = 10  # after this many failed sends an item is left alone (its `last_error` says why)
CLAIM_BATCH = 500
MARK_BATCH = 200
MARK_GATHER_SECONDS = 0.02
SEND_WORKERS = 1  # parallel sends across destinations (the app sets SLACK_SEND_WORKERS)
UNAVAILABLE_PAUSE = timedelta(minutes=15)  # a workspace refusing our token is tried again this much later


@dataclass(frozen=True)
class Due:
    """One notification that should exist now. `key` is unique forever (e.g. `nudge:42:U1:…:1`).

    `followups(sent)` returns more items to deliver right after this one was sent (e.g. thread
    replies under it); `payload` is extra JSON stored with the claim (e.g. the keys of those replies,
    so a later tick can finish them if this replica died in between)."""

    team_id: str
    key: str
    kind: str
    to: str
    content: object
    candidate_id: int | None = None
    thread_ts: str | None = None
    on_sent: Callable[[Sent], None] | None = field(default=None, compare=False)
    followups: Callable[[Sent], Iterable[Due]] | None = field(default=None, compare=False)
    payload: Mapping[str, Any] | None = field(default=None, compare=False)


Source = Callable[[datetime], Iterable[Due]]


@dataclass
class TickReport:
    """What one tick did, with the time spent in each phase (seconds of wall time)."""

    due: int = 0
    claimed: int = 0
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    deferred: int = 0
    errors: int = 0
    keys_sent: list[str] = field(default_factory=list)
    last_error: str | None = None
    outcomes: Counter[tuple[str, str]] = field(default_factory=Counter)  # (kind, sent|failed) → count
    find_seconds: float = 0.0
    claim_seconds: float = 0.0
    send_seconds: float = 0.0
    # CPU of the ticking thread in each phase (the database's own work on PostgreSQL is not in it).
    find_cpu_seconds: float = 0.0
    claim_cpu_seconds: float = 0.0
    send_cpu_seconds: float = 0.0
    mark_seconds: float = 0.0


class _Marks:
    """Sent claims waiting for their mark, written inline in one transaction (group commit) once
    MARK_BATCH have gathered or the oldest one's send began MARK_GATHER_SECONDS ago: with real network
    sends each mark is written as soon as its message is out; with fast sends one commit holds many."""

    def __init__(self, write: Callable[[list[SentMark]], None]) -> None:
        self._write = write
        self._batch: list[SentMark] = []
        self._since = 0.0
        self.seconds = 0.0

    def put(self, mark: SentMark, send_started: float) -> None:
        """Queue `mark` (its send began at `send_started`, a perf_counter reading); write when due."""
        if not self._batch:
            self._since = send_started
        self._batch.append(mark)
        if len(self._batch) >= MARK_BATCH or time.perf_counter() - self._since >= MARK_GATHER_SECONDS:
            self.flush()

    def flush(self) -> None:
        """Write every queued mark."""
        batch, self._batch = self._batch, []
        if not batch:
            return
        started = time.perf_counter()
        try:
            self._write(batch)
        except Exception:
            log.exception("marking %d notifications sent failed", len(batch))
        self.seconds += time.perf_counter() - started


_HELD = object()  # a send skipped: its workspace is paused or its claim was lost
_STALE = object()  # not sent: the process is stopping, or its heartbeat is too old to send under its claims


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
        renew_after_seconds: float = RENEW_AFTER_SECONDS,
        liveness: Liveness | None = None,
        send_workers: int = SEND_WORKERS,
        spacing_seconds: float = 0.0,
    ) -> None:
        """With `liveness` (the process's heartbeat, `loopbot run` and `worker`), claims are held
        under its replica id while it beats, and a dead replica's claims are taken over within a tick;
        without it (sends made at once by a request), a claim is held by its 5-minute lease.
        `send_workers` sends go out at once across destinations; sends to one destination (a
        channel or a person) are at least `spacing_seconds` apart."""
        self.db = db
        self.clock = clock
        self.notifier = notifier
        self.sources: list[Source] = list(sources)
        self.liveness = liveness
        self._replica = liveness.replica if liveness is not None else replica or replica_id()
        self.renew_after_seconds = renew_after_seconds
        self._stopping = threading.Event()
        self.send_workers = send_workers
        self.spacing_seconds = spacing_seconds
        self.unavailable: set[str] = set()  # workspaces refusing our token, logged once until they accept it
        self._refusing: dict[str, datetime] = {}  # this pass: workspaces that refused it, tried once a pass

    @property
    def replica(self) -> str:
        """The id this replica claims under (a new one if it was declared dead and came back)."""
        return self.liveness.replica if self.liveness is not None else self._replica

    def stop(self) -> None:
        """Stop at the next item: the send under way finishes and is marked, the rest of this
        replica's claims are released for another replica (or a restart) to send."""
        self._stopping.set()

    def tick(self) -> TickReport:
        """One pass: every source, every due item, claimed and sent at most once."""
        report = TickReport()
        if self.liveness is not None and not self.liveness.beat():
            report.errors += 1  # no heartbeat, no claims: the next tick tries again
            return report
        now = self.clock.now()
        self._refusing = {}
        for source in self.sources:
            if self._stopping.is_set():
                break
            started, cpu = time.perf_counter(), time.thread_time()
            try:
                items = list(source(now))
            except Exception:
                log.exception("a notification source failed; the next tick will try again")
                report.errors += 1
                continue
            finally:
                report.find_seconds += time.perf_counter() - started
                report.find_cpu_seconds += time.thread_time() - cpu
            self._dispatch(items, now, report)
        return report

    def send_now(self, items: Iterable[Due]) -> TickReport:
        """Claim and send `items` right away (e.g. a digest asked for by a command), exactly once."""
        report = TickReport()
        self._refusing = {}
        self._dispatch(list(items), self.clock.now(), report)
        return report

    # -- phases ---------------------------------------------------------------------------------
    def _dispatch(self, items: list[Due], now: datetime, report: TickReport) -> None:
        report.due += len(items)
        unique: dict[str, Due] = {}
        for due in items:
            unique.setdefault(due.key, due)
        started, cpu = time.perf_counter(), time.thread_time()
        try:
            fresh = self._unsent(list(unique.values()))
        except StorageError:
            log.exception("could not read the outbox; the next tick will try again")
            report.errors += 1
            return
        finally:
            report.claim_seconds += time.perf_counter() - started
            report.claim_cpu_seconds += time.thread_time() - cpu
        report.skipped += len(items) - len(fresh)
        # One global order, so concurrent claims never deadlock; grouped by destination, so replicas
        # claiming at once split channels between them rather than both pacing the same channel.
        fresh.sort(key=lambda d: (d.team_id, d.to, d.key))
        pending: list[tuple[int, Due]] = []
        for i in range(0, len(fresh), CLAIM_BATCH):
            if self._stopping.is_set():
                break
            batch = fresh[i : i + CLAIM_BATCH]
            started, cpu = time.perf_counter(), time.thread_time()
            try:
                claimed = self._claim_batch(batch, now)
            except StorageError:
                log.exception("claiming %d notifications failed; the next tick will try again", len(batch))
                report.errors += 1
                continue
            finally:
                report.claim_seconds += time.perf_counter() - started
                report.claim_cpu_seconds += time.thread_time() - cpu
            report.claimed += len(claimed)
            report.skipped += len(batch) - len(claimed)
            pending += [(claimed[d.key], d) for d in batch if d.key in claimed]
        # Sent together, so that every destination is paced at once (leases are renewed meanwhile).
        self._send_all(pending, report)

    def _unsent(self, items: list[Due]) -> list[Due]:
        """Drop items already sent (one indexed query)."""
        if not items:
            return []
        with self.db.uow("") as uow:
            sent = uow.outbox.sent_among([d.key for d in items])
        return [d for d in items if d.key not in sent]

    def _claim_batch(self, batch: Sequence[Due], now: datetime) -> dict[str, int]:
        """Claim what nobody has claimed (bulk insert), then take over unsent claims whose lease
        expired and whose retry is due. Returns claim ids by key, only for what this replica won."""
        lease = now + LEASE
        rows = [
            {
                "team_id": d.team_id,
                "key": d.key,
                "kind": d.kind,
                "payload": {"to": d.to, "candidate_id": d.candidate_id, **(d.payload or {})},
            }
            for d in batch
        ]
        with self.db.uow("") as uow:
            won = uow.outbox.claim_new(rows, now=now, lease_until=lease, replica=self.replica)
            others = [d.key for d in batch if d.key not in won]
            if others:
                won.update(
                    uow.outbox.take_over_expired(
                        others, now=now, lease_until=lease, replica=self.replica, max_attempts=MAX_ATTEMPTS
                    )
                )
            uow.commit()
        return won

    def _send_all(self, pending: list[tuple[int, Due]], report: TickReport) -> None:
        if not pending:
            return
        marks = _Marks(self._mark_sent)
        done: list[tuple[Due, Sent]] = []
        try:
            self._send_each(pending, report, marks, done)
        finally:
            marks.flush()  # also when the process is going down: what went out is marked sent
            report.mark_seconds += marks.seconds
        # After-send work (hooks, thread replies) once what was sent is recorded as sent.
        for due, sent in done:
            self._after_send(due, sent, report)

    def _send_each(
        self,
        pending: list[tuple[int, Due]],
        report: TickReport,
        marks: _Marks,
        done: list[tuple[Due, Sent]],
    ) -> None:
        """Send in parallel across destinations, each paced (see hiring/delivery.py); a 429 stops
        only its destination, whose remaining items wait for its Retry-After."""
        paused: dict[str, datetime] = dict(self._refusing)
        stopped: dict[tuple[str, str], datetime] = {}
        lost: set[int] = set()
        released: set[int] = set()
        renewed = time.monotonic()
        claimed_as = self.replica
        halted: set[int] = set()  # not sent: stopping, or a heartbeat too old (given back below)
        cpu: list[float] = []  # CPU of each send, on its worker thread

        def send(job: tuple[int, Due]) -> object:
            claim_id, due = job
            return self._try_send(due, due.team_id in paused or claim_id in lost, claimed_as, cpu)

        def finished(job: tuple[int, Due], outcome: object, started: float) -> bool:
            claim_id, due = job
            if outcome is _STALE:
                halted.add(claim_id)
                return False
            if outcome is _HELD:
                released.add(claim_id)
                if claim_id in lost:
                    report.skipped += 1
                    return True
                stopped[(due.team_id, due.to)] = paused[due.team_id]  # the rest of it waits too
                self._release(claim_id, paused[due.team_id])
                report.deferred += 1
                return False
            sent = self._record(claim_id, due, outcome, started, report, marks, paused)
            if isinstance(outcome, RateLimited) and outcome.per_destination:
                stopped[(due.team_id, due.to)] = self.clock.now() + timedelta(seconds=outcome.retry_after)
                return False
            if sent is not None and (due.on_sent is not None or due.followups is not None):
                done.append((due, sent))
            return True

        def between() -> None:
            nonlocal renewed, lost
            if time.monotonic() - renewed >= self.renew_after_seconds:
                # Every claim still held: those sent but not yet marked as well as those to send.
                lost |= self._renew([cid for cid, _ in pending if cid not in released])
                renewed = time.monotonic()
            if not self._stopping.is_set() and not self._alive(claimed_as):
                log.warning("this replica lost its heartbeat; leaving its claims to the others")

        pacer: Paced[tuple[int, Due]] = Paced(workers=self.send_workers, spacing=self.spacing_seconds)
        left = pacer.run((((d.team_id, d.to), (cid, d)) for cid, d in pending), send, finished, between)
        report.send_cpu_seconds += sum(cpu)
        self._give_back(left, stopped, halted, lost, report)

    def _try_send(self, due: Due, held: bool, claimed_as: str, cpu: list[float]) -> object:
        """One send, on a worker thread: `_STALE` when the process is stopping or its heartbeat is
        too old to send under claims made as `claimed_as`, `_HELD` when `held`, else Slack's answer."""
        if self._stopping.is_set() or not self._fresh(claimed_as):
            return _STALE
        if held:
            return _HELD
        started = time.thread_time()
        try:
            return self.notifier.send(due.team_id, due.to, due.content, thread_ts=due.thread_ts)
        finally:
            cpu.append(time.thread_time() - started)

    def _give_back(
        self,
        left: list[tuple[int, Due]],
        stopped: dict[tuple[str, str], datetime],
        halted: set[int],
        lost: set[int],
        report: TickReport,
    ) -> None:
        """Give back what was not sent: a refused destination's items until its Retry-After, and
        (untried) what waits behind a send that found the process stopping or its heartbeat too old."""
        unsent = set(halted)
        for claim_id, due in left:
            if (due.team_id, due.to) in stopped:
                self._release(claim_id, stopped[(due.team_id, due.to)])
                report.deferred += 1
            else:
                unsent.add(claim_id)
        unsent -= lost
        given_back = self._release_unsent(sorted(unsent))  # none if others took this replica's claims over
        report.deferred += given_back
        report.skipped += len(unsent) - given_back

    def _record(
        self,
        claim_id: int,
        due: Due,
        outcome: object,
        started: float,
        report: TickReport,
        marks: _Marks,
        paused: dict[str, datetime],
    ) -> Sent | None:
        """Book one send's outcome: queue its mark, or record the failure for a later retry (a 429
        without a destination of its own pauses its workspace) and give None."""
        report.send_seconds += time.perf_counter() - started
        if isinstance(outcome, Exception):
            if isinstance(outcome, WorkspaceUnavailable):
                self._pause_unavailable(claim_id, due, outcome, paused)
                report.deferred += 1
                return None
            retry_at = None
            if isinstance(outcome, RateLimited):
                retry_at = self.clock.now() + timedelta(seconds=outcome.retry_after)
                if not outcome.per_destination:
                    paused[due.team_id] = retry_at
            report.last_error = self._failed(claim_id, due, outcome, retry_at=retry_at)
            report.failed += 1
            report.outcomes[(due.kind, "failed")] += 1
            return None
        assert isinstance(outcome, Sent)
        self.unavailable.discard(due.team_id)
        mark = SentMark(
            claim_id,
            due.team_id,
            due.kind,
            due.candidate_id,
            outcome.channel_id,
            outcome.ts,
            self.clock.now(),
        )
        marks.put(mark, started)
        report.sent += 1
        report.outcomes[(due.kind, "sent")] += 1
        report.keys_sent.append(due.key)
        return outcome

    def _after_send(self, due: Due, sent: Sent, report: TickReport) -> None:
        if due.on_sent is not None:
            try:
                due.on_sent(sent)
            except Exception:
                log.exception("after-send hook failed for %s", due.kind)
        if due.followups is not None:
            try:
                more = list(due.followups(sent))
            except Exception:
                log.exception("building the follow-ups of %s failed; a later tick sends them", due.kind)
                report.errors += 1
                return
            self._dispatch(more, self.clock.now(), report)

    # -- liveness and stopping ----------------------------------------------------------------------
    def _fresh(self, claimed_as: str) -> bool:
        """Whether this replica may start a send under claims made as `claimed_as` now: it beat
        recently enough that nobody can have declared it dead, under that same id."""
        liveness = self.liveness
        return liveness is None or (liveness.fresh() and liveness.replica == claimed_as)

    def _alive(self, claimed_as: str) -> bool:
        """Whether this replica may send under claims made as `claimed_as`: it beat recently enough
        that nobody can have declared it dead (beating now if needed), under that same id."""
        if self.liveness is not None and not self.liveness.fresh():
            self.liveness.beat()
        return self._fresh(claimed_as)

    def _release_unsent(self, claim_ids: list[int]) -> int:
        """Give back claims this replica will not send (it is stopping); how many were given back."""
        if not claim_ids:
            return 0
        try:
            with self.db.uow("") as uow:
                released = uow.outbox.release_unsent(claim_ids, replica=self.replica, now=self.clock.now())
                uow.commit()
        except StorageError:
            log.exception(
                "could not release %d claims; they are taken over once this replica is gone", len(claim_ids)
            )
            return 0
        return released

    # -- claim rows -------------------------------------------------------------------------------
    def claim(self, due: Due, now: datetime) -> int | None:
        """Claim one item: its claim id, or None when another replica has it or it was sent."""
        return self._claim_batch([due], now).get(due.key)

    def _renew(self, claim_ids: list[int]) -> set[int]:
        """Extend this replica's leases on `claim_ids`; returns the ids it no longer holds."""
        with self.db.uow("") as uow:
            held = uow.outbox.renew(claim_ids, replica=self.replica, lease_until=self.clock.now() + LEASE)
            uow.commit()
        return set(claim_ids) - held

    def _mark_sent(self, marks: list[SentMark]) -> None:
        """Mark claims sent and record their Slack messages in one transaction, retrying briefly if
        the database hiccups (the messages are out: losing these marks would mean sending them again)."""
        for attempt in range(3):
            try:
                with self.db.uow("") as uow:
                    uow.outbox.mark_sent(marks)
                    uow.commit()
                return
            except StorageError:
                if attempt == 2:
                    log.exception("sent %d notifications but could not mark them sent", len(marks))
                    return
                time.sleep(0.2 * (attempt + 1))

    def _failed(self, claim_id: int, due: Due, exc: Exception, *, retry_at: datetime | None = None) -> str:
        """Record a failed send: back off (at least until `retry_at`) and let the lease go."""
        reason = exc.message if isinstance(exc, ExternalServiceError) else type(exc).__name__
        log.warning("sending %s failed (%s); a later tick retries it", due.kind, reason)
        now = self.clock.now()
        with self.db.uow(due.team_id) as uow:
            row = uow.outbox.claim(claim_id)
            if row is None:
                return reason
            delay = BACKOFF[min(row.attempts, len(BACKOFF)) - 1]
            row.next_attempt_at = max(now + delay, retry_at or now)
            row.lease_until = now
            row.last_error = reason[:500]
            uow.commit()
        return reason

    def _pause_unavailable(
        self, claim_id: int, due: Due, exc: WorkspaceUnavailable, paused: dict[str, datetime]
    ) -> None:
        """Slack refuses the workspace's token: give the claim back (no attempt counted), pause the
        workspace's other sends, and say so once (not again until a send to it succeeds)."""
        retry_at = paused[due.team_id] = self._refusing[due.team_id] = self.clock.now() + UNAVAILABLE_PAUSE
        self._release(claim_id, retry_at)
        if due.team_id not in self.unavailable:
            self.unavailable.add(due.team_id)
            log.warning(
                "workspace %s: %s Its notifications wait until it is installed again.",
                due.team_id,
                exc.message,
            )

    def _release(self, claim_id: int, retry_at: datetime) -> None:
        """Give a claim back without trying it (its workspace is rate-limited until `retry_at`)."""
        with self.db.uow("") as uow:
            uow.outbox.release(claim_id, replica=self.replica, now=self.clock.now(), retry_at=retry_at)
            uow.commit()


def sent_keys(db: Database, prefix: str) -> list[str]:
    """Keys of sent notifications starting with `prefix` (tests and reports)."""
    with db.uow("") as uow:
        return uow.outbox.sent_keys(prefix)
