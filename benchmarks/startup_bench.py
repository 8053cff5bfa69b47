"""Start-up: cold start to a ready `/healthz`, memory once ready, and the first command against the next 100.

Loopbot is measured as users run it: the `loopbot run` console script (`PORT=0`, scheduler on,
logging at INFO in the default format to a file, SQLite in a temporary folder, the fake Slack of
bot/sandbox/fake_slack.py through `SLACK_API_URL`). Per repetition, from the moment the process is
spawned: the time to the first 200 from `GET /healthz`, the CPU time (user + system) the process
used until then (less sensitive than the wall time to other work on a shared machine), the resident
memory (RSS) right then, the time from the first signed `/interview role` to `views.open` at the
fake, and the median of the next 100 such commands. Beside it, in the same run and taking turns, two bare Bolt apps served by waitress
that answer `/healthz` and open the very modal Loopbot opened:

- `bare`: slack_bolt, slack_sdk and waitress only (the default reference, as a user writes it);
- `bare_deps`: the same app after importing every module a started Loopbot process holds except
  Loopbot's own (listed by a child process that starts Loopbot as `loopbot run` does), so the ratio
  to it measures what Loopbot's own code and data add to the dependencies it needs.

The database is migrated once before the first repetition (a restart, not a first install), and one
unmeasured start of each app warms the machine's file cache and writes the compiled bytecode every
app then loads (in the temporary folder, `PYTHONPYCACHEPREFIX`), as an installed package has it.
Medians over the repetitions.

Run: `python -m benchmarks.startup_bench [--repetitions 7] [--before DIR]` (`--before`: also the
`loopbot run` of another source tree, e.g. `git archive <commit> | tar -x -C DIR`, in the same turns).
Figures are printed and written to benchmarks/results/startup_bench.json (and, with at least 7
repetitions, to the dated copy to commit); exits non-zero when a target is missed.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil

from benchmarks.command_to_modal import ViewsOpenClock, machine, one, write_results
from bot.sandbox.driver import SlackDriver
from bot.sandbox.fake_slack import FakeSlack
from bot.sandbox.harness import SIGNING_SECRET, seed
from bot.sandbox.process import child_environment, loopbot_script

RESULTS = Path(__file__).with_name("results")
STARTUP_LIMIT_S = 0.4
MEMORY_RATIO_LIMIT = 1.5  # against `bare_deps`
FIRST_COMMAND_RATIO_LIMIT = 1.5  # the first command against the median of the next 100
APPS = ("loopbot", "bare", "bare_deps")
BEFORE = "loopbot_before"


class Started:
    """One started server process: how long it took to answer `/healthz` with 200, and its RSS then."""

    def __init__(self, command: list[str], env: dict[str, str], log_file: Path, fake: FakeSlack) -> None:
        self.log_file = log_file
        self.log = log_file.open("w")
        started = time.monotonic()
        self.process = subprocess.Popen(
            command, env=env, cwd=log_file.parent, stdout=self.log, stderr=subprocess.STDOUT, text=True
        )
        port = self.wait_for_port(started)
        self.healthz = f"http://127.0.0.1:{port}/healthz"
        self.wait_ready()
        self.ready_s = time.monotonic() - started
        process = psutil.Process(self.process.pid)
        self.rss_mb = process.memory_info().rss / 2**20
        cpu = process.cpu_times()
        self.cpu_to_ready_s = cpu.user + cpu.system
        self.driver = SlackDriver(f"http://127.0.0.1:{port}/slack/events", SIGNING_SECRET, fake)

    def wait_for_port(self, started: float, timeout: float = 60.0) -> int:
        """The port from the log: Loopbot's `listening on 127.0.0.1:<port>`, the bare app's `PORT <n>`."""
        while time.monotonic() - started < timeout:
            for line in self.log_file.read_text().splitlines():
                if "listening on 127.0.0.1:" in line:
                    return int(line.split("listening on 127.0.0.1:")[1].split()[0])
                if line.startswith("PORT "):
                    return int(line.split()[1])
            if self.process.poll() is not None:
                break
            time.sleep(0.002)
        self.stop()
        raise RuntimeError(f"server did not start: {self.log_file.read_text()[-2000:]}")

    def wait_ready(self, timeout: float = 60.0) -> None:
        """Poll `/healthz` every 2 ms until it answers 200."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with (
                contextlib.suppress(urllib.error.URLError, ConnectionError),
                urllib.request.urlopen(self.healthz, timeout=5) as reply,
            ):
                if reply.status == 200:
                    return
            time.sleep(0.002)
        self.stop()
        raise RuntimeError(f"/healthz never answered 200: {self.log_file.read_text()[-2000:]}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def with_bytecode_cache(env: dict[str, str], folder: Path) -> None:
    """Let the children keep compiled bytecode, as an installed package has it (`pip install` compiles
    it; an editable install writes it on the first start), in `folder` rather than in the source
    trees. Without it (`PYTHONDONTWRITEBYTECODE` in the parent's environment) every start compiles
    all of Loopbot's source again, while the dependencies load theirs from site-packages."""
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(folder / "bytecode")


def start(app: str, fake: FakeSlack, folder: Path, before: Path | None = None) -> Started:
    """Spawn one of the apps (`loopbot_before`: `loopbot run` of the source tree `before`)."""
    env = child_environment(fake, f"sqlite:///{folder / 'loopbot.db'}", {"LOG_LEVEL": "INFO"})
    env.update({"HOST": "127.0.0.1", "PORT": "0", "BENCH_FIXED_VIEW": str(folder / "view.json")})
    with_bytecode_cache(env, folder)
    if app == BEFORE and before is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(before), *env["PYTHONPATH"].split(os.pathsep)[1:]])
    if app in ("loopbot", BEFORE):
        command = [loopbot_script(), "run"]
    else:
        modules = ["--modules", str(folder / "modules.json")] if app == "bare_deps" else []
        command = [sys.executable, "-m", "benchmarks.startup_child", "serve-bare", *modules]
    return Started(command, env, folder / f"{app}.log", fake)


