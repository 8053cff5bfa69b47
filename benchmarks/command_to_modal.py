"""Command to modal: signed `/interview role` requests → the moment the fake Slack sees `views.open`.

Loopbot is measured as users run it: the `loopbot run` console script (scheduler on, logging at INFO
in the default format to a file), SQLite in a temporary folder, against the fake Slack. Beside it, in
the same run, a bare Bolt app that acks and opens the very modal Loopbot opened (as a constant), in
two variants (bot/sandbox/serve.py):

- `bare_user`: as a user would write it (slack_sdk's own `WebClient`, a new connection per call;
  Bolt's default 5 listener threads; waitress with its default 4 threads);
- `bare_matched`: with Loopbot's 32 listener threads, its kept-alive Slack connections, waitress
  with the same `WEB_THREADS` and slack_sdk's logger at the same level, so that the ratio to it
  isolates Loopbot's own work (the targets).

Each series is run sequentially (the three apps taking turns request by request) and with 20
concurrent clients (in turns of chunks): p50 and p99, and each server process's CPU time (user +
system) per request. Then Loopbot alone serves 10,000 more requests: its resident memory at the end
and its trend (least-squares slope over the whole run, in MB per 10,000 requests).

Run: `python -m benchmarks.command_to_modal [--before DIR]` (`--before`: also `loopbot run` of another
source tree, e.g. a `git archive` of main, in the same turns; its ratios are printed beside). Figures are printed and written to
benchmarks/results/command_to_modal.json; a run with the default sizes also writes the copy to
commit, benchmarks/results/<date>-<machine>/command_to_modal.json (see benchmarks/README.md).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import platform
import statistics
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlencode

from bot.sandbox.driver import SlackDriver
from bot.sandbox.fake_slack import FakeSlack
from bot.sandbox.harness import seed
from bot.sandbox.process import LoopbotRun, Served, ServerProcess

RESULTS = Path(__file__).with_name("results")
MEMORY_LIMIT_MB = 100.0
FLAT_MB_PER_10K = 3.0  # "not growing": the trend over the run may add at most this per 10,000 requests
TARGET_BASE = "bare_matched"
BEFORE = "loopbot_before"
BASES = ("bare_matched", "bare_user")
USERS = ("UHANA", "URITA", "UADMIN")
T = TypeVar("T")


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

    def clear(self) -> None:
        """Forget the calls seen so far (between chunks, so that scans stay short)."""
        with self.lock:
            self.fake.reset()
            self.seen = 0


def send(driver: SlackDriver, user: str) -> tuple[str, float, int]:
    """Post a signed `/interview role`; returns its trigger id, when it was sent and the HTTP status."""
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
    started = time.monotonic()
    reply = driver.post_raw(urlencode(fields), "application/x-www-form-urlencoded")
    return trigger, started, reply.status


def one(driver: SlackDriver, clock: ViewsOpenClock, user: str) -> float:
    """Seconds from sending the command to `views.open` at the fake."""
    trigger, started, status = send(driver, user)
    assert status == 200, status
    return clock.wait(trigger) - started


Probe = Callable[[SlackDriver, str], T]


def sequential(apps: dict[str, Served], probe: Probe[T], clock: ViewsOpenClock, n: int) -> dict[str, Any]:
    """`n` requests to each app, the apps taking turns request by request (the order rotating and
    reversing), so a burst of machine noise lands on every series alike; CPU over the whole series."""
    names = list(apps)
    out: dict[str, list[T]] = {name: [] for name in names}
    cpu = {name: app.cpu_seconds() for name, app in apps.items()}
    for i in range(n):
        k = i % len(names)
        order = names[k:] + names[:k]
        for name in reversed(order) if (i // len(names)) % 2 else order:
            out[name].append(probe(apps[name].driver, USERS[i % len(USERS)]))
        if i % 200 == 199:
            clock.clear()
    return {name: (out[name], apps[name].cpu_seconds() - cpu[name]) for name in names}


def concurrent(
    apps: dict[str, Served], probe: Probe[T], clock: ViewsOpenClock, n: int, clients: int, rounds: int = 4
) -> dict[str, Any]:
    """`n` requests to each app from `clients` concurrent clients, in `rounds` turns of `n / rounds`
    per app (rotating order); CPU over each app's own turns."""
    names = list(apps)
    out: dict[str, list[T]] = {name: [] for name in names}
    cpu = dict.fromkeys(names, 0.0)
    chunk = max(1, n // rounds)
    for r in range(rounds):
        for name in names[r % len(names) :] + names[: r % len(names)]:
            app = apps[name]
            before = app.cpu_seconds()
            with ThreadPoolExecutor(max_workers=clients) as pool:
                out[name] += pool.map(lambda i, d=app.driver: probe(d, USERS[i % len(USERS)]), range(chunk))
            cpu[name] += app.cpu_seconds() - before
            clock.clear()
    return {name: (out[name], cpu[name]) for name in names}


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] * 1000


