"""The availability field's grammar ("Mon–Wed 9–12, Thu after 14:00", in the candidate's time zone)
→ UTC windows, and refusals that name the part not understood. Pure: a fixed now, no I/O."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hiring.errors import InvalidInput
from hiring.scheduling.availability import (
    MAX_WINDOWS,
    LocalWindow,
    parse_availability,
    understand,
    windows_text,
)
from hiring.scheduling.availability_text import split_parts

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)  # Monday 2 March, 07:00 in New York


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def windows(text: str, tz: str = "UTC") -> list[tuple[datetime, datetime]]:
    return parse_availability(text, tz, NOW)


def error(text: str, tz: str = "UTC") -> str:
    with pytest.raises(InvalidInput) as caught:
        parse_availability(text, tz, NOW)
    assert set(caught.value.errors) == {"when"}
    return caught.value.errors["when"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tue 10:00-12:30", [(utc(2026, 3, 3, 10), utc(2026, 3, 3, 12, 30))]),
        ("tuesday 10 to 12:30", [(utc(2026, 3, 3, 10), utc(2026, 3, 3, 12, 30))]),
        ("Tue 9am-1pm", [(utc(2026, 3, 3, 9), utc(2026, 3, 3, 13))]),
        ("Tue 9-5", [(utc(2026, 3, 3, 9), utc(2026, 3, 3, 17))]),
        ("Tue 05:00-07:00", [(utc(2026, 3, 3, 5), utc(2026, 3, 3, 7))]),
        ("Tue between 9 and 11", [(utc(2026, 3, 3, 9), utc(2026, 3, 3, 11))]),
        ("Tue after 14:00", [(utc(2026, 3, 3, 14), utc(2026, 3, 3, 18))]),
        ("Tue before 11", [(utc(2026, 3, 3, 9), utc(2026, 3, 3, 11))]),
        ("Tue morning", [(utc(2026, 3, 3, 9), utc(2026, 3, 3, 12))]),
        ("Tue afternoon", [(utc(2026, 3, 3, 13), utc(2026, 3, 3, 17))]),
        ("Tue", [(utc(2026, 3, 3, 9), utc(2026, 3, 3, 17))]),
        ("Tue noon-14", [(utc(2026, 3, 3, 12), utc(2026, 3, 3, 14))]),
        ("12 Mar 9-11", [(utc(2026, 3, 12, 9), utc(2026, 3, 12, 11))]),
        ("Mar 12 9-11", [(utc(2026, 3, 12, 9), utc(2026, 3, 12, 11))]),
        ("2026-03-12 9-11", [(utc(2026, 3, 12, 9), utc(2026, 3, 12, 11))]),
        ("Thu 12 Mar 2026 09:00-11:00", [(utc(2026, 3, 12, 9), utc(2026, 3, 12, 11))]),
        ("tomorrow 9-10", [(utc(2026, 3, 3, 9), utc(2026, 3, 3, 10))]),
        ("next Monday afternoon", [(utc(2026, 3, 9, 13), utc(2026, 3, 9, 17))]),
        # Today's morning is over at noon: "Mon" means next Monday; today's afternoon is still ahead.
        ("Mon 9-11", [(utc(2026, 3, 9, 9), utc(2026, 3, 9, 11))]),
        ("today afternoon", [(utc(2026, 3, 2, 13), utc(2026, 3, 2, 17))]),
        ("Mon 11-13", [(utc(2026, 3, 2, 11), utc(2026, 3, 2, 13))]),  # started, not over: kept
    ],
)
def test_one_part(text: str, expected: list[tuple[datetime, datetime]]) -> None:
    assert windows(text) == expected


def test_the_recruiters_sentence_in_the_candidates_time_zone() -> None:
    # New York is on EST (UTC-5) until Sunday 8 March, then EDT (UTC-4).
    assert windows("Mon–Wed 9–12, Thu after 14:00; next Mon 9-10", "America/New_York") == [
        (utc(2026, 3, 2, 14), utc(2026, 3, 2, 17)),
        (utc(2026, 3, 3, 14), utc(2026, 3, 3, 17)),
        (utc(2026, 3, 4, 14), utc(2026, 3, 4, 17)),
        (utc(2026, 3, 5, 19), utc(2026, 3, 5, 23)),
        (utc(2026, 3, 9, 13), utc(2026, 3, 9, 14)),
    ]


def test_ranges_lists_and_several_times_per_part() -> None:
    assert len(windows("weekdays 9-17")) == 5
    assert len(windows("weekend morning")) == 2
    assert len(windows("Fri-Mon 9-10")) == 4
    assert windows("12-14 Mar 9-10") == [(utc(2026, 3, d, 9), utc(2026, 3, d, 10)) for d in (12, 13, 14)]
    assert len(windows("12 Mar - 16 Mar 9-10")) == 5
    # Each window goes on the next occurrence of its day that is not over: at noon on Monday,
    # today's 14-15 is still ahead but 9-10 is next Monday's.
    assert windows("Mon and Wed 9-10 and 14-15\nFri 9-10") == [
        (utc(2026, 3, 2, 14), utc(2026, 3, 2, 15)),
        (utc(2026, 3, 4, 9), utc(2026, 3, 4, 10)),
        (utc(2026, 3, 4, 14), utc(2026, 3, 4, 15)),
        (utc(2026, 3, 6, 9), utc(2026, 3, 6, 10)),
        (utc(2026, 3, 9, 9), utc(2026, 3, 9, 10)),
    ]
    assert windows("Tue 9-11, Tue 10-12") == [(utc(2026, 3, 3, 9), utc(2026, 3, 3, 12))]  # merged


def test_a_date_without_a_year_is_the_nearest_one() -> None:
    late = datetime(2026, 12, 20, 12, tzinfo=UTC)
    assert parse_availability("5 Jan 9-10", "UTC", late) == [(utc(2027, 1, 5, 9), utc(2027, 1, 5, 10))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Thu aftr 14:00", "I did not understand “aftr” in “Thu aftr 14:00”"),
        ("Tue 9-12, 14-16", "“14-16” names no day"),
        ("Tue 9", "a time needs an end"),
        ("Tue 12-9", "12:00–09:00"),
        ("Tue 25:00-26:00", "not a time of day"),
        ("Tue 13pm-14pm", "with am/pm the hour is 1 to 12"),
        ("31 Feb 9-10", "no such date"),
        ("Tue 4 Mar", "4 Mar 2026 is a Wednesday, not a Tue"),
        ("1 Mar 9-10", "Sun 1 Mar 2026 10:00 is already past"),
        ("2026-09-01 9-10", "more than 90 days ahead"),
        ("Tue after 19", "“after” runs until 18:00"),
        ("next fortnight", "I did not understand “next fortnight”"),
        ("", "Say when the candidate can interview"),
        ("Tue 9-10 " + "x" * 1000, "under 1000 characters"),
    ],
)
def test_what_it_does_not_understand_is_named(text: str, expected: str) -> None:
    assert expected in error(text)


def test_a_time_in_the_daylight_saving_gap_is_refused() -> None:
    # New York's clocks go from 02:00 to 03:00 on Sunday 8 March.
    assert "02:30 does not exist on Sun 8 Mar in America/New_York" in error(
        "8 Mar 2:30am-4am", "America/New_York"
    )


def test_at_most_fourteen_windows() -> None:
    assert "That makes 15 windows; at most 14" in error("9-23 Mar 9-10")
    assert len(windows("9-22 Mar 9-10")) == MAX_WINDOWS


def test_stored_windows_written_back_mean_the_same_windows() -> None:
    saved = [
        LocalWindow(
            datetime(2026, 3, 3).date(), datetime(2026, 3, 3, 9).time(), datetime(2026, 3, 3, 12, 30).time()
        ),
        LocalWindow(
            datetime(2026, 3, 5).date(), datetime(2026, 3, 5, 14).time(), datetime(2026, 3, 5, 17).time()
        ),
    ]
    text = windows_text(saved)
    assert text == "Tue 3 Mar 2026 09:00-12:30; Thu 5 Mar 2026 14:00-17:00"
    assert windows(text, "Europe/London") == [
        (utc(2026, 3, 3, 9), utc(2026, 3, 3, 12, 30)),
        (utc(2026, 3, 5, 14), utc(2026, 3, 5, 17)),
    ]


WORDS = st.sampled_from(
    [
        "mon",
        "tue",
        "wed",
        "thursday",
        "weekdays",
        "weekend",
        "today",
        "tomorrow",
        "next",
        "week",
        "jan",
        "mar",
        "12",
        "2026-03-12",
        "9",
        "12:30",
        "9am",
        "5pm",
        "-",
        "–",
        "to",
        "and",
        "&",
        "after",
        "before",
        "between",
        "morning",
        "afternoon",
        "all",
        "day",
        "noon",
        ",",
        ";",
        "\n",
        "x",
        "99",
        "31",
        "feb",
        "0",
        "2027",
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(max_size=60), st.lists(WORDS, max_size=12).map(" ".join)))
def test_never_raises_and_answers_windows_or_an_error_naming_a_part(text: str) -> None:
    for tz in ("UTC", "America/New_York"):
        result = understand(text, tz, NOW)
        assert (result.error is None) == bool(result.windows)
        if result.error is None:
            assert result.windows and len(result.windows) <= MAX_WINDOWS
            assert all(s < e and e > NOW for s, e in result.windows)
            assert all(a[1] < b[0] for a, b in zip(result.windows, result.windows[1:], strict=False))
        elif split_parts(text) and len(text) <= 1000 and "windows; at most" not in result.error:
            assert any(f"“{part}”" in result.error for part in split_parts(text)), result.error
