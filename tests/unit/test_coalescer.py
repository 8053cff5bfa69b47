"""The App Home refresh coalescer: a run never overlaps itself for the same key, and a burst of asks
during a run is followed by exactly one more run (the last change is always shown)."""

from __future__ import annotations

import threading

from handlers.background import Background, Coalescer


def test_an_ask_during_a_run_schedules_exactly_one_more_and_runs_never_overlap() -> None:
    pool = Background(workers=4)
    inside = threading.Event()
    release = threading.Event()
    active = 0
    overlapped = False
    runs = 0
    lock = threading.Lock()

    def work(key: str) -> None:
        nonlocal active, overlapped, runs
        with lock:
            active += 1
            overlapped |= active > 1
            runs += 1
        if runs == 1:
            inside.set()
            release.wait(5)
        with lock:
            active -= 1

    coalescer = Coalescer(pool, work)
    coalescer.ask("USAM")
    assert inside.wait(5)
    for _ in range(20):  # changes while the first run is under way
        coalescer.ask("USAM")
    release.set()
    assert pool.wait_idle(5)
    assert runs == 2 and not overlapped
    coalescer.ask("USAM")  # idle again: a new ask runs again
    coalescer.ask("UHANA")  # other keys run independently
    assert pool.wait_idle(5)
    assert runs == 4
    pool.shutdown()


def test_a_failed_run_does_not_block_later_asks() -> None:
    pool = Background(workers=2)
    calls: list[str] = []

    def work(key: str) -> None:
        calls.append(key)
        if len(calls) == 1:
            raise RuntimeError("Slack is down")

    coalescer = Coalescer(pool, work)
    coalescer.ask("USAM")
    assert pool.wait_idle(5)
    coalescer.ask("USAM")
    assert pool.wait_idle(5)
    assert calls == ["USAM", "USAM"]
    pool.shutdown()
