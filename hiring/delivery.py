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
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ThreadPoolExecutor, wait
from typing import Any, Generic, TypeVar

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
        between: Callable[[], None] | None = None,
    ) -> list[T]:
        """Send every `(destination, item)` in order within its destination. `send(item)` runs on a
        worker and returns an outcome (an exception it raises is the outcome); `done(item, outcome,
        started)` runs in the calling thread and returns False to stop that destination. `between()`
        runs in the calling thread between results. Returns the items of stopped destinations."""
        queues: dict[Hashable, deque[T]] = {}
        for dest, item in items:
            queues.setdefault(dest, deque()).append(item)
        order = {dest: n for n, dest in enumerate(queues)}
        ready: list[tuple[float, int, Hashable]] = [(0.0, order[d], d) for d in queues]
        heapq.heapify(ready)
        running: dict[Future[tuple[object, float]], tuple[Hashable, T, float]] = {}
        left: list[T] = []
        pool: Executor = InCallingThread()
        if self.workers > 1:
            pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="send")
        with pool:
            while ready or running:
                now = time.monotonic()
                while ready and ready[0][0] <= now and len(running) < self.workers:
                    _, _, dest = heapq.heappop(ready)
                    item = queues[dest].popleft()
                    running[pool.submit(_outcome, send, item)] = (dest, item, time.monotonic())
                timeout = IDLE_WAKE_SECONDS
                if ready and len(running) < self.workers:
                    timeout = min(timeout, max(0.0, ready[0][0] - time.monotonic()))
                finished, _ = wait(list(running), timeout=timeout, return_when=FIRST_COMPLETED)
                for future in finished:
                    dest, item, started = running.pop(future)
                    outcome, answered = future.result()
                    if not done(item, outcome, started):
                        left.extend(queues.pop(dest))
                    elif queues[dest]:  # counted from the answer: Slack saw this send before then
                        heapq.heappush(ready, (answered + self.spacing, order[dest], dest))
                if between is not None:
                    between()
        return left


class InCallingThread(Executor):
    """An executor that runs each call at once in the thread that submits it."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        """Run `fn(*args, **kwargs)` now; the returned future already holds its result."""
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:
            future.set_exception(exc)
        return future


def _outcome(send: Callable[[T], object], item: T) -> tuple[object, float]:
    """The send's outcome (an exception it raised included) and when its answer came."""
    try:
        outcome = send(item)
    except Exception as exc:  # handed to `done` in the calling thread
        outcome = exc
    return outcome, time.monotonic()
