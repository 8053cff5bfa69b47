"""Crash takeover: a replica dies right after claiming N due reminders (mid-tick, before its first send
lands); how long until a surviving replica, ticking every T seconds, has delivered all of them, and
is each delivered exactly once? Before: claims held by a 5-minute lease (a `Dispatcher` without
heartbeat, as every replica was). After: claims tied to the replica's heartbeat
(`REPLICA_TIMEOUT_SECONDS`, default 30 s; a heartbeat every sixth of it).

The real `Dispatcher`, `Liveness` and database (SQLite and PostgreSQL); the notifier records instead of
calling Slack. Time is virtual, so the 5-minute baseline does not take 5 minutes: the business clock
and the replicas' monotonic clock move together from event to event (the survivor's ticks, one phase
of T/2 after the kill, and its heartbeats), and the real wall time of each tick is added as it passes.
`kill -9` of a real `loopbot worker` mid-tick is tested in tests/integration/test_crash_takeover.py.

Target (issue 16.3): every claim of the dead replica delivered by the survivor's first tick after the
timeout (≤ timeout + one heartbeat interval + T after the kill), 0 lost, 0 duplicated. Run: `python -m benchmarks.crash_takeover [--sqlite-only]` (printed and written to
benchmarks/results/crash_takeover.json).
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from benchmarks.bench_db import databases
from hiring.clock import FixedClock
from hiring.outbox import LEASE, Dispatcher, Due
from hiring.ports import Sent
from hiring.replicas import TIMEOUT_SECONDS, Liveness
from storage.uow import Database

RESULTS = Path(__file__).with_name("results")
START = datetime(2026, 11, 23, 9, tzinfo=UTC)
SIZES = (19, 1000)
TICKS = (60.0, 10.0)


class Killed(BaseException):
    """The process is killed (nothing in the dispatcher catches it)."""


class Recorder:
    """A notifier that records each send by key (or dies on its first send, when `doomed`)."""

    def __init__(self, sent: Counter[str], *, doomed: bool = False) -> None:
        self.sent, self.doomed = sent, doomed

    def send(self, team_id: str, to: str, content: object, *, thread_ts: str | None = None) -> Sent:
        if self.doomed:
            raise Killed
        self.sent[str(content)] += 1
        return Sent(channel_id=to, ts=f"{len(self.sent)}.{sum(self.sent.values()):06d}")

    def update(self, team_id: str, sent: Sent, content: object) -> None:
        raise AssertionError("not used")

    def delete(self, team_id: str, sent: Sent) -> None:
        raise AssertionError("not used")


class Virtual:
    """The virtual time: a monotonic reading and the business clock, moved together."""

    def __init__(self, clock: FixedClock) -> None:
        self.clock, self.now = clock, 0.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
        self.clock.advance(timedelta(seconds=seconds))


def replica(
    db: Database,
    virtual: Virtual,
    name: str,
    dues: list[Due],
    sent: Counter[str],
    *,
    heartbeat: bool,
    doomed: bool = False,
) -> Dispatcher:
    liveness = (
        Liveness(db, virtual.clock, replica=name, timeout_seconds=TIMEOUT_SECONDS, monotonic=virtual)
        if heartbeat
        else None
    )
    source: Callable[[datetime], list[Due]] = lambda now: list(dues)  # noqa: E731
    return Dispatcher(
        db, virtual.clock, Recorder(sent, doomed=doomed), [source], replica=name, liveness=liveness
    )


def scenario(url: str, n: int, tick: float, *, heartbeat: bool) -> dict[str, Any]:
    """Kill a replica after it claimed `n` items; tick a survivor until all are delivered."""
    db = Database(url)
    virtual = Virtual(FixedClock(START))
    key = f"{'hb' if heartbeat else 'lease'}:{n}:{int(tick)}"
    dues = [Due("TBENCH", f"{key}:{i:05d}", "bench", "CBENCH", f"{key}:{i}") for i in range(n)]
    sent: Counter[str] = Counter()
    survivor = replica(db, virtual, f"survivor-{key}", dues, sent, heartbeat=heartbeat)
    if survivor.liveness is not None:
        survivor.liveness.beat()
    doomed = replica(db, virtual, f"doomed-{key}", dues, sent, heartbeat=heartbeat, doomed=True)
    try:
        doomed.tick()
    except Killed:
        pass  # killed mid-tick: every item claimed, none sent
    beat_every = TIMEOUT_SECONDS / 6
    next_tick, next_beat, ticks, tick_wall = tick / 2, beat_every, 0, 0.0
    while len(sent) < n and virtual.now < 3600:
        step = min(next_tick, next_beat) - virtual.now
        virtual.advance(step)
        if virtual.now >= next_beat:
            if survivor.liveness is not None:
                survivor.liveness.beat()
            next_beat += beat_every
        if virtual.now >= next_tick:
            started = time.perf_counter()
            survivor.tick()
            wall = time.perf_counter() - started
            ticks, tick_wall = ticks + 1, tick_wall + wall
            virtual.advance(wall)
            next_tick += tick
    if survivor.liveness is not None:
        survivor.liveness.stop()
    db.dispose()
    return {
        "reminders": n,
        "tick_seconds": tick,
        "all_delivered_after_seconds": round(virtual.now, 2),
        "survivor_ticks": ticks,
        "delivered": len(sent),
        "lost": n - len(sent),
        "duplicated": sum(c - 1 for c in sent.values()),
        "delivering_tick_wall_seconds": round(tick_wall, 3),
    }


def measure(make_url: Callable[[], Any]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    with make_url() as url:
        for n in SIZES:
            for tick in TICKS:
                before = scenario(url, n, tick, heartbeat=False)
                after = scenario(url, n, tick, heartbeat=True)
                rows.append(
                    {"reminders": n, "tick_seconds": tick, "before_lease": before, "after_heartbeat": after}
                )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sqlite-only", action="store_true", help="skip PostgreSQL")
    args = parser.parse_args(argv)
    results: dict[str, Any] = {}
    ok = True
    for backend, make_url in databases(args.sqlite_only):
        results[backend] = measure(make_url)
        for row in results[backend]:
            b, a = row["before_lease"], row["after_heartbeat"]
            # The first survivor tick after the timeout (counted from its first look at the dead count).
            met = a["all_delivered_after_seconds"] <= TIMEOUT_SECONDS * 7 / 6 + row["tick_seconds"] + 1
            met = met and a["lost"] == b["lost"] == 0 and a["duplicated"] == b["duplicated"] == 0
            row["meets_target"] = met
            ok = ok and met
            print(
                f"[{backend}] {row['reminders']} reminders, tick {row['tick_seconds']:.0f} s: all delivered "
                f"{b['all_delivered_after_seconds']} s after the kill before (lease {LEASE.total_seconds():.0f} s), "
                f"{a['all_delivered_after_seconds']} s after (heartbeat timeout {TIMEOUT_SECONDS:.0f} s); "
                f"lost {b['lost']}/{a['lost']}, duplicated {b['duplicated']}/{a['duplicated']}"
            )
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / "crash_takeover.json"
    out.write_text(
        json.dumps(
            {"measured_at": datetime.now(UTC).isoformat(), "machine": platform.node(), "results": results},
            indent=2,
        )
        + "\n"
    )
    print(f"written to {out}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
