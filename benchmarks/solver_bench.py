"""Solver benchmark: the pure-Python solver against the exact CP-SAT reference, in the same run.

Instances: `benchmarks.instances` (fixed seeds, four shapes shaped like the four processes; the
headline shape is `onsite5x45`: a 5 × 45-minute loop from a 40-person pool across 10 working days
and 3 time zones, half of everyone's time busy).

For each instance:
- the solver's time to the top 5 options (`solve(problem)`, everything from the `Problem` to the
  `Solution`, including the explanation when nothing fits), from a cold start: the best of
  `--repeat` runs (as `timeit` advises; the median is reported beside it);
- the reference (`benchmarks.solver_cpsat`): CP-SAT on the same model, timed from model building
  (it reuses the solver's grid, so its preprocessing is free) to the first optimum (top 1, the best
  of `--cpsat-repeat` runs) and to the fifth (top 5, one no-good cut per option, one run);
- both lists of objective values, which must be equal.

Targets: the same objective values as the reference on every instance; the solver's median time to
the top 5 ≤ 20 ms; at least 10× faster than CP-SAT (median of the per-instance ratios of CP-SAT's
time to its first optimum over the solver's time to all five options).

Run: `python -m benchmarks.solver_bench` (`--seeds`, `--repeat`, `--cpsat-repeat`, `--workers`);
the table is printed and the figures written to benchmarks/results/solver.json. Exits non-zero when
a target is missed.

Dead ends and scale (issue 16.2): `python -m benchmarks.solver_bench --dead-ends` times, on the
tight and unsolvable shapes of `benchmarks.instances.DEAD_END_SHAPES`, the solver's whole answer
(top 5 or the explanation naming the binding constraint) against CP-SAT's proof of infeasibility
(or first optimum), both timed from the `Problem` (CP-SAT's time includes compiling the grid it
reads, as the solver's does); and the scale tier (200 people, 20 days, 8 interviews) against
CP-SAT's first optimum. Targets: explanation median ≤ 20 ms and faster than CP-SAT on every
dead-end instance; scale top 5 median ≤ 20 ms. Figures in benchmarks/results/solver_bench.json. Wall-clock times on a shared machine are noisy, so the solver's process CPU time
is reported too.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from importlib.metadata import version
from pathlib import Path

from benchmarks.instances import (
    DEAD_END_SHAPES,
    SHAPES,
    Instance,
    all_instances,
    dead_end_instances,
    make_scale,
)
from benchmarks.solver_cpsat import solve_reference
from scheduling import solver_compile
from scheduling.solver import Problem, Solution, solve
from scheduling.solver_compile import compile_problem
from scheduling.solver_relax import nearest_options

RESULTS = Path(__file__).parent / "results" / "solver.json"
DEAD_END_RESULTS = Path(__file__).parent / "results" / "solver_bench.json"
TARGET_MEDIAN_MS = 20.0
TARGET_SPEEDUP = 10.0


def time_solver(problem: Problem, repeat: int) -> tuple[float, float, float, Solution]:
    """Best and median wall milliseconds, and best CPU milliseconds, of `solve(problem)` from a
    cold start (the solver's caches cleared before each run)."""
    walls, cpus = [], []
    solution = None
    for _ in range(repeat):
        solver_compile._local_spans.cache_clear()
        c0, w0 = time.process_time(), time.perf_counter()
        solution = solve(problem)
        walls.append((time.perf_counter() - w0) * 1000)
        cpus.append((time.process_time() - c0) * 1000)
    assert solution is not None
    return min(walls), statistics.median(walls), min(cpus), solution


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=8, help="instances per shape (default 8)")
    parser.add_argument("--repeat", type=int, default=7, help="solver runs per instance (best of)")
    parser.add_argument("--cpsat-repeat", type=int, default=3, help="CP-SAT top-1 runs (best of)")
    parser.add_argument("--workers", type=int, default=0, help="CP-SAT workers (0: its default)")
    parser.add_argument("--dead-ends", action="store_true", help="the dead-end shapes and the scale tier")
    return parser.parse_args(argv)


