"""Paced delivery: order within a destination, stopped destinations handed back, where sends run."""

from __future__ import annotations

import itertools
import threading
import time

import pytest

from hiring.delivery import Paced

ITEMS = [("A", "a1"), ("B", "b1"), ("A", "a2"), ("C", "c1"), ("A", "a3"), ("B", "b2")]


def deliver(workers: int, spacing: float = 0.0, refuse: str | None = None) -> tuple[list, list, list]:
    """Run ITEMS through Paced; `refuse` is an item whose destination stops there."""
    sent: list[tuple[str, int, float]] = []
    lock = threading.Lock()
    outcomes: list[tuple[str, object]] = []

    def send(item: str) -> str:
        if item == "b1":
            raise RuntimeError("boom")
        with lock:
            sent.append((item, threading.get_ident(), time.monotonic()))
        return item.upper()

    def done(item: str, outcome: object, started: float) -> bool:
        outcomes.append((item, outcome))
        return item != refuse

    left = Paced[str](workers=workers, spacing=spacing).run(ITEMS, send, done)
    return sent, outcomes, left


@pytest.mark.parametrize("workers", [1, 4])
def test_each_destination_keeps_its_order_and_a_raised_error_is_its_outcome(workers: int) -> None:
    sent, outcomes, left = deliver(workers)
    names = [item for item, _, _ in sent]
    assert [n for n in names if n.startswith("a")] == ["a1", "a2", "a3"]
    assert sorted(names) == ["a1", "a2", "a3", "b2", "c1"]
    failed = dict(outcomes)["b1"]
    assert isinstance(failed, RuntimeError) and str(failed) == "boom"
    assert dict(outcomes)["c1"] == "C1" and left == []


@pytest.mark.parametrize("workers", [1, 4])
def test_a_stopped_destination_hands_back_its_remaining_items(workers: int) -> None:
    sent, _, left = deliver(workers, refuse="a1")
    assert left == ["a2", "a3"]
    assert {item for item, _, _ in sent} == {"a1", "b2", "c1"}


def test_one_worker_sends_in_the_calling_thread_and_more_use_worker_threads() -> None:
    here = threading.get_ident()
    alone, _, _ = deliver(1)
    assert {thread for _, thread, _ in alone} == {here}
    parallel, _, _ = deliver(4)
    assert here not in {thread for _, thread, _ in parallel}


@pytest.mark.parametrize("workers", [1, 4])
def test_sends_to_one_destination_are_spaced(workers: int) -> None:
    sent, _, _ = deliver(workers, spacing=0.05)
    times = [at for item, _, at in sent if item.startswith("a")]
    assert all(later - earlier >= 0.05 for earlier, later in itertools.pairwise(times))
