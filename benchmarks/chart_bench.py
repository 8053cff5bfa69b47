"""Drawing each chart to PNG bytes: the weekly digest's (a six-stage plan), calibration's (12
interviewers on a five-point scale, the most the chart shows) and the App Home's load chart.

Measured per chart: wall and CPU time of `RUNS` renders after `WARM_UP` unmeasured ones (p50, p95,
max), in this process, one render at a time as the app draws them. Also measured, not a target: the
first chart of a fresh process, which pays for importing matplotlib and loading its fonts (the app
pays it on its first chart, never at start-up).

Target: p50 ≤ 150 ms per chart. Reference measured in the same run: a blank 800 × 400 PNG through
the same canvas (the fixed cost of a figure and its PNG encoding).

Run: `python -m benchmarks.chart_bench [--runs 30] [--machine TAG]` (figures printed and written to
benchmarks/results/chart_bench.json; a run with the default sizes also writes the copy to commit,
benchmarks/results/<date>-<machine>/chart_bench.json).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from benchmarks.command_to_modal import machine, write_results
from handlers.charts.calibration_chart import MAX_ROWS, render_calibration_chart
from handlers.charts.digest_chart import render_digest_charts
from handlers.charts.load_chart import render_load_chart
from handlers.charts.style import canvas, png
from hiring.chasing.figures import DigestCharts, DigestFigures, FunnelStep, Spread
from hiring.feedback.calibration import Calibration, InterviewerCalibration, leaning
from hiring.home import InterviewLoad, WeekLoad

RUNS = 30
WARM_UP = 3
TARGET_MS = 150.0
NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)
STAGES = (
    "Recruiter screen",
    "Hiring manager call",
    "Technical interview",
    "Take-home review",
    "On-site loop",
)
STAGES += ("Leadership chat",)


def digest() -> DigestCharts:
    funnel = tuple(FunnelStep(name, 6 - n, 40 - 6 * n) for n, name in enumerate(STAGES))
    spreads = tuple(
        Spread(name, 20 + n, timedelta(hours=3 + 4 * n), timedelta(hours=12 + 9 * n))
        for n, name in enumerate(STAGES)
    )
    leads = tuple(
        Spread(name, 10 + n, timedelta(hours=20 + 8 * n), timedelta(hours=60 + 20 * n))
        for n, name in enumerate(STAGES)
    )
    figures = DigestFigures(NOW, (*funnel, FunnelStep("Offer", 1, 4)), spreads, leads)
    return DigestCharts("Senior Backend Engineer", "Europe/London", figures)


def calibration() -> tuple[Calibration, dict[str, str]]:
    people = []
    for n in range(MAX_ROWS):
        mine = {p: (n + p) % 4 + (1 if p == 3 else 0) for p in range(1, 6)}
        theirs = {p: (2 * n + p) % 5 + 1 for p in range(1, 6)}
        mean = sum(p * c for p, c in mine.items()) / sum(mine.values())
        panel = sum(p * c for p, c in theirs.items()) / sum(theirs.values())
        cards = 2 + n % 7
        people.append(
            InterviewerCalibration(
                f"U{n:03d}", cards, mine, theirs, mean, panel, mean - panel, leaning(cards, mean - panel), 0.5
            )
        )
    labels = {1: "Strong no", 2: "No", 3: "Mixed", 4: "Yes", 5: "Strong yes"}
    total = {p: sum(i.distribution[p] for i in people) for p in range(1, 6)}
    cal = Calibration(1, "Senior Backend Engineer", 1, 5, labels, 60, total, 3.1, people)
    return cal, {p.user_id: f"Interviewer {n}" for n, p in enumerate(people)}


def load() -> InterviewLoad:
    monday = date(2026, 11, 23)
    return InterviewLoad(tuple(WeekLoad(monday + timedelta(weeks=n), (3, 5, 6, 1)[n]) for n in range(4)), 5)


def blank() -> bytes:
    with canvas() as figure:
        return png(figure)


def measure(draw: Callable[[], object], runs: int) -> dict[str, float]:
    """p50, p95 and max of wall and CPU milliseconds over `runs` draws, after a warm-up."""
    for _ in range(WARM_UP):
        draw()
    wall, cpu = [], []
    for _ in range(runs):
        started, thread = time.perf_counter(), time.thread_time()
        draw()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.thread_time() - thread) * 1000)
    return {
        f"{name}_{stat}": round(value, 2)
        for name, series in (("wall", wall), ("cpu", cpu))
        for stat, value in stats(series)
    }


def stats(series: list[float]) -> list[tuple[str, float]]:
    ordered = sorted(series)
    return [
        ("p50_ms", statistics.median(ordered)),
        ("p95_ms", ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]),
        ("max_ms", ordered[-1]),
    ]


COLD = """
import time
started = time.perf_counter()
from benchmarks.chart_bench import digest
from handlers.charts.digest_chart import render_digest_charts
render_digest_charts(digest())
print((time.perf_counter() - started) * 1000)
"""


def cold_first_chart_ms() -> float:
    """The first chart of a fresh process (importing matplotlib, loading fonts), in milliseconds."""
    out = subprocess.run([sys.executable, "-c", COLD], check=True, capture_output=True, text=True)
    return round(float(out.stdout.strip().splitlines()[-1]), 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=RUNS, help="measured renders per chart")
    parser.add_argument(
        "--machine", default=None, help="tag of the dated results folder (default: <cores>core)"
    )
    args = parser.parse_args(argv)
    cal, names = calibration()
    digest_msg, load_msg = digest(), load()
    charts: dict[str, Callable[[], object]] = {
        "digest (800 × 400, 6 stages)": lambda: render_digest_charts(digest_msg),
        f"calibration (800 × {150 + 56 * MAX_ROWS}, {MAX_ROWS} interviewers)": lambda: (
            render_calibration_chart(cal, names)
        ),
        "load (800 × 300, 4 weeks)": lambda: render_load_chart(load_msg),
    }
    results: dict[str, Any] = {
        "machine": machine(args.machine or f"{os.cpu_count()}core"),
        "runs": args.runs,
        "target_p50_ms": TARGET_MS,
        "cold_first_chart_ms": cold_first_chart_ms(),
        "reference_blank_png": measure(blank, args.runs),
        "charts": {name: measure(draw, args.runs) for name, draw in charts.items()},
    }
    met = {name: figures["wall_p50_ms"] <= TARGET_MS for name, figures in results["charts"].items()}
    results["targets_met"] = met
    report(results)
    for path in write_results("chart_bench", results, record=args.runs == RUNS):
        print(f"written: {path}")
    return 0 if all(met.values()) else 1


def report(results: dict[str, Any]) -> None:
    ref = results["reference_blank_png"]
    print(f"charts, {results['runs']} renders each (wall / CPU, ms; target p50 ≤ {TARGET_MS:g} ms)")
    print(
        f"  {'reference: blank 800 × 400 PNG':<44} p50 {ref['wall_p50_ms']:7.1f} / {ref['cpu_p50_ms']:6.1f}"
    )
    for name, f in results["charts"].items():
        ok = "met" if results["targets_met"][name] else "MISSED"
        print(
            f"  {name:<44} p50 {f['wall_p50_ms']:7.1f} / {f['cpu_p50_ms']:6.1f}   p95 {f['wall_p95_ms']:7.1f}"
            f" / {f['cpu_p95_ms']:6.1f}   max {f['wall_max_ms']:7.1f}   {ok}"
        )
    print(f"  first chart of a fresh process (imports matplotlib): {results['cold_first_chart_ms']:.0f} ms")
    print(f"  machine load average (1, 5, 15 min) at the start: {results['machine']['load_average_start']}")


if __name__ == "__main__":
    sys.exit(main())
