"""The reminder ladder as pure functions of (interview end, policy, working hours, now): table tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from handlers.chasing.reminders_blocks import span
from hiring.chasing.digests import digest_key, latest_occurrence
from hiring.chasing.reminders import ChasePolicy, WorkingHours, parse_days, steps_at

LONDON = WorkingHours(tz="Europe/London")
NEW_YORK = WorkingHours(tz="America/New_York")
KOLKATA = WorkingHours(tz="Asia/Kolkata")
DEFAULT = ChasePolicy()


def utc(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


# 2026-11-23 is a Monday; London is on UTC in November, New York on UTC-5, Kolkata on UTC+5:30.
@pytest.mark.parametrize(
    ("hours", "moment", "inside"),
    [
        (LONDON, utc(23, 8, 59), False),
        (LONDON, utc(23, 9, 0), True),
        (LONDON, utc(23, 16, 59), True),
        (LONDON, utc(23, 17, 0), False),
        (LONDON, utc(28, 10), False),  # Saturday
        (LONDON, utc(29, 10), False),  # Sunday
        (NEW_YORK, utc(23, 13, 59), False),  # 08:59 in New York
        (NEW_YORK, utc(23, 14, 0), True),
        (NEW_YORK, utc(23, 21, 59), True),  # 16:59 in New York
        (NEW_YORK, utc(28, 2), False),  # Friday 21:00 in New York, Saturday in UTC
        (KOLKATA, utc(23, 3, 30), True),  # 09:00 in Kolkata
        (KOLKATA, utc(23, 3, 29), False),
        (KOLKATA, utc(27, 23, 0), False),  # Saturday 04:30 in Kolkata, still Friday in UTC
        (WorkingHours(tz="Europe/Berlin", days=parse_days("1,2,3,4,5")), utc(23, 10), False),  # Mon off
        (WorkingHours(tz="Europe/Berlin", days=parse_days("1,2,3,4,5")), utc(28, 10), True),  # Sat on
        (
            WorkingHours(tz="UTC", start_minute=0, end_minute=24 * 60, days=parse_days("0,1,2,3,4,5,6")),
            utc(29, 3),
            True,
        ),
    ],
)
def test_working_hours_contains(hours: WorkingHours, moment: datetime, inside: bool) -> None:
    assert hours.contains(moment) is inside


def test_working_hours_follow_daylight_saving_time() -> None:
    # New York leaves DST on Sunday 2026-11-01: 09:00 local is 13:00 UTC before and 14:00 UTC after.
    assert NEW_YORK.contains(datetime(2026, 10, 30, 13, 0, tzinfo=UTC))
    assert not NEW_YORK.contains(datetime(2026, 11, 2, 13, 0, tzinfo=UTC))
    assert NEW_YORK.contains(datetime(2026, 11, 2, 14, 0, tzinfo=UTC))


@pytest.mark.parametrize(
    ("now", "latest"),
    [
        (utc(23, 10, 30), 0),
        (utc(23, 11, 29), 0),
        (utc(23, 11, 30), 1),
        (utc(24, 11, 29), 1),
        (utc(24, 11, 30), 2),
        (utc(27, 11, 30), 5),
    ],
)
def test_latest_nudge_number(now: datetime, latest: int) -> None:
    assert DEFAULT.latest_nudge(utc(23, 10, 30), now) == latest


def ladder(
    now: datetime,
    *,
    policy: ChasePolicy = DEFAULT,
    interviewer: WorkingHours = LONDON,
    manager: WorkingHours = LONDON,
    submitted: bool = False,
) -> list[tuple[str, int]]:
    steps = steps_at(
        end_at=utc(23, 10, 30),
        policy=policy,
        now=now,
        interviewer_open=interviewer.contains(now),
        manager_open=manager.contains(now),
        channel_open=LONDON.contains(now),
        submitted=submitted,
    )
    return [(s.kind, s.number) for s in steps]


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (utc(23, 10, 0), []),  # the interview has not ended: nothing, ever
        (utc(23, 10, 45), []),
        (utc(23, 11, 30), [("nudge", 1)]),
        (utc(23, 17, 30), []),  # outside the interviewer's hours
        (utc(24, 9, 0), [("nudge", 1)]),  # the next working morning
        (utc(24, 10, 30), [("nudge", 1), ("escalate", 0)]),  # due now: the hiring manager hears
        (utc(24, 11, 30), [("nudge", 2), ("escalate", 0)]),
        (utc(25, 10, 30), [("nudge", 2), ("escalate", 0), ("late_channel", 0)]),  # a day later
        (utc(28, 10, 30), []),  # Saturday: nobody is pinged
    ],
)
def test_due_steps_along_the_default_ladder(now: datetime, expected: list[tuple[str, int]]) -> None:
    assert ladder(now) == expected


def test_a_submitted_scorecard_has_no_steps() -> None:
    assert ladder(utc(25, 10, 30), submitted=True) == []


def test_each_recipient_is_gated_by_their_own_hours() -> None:
    # 10:30 UTC is 05:30 in New York: the escalation to a London manager goes, the nudge waits.
    assert ladder(utc(24, 10, 30), interviewer=NEW_YORK) == [("escalate", 0)]
    assert ladder(utc(24, 14, 0), interviewer=NEW_YORK, manager=KOLKATA) == [("nudge", 2)]
    assert ladder(utc(24, 10, 30), manager=NEW_YORK) == [("nudge", 1)]


def test_role_policy_changes_the_ladder() -> None:
    policy = ChasePolicy(
        feedback_due_hours=4, first_nudge_minutes=15, nudge_interval_hours=2, channel_late_after_hours=1
    )
    assert ladder(utc(23, 10, 45), policy=policy) == [("nudge", 1)]
    assert ladder(utc(23, 12, 45), policy=policy) == [("nudge", 2)]
    assert ladder(utc(23, 14, 30), policy=policy) == [("nudge", 2), ("escalate", 0)]
    assert ladder(utc(23, 15, 30), policy=policy) == [("nudge", 3), ("escalate", 0), ("late_channel", 0)]


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (timedelta(minutes=25), "25 min"),
        (timedelta(hours=3, minutes=20), "3 h 20 min"),
        (timedelta(hours=7, minutes=20), "7 h"),
        (timedelta(days=1), "1 day"),
        (timedelta(days=2, hours=4, minutes=59), "2 days 4 h"),
        (timedelta(seconds=-5), "0 min"),
    ],
)
def test_span(delta: timedelta, text: str) -> None:
    assert span(delta) == text


@pytest.mark.parametrize(
    ("tz", "days", "at", "now", "latest"),
    [
        ("Europe/London", "0,1,2,3,4", "09:00", utc(23, 8, 59), utc(20, 9)),
        ("Europe/London", "0,1,2,3,4", "09:00", utc(23, 9, 0), utc(23, 9)),
        ("Europe/London", "0,1,2,3,4", "09:00", utc(27, 12), utc(27, 9)),
        ("Europe/London", "0,1,2,3,4", "09:00", utc(28, 12), None),  # Saturday
        ("America/New_York", "0,1,2,3,4", "09:00", utc(23, 13, 59), None),
        ("Asia/Kolkata", "0,1,2,3,4", "09:30", utc(23, 4, 0), utc(23, 4, 0)),
        ("Europe/London", "", "09:00", utc(23, 9), None),
    ],
)
def test_digest_schedule_in_the_roles_time_zone(
    tz: str, days: str, at: str, now: datetime, latest: datetime | None
) -> None:
    # latest_occurrence catches up at most 12 hours: Friday's digest is not posted on Monday.
    if latest is not None and now - latest > timedelta(hours=12):
        latest = None
    assert latest_occurrence(tz, days, at, now) == latest


def test_digest_key_uses_the_local_date() -> None:
    # 09:00 in Auckland on Tuesday is Monday 20:00 UTC: the key carries Tuesday's date.
    moment = latest_occurrence("Pacific/Auckland", "1", "09:00", utc(23, 21))
    assert moment == utc(23, 20)
    assert digest_key(7, "Pacific/Auckland", moment) == "digest:7:2026-11-24"