def measure(inst: Instance, args: argparse.Namespace) -> dict:
    """One instance's row: the solver's times and objectives beside CP-SAT's (printed as a table line)."""
    wall, wall_median, cpu, solution = time_solver(inst.problem, args.repeat)
    ours = [o.objective for o in solution.options]
    compiled = compile_problem(inst.problem)
    assert compiled is not None
    ref = solve_reference(compiled, inst.problem.k, workers=args.workers)
    all_ms = ref.all_seconds * 1000
    firsts = []
    for _ in range(args.cpsat_repeat):
        one = solve_reference(compiled, 1, workers=args.workers)
        firsts.append((one.first_seconds if one.objectives else one.all_seconds) * 1000)
    first_ms = min(firsts)
    equal = ours == ref.objectives and ref.status in ("OPTIMAL", "INFEASIBLE")
    row = {
        "instance": inst.name,
        "shape": inst.shape,
        "seed": inst.seed,
        "options": len(ours),
        "blocked": solution.blocked,
        "solver_ms": round(wall, 3),
        "solver_median_ms": round(wall_median, 3),
        "solver_cpu_ms": round(cpu, 3),
        "cpsat_top1_ms": round(first_ms, 3),
        "cpsat_top5_ms": round(all_ms, 3),
        "cpsat_status": ref.status,
        "speedup_top1": round(first_ms / wall, 2),
        "speedup_top5": round(all_ms / wall, 2),
        "objectives": ours,
        "reference_objectives": ref.objectives,
        "equal": equal,
    }
    result = f"{len(ours)} opts" if ours else "blocked"
    print(
        f"{inst.name:<15} {result:<8} {wall:9.2f} {wall_median:7.2f} {cpu:7.2f} {first_ms:11.1f} {all_ms:11.1f} "
        f"{row['speedup_top1']:6.1f} {row['speedup_top5']:6.1f}  {'equal' if equal else 'DIFFERENT'}"
    )
    if not equal:
        print(f"    solver    {ours}\n    reference {ref.objectives} ({ref.status})")
    return row


def summary(selected: list[dict]) -> dict:
    """Medians, maxima and speed-ups over some instances' rows."""
    return {
        "instances": len(selected),
        "solver_median_ms": round(statistics.median(r["solver_ms"] for r in selected), 3),
        "solver_max_ms": round(max(r["solver_ms"] for r in selected), 3),
        "solver_median_of_medians_ms": round(statistics.median(r["solver_median_ms"] for r in selected), 3),
        "solver_cpu_median_ms": round(statistics.median(r["solver_cpu_ms"] for r in selected), 3),
        "cpsat_top1_median_ms": round(statistics.median(r["cpsat_top1_ms"] for r in selected), 3),
        "cpsat_top5_median_ms": round(statistics.median(r["cpsat_top5_ms"] for r in selected), 3),
        "speedup_top1_median": round(statistics.median(r["speedup_top1"] for r in selected), 2),
        "speedup_top1_min": round(min(r["speedup_top1"] for r in selected), 2),
        "speedup_top5_median": round(statistics.median(r["speedup_top5"] for r in selected), 2),
        "all_equal": all(r["equal"] for r in selected),
    }


