"""The charts' style, pinned by golden images, their sizes and alt text, and the figures behind them.

A chart matches its golden image when: the size is the same; the mean absolute difference of the
pixels is small (text anti-aliasing differs by up to about 3 of 255 between matplotlib 3.8 and 3.11,
the range pyproject allows); every palette colour covers the same area to 0.1% of the image (bars
come out pixel for pixel the same: a changed colour or bar shows at once); and the text's ink covers
the same area to 15% (another font, size or weight moves it by 25% or more). Regenerate the golden PNGs after a deliberate change of style with
`LOOPBOT_UPDATE_GOLDEN=1 python -m pytest tests/unit/test_chart_rendering.py` and look at them before committing."""

from __future__ import annotations

import io
import os
import struct
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from matplotlib.colors import to_rgb
from matplotlib.image import imread

from handlers.charts.calibration_chart import MAX_ROWS, render_calibration_chart, scale_colours
from handlers.charts.digest_chart import render_digest_charts
from handlers.charts.files import ALT_LIMIT, Chart, alt, short
from handlers.charts.load_chart import render_load_chart
from handlers.charts.style import BLUE, GREEN, INK, ORANGE, SKY, VERMILLION
from hiring.chasing.figures import DigestCharts, DigestFigures, FunnelStep, Spread, percentile, spread
from hiring.feedback.calibration import Calibration, InterviewerCalibration, leaning
from hiring.home import InterviewLoad, WeekLoad

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden"
TOLERANCE = 4.0  # mean absolute difference per channel, on the 0–255 scale
BAR_COLOURS = (BLUE, SKY, GREEN, ORANGE, VERMILLION)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def hours(n: float) -> timedelta:
    return timedelta(hours=n)


DIGEST = DigestCharts(
    "Senior Backend Engineer",
    "Europe/London",
    DigestFigures(
        now=datetime(2026, 11, 23, 9, tzinfo=UTC),
        funnel=(
            FunnelStep("Recruiter screen", 4, 23),
            FunnelStep("Technical interview", 2, 14),
            FunnelStep("On-site loop", 1, 7),
            FunnelStep("Offer", 0, 2),
        ),
        to_scorecard=(
            Spread("Recruiter screen", 20, hours(3), hours(9)),
            Spread("Technical interview", 26, hours(18), hours(41)),
            Spread("On-site loop", 30, hours(22), hours(70)),
        ),
        lead_time=(
            Spread("Recruiter screen", 12, hours(30), hours(70)),
            Spread("Technical interview", 9, hours(52), hours(120)),
            Spread("On-site loop", 0, None, None),
        ),
    ),
)


def person(
    user_id: str, cards: int, mine: list[int], theirs: list[int], mean: float, panel: float
) -> InterviewerCalibration:
    delta = mean - panel
    return InterviewerCalibration(
        user_id=user_id,
        cards=cards,
        distribution=dict(enumerate(mine, start=1)),
        panel_distribution=dict(enumerate(theirs, start=1)),
        mean=mean,
        panel_mean=panel,
        delta=delta,
        leaning=leaning(cards, delta),
        hire_share=0.5,
    )


CALIBRATION = Calibration(
    role_id=1,
    role_title="Senior Backend Engineer",
    scale_min=1,
    scale_max=4,
    labels={1: "Strong no", 2: "No", 3: "Yes", 4: "Strong yes"},
    cards=21,
    distribution={1: 3, 2: 12, 3: 20, 4: 9},
    mean=2.8,
    interviewers=[
        person("USAM", 8, [0, 2, 8, 6], [2, 6, 7, 1], 3.25, 2.45),
        person("ULEE", 6, [3, 6, 3, 0], [0, 4, 7, 3], 2.0, 2.9),
        person("UMIA", 5, [0, 3, 6, 1], [1, 3, 5, 1], 2.8, 2.6),
        person("UPRIYA", 2, [0, 1, 2, 1], [0, 1, 2, 1], 3.0, 3.0),
    ],
)
NAMES = {"USAM": "Sam Smith", "ULEE": "Lee Chen", "UMIA": "Mia Rossi", "UPRIYA": "Priya Patel"}

LOAD = InterviewLoad(
    weeks=(
        WeekLoad(date(2026, 11, 23), 3),
        WeekLoad(date(2026, 11, 30), 5),
        WeekLoad(date(2026, 12, 7), 6),
        WeekLoad(date(2026, 12, 14), 1),
    ),
    weekly_limit=5,
)


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk (after checking it is a PNG)."""
    assert data[:8] == PNG_SIGNATURE and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def area(image: np.ndarray, colour: str) -> float:
    """The share of the image's pixels in `colour` (to within 3 of 255 per channel)."""
    return float((np.abs(image[..., :3] - np.array(to_rgb(colour))).max(axis=-1) < 3 / 255).mean())


