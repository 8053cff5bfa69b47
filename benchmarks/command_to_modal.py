"""Command to modal: signed `/interview role` requests → the moment the fake Slack sees `views.open`.

Measured in the same run for Loopbot (real app, real HTTP server, SQLite) and for a bare Bolt app
that only opens a fixed modal (the same modal content, as a constant), each in its own process
behind the same WSGI server: sequential (the two apps alternating request by request) and with 20
concurrent clients (alternating in chunks), p50 and p99. Then resident memory across 10,000 Loopbot
requests (it must stay ≤ 100 MB and stop growing).

Run: `python -m benchmarks.command_to_modal` (figures printed and written to
benchmarks/results/command_to_modal.json).
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from bot.sandbox.driver import SlackDriver
from bot.sandbox.fake_slack import FakeSlack
from bot.sandbox.harness import seed
from bot.sandbox.process import ServerProcess

RESULTS = Path(__file__).with_name("results")
MEMORY_LIMIT_MB = 100.0
FLAT_MB = 3.0  # "not growing": the second half of the run may not add more than this


class ViewsOpenClock:
    """Maps trigger ids to the monotonic time the fake received `views.open` for them."""

    def __init__(self, fake: FakeSlack) -> None:
        self.fake = fake
        self.seen = 0
        self.times: dict[str, float] = {}
        self.lock = threading.Lock()

    def wait(self, trigger: str, timeout: float = 10.0) -> float:
        def found() -> float | None:
            with self.lock:
                calls = self.fake.calls
                for call in calls[self.seen :]:
                    if call.method == "views.open":
                        self.times[str(call.params.get("trigger_id"))] = call.at
                self.seen = len(calls)
                return self.times.pop(trigger, None)

        return float(self.fake.wait_for(found, timeout=timeout))


def one(driver: SlackDriver, clock: ViewsOpenClock, user: str) -> float:
    trigger = driver.trigger_id(user)
    fields = {
        "team_id": driver.fake.team_id,
        "user_id": user,
        "channel_id": "CGENERAL",
        "command": "/interview",
        "text": "role",
        "response_url": driver.fake.response_url(user, "CGENERAL"),
        "trigger_id": trigger,
        "api_app_id": "ALOOPBOT",
    }
    from urllib.parse import urlencode

    started = time.monotonic()
    reply = driver.post_raw(urlencode(fields), "application/x-www-form-urlencoded")
    assert reply.status == 200, reply.body
    return clock.wait(trigger) - started


def run_series(driver: SlackDriver, clock: ViewsOpenClock, n: int, concurrency: int) -> list[float]:
    users = ["UHANA", "URITA", "UADMIN"]
    if concurrency == 1:
        return [one(driver, clock, users[i % 3]) for i in range(n)]
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        return list(pool.map(lambda i: one(driver, clock, users[i % 3]), range(n)))


def alternate(
    first: SlackDriver, second: SlackDriver, clock: ViewsOpenClock, n: int
) -> tuple[list[float], list[float]]:
    """Sequential requests to both apps, alternating request by request (in ABBA order), so a burst
    of machine noise (another process, a busy hypervisor) lands on both series alike."""
    users = ["UHANA", "URITA", "UADMIN"]
    a: list[float] = []
    b: list[float] = []
    for i in range(n):
        user = users[i % 3]
        if i % 2 == 0:
            a.append(one(first, clock, user))
            b.append(one(second, clock, user))
        else:
            b.append(one(second, clock, user))
            a.append(one(first, clock, user))
        if i % 500 == 499:
            clock.fake.reset()
            clock.seen = 0
    return a, b


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] * 1000


def summary(values: list[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50_ms": round(pct(values, 0.5), 3),
        "p99_ms": round(pct(values, 0.99), 3),
        "mean_ms": round(statistics.fmean(values) * 1000, 3),
    }


def latency(
    loopbot: ServerProcess, bare: ServerProcess, clock: ViewsOpenClock, n: int, concurrency: int
) -> dict[str, Any]:
    """Both apps' figures for `n` requests each from `concurrency` clients, and their ratios."""
    lb: list[float] = []
    bb: list[float] = []
    if concurrency == 1:
        lb, bb = alternate(loopbot.driver, bare.driver, clock, n)
    else:
        for _ in range(4):  # interleaved in chunks so both see the same machine conditions
            lb += run_series(loopbot.driver, clock, n // 4, concurrency)
            bb += run_series(bare.driver, clock, n // 4, concurrency)
            clock.fake.reset()
            clock.seen = 0
    return {
        "loopbot": summary(lb),
        "bare_bolt": summary(bb),
        "ratio_p50": round(pct(lb, 0.5) / pct(bb, 0.5), 3),
        "ratio_p99": round(pct(lb, 0.99) / pct(bb, 0.99), 3),
    }


def memory(loopbot: ServerProcess, clock: ViewsOpenClock, n: int) -> dict[str, Any]:
    """The Loopbot process's resident memory every tenth of `n` requests from 20 clients."""
    samples = [{"requests": 0, "rss_mb": round(loopbot.rss_mb(), 1)}]
    done = 0
    step = max(1, n // 10)
    while done < n:
        run_series(loopbot.driver, clock, step, 20)
        done += step
        clock.fake.reset()
        clock.seen = 0
        samples.append({"requests": done, "rss_mb": round(loopbot.rss_mb(), 1)})
    tail = [s["rss_mb"] for s in samples[len(samples) // 2 :]]
    return {
        "samples": samples,
        "final_rss_mb": samples[-1]["rss_mb"],
        "growth_second_half_mb": round(max(tail) - min(tail), 1),
        "note": "resident memory of the Loopbot server process alone",
    }


def start_bare(fake: FakeSlack, folder: str) -> ServerProcess:
    """The bare Bolt app, opening the very modal Loopbot opened as a constant (same payload, no work)."""
    view = next(c for c in fake.calls if c.method == "views.open").params["view"]
    view_file = Path(folder) / "view.json"
    view_file.write_text(json.dumps(view))
    return ServerProcess(
        fake, f"sqlite:///{Path(folder) / 'bare.db'}", bare=True, env={"BENCH_FIXED_VIEW": str(view_file)}
    )


def measure(requests: int, memory_requests: int) -> dict[str, Any]:
    """Latency side by side with the bare app, then Loopbot's memory."""
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as folder, FakeSlack() as fake:
        seed(fake)
        clock = ViewsOpenClock(fake)
        loopbot = ServerProcess(fake, f"sqlite:///{Path(folder) / 'bench.db'}")
        one(loopbot.driver, clock, "UHANA")
        bare = start_bare(fake, folder)
        try:
            for _ in range(30):  # warm both up
                one(loopbot.driver, clock, "UHANA")
                one(bare.driver, clock, "UHANA")
            for label, concurrency in (("sequential", 1), ("concurrent_20", 20)):
                results[label] = latency(loopbot, bare, clock, requests, concurrency)
            bare.stop()
            results["memory"] = memory(loopbot, clock, memory_requests)
        finally:
            loopbot.stop()
            if bare.process.poll() is None:
                bare.stop()
    return results


def meets_targets(results: dict[str, Any]) -> bool:
    m = results["memory"]
    ratios = [
        results[label][f"ratio_{q}"] for label in ("sequential", "concurrent_20") for q in ("p50", "p99")
    ]
    return (
        all(r <= 1.0 for r in ratios)
        and m["final_rss_mb"] <= MEMORY_LIMIT_MB
        and m["growth_second_half_mb"] <= FLAT_MB
    )


def report(results: dict[str, Any]) -> None:
    for label in ("sequential", "concurrent_20"):
        r = results[label]
        print(
            f"{label:14} loopbot p50 {r['loopbot']['p50_ms']:7.2f} ms  p99 {r['loopbot']['p99_ms']:7.2f} ms | "
            f"bare bolt p50 {r['bare_bolt']['p50_ms']:7.2f} ms  p99 {r['bare_bolt']['p99_ms']:7.2f} ms | "
            f"ratio p50 {r['ratio_p50']:.2f}  p99 {r['ratio_p99']:.2f}"
        )
    m = results["memory"]
    print(
        f"memory: {m['final_rss_mb']} MB after {m['samples'][-1]['requests']} requests; "
        f"growth over the second half {m['growth_second_half_mb']} MB "
        f"(targets: ratios ≤ 1.0, ≤ {MEMORY_LIMIT_MB} MB, growth ≤ {FLAT_MB} MB)"
    )
    print("meets the targets" if results["meets_targets"] else "MISSES a target")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000, help="requests per series")
    parser.add_argument("--memory-requests", type=int, default=10_000)
    args = parser.parse_args()
    results = measure(args.requests, args.memory_requests)
    results["meets_targets"] = meets_targets(results)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "command_to_modal.json").write_text(json.dumps(results, indent=2))
    report(results)
    return 0 if results["meets_targets"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
