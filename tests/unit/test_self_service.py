"""The candidate principal and how ticked hours become availability rows (pure parts of
`hiring/scheduling/self_service.py`)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hiring.permissions import Actor, manages
from hiring.scheduling.availability import LocalWindow
from hiring.scheduling.links import OpenLink
from hiring.scheduling.self_service import principal, window_rows
from storage.models import Role, RoleRecruiter

NOW = datetime(2026, 11, 23, 8, tzinfo=UTC)


def hours(*starts: datetime) -> list[tuple[datetime, datetime]]:
    return [(s, s + timedelta(hours=1)) for s in starts]


def test_a_link_may_schedule_its_own_role_only() -> None:
    link = OpenLink(7, "T1", 3, "video", NOW + timedelta(days=7), role_id=5, cancel_cutoff_hours=24)
    actor = principal(link)
    assert actor == Actor(team_id="T1", user_id="link:7", link_role_id=5)
    mine = Role(id=5, hiring_manager_id="UHANA", recruiters=[RoleRecruiter(user_id="URITA")])
    other = Role(id=6, hiring_manager_id="UHANA", recruiters=[RoleRecruiter(user_id="URITA")])
    assert manages(actor, mine) and not manages(actor, other)
    assert not manages(Actor("T1", "UPRIYA"), mine) and manages(Actor("T1", "URITA"), mine)


def test_touching_hours_merge_and_rows_are_in_the_candidates_zone() -> None:
    ny = ZoneInfo("America/New_York")
    rows = window_rows(
        hours(
            datetime(2026, 11, 25, 14, tzinfo=UTC),
            datetime(2026, 11, 25, 15, tzinfo=UTC),
            datetime(2026, 11, 26, 18, tzinfo=UTC),
        ),
        ny,
    )
    assert rows == [
        LocalWindow(date(2026, 11, 25), time(9), time(11)),
        LocalWindow(date(2026, 11, 26), time(13), time(14)),
    ]


def test_an_hour_up_to_local_midnight_ends_at_23_59() -> None:
    rows = window_rows(hours(datetime(2026, 11, 25, 4, tzinfo=UTC)), ZoneInfo("America/New_York"))
    assert rows == [LocalWindow(date(2026, 11, 24), time(23), time(23, 59))]
