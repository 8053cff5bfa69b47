"""A channel digest for a role with 1,000 active candidates, on SQLite and PostgreSQL.

Ten roles of 1,000 active candidates each (plus 100 rejected ones with feedback reports still to
send): 20% with interviews in the next 48 hours, 30% interviewed in the last five days with one
scorecard in and one missing (late once 24 hours have passed), 10% debriefed and waiting for a
decision, 10% decided on hold, the rest not scheduled yet; on-site panels have six interviews of two
interviewers. Measured: building the digest (every query) and rendering it, the summary and each
thread reply serialised to Block Kit JSON, best and median of 7 runs.

Target: ≤ 100 ms. Reference measured in the same run: the same for a role with no candidates (the
fixed cost of a digest).

Run: `python -m benchmarks.digest_bench [--sqlite-only]` (figures printed and written to
benchmarks/results/digest_bench.json).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from benchmarks.bench_db import analyze, databases
from handlers.render import render
from hiring.chasing.digests import DigestDetail, DigestService, DigestSummary
from hiring.clock import FixedClock
from hiring.plans.plans import PlanService
from hiring.ports import Sent
from storage.models import (
    Candidate,
    Decision,
    FeedbackReport,
    Interview,
    Notification,
    Panel,
    Role,
    Scorecard,
    Seat,
)
from storage.uow import Database

RESULTS = Path(__file__).with_name("results")
TEAM = "TBENCH"
NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
CREATED = NOW - timedelta(days=40)
ROLES = 10
ACTIVE = 1000
REJECTED = 100
PEOPLE = [f"U{n:03d}" for n in range(100)]
TARGET_MS = 100.0
RUNS = 7
ONSITE = [("experience-mentoring", 20), ("scenarios", 15), ("code-review", 15), ("prioritisation", 15)]
ONSITE += [("service-design", 30), ("meet-the-team", 45)]


class NoSlack:
    """The digest service's notifier is not used when only building and rendering."""

    def send(self, team_id: str, to: str, content: object, *, thread_ts: str | None = None) -> Sent:
        raise AssertionError("the benchmark does not post")

    def update(self, team_id: str, sent: Sent, content: object) -> None:
        raise AssertionError("the benchmark does not post")

    def delete(self, team_id: str, sent: Sent) -> None:
        raise AssertionError("the benchmark does not post")


class Rows:
    """The rows to bulk insert, by model, and the ids given so far of each kind."""

    def __init__(self) -> None:
        models = (Role, Candidate, Panel, Interview, Seat, Scorecard, Notification, Decision, FeedbackReport)
        self.tables: dict[Any, list[dict[str, Any]]] = {m: [] for m in models}
        self.ids = {"candidate": 0, "panel": 0, "interview": 0, "seat": 0, "decision": 0}

    def next_id(self, kind: str) -> int:
        self.ids[kind] += 1
        return self.ids[kind]

    def add(self, model: Any, **row: Any) -> None:
        self.tables[model].append({"team_id": TEAM, **row})


def populate(db: Database) -> None:
    """Write the benchmark's roles, candidates, panels and feedback in bulk."""
    PlanService(db, FixedClock(NOW)).ensure_builtin(TEAM)
    with db.uow(TEAM) as uow:
        plan = uow.plans.by_key("public-sector-senior-backend")
        assert plan is not None
        plan_id = plan.id
    rows = Rows()
    for r in range(ROLES + 1):  # the last role has no candidates: the reference
        rows.add(
            Role,
            id=r + 1,
            title=f"Role {r}",
            channel_id=f"CROLE{r}",
            hiring_manager_id="UHM",
            plan_id=plan_id,
            timezone="Europe/London",
            created_by="UHM",
            created_at=CREATED,
            updated_at=CREATED,
        )
        for c in range(ACTIVE + REJECTED if r < ROLES else 0):
            add_candidate(rows, r, c)
    with db.engine.begin() as conn:
        for model, table in rows.tables.items():
            for i in range(0, len(table), 5000):
                conn.execute(insert(model), table[i : i + 5000])
    analyze(db)


def add_candidate(rows: Rows, r: int, c: int) -> None:
    """Candidate `c` of role `r`: rejected with a report to send, or active with the panel its
    number (`c % 10`) gives it, if any."""
    candidate_id = rows.next_id("candidate")
    rejected = c >= ACTIVE
    stage = "phone" if c % 5 < 3 else "onsite"
    rows.add(
        Candidate,
        id=candidate_id,
        role_id=r + 1,
        name=f"Candidate {r}-{c:04d}",
        stage_key=stage,
        status="rejected" if rejected else ("on_hold" if c % 10 == 6 else "active"),
        status_changed_at=CREATED,
        created_by="UHM",
        created_at=CREATED,
        updated_at=CREATED,
    )
    if rejected:
        decided = NOW - timedelta(days=2)
        decision_id = rows.next_id("decision")
        rows.add(
            Decision,
            id=decision_id,
            candidate_id=candidate_id,
            role_id=r + 1,
            stage_key=stage,
            outcome="reject",
            decided_by="UHM",
            decided_at=decided,
        )
        rows.add(
            FeedbackReport,
            candidate_id=candidate_id,
            decision_id=decision_id,
            body="Thank you.",
            status="draft",
            created_at=decided,
            updated_at=decided,
        )
    elif c % 10 < 7:
        add_panel(rows, r, c, candidate_id, stage)