def commands(server: Started, clock: ViewsOpenClock, n: int) -> dict[str, float]:
    """The first command to `views.open`, then the median of the next `n`, in milliseconds."""
    first = one(server.driver, clock, "UHANA")
    rest = [one(server.driver, clock, ("UHANA", "URITA", "UADMIN")[i % 3]) for i in range(n)]
    clock.clear()
    return {"first_command_ms": first * 1000, "next_median_ms": statistics.median(rest) * 1000}


def prepare(fake: FakeSlack, folder: Path, clock: ViewsOpenClock) -> None:
    """Migrate the database, keep the modal Loopbot opens (for the bare apps) and list the modules a
    started Loopbot holds (for `bare_deps`)."""
    loopbot = start("loopbot", fake, folder)
    one(loopbot.driver, clock, "UHANA")
    view = next(c for c in fake.calls if c.method == "views.open").params["view"]
    (folder / "view.json").write_text(json.dumps(view))
    loopbot.stop()
    clock.clear()
    env = child_environment(fake, f"sqlite:///{folder / 'loopbot.db'}", {"LOG_LEVEL": "INFO"})
    env.update({"HOST": "127.0.0.1", "PORT": "0"})
    with_bytecode_cache(env, folder)
    subprocess.run(
        [sys.executable, "-m", "benchmarks.startup_child", "list-modules", str(folder / "modules.json")],
        env=env,
        cwd=folder,
        check=True,
    )


def measure(repetitions: int, follow: int, before: Path | None) -> dict[str, Any]:
    """Each repetition starts the apps in turn (the order rotating) and measures them."""
    apps = (*APPS, BEFORE) if before else APPS
    runs: dict[str, list[dict[str, float]]] = {app: [] for app in apps}
    with tempfile.TemporaryDirectory() as tmp, FakeSlack() as fake:
        folder = Path(tmp)
        seed(fake)
        clock = ViewsOpenClock(fake)
        prepare(fake, folder, clock)
        for app in apps:  # warm the file cache: not counted
            start(app, fake, folder, before).stop()
        for r in range(repetitions):
            for app in apps[r % len(apps) :] + apps[: r % len(apps)]:
                server = start(app, fake, folder, before)
                try:
                    figures = {
                        "ready_s": server.ready_s,
                        "cpu_to_ready_s": server.cpu_to_ready_s,
                        "rss_mb": server.rss_mb,
                    }
                    figures.update(commands(server, clock, follow))
                    figures["rss_after_commands_mb"] = (
                        psutil.Process(server.process.pid).memory_info().rss / 2**20
                    )
                finally:
                    server.stop()
                runs[app].append(figures)
        modules = len(json.loads((folder / "modules.json").read_text()))
    return {"runs": runs, "bare_deps_modules": modules}


