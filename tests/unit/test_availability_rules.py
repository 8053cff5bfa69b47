"""Availability windows as typed (a day, from, to, in the candidate's time zone) → UTC, and refusals."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from hiring.errors import InvalidInput
from hiring.scheduling.availability import MAX_WINDOWS, WindowInput, parse_windows

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def errors(rows: list[WindowInput], tz: str = "America/New_York") -> dict[str, str]:
    with pytest.raises(InvalidInput) as caught:
        parse_windows(rows, tz, NOW)
    return caught.value.errors


def test_local_windows_become_utc_on_either_side_of_a_daylight_saving_change() -> None:
    rows = [
        WindowInput("2026-03-06", "09:00", "12:00"),  # New York on EST (UTC-5)
        WindowInput("2026-03-09", "09:00", "12:00"),  # EDT from 8 March (UTC-4)
        WindowInput(None, None, None),
    ]
    assert parse_windows(rows, "America/New_York", NOW) == [
        (utc(2026, 3, 6, 14), utc(2026, 3, 6, 17)),
        (utc(2026, 3, 9, 13), utc(2026, 3, 9, 16)),
    ]


def test_overlapping_windows_merge_and_a_window_already_started_is_kept() -> None:
    rows = [
        WindowInput("2026-03-03", "09:00", "10:00"),
        WindowInput("2026-03-02", "11:00", "15:00"),  # started an hour ago: what is left still counts
        WindowInput("2026-03-02", "14:00", "16:00"),
    ]
    assert parse_windows(rows, "UTC", NOW) == [
        (utc(2026, 3, 2, 11), utc(2026, 3, 2, 16)),
        (utc(2026, 3, 3, 9), utc(2026, 3, 3, 10)),
    ]


def test_each_problem_is_reported_next_to_its_field() -> None:
    found = errors(
        [
            WindowInput("2026-03-10", "09:00", None),
            WindowInput("2026-03-10", "12:00", "11:00"),
            WindowInput("2026-03-01", "09:00", "10:00"),
            WindowInput("2026-03-08", "02:30", "04:00"),
            WindowInput(None, "09:00", "10:00"),
            WindowInput("2026-09-01", "09:00", "10:00"),
        ]
    )
    assert found["t0"] == "Pick when the window ends."
    assert "must end after it starts (12:00)" in found["t1"]
    assert "is already past" in found["d2"]
    assert "02:30 does not exist on Sun 8 Mar in America/New_York" in found["f3"]
    assert found["d4"] == "Pick the day."
    assert "at most 90 days ahead" in found["d5"]


def test_at_least_one_and_at_most_fourteen_windows() -> None:
    assert "at least one window" in errors([WindowInput(None, None, None)])["d0"]
    rows = [WindowInput(f"2026-03-{10 + i:02d}", "09:00", "10:00") for i in range(MAX_WINDOWS + 1)]
    assert f"at most {MAX_WINDOWS} windows" in errors(rows)["d0"]
    assert len(parse_windows(rows[:MAX_WINDOWS], "UTC", NOW)) == MAX_WINDOWS
