"""The test factories build consistent state on both databases."""

from __future__ import annotations

from datetime import timedelta

from bot.sandbox.harness import START
from hiring.clock import FixedClock
from storage.uow import Database
from tests.factories import make_booked_panel, make_candidate, make_role


def test_booked_panel_has_timed_interviews_and_seats(database_url: str) -> None:
    db = Database(database_url)
    clock = FixedClock(START)
    role = make_role(db, clock)
    candidate = make_candidate(db, clock, role)
    panel = make_booked_panel(db, clock, candidate, start=START + timedelta(days=1), interviewers=["USAM"])
    with db.uow(role.team_id) as uow:
        stored = uow.panels.get(panel.id)
        assert stored is not None and stored.status == "booked"
        first = stored.interviews[0]
        assert first.start_at == START + timedelta(days=1)
        assert [s.user_id for s in first.seats] == ["USAM"]
    db.dispose()