def add_panel(rows: Rows, r: int, c: int, candidate_id: int, stage: str) -> None:
    """A booked panel: upcoming (kinds 0-1), in the last five days (2-4), debriefed three days ago
    (5) or decided on hold ten days ago (6); kinds 2+ have scorecards in, from both seats for 5+."""
    kind = c % 10
    panel_id = rows.next_id("panel")
    rows.add(
        Panel,
        id=panel_id,
        candidate_id=candidate_id,
        stage_key=stage,
        status="booked",
        created_by="UHM",
        created_at=CREATED,
        updated_at=CREATED,
        booked_at=CREATED,
    )
    if kind <= 1:
        start = NOW + timedelta(hours=1 + c % 46)
    elif kind <= 4:
        start = NOW - timedelta(days=1 + c % 5, hours=2)
    else:
        start = NOW - timedelta(days=3 if kind == 5 else 10)
    for position, (key, minutes) in enumerate([("phone-screen", 30)] if stage == "phone" else ONSITE):
        end = start + timedelta(minutes=minutes)
        interview_id = rows.next_id("interview")
        rows.add(
            Interview,
            id=interview_id,
            panel_id=panel_id,
            interview_key=key,
            title=key.replace("-", " ").title(),
            duration_minutes=minutes,
            position=position,
            status="booked",
            start_at=start,
            end_at=end,
        )
        for seat in range(2):
            user = PEOPLE[(candidate_id + position + seat * 7) % len(PEOPLE)]
            rows.add(
                Seat, id=rows.next_id("seat"), interview_id=interview_id, user_id=user, kind="interviewer"
            )
            if kind >= 2 and (seat == 0 or kind >= 5):
                done = end + timedelta(hours=3 + (candidate_id + seat) % 28)
                rows.add(
                    Scorecard,
                    interview_id=interview_id,
                    candidate_id=candidate_id,
                    stage_key=stage,
                    author_id=user,
                    status="submitted",
                    ratings={"design": 3},
                    created_at=done,
                    updated_at=done,
                    submitted_at=done,
                )
        start = end
    if kind == 5:
        add_debrief(rows, r, panel_id)


def add_debrief(rows: Rows, r: int, panel_id: int) -> None:
    """The panel's debrief, posted in role `r`'s channel two days ago."""
    sent = NOW - timedelta(days=2)
    rows.add(
        Notification,
        key=f"debrief:{panel_id}",
        kind="debrief",
        payload={},
        claimed_at=sent,
        claimed_by="earlier",
        lease_until=sent,
        attempts=1,
        next_attempt_at=sent,
        sent_at=sent,
        channel_id=f"CROLE{r}",
        message_ts=f"{panel_id}.0001",
    )


def digest_once(service: DigestService, role_id: int) -> tuple[int, int]:
    """Build and render one digest; returns (thread replies, blocks in all messages)."""
    digest = service.build(TEAM, role_id, NOW)
    messages = [DigestSummary(digest)] + [DigestDetail(digest, s) for s in digest.sections()]
    blocks = 0
    for message in messages:
        text, rendered = render(message)
        payload = json.dumps({"text": text, "blocks": [b.to_dict() for b in rendered]})
        assert payload
        blocks += len(rendered)
    return len(messages) - 1, blocks


def timings(fn: Callable[[], object]) -> list[float]:
    fn()  # warm caches (plans, compiled statements)
    out = []
    for _ in range(RUNS):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def measure(backend: str, make_url: Callable[[], AbstractContextManager[str]]) -> dict[str, Any]:
    with make_url() as url:
        db = Database(url)
        started = time.perf_counter()
        populate(db)
        print(f"[{backend}] state written in {time.perf_counter() - started:.1f} s")
        service = DigestService(db, FixedClock(NOW), NoSlack())
        digest = service.build(TEAM, 1, NOW)
        replies, blocks = digest_once(service, 1)
        full = timings(lambda: digest_once(service, 1))
        empty = timings(lambda: digest_once(service, ROLES + 1))
        db.dispose()
    result = {
        "active_candidates": digest.active_candidates,
        "upcoming": len(digest.upcoming),
        "late_scorecards": digest.late_count,
        "waiting_for_decision": len(digest.waiting),
        "reports_to_send": len(digest.reports),
        "thread_replies": replies,
        "blocks": blocks,
        "best_ms": round(min(full), 1),
        "median_ms": round(statistics.median(full), 1),
        "reference_empty_role_median_ms": round(statistics.median(empty), 1),
        "target_ms": TARGET_MS,
    }
    result["meets_target"] = result["median_ms"] <= TARGET_MS
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--sqlite-only", action="store_true", help="skip PostgreSQL")
    args = parser.parse_args(argv)
    results: dict[str, Any] = {}
    for backend, make_url in databases(args.sqlite_only):
        r = results[backend] = measure(backend, make_url)  # type: ignore[arg-type]
        print(
            f"[{backend}] digest of {r['active_candidates']} active candidates ({r['upcoming']} upcoming, "
            f"{r['late_scorecards']} late, {r['waiting_for_decision']} waiting, {r['reports_to_send']} reports; "
            f"{r['thread_replies']} thread replies, {r['blocks']} blocks): median {r['median_ms']} ms, "
            f"best {r['best_ms']} ms (target ≤ {TARGET_MS:.0f} ms); an empty role: {r['reference_empty_role_median_ms']} ms"
        )
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / "digest_bench.json"
    out.write_text(
        json.dumps({"measured_at": datetime.now(UTC).isoformat(), "results": results}, indent=2) + "\n"
    )
    print(f"written to {out}")
    return 0 if all(r["meets_target"] for r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
