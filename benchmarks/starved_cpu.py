"""Under a starved CPU: does Slack's 3-second trigger still never expire?

Every core is kept busy by a busy-loop process at normal priority while 1,000 signed `/interview
role` commands come from 20 concurrent clients to the real `loopbot run` (scheduler on, logging at
INFO to a file, SQLite), and the same to the two bare Bolt apps of benchmarks/command_to_modal.py
(as a user would write it, and with Loopbot's threads and kept-alive connections), in turns of
chunks under the same load. A trigger expires when `views.open` reaches the fake Slack more than
3 s after the command was sent, or never. Figures per app: expired triggers, non-200 answers,
p50/p99/max command → `views.open`, CPU per request; Loopbot's ratios to each bare app.

Run: `python -m benchmarks.starved_cpu`. Target: 0 expired triggers for Loopbot. Figures are printed
and written to benchmarks/results/starved_cpu.json; a run with the default sizes also writes the
copy to commit, benchmarks/results/<date>-<machine>/starved_cpu.json (see benchmarks/README.md).
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.command_to_modal import (
    BASES,
    ViewsOpenClock,
    concurrent,
    machine,
    ratios,
    send,
    servers,
    summary,
    write_results,
)
from bot.sandbox.driver import SlackDriver
from bot.sandbox.fake_slack import FakeSlack
from bot.sandbox.harness import seed

TRIGGER_SECONDS = 3.0  # Slack's trigger ids are valid this long
NEVER_SECONDS = 15.0  # no `views.open` this long after the answer: it never came
DEFAULTS = {"commands": 1000, "clients": 20}


@contextlib.contextmanager
def busy_cores(count: int) -> Iterator[list[int]]:
    """`count` busy-loop processes at normal priority for the duration; yields their pids."""
    burners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(count)]
    try:
        time.sleep(1.0)  # let them take their share of the cores
        yield [p.pid for p in burners]
    finally:
        for p in burners:
            p.terminate()
        for p in burners:
            p.wait()


def attempt(driver: SlackDriver, clock: ViewsOpenClock, user: str) -> tuple[float, int]:
    """Seconds from sending the command to `views.open` at the fake (infinite: never), and the HTTP
    status of the answer."""
    trigger, started, status = send(driver, user)
    try:
        return clock.wait(trigger, timeout=NEVER_SECONDS) - started, status
    except TimeoutError:
        return math.inf, status


def figures(raw: dict[str, Any]) -> dict[str, Any]:
    """Per app: expired triggers, non-200 answers, latency and CPU; Loopbot's ratios to the bare apps."""
    out: dict[str, Any] = {}
    for name, (results, cpu) in raw.items():
        delays = [delay for delay, _ in results]
        out[name] = {
            "expired_triggers": sum(1 for d in delays if d > TRIGGER_SECONDS),
            "never_opened": sum(1 for d in delays if math.isinf(d)),
            "non_200_answers": sum(1 for _, status in results if status != 200),
            **summary(delays, cpu),
        }
    out["ratios"] = {base: ratios(out, base) for base in BASES}
    return out


def measure(commands: int, clients: int, burners: int) -> dict[str, Any]:
    """All three apps under the same starved CPU, in turns of chunks."""
    with tempfile.TemporaryDirectory() as tmp, FakeSlack() as fake:
        seed(fake)
        clock = ViewsOpenClock(fake)
        with servers(fake, Path(tmp), clock) as apps, busy_cores(burners):
            load_before = os.getloadavg()

            def probe(driver: SlackDriver, user: str) -> tuple[float, int]:
                return attempt(driver, clock, user)

            raw = concurrent(apps, probe, clock, commands, clients)
            load_after = os.getloadavg()
    return {
        "busy_processes": burners,
        "load_average_under_load": {
            "first_command": [round(x, 2) for x in load_before],
            "last_command": [round(x, 2) for x in load_after],
        },
        **figures(raw),
    }


def report(results: dict[str, Any]) -> None:
    print(
        f"{results['busy_processes']} busy-loop processes; load average (1, 5, 15 min) "
        f"{results['load_average_under_load']['last_command']} at the last command"
    )
    for name in ("loopbot", *BASES):
        f = results[name]
        print(
            f"  {name:13} expired {f['expired_triggers']:4d} (never {f['never_opened']}), "
            f"non-200 {f['non_200_answers']}, p50 {f['p50_ms']} ms, p99 {f['p99_ms']} ms, "
            f"max {f['max_ms']} ms, CPU {f['cpu_ms_per_request']:.2f} ms/request"
        )
    for base in BASES:
        q = results["ratios"][base]
        print(f"  loopbot / {base:13} p50 {q['p50']}  p99 {q['p99']}  CPU {q['cpu']}")
    ok = results["meets_target"]
    print(
        f"  {'met   ' if ok else 'MISSED'} 0 expired triggers for Loopbot (> {TRIGGER_SECONDS:g} s or never)"
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--commands", type=int, default=DEFAULTS["commands"], help="commands per app")
    parser.add_argument("--clients", type=int, default=DEFAULTS["clients"], help="concurrent clients")
    parser.add_argument("--busy", type=int, default=os.cpu_count() or 2, help="busy-loop processes")
    parser.add_argument("--machine", default=f"{os.cpu_count()}core", help="tag of the dated results folder")
    args = parser.parse_args()
    results: dict[str, Any] = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(args.machine),
    }
    results.update(measure(args.commands, args.clients, args.busy))
    results["meets_target"] = results["loopbot"]["expired_triggers"] == 0
    record = {"commands": args.commands, "clients": args.clients} == DEFAULTS
    paths = write_results("starved_cpu", results, record=record)
    report(results)
    print("written to " + ", ".join(str(p) for p in paths))
    return 0 if results["meets_target"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