def report(rows: list[dict], overall: dict, by_shape: dict[str, dict]) -> dict[str, bool]:
    """Print the summary per shape and the targets; return which targets are met."""
    print()
    print(
        f"{'shape':<11} {'n':>3} {'solver median':>13} {'max':>7} {'CP-SAT top1':>11} {'×top1 median':>12} {'min':>6}"
    )
    for name, s in [*by_shape.items(), ("all", overall)]:
        print(
            f"{name:<11} {s['instances']:>3} {s['solver_median_ms']:>10.2f} ms {s['solver_max_ms']:>7.1f} "
            f"{s['cpsat_top1_median_ms']:>8.1f} ms {s['speedup_top1_median']:>11.1f}× {s['speedup_top1_min']:>5.1f}×"
        )
    targets = {
        "same_objective_every_instance": overall["all_equal"],
        "median_top5_ms_le_20": overall["solver_median_ms"] <= TARGET_MEDIAN_MS,
        "speedup_ge_10x": overall["speedup_top1_median"] >= TARGET_SPEEDUP,
    }
    feasible = [r for r in rows if r["options"]]
    print()
    print(
        f"same objective as CP-SAT on every instance: {'yes' if targets['same_objective_every_instance'] else 'NO'}; "
        f"median time to the top 5: {overall['solver_median_ms']:.2f} ms (target ≤ {TARGET_MEDIAN_MS:.0f}); "
        f"speed-up over CP-SAT's first optimum: median {overall['speedup_top1_median']:.1f}× "
        f"(target ≥ {TARGET_SPEEDUP:.0f}×), over its top 5: median {overall['speedup_top5_median']:.1f}×; "
        f"{len(feasible)}/{len(rows)} instances have options"
    )
    return targets


def write_results(args: argparse.Namespace, content: dict, path: Path = RESULTS) -> None:
    """Write the figures with the machine and the settings to `path`."""
    machine = {
        "python": platform.python_version(),
        "ortools": version("ortools"),
        "cpus": os.cpu_count(),
        "cpsat_workers": args.workers or "default",
    }
    settings = {"seeds": args.seeds, "repeat": args.repeat, "cpsat_repeat": args.cpsat_repeat, "k": 5}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps({"benchmark": "solver", "machine": machine, "settings": settings, **content}, indent=2)
    )
    print(f"written to {path}")


def cpsat_from_problem(problem: Problem, args: argparse.Namespace) -> tuple[float, float, str, list[int]]:
    """CP-SAT's best time over `--cpsat-repeat` runs from the `Problem` (compiling the grid included)
    to its proof of infeasibility or first optimum, the model-only time, its status and objective."""
    walls, models = [], []
    ref = None
    for _ in range(args.cpsat_repeat):
        solver_compile._local_spans.cache_clear()
        w0 = time.perf_counter()
        compiled = compile_problem(problem)
        if compiled is None:
            walls.append((time.perf_counter() - w0) * 1000)
            models.append(0.0)
            continue
        ref = solve_reference(compiled, 1, workers=args.workers)
        walls.append((time.perf_counter() - w0) * 1000)
        models.append(ref.all_seconds * 1000)
    status = ref.status if ref else "INFEASIBLE"
    return min(walls), min(models), status, ref.objectives if ref else []


def measure_dead_end(inst: Instance, args: argparse.Namespace) -> dict:
    """One dead-end or scale instance: the solver's answer and time beside CP-SAT's proof or optimum."""
    wall, wall_median, cpu, solution = time_solver(inst.problem, args.repeat)
    cpsat_ms, model_ms, status, ref = cpsat_from_problem(inst.problem, args)
    ours = [o.objective for o in solution.options]
    nearest_ms, nearest = 0.0, []
    if not ours:  # the nearest options the modal offers on a dead end (each one a relaxed solve)
        w0 = time.perf_counter()
        nearest = [r.kind for r, _ in nearest_options(inst.problem)]
        nearest_ms = (time.perf_counter() - w0) * 1000
    # CP-SAT reports its objective as a double: past 2**53 (the scale tier) only equality as doubles means anything.
    agrees = (
        [float(v) for v in ours[:1]] == [float(v) for v in ref]
        if status == "OPTIMAL"
        else (not ours and status == "INFEASIBLE")
    )
    row = {
        "instance": inst.name,
        "shape": inst.shape,
        "options": len(ours),
        "blocked": solution.blocked,
        "solver_ms": round(wall, 3),
        "solver_median_ms": round(wall_median, 3),
        "solver_cpu_ms": round(cpu, 3),
        "cpsat_from_problem_ms": round(cpsat_ms, 3),
        "cpsat_model_ms": round(model_ms, 3),
        "cpsat_status": status,
        "faster_than_cpsat": wall_median < cpsat_ms,
        "agrees": agrees,
        "nearest_ms": round(nearest_ms, 3),
        "nearest": nearest,
        "objective": ours[:1],
        "reference_objective": ref,
    }
    print(
        f"{inst.name:<20} {len(ours):>2} opts {wall_median:8.2f} {cpsat_ms:9.1f} {model_ms:9.1f} {status:<10} "
        f"{'agrees' if agrees else 'DIFFERENT'} nearest {nearest_ms:6.1f} ms {nearest}  {solution.blocked or ''}"
    )
    return row


