"""Parsing and wording of working hours (pure functions)."""

from __future__ import annotations

import pytest

from hiring.errors import InvalidInput
from hiring.people.people import HoursArgs, days_text, parse_days, parse_time, split_hours_args


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("09:00", 540),
        ("9", 540),
        ("9.30", 570),
        ("17:30", 1050),
        ("5pm", 1020),
        ("12am", 0),
        ("12:15pm", 735),
        ("24:00", 1440),
        ("24:01", None),
        ("25", None),
        ("9:60", None),
        ("13pm", None),
        ("noon", None),
    ],
)
def test_parse_time(text: str, minutes: int | None) -> None:
    assert parse_time(text) == minutes


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("Mon-Fri", (0, 1, 2, 3, 4)),
        ("mon–thu", (0, 1, 2, 3)),
        ("Mon - Wed, Fri", (0, 1, 2, 4)),
        ("Sun-Thu", (0, 1, 2, 3, 6)),
        ("Mon,Wed,Fri", (0, 2, 4)),
        ("tuesday thursday", (1, 3)),
        ("weekdays", (0, 1, 2, 3, 4)),
        ("daily", (0, 1, 2, 3, 4, 5, 6)),
        ("Funday", None),
        ("Mon-Funday", None),
    ],
)
def test_parse_days(text: str, days: tuple[int, ...] | None) -> None:
    assert parse_days(text) == days


@pytest.mark.parametrize(
    ("days", "text"),
    [
        ("0,1,2,3,4", "Mon–Fri"),
        ("0,1,2,3,6", "Sun–Thu"),
        ("0,2,4", "Mon, Wed, Fri"),
        ("5,6", "Sat, Sun"),
        ("0,1,2,3,4,5,6", "every day"),
        ("", "no days"),
    ],
)
def test_days_text(days: str, text: str) -> None:
    assert days_text(days) == text


def test_split_hours_args() -> None:
    assert split_hours_args("09:00-17:30") == HoursArgs("09:00", "17:30")
    assert split_hours_args("9 - 17:30 Mon-Thu Europe/Berlin") == HoursArgs(
        "9", "17:30", "Mon-Thu", "Europe/Berlin"
    )
    assert split_hours_args("8am to 4pm utc") == HoursArgs("8am", "4pm", None, "UTC")
    assert split_hours_args("9-17 Mon, Wed") == HoursArgs("9", "17", "Mon, Wed", None)
    with pytest.raises(InvalidInput) as err:
        split_hours_args("whenever")
    assert "start-end" in err.value.errors["hours"]
    with pytest.raises(InvalidInput) as err:
        split_hours_args("9-17 Europe/Berlin Asia/Tokyo")
    assert "one time zone" in err.value.errors["timezone"]
