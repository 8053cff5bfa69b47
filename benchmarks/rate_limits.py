"""10,000 overdue reminders through the real tick against a fake Slack that enforces Slack's limits.

The fake (bot/sandbox/fake_slack.py, `SLACK_LIMITS`) enforces, in real time, `chat.postMessage` at one
message a second per channel (burst 3) plus a workspace-wide limit of 100 a second (Slack publishes no
figure for that one: an assumption), answering 429 with `Retry-After` in whole seconds as Slack does.
Nothing is scaled: the app obeys real `Retry-After` seconds and paces itself at its production
defaults (`SLACK_SEND_WORKERS`, `SLACK_CHANNEL_SPACING_SECONDS`). To keep the run to minutes, the
reminders are spread over many channels (default 100 channels × 100 reminders), so the minimum those
limits allow is computable and short: max over the channel buckets of (n - burst) / rate and the
workspace bucket's (N - burst) / rate (99 s with the defaults). The reminders go to channels, not
DMs, so `conversations.open` (Tier 3, 50 a minute) is not what is measured.

Each backend runs the real app (bot/sandbox/harness.py: its HTTP endpoint, its Slack clients) with a
`Dispatcher` ticking a source of N due reminders (real domain messages rendered to Block Kit): on
SQLite one replica, on PostgreSQL two replicas (two dispatchers with their own engines and Slack
clients, ticking at once). Meanwhile other users' `/interview help` commands are sent, signed, to the
app's endpoint every 0.2 s; their latency runs until their reply (posted to the response URL after
the ack) reaches the fake Slack.

Figures: delivery time vs the minimum (target within 10 %), lost and duplicated (target 0, counted
from what the fake received), 429s answered, and p50/p99/max command latency (target < 1 s).

Run: `python -m benchmarks.rate_limits [--reminders 10000] [--channels 100] [--workers N] [--sqlite-only]`
(figures printed and written to benchmarks/results/rate_limits.json; a run with the default sizes also
writes the copy to commit, benchmarks/results/<date>-<machine>/rate_limits.json). Exits 1 when a
target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any

from benchmarks.bench_db import databases
from benchmarks.command_to_modal import machine, write_results
from bot.sandbox.fake_slack import SLACK_LIMITS, FakeSlack, Limit
from bot.sandbox.harness import BOT_TOKEN, Sandbox
from bot.settings import Settings
from bot.slack_client import make_client
from handlers.slack_gateway import SlackNotifier
from hiring.outbox import Dispatcher, Due, TickReport
from hiring.privacy.erasure import ErasedNotice
from storage.uow import Database

TARGET_RATIO = 1.10
TARGET_COMMAND_SECONDS = 1.0
CANDIDATE = re.compile(r"candidate #(\d+)")


def minimum_seconds(per_channel: Counter[str]) -> float:
    """The least time the fake's limits allow for these posts (token buckets, full at the start)."""
    spec = SLACK_LIMITS["chat.postMessage"]
    channel: Limit = spec.per_target  # type: ignore[assignment]
    workspace: Limit = spec.per_workspace  # type: ignore[assignment]
    slowest = max(max(0, n - channel.burst) / channel.per_second for n in per_channel.values())
    total = sum(per_channel.values())
    return max(slowest, max(0, total - workspace.burst) / workspace.per_second)


def reminders(count: int, channels: list[str]) -> list[Due]:
    """Overdue reminders, keyed as the chasing ladder keys them (not grouped by channel)."""
    return [
        Due(
            "T0LOOPBOT",
            f"remind:{i:05d}",
            "bench_reminder",
            channels[i % len(channels)],
            ErasedNotice(candidate_id=i),
        )
        for i in range(count)
    ]


def command_latencies(box: Sandbox, stop: threading.Event, out: list[float]) -> None:
    """Other users' commands while the reminders go out: seconds from sending each until its reply
    (the help text, posted to the response URL after the ack) reaches the fake Slack."""
    users = ["USAM", "UJONAS", "ULEE", "UMIA"]
    n = 0
    while not stop.is_set():
        user = users[n % len(users)]
        before = len(box.fake.ephemerals(user))
        started = time.perf_counter()
        reply = box.slack.command(user, "help")
        if reply.status != 200:
            raise RuntimeError(f"a command was answered {reply.status}")
        box.fake.wait_for(lambda: len(box.fake.ephemerals(user)) > before, timeout=30.0)  # noqa: B023
        out.append(time.perf_counter() - started)
        n += 1
        stop.wait(0.2)


