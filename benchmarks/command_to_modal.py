"""Command to modal: signed `/interview role` requests → the moment the fake Slack sees `views.open`.

Measured in the same run for Loopbot (real app, real HTTP server, SQLite) and for a bare Bolt app
that only opens a fixed modal, behind the same WSGI server: sequential and with 20 concurrent
clients, p50 and p99. Then resident memory across 10,000 Loopbot requests (it must stay ≤ 100 MB
and stop growing).

Run: `python -m benchmarks.command_to_modal` (figures printed and written to
benchmarks/results/command_to_modal.json).
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import psutil
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler

from bot.sandbox.driver import SlackDriver
from bot.sandbox.fake_slack import FakeSlack
from bot.sandbox.harness import SIGNING_SECRET, Sandbox
from bot.slack_client import make_client
from bot.web import WebServer

RESULTS = Path(__file__).with_name("results")


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


def bare_bolt(fake: FakeSlack) -> WebServer:
    """The reference: a bare Bolt app that acks and opens a fixed modal."""
    app = App(
        client=make_client("xoxb-bare", fake.api_url),
        signing_secret=SIGNING_SECRET,
        token_verification_enabled=False,
    )
    view = {
        "type": "modal",
        "callback_id": "fixed",
        "title": {"type": "plain_text", "text": "Fixed"},
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Hello"}}],
    }

    @app.command("/interview")
    def _open(ack: Any, body: dict[str, Any], client: Any) -> None:
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=view)

    return WebServer(SlackRequestHandler(app), "127.0.0.1", 0, threads=16).start()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=400, help="requests per series")
    parser.add_argument("--memory-requests", type=int, default=10_000)
    args = parser.parse_args()
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as folder:
        box = Sandbox(f"sqlite:///{Path(folder) / 'bench.db'}").start()
        try:
            loop_clock = ViewsOpenClock(box.fake)
            bare = bare_bolt(box.fake)
            bare_driver = SlackDriver(bare.url + "/slack/events", SIGNING_SECRET, box.fake)
            for _ in range(20):  # warm both up
                one(box.slack, loop_clock, "UHANA")
                one(bare_driver, loop_clock, "UHANA")
            for label, concurrency in (("sequential", 1), ("concurrent_20", 20)):
                lb, bb = [], []
                # Interleave in chunks so both see the same machine conditions.
                for _ in range(4):
                    lb += run_series(box.slack, loop_clock, args.requests // 4, concurrency)
                    bb += run_series(bare_driver, loop_clock, args.requests // 4, concurrency)
                results[label] = {
                    "loopbot": summary(lb),
                    "bare_bolt": summary(bb),
                    "ratio_p50": round(pct(lb, 0.5) / pct(bb, 0.5), 3),
                    "ratio_p99": round(pct(lb, 0.99) / pct(bb, 0.99), 3),
                }
            bare.stop()
            process = psutil.Process()
            samples = []
            done = 0
            step = max(1, args.memory_requests // 10)
            while done < args.memory_requests:
                run_series(box.slack, loop_clock, step, 20)
                done += step
                box.fake.reset()
                loop_clock.seen = 0
                gc.collect()
                samples.append({"requests": done, "rss_mb": round(process.memory_info().rss / 2**20, 1)})
            tail = [s["rss_mb"] for s in samples[len(samples) // 2 :]]
            results["memory"] = {
                "samples": samples,
                "final_rss_mb": samples[-1]["rss_mb"],
                "growth_second_half_mb": round(max(tail) - min(tail), 1),
                "note": "RSS of the whole benchmark process: Loopbot, its server, the fake Slack and the clients",
            }
        finally:
            box.stop()
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "command_to_modal.json").write_text(json.dumps(results, indent=2))
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
        f"growth over the second half {m['growth_second_half_mb']} MB"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
