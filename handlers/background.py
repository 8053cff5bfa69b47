"""Work done after the ack: a small thread pool that tests (and shutdown) can wait on."""

from __future__ import annotations

import contextvars
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from typing import Any

log = logging.getLogger(__name__)


class Background(Executor):
    """Runs listeners and the slow work after their ack; errors are logged, never lost silently.

    Bolt uses it as its listener executor, so everything a request starts can be waited on
    (`wait_idle`) by tests and by a graceful shutdown."""

    def __init__(self, workers: int = 16) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="loopbot-work")
        self._pending = 0
        self._idle = threading.Condition()

    def submit(self, fn: Callable[..., Any], /, *args: Any) -> Future[Any]:  # type: ignore[override]
        """Run `fn(*args)` soon; a failure is logged (callers report it to the user themselves)."""
        with self._idle:
            self._pending += 1

        def run() -> Any:
            try:
                return fn(*args)
            except Exception:
                log.exception("background work failed: %s", getattr(fn, "__name__", fn))
                return None
            finally:
                with self._idle:
                    self._pending -= 1
                    self._idle.notify_all()

        # Carry the request's log context (request and workspace ids) to the worker thread.
        return self._pool.submit(contextvars.copy_context().run, run)

    @property
    def pending(self) -> int:
        return self._pending

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until no work is pending (tests, graceful shutdown). False on time-out."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout=timeout)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._pool.shutdown(wait=wait, cancel_futures=cancel_futures)


class Coalescer:
    """Runs `work(key)` for keys asked for often (a person's App Home): at most one run per key at a
    time; the asks that arrive during a run cost exactly one more run after it, so the last change is
    always shown."""

    def __init__(self, background: Background, work: Callable[[Any], None]) -> None:
        self._background = background
        self._work = work
        self._lock = threading.Lock()
        self._state: dict[Any, str] = {}  # key → "scheduled" | "running" | "again"

    def ask(self, key: Any) -> None:
        with self._lock:
            state = self._state.get(key)
            if state == "running":
                self._state[key] = "again"
            if state is not None:
                return
            self._state[key] = "scheduled"
        self._background.submit(self._run, key)

    def _run(self, key: Any) -> None:
        with self._lock:
            self._state[key] = "running"
        try:
            self._work(key)
        finally:
            with self._lock:
                again = self._state.pop(key) == "again"
                if again:
                    self._state[key] = "scheduled"
            if again:
                self._background.submit(self._run, key)
