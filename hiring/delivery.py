"""Paced, parallel delivery: many destinations at once, each one paced on its own.

Slack accepts about one message a second per channel (and answers 429 with `Retry-After` beyond it),
so a batch of notifications goes out in parallel across destinations, one at a time and at least
`spacing` seconds apart within a destination (counted from the previous send's answer, so network
jitter never brings two sends closer than that at Slack's end). A destination that is refused stops on its own (its
remaining items are handed back); the others carry on. Results are handled in the calling thread, so
only the sends themselves run on the worker threads; with one worker the sends run in the calling
thread too, in the same order, as a thread hand-off per send would cost more than the send itself.
"""

from __future__ import annotations

import heapq
import time
from collections import deque
from collections.abc import Callable, Hashable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Generic, TypeVar

T = TypeVar("T")

IDLE_WAKE_SECONDS = 1.0  # the calling thread wakes at least this often (for `between`)


class Paced(Generic[T]):
    """Sends items through `send` on up to `workers` threads, pacing each destination."""

    def __init__(self, *, workers: int, spacing: float) -> None:
        self.workers = max(1, workers)
        self.spacing = spacing

    def run(
        self,
        items: Iterable[tuple[Hashable, T]],
        send: Callable[[T], object],
        done: Callable[[T, object, float], bool],
        between: Callable[[], None] = lambda: None,
    ) -> list[T]:
        """Send every `(destination, item)` in order within its destination. `send(item)` runs on a
        worker (with one worker, the calling thread) and returns an outcome (an exception it raises
        is the outcome); `done(item, outcome, started)` runs in the calling thread and returns False
        to stop that destination. `between()` runs in the calling thread between results. Returns
        the items of stopped destinations."""
        queues = _Queues(items, self.spacing)
        if self.workers > 1:
            return self._run_pooled(queues, send, done, between)
        while queues.ready:  # one worker: every send in the calling thread, no hand-off
            wait_for = queues.due_in()
            if wait_for > 0:
                time.sleep(min(wait_for, IDLE_WAKE_SECONDS))
                between()
                continue
            dest, item = queues.next()
            started = time.monotonic()
            outcome, answered = _outcome(send, item)
            queues.answered(dest, done(item, outcome, started), answered)
            between()
        return queues.left

    def _run_pooled(
        self,
        queues: _Queues[T],
        send: Callable[[T], object],
        done: Callable[[T, object, float], bool],
        between: Callable[[], None],
    ) -> list[T]:
        """Up to `workers` sends at once on a thread pool; results handled in the calling thread."""
        running: dict[Future[tuple[object, float]], tuple[Hashable, T, float]] = {}
        with ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="send") as pool:
            while queues.ready or running:
                now = time.monotonic()
                while queues.ready and queues.due_in(now) <= 0 and len(running) < self.workers:
                    dest, item = queues.next()
                    running[pool.submit(_outcome, send, item)] = (dest, item, time.monotonic())
                timeout = IDLE_WAKE_SECONDS
                if queues.ready and len(running) < self.workers:
                    timeout = min(timeout, max(0.0, queues.due_in()))
                finished, _ = wait(list(running), timeout=timeout, return_when=FIRST_COMPLETED)
                for future in finished:
                    dest, item, started = running.pop(future)
                    outcome, answered = future.result()
                    queues.answered(dest, done(item, outcome, started), answered)
                between()
        return queues.left


class _Queues(Generic[T]):
    """Each destination's items in order, and when each destination may send next."""

    def __init__(self, items: Iterable[tuple[Hashable, T]], spacing: float) -> None:
        self.spacing = spacing
        self.queues: dict[Hashable, deque[T]] = {}
        for dest, item in items:
            self.queues.setdefault(dest, deque()).append(item)
        self.order = {dest: n for n, dest in enumerate(self.queues)}
        self.ready: list[tuple[float, int, Hashable]] = [(0.0, self.order[d], d) for d in self.queues]
        heapq.heapify(self.ready)
        self.left: list[T] = []

    def due_in(self, now: float | None = None) -> float:
        """Seconds until the destination ready first may send (0 or less: now); needs one ready."""
        return self.ready[0][0] - (time.monotonic() if now is None else now)

    def next(self) -> tuple[Hashable, T]:
        """The destination ready first (its time may not have come yet) and its next item."""
        _, _, dest = heapq.heappop(self.ready)
        return dest, self.queues[dest].popleft()

    def answered(self, dest: Hashable, carry_on: bool, at: float) -> None:
        """A send to `dest` was answered `at`: stop `dest` (its items are left), or pace its next."""
        if not carry_on:
            self.left.extend(self.queues.pop(dest))
        elif self.queues[dest]:  # counted from the answer: Slack saw this send before then
            heapq.heappush(self.ready, (at + self.spacing, self.order[dest], dest))


def _outcome(send: Callable[[T], object], item: T) -> tuple[object, float]:
    """The send's outcome (an exception it raised included) and when its answer came."""
    try:
        outcome = send(item)
    except Exception as exc:  # handed to `done` in the calling thread
        outcome = exc
    return outcome, time.monotonic()
