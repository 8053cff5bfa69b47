"""Load on PostgreSQL through the real HTTP server: 100 concurrent scorecard submissions (each
doubled) and 100 concurrent slash commands. Every scorecard is stored exactly once and every request
is acknowledged: Bolt answers 404 when a listener has not acked within Slack's 3 seconds, so a 200 for
every request is the proof. The latencies are printed as figures (timing is a benchmark's job).

The server under load runs in its own process (as in production), on the same database and
simulated workspace; the test process only sets up state and plays the 100 clients."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from bot.sandbox.harness import Sandbox
from bot.sandbox.process import ServerProcess
from storage.models import Scorecard
from tests.feedback_support import at, good_values, make_loop

N = 100


def report(label: str, results: list[tuple[int, float]]) -> None:
    ordered = sorted(elapsed for _, elapsed in results)
    p50, p99 = ordered[len(ordered) // 2], ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    print(f"{label}: HTTP answer p50 {p50:.2f} s, p99 {p99:.2f} s, max {ordered[-1]:.2f} s")


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_concurrent_scorecards_and_commands(sandbox: Sandbox, database_url: str) -> None:
    interviews = [
        make_loop(sandbox, start=at(10), interviewers=["USAM"], name=f"Cand {i}").first for i in range(N)
    ]
    sandbox.advance(days=1, hours=6)
    views = []
    for interview in interviews:
        sandbox.click("USAM", "scorecard_open", str(interview.id))
        view = sandbox.fake.last_view("USAM")
        assert view is not None and view["callback_id"] == "scorecard_modal"
        views.append(view)
    assert len({v["id"] for v in views}) == N
    server = ServerProcess(sandbox.fake, database_url, env={"FIXED_NOW": sandbox.clock.now().isoformat()})
    try:
        run_load(sandbox, server, interviews, views)
    finally:
        server.stop()


def run_load(sandbox: Sandbox, server: ServerProcess, interviews: list, views: list) -> None:  # type: ignore[type-arg]
    def submit(view: dict[str, object]) -> tuple[int, float]:
        reply = server.driver.submit("USAM", good_values(view), view=view)  # type: ignore[arg-type]
        return reply.status, reply.elapsed

    with ThreadPoolExecutor(max_workers=N) as pool:
        results = list(pool.map(submit, views + views))
    assert all(status == 200 for status, _ in results), sorted({s for s, _ in results})
    report("200 concurrent scorecard submissions", results)
    with sandbox.app.db.uow("T0LOOPBOT") as uow:
        rows = uow.session.execute(
            select(Scorecard.interview_id, func.count())
            .where(Scorecard.status == "submitted")
            .group_by(Scorecard.interview_id)
        ).all()
    assert sorted(i for i, _ in rows) == sorted(iv.id for iv in interviews)
    assert {n for _, n in rows} == {1}

    def command(i: int) -> tuple[int, float]:
        reply = server.driver.command(
            ["UHANA", "URITA", "USAM", "UOTTO"][i % 4], ["feedback", "roles", "help", "status Cand 1"][i % 4]
        )
        return reply.status, reply.elapsed

    before = len(sandbox.fake.calls_to("response_url"))
    with ThreadPoolExecutor(max_workers=N) as pool:
        answers = list(pool.map(command, range(N)))
    assert all(status == 200 for status, _ in answers), sorted({s for s, _ in answers})
    report("100 concurrent slash commands", answers)
    sandbox.fake.wait_for(lambda: len(sandbox.fake.calls_to("response_url")) - before >= N, timeout=60)
