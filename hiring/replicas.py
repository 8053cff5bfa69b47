"""Which replicas are alive: heartbeats, so a dead replica's claims are taken over within a tick.

Each `loopbot run` / `worker` process has a row in `replicas` and bumps its `beats` count every
`timeout / 6` seconds (a light scheduler job, apart from the tick, so a long tick keeps beating) and at
the start of every tick. Liveness uses no shared clock: each replica watches the others' counts on its
own monotonic clock, and a count that has not moved for `timeout` seconds means that replica is dead.
It is then *reaped*: under a lock on its row (so a late beat either lands first and saves it, or finds
its row gone) its unsent claims are freed and its row is deleted; the next tick of any replica takes
the claims over. Nobody waits for a 5-minute lease, and nothing depends on the business clock (tests
move it by hours) or on the replicas' clocks agreeing.

Exactly once: a replica sends only while its last successful beat *began* less than `timeout / 3`
ago (its `fresh()`); otherwise it beats first, and stops sending if it cannot or finds its row gone
(then it starts again under a new id: the old id's claims are someone else's now). Another replica
declares it dead only after watching its count stand still for `timeout` seconds, which began after
that beat; a send started while fresh has two thirds of `timeout` to finish, which the settings make
at least twice `SLACK_TIMEOUT_SECONDS` (a timed-out send is tried once more).
"""

from __future__ import annotations

import logging
import socket
import threading
import time
import uuid
from collections.abc import Callable

from hiring.clock import Clock
from storage.repositories.base import StorageError
from storage.uow import Database

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 30.0


def replica_id() -> str:
    """A new replica id: the host name and a random suffix."""
    return f"{socket.gethostname()[:40]}:{uuid.uuid4().hex[:8]}"


class Liveness:
    """One process's heartbeat, and its watch over the other replicas' heartbeats."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        *,
        replica: str | None = None,
        timeout_seconds: float = TIMEOUT_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.db = db
        self.clock = clock
        self.replica = replica or replica_id()
        self.timeout = timeout_seconds
        self._monotonic = monotonic
        self._registered = False
        self._last_beat: float | None = None  # when the last successful beat began (monotonic)
        self._seen: dict[str, tuple[int, float]] = {}  # replica → (its count, when first seen so)
        self._lock = threading.Lock()
        self.reaped: list[str] = []  # replicas this one declared dead (for reports and tests)

    @property
    def interval(self) -> float:
        """Seconds between two beats of the heartbeat job."""
        return self.timeout / 6

    def fresh(self) -> bool:
        """Whether this replica may start a send now without beating first."""
        last = self._last_beat
        return last is not None and self._monotonic() - last < self.timeout / 3

    def beat(self) -> bool:
        """Bump this replica's count (registering it the first time, or under a new id if it was
        declared dead), then reap the replicas whose count stood still for `timeout`. False when the
        database could not be reached (then this replica must not send)."""
        with self._lock:
            started = self._monotonic()
            try:
                self._beat_once()
            except StorageError:
                log.exception("heartbeat failed; sends wait until one succeeds")
                return False
            self._last_beat = started
            try:
                self._reap_dead()
            except StorageError:
                log.exception("could not check the other replicas' heartbeats; the next beat will")
            return True

    def _beat_once(self) -> None:
        now = self.clock.now()
        with self.db.uow("") as uow:
            if self._registered and uow.outbox.beat(self.replica, now=now):
                uow.commit()
                return
            if self._registered:
                old, self.replica = self.replica, replica_id()
                log.warning("replica %s was declared dead by another one; going on as %s", old, self.replica)
            uow.outbox.register(self.replica, now=now)
            uow.commit()
        self._registered = True

    def _reap_dead(self) -> None:
        """Watch the others' counts; reap those that have not moved for `timeout` seconds."""
        with self.db.uow("") as uow:
            counts = uow.outbox.replica_beats()
        now = self._monotonic()
        stale: dict[str, int] = {}
        for rid, beats in counts.items():
            if rid == self.replica:
                continue
            seen = self._seen.get(rid)
            if seen is None or seen[0] != beats:
                self._seen[rid] = (beats, now)
            elif now - seen[1] >= self.timeout:
                stale[rid] = beats
        self._seen = {rid: seen for rid, seen in self._seen.items() if rid in counts}
        if not stale:
            return
        with self.db.uow("") as uow:
            dead = uow.outbox.reap(stale, now=self.clock.now())
            uow.commit()
        for rid in dead:
            self._seen.pop(rid, None)
            log.warning("replica %s stopped beating for %.0f s: its claims are taken over", rid, self.timeout)
        self.reaped.extend(dead)

    def stop(self) -> None:
        """Delete this replica's row (after its claims were released): it stopped on purpose."""
        with self._lock:
            if not self._registered:
                return
            try:
                with self.db.uow("") as uow:
                    uow.outbox.forget_replica(self.replica)
                    uow.commit()
            except StorageError:
                log.exception("could not delete this replica's heartbeat; others will declare it dead")
            self._registered = False
            self._last_beat = None
