"""One scheduler tick with 10,000 overdue scorecards among 100,000 interviews, on SQLite and PostgreSQL.

The state is a steady one: 20,000 candidates in 50 roles, 100,000 interviews (60,000 held over the
last half year with their scorecards in, 30,000 to come, 10,000 ended 30 to 40 hours ago with the
scorecard still missing),
and for those 10,000 the first nudge and the hiring manager's escalation already went out in
earlier ticks. The tick under test finds the pending scorecards, works out every ladder, drops the
20,000 steps already sent, claims the 10,000 second nudges and renders them (Block Kit, serialised
to JSON) through an in-process notifier that does everything but the network.

Targets: find + claim + render ≤ 1 s per backend; CPU per reminder (the whole tick, process time,
including marking each one sent) ≤ 2 ms. Also measured in the same run, as references: the tick
after it (nothing new due: the cost of every minute) and claiming one item per transaction (the
design the bulk claim replaced), per item.

Run: `python -m benchmarks.tick_bench [--sqlite-only]` (figures printed and written to
benchmarks/results/tick_bench.json).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from benchmarks.bench_db import analyze, databases
from bot.startup import freeze_startup_objects
from handlers.render import render
from hiring.chasing.reminders import ChasingService, escalation_key, nudge_key
from hiring.clock import FixedClock
from hiring.outbox import Dispatcher, Due
from hiring.plans.plans import PlanService
from hiring.ports import Profile, Sent
from storage.models import Candidate, Interview, Notification, Panel, Person, Role, Scorecard, Seat
from storage.uow import Database

RESULTS = Path(__file__).with_name("results")
TEAM = "TBENCH"
NOW = datetime(2026, 11, 24, 11, 0, tzinfo=UTC)  # a Tuesday, inside London working hours
INTERVIEWS = 100_000
PER_PANEL = 5
ROLES = 50
PEOPLE = 200
PEOPLE_IDS = [f"U{n:04d}" for n in range(PEOPLE)]
TARGET_SECONDS = 1.0
TARGET_CPU_MS = 2.0


class RenderOnlyNotifier:
    """Everything a send does but the network: render to Block Kit and serialise the request body."""

    def __init__(self) -> None:
        self.count = 0
        self.render_seconds = 0.0

    def send(self, team_id: str, to: str, content: object, *, thread_ts: str | None = None) -> Sent:
        started = time.perf_counter()
        text, blocks = render(content)
        json.dumps(
            {"channel": to, "text": text, "blocks": [b.to_dict() for b in blocks], "thread_ts": thread_ts}
        )
        self.render_seconds += time.perf_counter() - started
        self.count += 1
        return Sent(channel_id="D" + to[1:], ts=f"{1_700_000_000 + self.count}.000100")

    def update(self, team_id: str, sent: Sent, content: object) -> None:
        raise AssertionError("the benchmark only sends")

    def delete(self, team_id: str, sent: Sent) -> None:
        raise AssertionError("the benchmark only sends")


class NoDirectory:
    """Everyone in the benchmark has stored working hours: the directory is never asked."""

    def profile(self, team_id: str, user_id: str) -> Profile | None:
        raise AssertionError(f"unexpected profile lookup for {user_id}")

    def channel_problem(self, team_id: str, channel_id: str) -> str | None:
        return None


def chunks(rows: list[dict[str, Any]], size: int = 5000) -> Iterator[list[dict[str, Any]]]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def populate(db: Database) -> int:
    """Write the benchmark's state; returns how many scorecards are overdue."""
    PlanService(db, FixedClock(NOW)).ensure_builtin(TEAM)
    with db.uow(TEAM) as uow:
        plan = uow.plans.by_key("public-sector-senior-backend")
        assert plan is not None
        plan_id = plan.id
    created = NOW - timedelta(days=30)
    roles, persons = roles_and_people(plan_id, created)
    candidates, panels = candidates_and_panels(created)
    interviews, seats, scorecards, already, overdue = interviews_and_feedback()
    with db.engine.begin() as conn:
        for model, rows in (
            (Role, roles),
            (Person, persons),
            (Candidate, candidates),
            (Panel, panels),
            (Interview, interviews),
            (Seat, seats),
            (Scorecard, scorecards),
            (Notification, already),
        ):
            for chunk in chunks(rows):
                conn.execute(insert(model), chunk)
    analyze(db)
    return overdue