def replica(url: str, fake: FakeSlack, box: Sandbox, items: list[Due], n: int, workers: int) -> Dispatcher:
    defaults = Settings.model_fields
    client = make_client(BOT_TOKEN, fake.api_url)
    return Dispatcher(
        Database(url) if n else box.loopbot.services.db,  # type: ignore[union-attr]
        box.clock,
        SlackNotifier(lambda team: client),
        [lambda now: items],
        replica=f"bench-{n}",
        send_workers=workers,
        spacing_seconds=defaults["slack_channel_spacing_seconds"].default,
    )


def deliver(box: Sandbox, dispatchers: list[Dispatcher]) -> tuple[float, list[TickReport], list[float]]:
    """One tick on every replica at once while another user's commands run: the seconds until all
    ticks ended, their reports and the commands' latencies (sorted)."""
    latencies: list[float] = []
    stop = threading.Event()
    commands = threading.Thread(target=command_latencies, args=(box, stop, latencies))
    reports: list[TickReport] = []
    commands.start()
    started = time.perf_counter()
    ticks = [threading.Thread(target=lambda d=d: reports.append(d.tick())) for d in dispatchers]
    for thread in ticks:
        thread.start()
    for thread in ticks:
        thread.join()
    elapsed = time.perf_counter() - started
    stop.set()
    commands.join()
    latencies.sort()
    return elapsed, reports, latencies


def measure(
    backend: str,
    make_url: Callable[[], AbstractContextManager[str]],
    count: int,
    n_channels: int,
    workers: int,
) -> dict[str, Any]:
    replicas = 2 if backend == "postgresql" else 1
    with make_url() as url, Sandbox(url, rate_limits=SLACK_LIMITS) as box:
        channels = [f"CREM{n:04d}" for n in range(n_channels)]
        for channel in channels:
            box.fake.add_channel(channel, channel.lower())
        items = reminders(count, channels)
        dispatchers = [replica(url, box.fake, box, items, n, workers) for n in range(replicas)]
        elapsed, reports, latencies = deliver(box, dispatchers)
        posts = [p for p in box.fake.messages if p.channel in set(channels)]
        ids = Counter(int(m.group(1)) for p in posts if (m := CANDIDATE.search(p.text)))
        minimum = minimum_seconds(Counter(d.to for d in items))
        limiter = box.fake.limiter
        result = {
            "backend": backend,
            "replicas": replicas,
            "reminders": count,
            "channels": n_channels,
            "send_workers": workers,
            "delivery_seconds": round(elapsed, 2),
            "minimum_seconds": round(minimum, 2),
            "ratio_to_minimum": round(elapsed / minimum, 3) if minimum else None,
            "lost": count - len(ids),
            "duplicated": sum(n - 1 for n in ids.values()),
            "answered_429": len(limiter.refused) if limiter is not None else 0,
            "sent_per_replica": [r.sent for r in reports],
            "deferred": sum(r.deferred for r in reports),
            "failed": sum(r.failed for r in reports),
            "commands": len(latencies),
            "command_p50_seconds": round(statistics.median(latencies), 4),
            "command_p99_seconds": round(latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))], 4),
            "command_max_seconds": round(latencies[-1], 4),
        }
        for dispatcher in dispatchers[1:]:
            dispatcher.db.dispose()
    result["targets_met"] = {
        "within_10_percent_of_minimum": result["ratio_to_minimum"] is not None
        and result["ratio_to_minimum"] <= TARGET_RATIO,
        "lost_0": result["lost"] == 0,
        "duplicated_0": result["duplicated"] == 0,
        "commands_under_1_s": result["command_max_seconds"] < TARGET_COMMAND_SECONDS,
    }
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reminders", type=int, default=10_000)
    parser.add_argument("--channels", type=int, default=100)
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument(
        "--workers",
        type=int,
        default=Settings.model_fields["slack_send_workers"].default,
        help="SLACK_SEND_WORKERS",
    )
    parser.add_argument(
        "--machine", default=None, help="tag of the dated results folder (default: <cores>core)"
    )
    args = parser.parse_args(argv)
    results: dict[str, Any] = {"machine": machine(args.machine or f"{os.cpu_count()}core"), "runs": []}
    runs: list[dict[str, Any]] = results["runs"]
    for backend, make_url in databases(args.sqlite_only):
        result = measure(backend, make_url, args.reminders, args.channels, args.workers)  # type: ignore[arg-type]
        print(json.dumps(result, indent=2), flush=True)
        runs.append(result)
    results["measured_at"] = datetime.now().astimezone().isoformat(timespec="seconds")
    defaults = (args.reminders, args.channels, args.sqlite_only) == (10_000, 100, False)
    for path in write_results("rate_limits", results, record=defaults):
        print(f"written: {path}")
    missed = [f"{r['backend']}: {name}" for r in runs for name, ok in r["targets_met"].items() if not ok]
    print("targets missed: " + (", ".join(missed) if missed else "none"))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