def dead_ends(args: argparse.Namespace) -> int:
    """The dead-end shapes and the scale tier; figures to `DEAD_END_RESULTS`."""
    print(f"{'instance':<20} {'result':<7} {'median':>8} {'CP-SAT ms':>9} {'model ms':>9} status")
    rows = [measure_dead_end(inst, args) for inst in dead_end_instances(args.seeds)]
    scale = [measure_dead_end(make_scale(seed), args) for seed in range(args.seeds)]
    blocked = [r for r in rows if not r["options"]]
    by_shape = {
        shape: round(statistics.median(r["solver_median_ms"] for r in rows if r["shape"] == shape), 3)
        for shape in DEAD_END_SHAPES
    }
    figures = {
        "explanation_median_ms": round(statistics.median(r["solver_median_ms"] for r in blocked), 3),
        "explanation_max_median_ms": round(max(r["solver_median_ms"] for r in blocked), 3),
        "dead_end_median_ms_by_shape": by_shape,
        "nearest_options_median_ms": round(statistics.median(r["nearest_ms"] for r in blocked), 3),
        "nearest_options_max_ms": round(max(r["nearest_ms"] for r in blocked), 3),
        "scale_top5_median_ms": round(statistics.median(r["solver_median_ms"] for r in scale), 3),
        "scale_cpsat_top1_median_ms": round(statistics.median(r["cpsat_from_problem_ms"] for r in scale), 3),
    }
    met = {
        "explanation_median_le_20ms": figures["explanation_median_ms"] <= TARGET_MEDIAN_MS,
        "faster_than_cpsat_every_dead_end": all(r["faster_than_cpsat"] for r in rows),
        "scale_top5_median_le_20ms": figures["scale_top5_median_ms"] <= TARGET_MEDIAN_MS,
        "agrees_with_cpsat_every_instance": all(r["agrees"] for r in [*rows, *scale]),
    }
    print(json.dumps({"figures": figures, "met": met}, indent=2))
    write_results(
        args,
        {
            "figures": figures,
            "targets": {"median_ms": TARGET_MEDIAN_MS, "met": met},
            "dead_ends": rows,
            "scale": scale,
        },
        DEAD_END_RESULTS,
    )
    return 0 if all(met.values()) else 1


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    if args.dead_ends:
        return dead_ends(args)
    header = (
        f"{'instance':<15} {'result':<8} {'solver ms':>9} {'median':>7} {'cpu ms':>7} {'CP-SAT top1':>11} "
        f"{'CP-SAT top5':>11} {'×top1':>6} {'×top5':>6}  objectives"
    )
    print(header)
    print("-" * len(header))
    rows = [measure(inst, args) for inst in all_instances(args.seeds)]
    overall = summary(rows)
    by_shape = {shape: summary([r for r in rows if r["shape"] == shape]) for shape in SHAPES}
    targets = report(rows, overall, by_shape)
    write_results(
        args,
        {
            "targets": {"median_ms": TARGET_MEDIAN_MS, "speedup": TARGET_SPEEDUP, "met": targets},
            "summary": {"all": overall, "by_shape": by_shape},
            "instances": rows,
        },
    )
    return 0 if all(targets.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