def assert_looks_like_golden(chart: Chart, name: str) -> None:
    path = GOLDEN / name
    if os.environ.get("LOOPBOT_UPDATE_GOLDEN"):
        path.write_bytes(chart.png)
    actual, expected = imread(io.BytesIO(chart.png)), imread(path)
    assert actual.shape == expected.shape
    problems = []
    difference = float(np.abs(actual[..., :3] - expected[..., :3]).mean() * 255)
    if difference > TOLERANCE:
        problems.append(f"pixels differ by {difference:.2f} on average")
    for colour in BAR_COLOURS:
        if abs(area(actual, colour) - area(expected, colour)) > 0.001:
            problems.append(f"{colour} covers {area(actual, colour):.2%}, not {area(expected, colour):.2%}")
    ink, expected_ink = area(actual, INK), area(expected, INK)
    if abs(ink - expected_ink) > 0.15 * expected_ink:
        problems.append(f"text ink covers {ink:.2%}, not {expected_ink:.2%}")
    if problems:
        (Path(os.environ.get("TMPDIR", "/tmp")) / f"actual-{name}").write_bytes(chart.png)
    assert not problems, f"{name} is not its golden image (saved actual-{name}): " + "; ".join(problems)


def test_the_digest_chart_keeps_its_style_and_says_its_numbers() -> None:
    chart = render_digest_charts(DIGEST)
    assert png_size(chart.png) == (800, 400)
    assert_looks_like_golden(chart, "digest.png")
    assert chart.alt_text == (
        "Weekly charts for Senior Backend Engineer, last 8 weeks to 23 Nov 2026. Candidates entering each "
        "stage, last 7 days / last 8 weeks: Recruiter screen 4 / 23; Technical interview 2 / 14; On-site loop "
        "1 / 7; Offer 0 / 2. Time from interview to scorecard, median / 90th percentile: Recruiter screen "
        "3 h / 9 h (20 scorecards); Technical interview 18 h / 41 h (26 scorecards); On-site loop 22 h / "
        "2.9 d (30 scorecards). Scheduling lead time from panel ready to booked, median / 90th percentile: "
        "Recruiter screen 30 h / 2.9 d (12 panels); Technical interview 2.2 d / 5 d (9 panels); On-site "
        "loop none."
    )
    assert chart.filename == "weekly-charts-2026-11-23.png"


def test_the_calibration_chart_marks_too_few_scorecards_and_says_its_numbers() -> None:
    chart = render_calibration_chart(CALIBRATION, NAMES)
    assert png_size(chart.png) == (800, 150 + 56 * 4)
    assert_looks_like_golden(chart, "calibration.png")
    assert (
        "Sam Smith: 8 scorecards, mean 3.2 vs 2.5 from their panels (+0.8), more generous" in chart.alt_text
    )
    assert "ratings 1: 0, 2: 2, 3: 8, 4: 6; panels 1: 2, 2: 6, 3: 7, 4: 1." in chart.alt_text
    assert "Priya Patel: 2 scorecards, mean 3.0 vs 3.0 from their panels (+0.0), too few scorecards" in (
        chart.alt_text
    )
    assert "only you see this" in chart.comment


def test_the_load_chart_keeps_its_style_and_says_its_numbers() -> None:
    chart = render_load_chart(LOAD)
    assert png_size(chart.png) == (800, 300)
    assert_looks_like_golden(chart, "load.png")
    assert chart.alt_text == (
        "Your interviews per week against your weekly limit of 5. week of 23 Nov (this week): 3; week of "
        "30 Nov: 5, at the limit; week of 7 Dec: 6, over the limit; week of 14 Dec: 1."
    )


def test_a_long_calibration_is_cut_to_the_rows_that_stay_readable() -> None:
    many = [person(f"U{n:03d}", 5, [1, 1, 2, 1], [1, 1, 2, 1], 2.6, 2.6) for n in range(MAX_ROWS + 5)]
    cal = Calibration(1, "Role", 1, 4, {}, 85, {1: 17, 2: 17, 3: 34, 4: 17}, 2.6, many)
    chart = render_calibration_chart(cal, {})
    assert png_size(chart.png) == (800, 150 + 56 * MAX_ROWS)
    assert chart.alt_text.endswith("5 more in the text reply.")
    assert len(alt(chart.alt_text)) <= ALT_LIMIT


def test_user_text_is_drawn_as_text_never_as_math() -> None:
    odd = DigestCharts("Engineer $100k $$ \\frac{1}{2} ^_^", "UTC", DIGEST.figures)
    assert png_size(render_digest_charts(odd).png) == (800, 400)


@pytest.mark.parametrize("points", [2, 3, 4, 5, 7, 11])
def test_every_scale_gets_one_distinct_colour_per_point(points: int) -> None:
    colours = scale_colours(points)
    assert len(colours) == len(set(colours)) == points


def test_durations_and_quantiles() -> None:
    assert [
        short(d) for d in (timedelta(minutes=40), hours(5), hours(2.5), hours(30), hours(70), hours(300))
    ] == [
        "40 min",
        "5 h",
        "2.5 h",
        "30 h",
        "2.9 d",
        "12 d",
    ]
    assert short(None) == "—"
    assert percentile([4.0], 0.9) == 4.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 0.5) == 2.5
    assert percentile(list(map(float, range(11))), 0.9) == pytest.approx(9.0)
    assert spread("x", []) == Spread("x", 0, None, None)
    assert spread("x", [hours(1), hours(3), hours(10)]) == Spread("x", 3, hours(3), hours(8.6))


def test_alt_text_stays_within_slacks_limit_and_ends_at_a_clause() -> None:
    text = "; ".join(f"Stage {n} {n} / {n * 3}" for n in range(200)) + "."
    cut = alt(text)
    assert len(cut) <= ALT_LIMIT and cut.endswith(";…")


def test_starting_the_app_does_not_import_matplotlib() -> None:
    code = "import sys, bot.container, bot.cli; assert 'matplotlib' not in sys.modules, 'imported at start'"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
