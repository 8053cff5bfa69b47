"""The App Home refresh coalescer: a burst of asks costs one run, a run never overlaps itself for the
same key, and an ask during a run is followed by one more run (the last change is always shown)."""

from __future__ import annotations

import threading

from handlers.background import Background, Coalescer


def test_a_burst_of_asks_costs_one_run_per_key() -> None:
    """How long the delay really is, is measured by benchmarks/timing_bench.py, not asserted here."""
    pool = Background(workers=4)
    runs: list[str] = []
    coalescer = Coalescer(pool, runs.append, delay=0.2)
    for _ in range(50):
        coalescer.ask("USAM")
    coalescer.ask("UHANA")
    assert pool.pending == 2  # counted while waiting, so tests and shutdown wait for it
    assert pool.wait_idle(5)
    assert sorted(runs) == ["UHANA", "USAM"]
    pool.shutdown()


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

    coalescer = Coalescer(pool, work, delay=0)
    coalescer.ask("USAM")
    assert inside.wait(5)
    for _ in range(20):  # changes while the first run is under way
        coalescer.ask("USAM")
    release.set()
    assert pool.wait_idle(5)
    assert runs == 2 and not overlapped
    coalescer.ask("USAM")  # idle again: a new ask runs again
    assert pool.wait_idle(5)
    assert runs == 3
    pool.shutdown()


def test_a_failed_run_does_not_block_later_asks() -> None:
    pool = Background(workers=2)
    calls: list[str] = []

    def work(key: str) -> None:
        calls.append(key)
        if len(calls) == 1:
            raise RuntimeError("Slack is down")

    coalescer = Coalescer(pool, work, delay=0)
    coalescer.ask("USAM")
    assert pool.wait_idle(5)
    coalescer.ask("USAM")
    assert pool.wait_idle(5)
    assert calls == ["USAM", "USAM"]
    pool.shutdown()