def medians(runs: dict[str, list[dict[str, float]]]) -> dict[str, dict[str, float]]:
    return {
        app: {key: round(statistics.median(r[key] for r in series), 3) for key in series[0]}
        for app, series in runs.items()
    }


def targets(m: dict[str, dict[str, float]]) -> dict[str, bool]:
    lb = m["loopbot"]
    return {
        f"start-up to a ready /healthz ≤ {STARTUP_LIMIT_S:g} s": lb["ready_s"] <= STARTUP_LIMIT_S,
        f"memory once ready ≤ {MEMORY_RATIO_LIMIT:g}× bare_deps": lb["rss_mb"]
        <= MEMORY_RATIO_LIMIT * m["bare_deps"]["rss_mb"],
        f"first command ≤ {FIRST_COMMAND_RATIO_LIMIT:g}× the median of the next ones": lb["first_command_ms"]
        <= FIRST_COMMAND_RATIO_LIMIT * lb["next_median_ms"],
    }


def report(results: dict[str, Any]) -> None:
    m = results["medians"]
    print(f"medians of {results['repetitions']} repetitions:")
    for app in m:
        f = m[app]
        print(
            f"  {app:10} ready {f['ready_s'] * 1000:6.0f} ms  CPU to ready {f['cpu_to_ready_s'] * 1000:6.0f} ms  "
            f"RSS {f['rss_mb']:6.1f} MB  "
            f"first command {f['first_command_ms']:6.2f} ms  next {results['follow']} median "
            f"{f['next_median_ms']:5.2f} ms  RSS after them {f['rss_after_commands_mb']:6.1f} MB"
        )
    for base, q in results["ratios"].items():
        print(
            f"  loopbot / {base:9} ready {q['ready_s']:.2f}×  CPU to ready {q['cpu_to_ready_s']:.2f}×  "
            f"RSS {q['rss_mb']:.2f}×  "
            f"after the commands {q['rss_after_commands_mb']:.2f}×"
        )
    print(f"  (bare_deps imports the {results['bare_deps_modules']} modules a started Loopbot holds)")
    print(f"machine load average (1, 5, 15 min): {results['machine']['load_average_start']} at the start")
    for target, ok in results["targets"].items():
        print(f"  {'met   ' if ok else 'MISSED'} {target}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repetitions", type=int, default=7)
    parser.add_argument("--follow", type=int, default=100, help="commands after the first one")
    parser.add_argument("--machine", default=f"{os.cpu_count()}core")
    parser.add_argument(
        "--before",
        type=Path,
        default=None,
        help="also run `loopbot run` from this source tree (e.g. a git archive)",
    )
    args = parser.parse_args()
    results: dict[str, Any] = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(args.machine),
        "repetitions": args.repetitions,
        "follow": args.follow,
    }
    results.update(measure(args.repetitions, args.follow, args.before))
    m = results["medians"] = medians(results["runs"])
    results["ratios"] = {
        base: {
            k: round(m["loopbot"][k] / m[base][k], 3)
            for k in ("ready_s", "cpu_to_ready_s", "rss_mb", "rss_after_commands_mb")
        }
        for base in ("bare", "bare_deps", *([BEFORE] if args.before else []))
    }
    results["targets"] = targets(m)
    paths = write_results("startup_bench", results, record=args.repetitions >= 7)
    report(results)
    print("written to " + ", ".join(str(p) for p in paths))
    return 0 if all(results["targets"].values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