def roles_and_people(plan_id: int, created: datetime) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The roles (one hiring manager each) and everyone's stored working hours."""
    managers = [f"UHM{n:02d}" for n in range(ROLES)]
    roles = [
        {
            "id": n + 1,
            "team_id": TEAM,
            "title": f"Role {n}",
            "channel_id": f"CROLE{n:02d}",
            "hiring_manager_id": managers[n],
            "plan_id": plan_id,
            "timezone": "Europe/London",
            "created_by": managers[n],
            "created_at": created,
            "updated_at": created,
        }
        for n in range(ROLES)
    ]
    persons = [
        {"team_id": TEAM, "user_id": u, "display_name": u, "tz": "Europe/London", "updated_at": created}
        for u in PEOPLE_IDS + managers
    ]
    return roles, persons


def candidates_and_panels(created: datetime) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """One candidate per panel, each with a booked on-site panel."""
    candidates, panels = [], []
    for n in range(INTERVIEWS // PER_PANEL):
        candidates.append(
            {
                "id": n + 1,
                "team_id": TEAM,
                "role_id": n % ROLES + 1,
                "name": f"Candidate {n:05d}",
                "stage_key": "onsite",
                "status": "active",
                "status_changed_at": created,
                "created_by": "UHM00",
                "created_at": created,
                "updated_at": created,
            }
        )
        panels.append(
            {
                "id": n + 1,
                "team_id": TEAM,
                "candidate_id": n + 1,
                "stage_key": "onsite",
                "status": "booked",
                "created_by": "UHM00",
                "created_at": created,
                "updated_at": created,
                "booked_at": created,
            }
        )
    return candidates, panels


Rows = list[dict[str, Any]]


def interviews_and_feedback() -> tuple[Rows, Rows, Rows, Rows, int]:
    """Interviews and seats; scorecards of the held ones; for the overdue ones, the nudge and the
    escalation already sent. Returns those rows and how many scorecards are overdue."""
    interviews: Rows = []
    seats: Rows = []
    scorecards: Rows = []
    already: Rows = []
    overdue = 0
    for i in range(INTERVIEWS):
        kind = i % 10
        if kind == 0:
            end = NOW - timedelta(hours=30, minutes=i % 600)
        elif kind <= 6:  # the history: spread over the last half year
            end = NOW - timedelta(days=1 + i % 180, minutes=i % 600)
        else:
            end = NOW + timedelta(days=1, minutes=i % 10000)
        interviews.append(
            {
                "id": i + 1,
                "team_id": TEAM,
                "panel_id": i // PER_PANEL + 1,
                "interview_key": f"part-{i % PER_PANEL}",
                "title": "Service design",
                "duration_minutes": 45,
                "position": i % PER_PANEL,
                "status": "booked",
                "start_at": end - timedelta(minutes=45),
                "end_at": end,
            }
        )
        user = PEOPLE_IDS[i % PEOPLE]
        seats.append(
            {"id": i + 1, "team_id": TEAM, "interview_id": i + 1, "user_id": user, "kind": "interviewer"}
        )
        if kind == 0:
            overdue += 1
            already += [
                sent_notification(key, end)
                for key in (nudge_key(i + 1, user, end, 1), escalation_key(i + 1, end))
            ]
        elif kind <= 6:
            scorecards.append(submitted_scorecard(len(scorecards) + 1, i + 1, user, end))
    return interviews, seats, scorecards, already, overdue


def sent_notification(key: str, end: datetime) -> dict[str, Any]:
    """A reminder an earlier tick claimed and sent an hour after the interview ended."""
    return {
        "team_id": TEAM,
        "key": key,
        "kind": "nudge",
        "payload": {},
        "claimed_at": end,
        "claimed_by": "earlier",
        "lease_until": end,
        "attempts": 1,
        "next_attempt_at": end,
        "sent_at": end + timedelta(hours=1),
    }


def submitted_scorecard(card_id: int, interview_id: int, author: str, end: datetime) -> dict[str, Any]:
    """A scorecard submitted four hours after the interview ended."""
    return {
        "id": card_id,
        "team_id": TEAM,
        "interview_id": interview_id,
        "candidate_id": (interview_id - 1) // PER_PANEL + 1,
        "stage_key": "onsite",
        "author_id": author,
        "status": "submitted",
        "ratings": {"design": 3},
        "created_at": end,
        "updated_at": end,
        "submitted_at": end + timedelta(hours=4),
    }


def timed(fn: Callable[[], Any]) -> tuple[Any, float, float]:
    cpu, wall = time.process_time(), time.perf_counter()
    result = fn()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def measure(backend: str, make_url: Callable[[], AbstractContextManager[str]]) -> dict[str, Any]:
    with make_url() as url:
        db = Database(url)
        started = time.perf_counter()
        overdue = populate(db)
        print(
            f"[{backend}] state written in {time.perf_counter() - started:.1f} s ({overdue} overdue scorecards)"
        )
        freeze_startup_objects()  # as `loopbot worker` does once it has started
        clock = FixedClock(NOW)
        notifier = RenderOnlyNotifier()
        chasing = ChasingService(db, clock, NoDirectory())
        dispatcher = Dispatcher(db, clock, notifier, [chasing.source], replica="bench")
        report, wall, cpu = timed(dispatcher.tick)
        assert report.sent == overdue, report
        find_claim_render = report.find_seconds + report.claim_seconds + report.send_seconds
        find_claim_render_cpu = report.find_cpu_seconds + report.claim_cpu_seconds + report.send_cpu_seconds
        clock.advance(timedelta(minutes=1))
        idle, idle_wall, _ = timed(dispatcher.tick)
        assert idle.sent == 0
        reference = [Due(TEAM, f"reference:{n}", "reference", "U0000", None) for n in range(1000)]
        _, per_item_wall, _ = timed(lambda: [dispatcher.claim(d, NOW) for d in reference])
        db.dispose()
    result = {
        "overdue_scorecards": overdue,
        "interviews": INTERVIEWS,
        "due_steps": report.due,
        "already_sent_skipped": report.skipped,
        "reminders_sent": report.sent,
        "find_seconds": round(report.find_seconds, 3),
        "claim_seconds": round(report.claim_seconds, 3),
        "render_seconds": round(report.send_seconds, 3),
        "find_claim_render_seconds": round(find_claim_render, 3),
        "find_claim_render_cpu_seconds": round(find_claim_render_cpu, 3),
        "find_cpu_seconds": round(report.find_cpu_seconds, 3),
        "claim_cpu_seconds": round(report.claim_cpu_seconds, 3),
        "render_cpu_seconds": round(report.send_cpu_seconds, 3),
        "mark_sent_seconds": round(report.mark_seconds, 3),
        "tick_wall_seconds": round(wall, 3),
        "tick_cpu_seconds": round(cpu, 3),
        "cpu_ms_per_reminder": round(cpu / report.sent * 1000, 3),
        "reference_idle_tick_seconds": round(idle_wall, 3),
        "reference_per_item_claim_ms": round(per_item_wall / len(reference) * 1000, 3),
        "target_find_claim_render_seconds": TARGET_SECONDS,
        "target_cpu_ms_per_reminder": TARGET_CPU_MS,
    }
    result["meets_targets"] = (
        result["find_claim_render_seconds"] <= TARGET_SECONDS
        and result["cpu_ms_per_reminder"] <= TARGET_CPU_MS
    )
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sqlite-only", action="store_true", help="skip PostgreSQL")
    args = parser.parse_args(argv)
    results: dict[str, Any] = {}
    for backend, make_url in databases(args.sqlite_only):
        results[backend] = measure(backend, make_url)  # type: ignore[arg-type]
        r = results[backend]
        print(
            f"[{backend}] {r['reminders_sent']} reminders: find {r['find_seconds']} s + claim {r['claim_seconds']} s "
            f"+ render {r['render_seconds']} s = {r['find_claim_render_seconds']} s (target ≤ {TARGET_SECONDS} s; "
            f"CPU of the ticking thread {r['find_claim_render_cpu_seconds']} s); "
            f"marking sent {r['mark_sent_seconds']} s; whole tick {r['tick_wall_seconds']} s; "
            f"CPU {r['cpu_ms_per_reminder']} ms per reminder (target ≤ {TARGET_CPU_MS} ms)"
        )
        print(
            f"[{backend}] references: the next tick (nothing new) {r['reference_idle_tick_seconds']} s; "
            f"claiming one item per transaction {r['reference_per_item_claim_ms']} ms per item"
        )
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / "tick_bench.json"
    out.write_text(
        json.dumps({"measured_at": datetime.now(UTC).isoformat(), "results": results}, indent=2) + "\n"
    )
    print(f"written to {out}")
    return 0 if all(r["meets_targets"] for r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
