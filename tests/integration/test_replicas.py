"""Three replicas on one PostgreSQL database, one Slack: every notification is posted exactly once.

Each replica is a whole Loopbot (its own engine, connection pool, Slack client and replica id);
they share the database, the Slack fake and the clock the test moves.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.container import Loopbot, build
from bot.engine import Engine
from bot.sandbox.harness import Sandbox
from hiring.outbox import TickReport
from storage.models import Notification
from tests.factories import TEAM, make_booked_panel, make_candidate, make_person, make_role

pytestmark = pytest.mark.postgres

INTERVIEWERS = ["USAM", "UJONAS", "UMIA", "ULEE", "UNOAH", "UPRIYA", "UDORA"]


@pytest.fixture
def replicas(database_url: str) -> Iterator[tuple[Sandbox, list[Loopbot]]]:
    if not database_url.startswith("postgresql"):
        pytest.skip("several replicas share one PostgreSQL database")
    box = Sandbox(database_url).start()
    others = [build(box.app.settings, clock=box.clock, migrate=False) for _ in range(2)]
    try:
        yield box, [box.app, *others]
    finally:
        for other in others:
            other.close()
        box.stop()
    assert not box.fake.block_errors, box.fake.block_errors


def busy_week(box: Sandbox) -> None:
    """Two roles, 21 candidates and their phone interviews spread over Monday to Wednesday."""
    db, clock = box.app.db, box.clock
    make_person(db, clock, "UDORA", tz="Europe/London", start="08:00", end="18:00")
    roles = [
        make_role(db, clock),
        make_role(db, clock, title="Platform Engineer", channel="CPLATFORM", timezone="America/New_York"),
    ]
    for n in range(21):
        candidate = make_candidate(db, clock, roles[n % 2], name=f"Candidate {n:02d}")
        start = datetime(2026, 11, 23, 9, tzinfo=UTC) + timedelta(hours=3 * n)
        make_booked_panel(
            db, clock, candidate, start=start, interviewers=[INTERVIEWERS[n % len(INTERVIEWERS)]]
        )


def check_exactly_once(box: Sandbox, reports: list[TickReport]) -> list[Notification]:
    with box.app.db.uow(TEAM) as uow:
        rows = list(uow.session.scalars(select(Notification)))
    sent = [r for r in rows if r.sent_at is not None]
    posted = [m for m in box.fake.messages if m.kind == "message"]
    assert len(posted) == len(sent), "a notification was posted twice (or posted and not recorded)"
    assert {(m.channel, m.ts) for m in posted} == {(r.channel_id, r.message_ts) for r in sent}
    assert all(r.sent_at is not None for r in rows), "a claim was left unsent"
    if reports:
        assert sum(r.claimed for r in reports) == len(sent)  # each claimed by exactly one replica
    kinds = {r.kind for r in sent}
    assert {
        "scorecard_request",
        "nudge",
        "late_escalation",
        "late_channel",
        "digest",
        "digest_detail",
    } <= kinds
    return sent


def test_three_replicas_ticking_at_the_same_moments_send_everything_once(
    replicas: tuple[Sandbox, list[Loopbot]],
) -> None:
    box, bots = replicas
    busy_week(box)
    engines = [bot.engine for bot in bots]
    assert len({e.replica for e in engines}) == 3
    reports: list[TickReport] = []
    lock = threading.Lock()
    # Three ticking threads, and this one moving the clock while they wait at the barrier.
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def run(engine: Engine, moments: list[datetime]) -> None:
        try:
            for _ in moments:
                barrier.wait(timeout=60)  # the test thread moves the clock between two waits
                barrier.wait(timeout=60)
                report = engine.tick()
                with lock:
                    reports.append(report)
        except BaseException as exc:
            errors.append(exc)
            barrier.abort()

    moments = [datetime(2026, 11, 23, 8, tzinfo=UTC) + timedelta(hours=h) for h in range(0, 76, 2)]
    threads = [threading.Thread(target=run, args=(e, moments)) for e in engines]
    for t in threads:
        t.start()
    for moment in moments:
        barrier.wait(timeout=60)
        box.clock.set(moment)
        barrier.wait(timeout=60)
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    sent = check_exactly_once(box, reports)
    assert len({r.claimed_by for r in sent}) >= 2  # the work really was shared
    assert sum(r.skipped for r in reports) > 0  # ... and they competed for the same items


def test_three_job_runners_in_the_background_send_everything_once(
    replicas: tuple[Sandbox, list[Loopbot]],
) -> None:
    box, bots = replicas
    busy_week(box)
    engines = [Engine(bot.services, tick_seconds=0.2) for bot in bots]
    for engine in engines:
        engine.start()
    try:
        for hours in range(0, 76, 6):
            box.clock.set(datetime(2026, 11, 23, 8, tzinfo=UTC) + timedelta(hours=hours))
            marks = [e.runner.ticks for e in engines]
            deadline = time.monotonic() + 30
            # Each runner has started and finished a whole tick after the clock moved.
            while any(e.runner.ticks < m + 2 for e, m in zip(engines, marks, strict=True)):
                assert time.monotonic() < deadline, "the job runners stopped ticking"
                time.sleep(0.05)
    finally:
        for engine in engines:
            engine.stop()
    check_exactly_once(box, [])