def finite(x: float) -> float | None:
    return round(x, 3) if math.isfinite(x) else None


def summary(values: list[float], cpu_seconds: float) -> dict[str, Any]:
    return {
        "n": len(values),
        "p50_ms": finite(pct(values, 0.5)),
        "p99_ms": finite(pct(values, 0.99)),
        "max_ms": finite(max(values) * 1000),
        "cpu_ms_per_request": round(cpu_seconds / len(values) * 1000, 3),
    }


def ratios(figures: dict[str, Any], base: str, name: str = "loopbot") -> dict[str, float | None]:
    """Loopbot's (or `name`'s) p50, p99 and CPU per request divided by the `base` app's."""
    lb, other = figures[name], figures[base]
    keys = {"p50": "p50_ms", "p99": "p99_ms", "cpu": "cpu_ms_per_request"}
    return {
        q: (round(lb[k] / other[k], 3) if lb[k] is not None and other[k] else None) for q, k in keys.items()
    }


def series_figures(raw: dict[str, Any]) -> dict[str, Any]:
    """Per app: latency percentiles and CPU per request; Loopbot's ratios to each bare app."""
    figures: dict[str, Any] = {name: summary(times, cpu) for name, (times, cpu) in raw.items()}
    figures["ratios"] = {base: ratios(figures, base) for base in BASES if base in figures}
    if BEFORE in figures:
        figures["ratios_before"] = {base: ratios(figures, base, BEFORE) for base in BASES if base in figures}
    return figures


def memory(
    app: Served, clock: ViewsOpenClock, n: int, clients: int = 20, samples: int = 20
) -> dict[str, Any]:
    """Loopbot's resident memory every `n / samples` requests from `clients` clients; the trend is the
    least-squares slope over all samples."""
    points = [(0, app.rss_mb())]
    step = max(1, n // samples)
    cpu = app.cpu_seconds()
    while points[-1][0] < n:
        concurrent({"loopbot": app}, lambda d, u: one(d, clock, u), clock, step, clients, rounds=1)
        points.append((points[-1][0] + step, app.rss_mb()))
    cpu = app.cpu_seconds() - cpu
    slope = statistics.linear_regression([p[0] for p in points], [p[1] for p in points]).slope
    return {
        "samples": [{"requests": r, "rss_mb": round(mb, 1)} for r, mb in points],
        "final_rss_mb": round(points[-1][1], 1),
        "slope_mb_per_10k_requests": round(slope * 10_000, 2),
        "cpu_ms_per_request": round(cpu / points[-1][0] * 1000, 3),
        "note": "resident memory of the `loopbot run` process alone, after the latency series",
    }


@contextlib.contextmanager
def servers(
    fake: FakeSlack, folder: Path, clock: ViewsOpenClock, before: Path | None = None
) -> Iterator[dict[str, Served]]:
    """`loopbot run` and the two bare Bolt apps (opening the modal Loopbot opened), warmed up; their
    logs in `folder`; with `before`, also `loopbot run` of that source tree. Stopped on exit."""
    with contextlib.ExitStack() as stack:
        loopbot = LoopbotRun(fake, f"sqlite:///{folder / 'loopbot.db'}", folder / "loopbot.log")
        stack.callback(loopbot.stop)
        one(loopbot.driver, clock, "UHANA")
        view = next(c for c in fake.calls if c.method == "views.open").params["view"]
        (folder / "view.json").write_text(json.dumps(view))
        apps: dict[str, Served] = {"loopbot": loopbot}
        if before is not None:
            path = os.pathsep.join([str(before), *filter(None, [os.environ.get("PYTHONPATH")])])
            old = LoopbotRun(
                fake, f"sqlite:///{folder / 'before.db'}", folder / "before.log", env={"PYTHONPATH": path}
            )
            stack.callback(old.stop)
            apps[BEFORE] = old
        for variant in ("matched", "user"):
            bare = ServerProcess(
                fake,
                f"sqlite:///{folder / 'bare.db'}",
                bare=variant,
                env={"BENCH_FIXED_VIEW": str(folder / "view.json"), "LOG_LEVEL": "INFO"},
                log_file=folder / f"bare_{variant}.log",
            )
            stack.callback(bare.stop)
            apps[f"bare_{variant}"] = bare
        for _ in range(30):
            for app in apps.values():
                one(app.driver, clock, "UHANA")
        clock.clear()
        yield apps


def measure(requests: int, memory_requests: int, before: Path | None = None) -> dict[str, Any]:
    """Latency and CPU side by side with the bare apps (and `loopbot run` of the tree `before`), then
    Loopbot's memory."""
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp, FakeSlack() as fake:
        seed(fake)
        clock = ViewsOpenClock(fake)
        with servers(fake, Path(tmp), clock, before) as apps:

            def probe(driver: SlackDriver, user: str) -> float:
                return one(driver, clock, user)

            results["sequential"] = series_figures(sequential(apps, probe, clock, requests))
            results["concurrent_20"] = series_figures(concurrent(apps, probe, clock, requests, 20))
            for name in apps:
                if name != "loopbot":
                    apps[name].stop()
            results["memory"] = memory(apps["loopbot"], clock, memory_requests)
    return results


def cpu_ratio(results: dict[str, Any], base: str, name: str = "loopbot") -> float:
    """Loopbot's (or `name`'s) CPU per request over both latency series divided by `base`'s."""

    def total(name: str) -> float:
        series = [results[s][name] for s in ("sequential", "concurrent_20")]
        return sum(f["cpu_ms_per_request"] * f["n"] for f in series) / sum(f["n"] for f in series)

    return round(total(name) / total(base), 3)


def targets(results: dict[str, Any]) -> dict[str, bool]:
    """Each target, met or not (ratios against the matched bare app)."""
    met = {
        f"{s} {q} ratio ≤ 1.0": (results[s]["ratios"][TARGET_BASE][q] or math.inf) <= 1.0
        for s in ("sequential", "concurrent_20")
        for q in ("p50", "p99")
    }
    met["CPU per request ratio ≤ 1.0"] = results["cpu_ratio"][TARGET_BASE] <= 1.0
    met[f"memory ≤ {MEMORY_LIMIT_MB:g} MB"] = results["memory"]["final_rss_mb"] <= MEMORY_LIMIT_MB
    met[f"memory trend ≤ {FLAT_MB_PER_10K:g} MB per 10,000 requests"] = (
        results["memory"]["slope_mb_per_10k_requests"] <= FLAT_MB_PER_10K
    )
    return met


def machine(tag: str) -> dict[str, Any]:
    """What the figures were measured on, and how busy it was (load averages over 1, 5, 15 min)."""
    return {
        "tag": tag,
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "load_average_start": [round(x, 2) for x in os.getloadavg()],
    }


def write_results(name: str, results: dict[str, Any], *, record: bool) -> list[Path]:
    """The scratch file benchmarks/results/<name>.json (git-ignored) and, when `record`, the copy to
    commit: benchmarks/results/<date>-<machine tag>/<name>.json."""
    results["machine"]["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    paths = [RESULTS / f"{name}.json"]
    if record:
        paths.append(RESULTS / f"{date.today().isoformat()}-{results['machine']['tag']}" / f"{name}.json")
    for path in paths:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(results, indent=2) + "\n")
    return paths


def print_targets(met: dict[str, bool]) -> None:
    for target, ok in met.items():
        print(f"  {'met   ' if ok else 'MISSED'} {target}")
    print("meets the targets" if all(met.values()) else "MISSES a target")


def report(results: dict[str, Any]) -> None:
    for label in ("sequential", "concurrent_20"):
        r = results[label]
        print(f"{label}:")
        for name in (n for n in ("loopbot", BEFORE, *BASES) if n in r):
            f = r[name]
            print(
                f"  {name:13} p50 {f['p50_ms']:7.2f} ms  p99 {f['p99_ms']:7.2f} ms  "
                f"CPU {f['cpu_ms_per_request']:6.2f} ms/request"
            )
        for base in BASES:
            q = r["ratios"][base]
            print(f"  loopbot / {base:13} p50 {q['p50']:.2f}  p99 {q['p99']:.2f}  CPU {q['cpu']:.2f}")
    print("CPU per request, both series: " + ", ".join(f"/ {b} {results['cpu_ratio'][b]:.2f}" for b in BASES))
    if "cpu_ratio_before" in results:
        before = results["cpu_ratio_before"]
        print("  the tree --before: " + ", ".join(f"/ {b} {before[b]:.2f}" for b in BASES))
    m = results["memory"]
    print(
        f"memory: {m['final_rss_mb']} MB after {m['samples'][-1]['requests']} requests, trend "
        f"{m['slope_mb_per_10k_requests']:+.2f} MB per 10,000 requests"
    )
    print(
        "machine load average (1, 5, 15 min): " + f"{results['machine']['load_average_start']} at the start"
    )
    print_targets(results["targets"])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000, help="requests per app and series")
    parser.add_argument("--memory-requests", type=int, default=10_000)
    parser.add_argument("--before", type=Path, help="also `loopbot run` of this source tree, in turns")
    parser.add_argument("--machine", default=f"{os.cpu_count()}core", help="tag of the dated results folder")
    args = parser.parse_args()
    results: dict[str, Any] = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(args.machine),
    }
    results.update(measure(args.requests, args.memory_requests, args.before))
    results["cpu_ratio"] = {base: cpu_ratio(results, base) for base in BASES}
    if args.before:
        results["cpu_ratio_before"] = {base: cpu_ratio(results, base, BEFORE) for base in BASES}
    results["targets"] = targets(results)
    record = (args.requests, args.memory_requests) == (2000, 10_000) and not args.before
    paths = write_results("command_to_modal", results, record=record)
    report(results)
    print("written to " + ", ".join(str(p) for p in paths))
    return 0 if all(results["targets"].values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
