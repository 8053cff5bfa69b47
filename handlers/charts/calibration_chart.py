"""Interviewer calibration as a chart: per interviewer, the share of their ratings at each point of the
scale (a thick 100% bar) over what the others on the same panels gave (a thin one), with the count
of scorecards and the two means. People with too few scorecards stay, drawn faint and marked. No
candidate names: only interviewers and the ratings `/interview calibration` shows its viewer."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

from handlers.charts.files import Chart
from handlers.charts.style import (
    BLUE,
    FAINT,
    INK,
    MUTED,
    NEUTRAL,
    ORANGE,
    SKY,
    VERMILLION,
    Box,
    bare,
    boxes,
    canvas,
    clipped,
    png,
)
from handlers.mrkdwn import esc
from hiring.feedback.calibration import MIN_CARDS, Calibration, InterviewerCalibration

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

MAX_ROWS = 12  # more interviewers than this are in the text reply, not the chart
ROW_PX = 56
FRAME_PX = 150

# Okabe–Ito colours from the bottom of the scale (harsh) to the top (generous).
SCALES = {
    2: (VERMILLION, BLUE),
    3: (VERMILLION, NEUTRAL, BLUE),
    4: (VERMILLION, ORANGE, SKY, BLUE),
    5: (VERMILLION, ORANGE, NEUTRAL, SKY, BLUE),
}


def scale_colours(points: int) -> list[str]:
    """One colour per scale point; scales longer than 5 points blend the five-colour ramp."""
    if points in SCALES:
        return list(SCALES[points])
    from matplotlib.colors import LinearSegmentedColormap, to_hex

    ramp = LinearSegmentedColormap.from_list("okabe-ito-diverging", SCALES[5])
    return [to_hex(ramp(i / (points - 1))) for i in range(points)]


def shares(distribution: Mapping[int, int]) -> list[float]:
    total = sum(distribution.values())
    return [count / total if total else 0.0 for count in distribution.values()]


def render_calibration_chart(cal: Calibration, names: Mapping[str, str]) -> Chart:
    """The chart of `/interview calibration` (call only when there are interviewers)."""
    rows = cal.interviewers[:MAX_ROWS]
    colours = scale_colours(cal.scale_max - cal.scale_min + 1)
    height = FRAME_PX + ROW_PX * max(len(rows), 2)
    title = f"Interviewer calibration · {cal.role_title}"
    with canvas(height=height) as fig:
        fig.text(0.015, 1 - 14 / height, clipped(title, 70), fontsize=13, fontweight="bold", va="top")
        fig.text(
            0.015,
            1 - 40 / height,
            "Share of each rating: thick bar theirs, thin bar the others' on the same panels",
            fontsize=9.5,
            color=MUTED,
            va="top",
        )
        ax = fig.add_axes((0.25, 28 / height, 0.5, 1 - 118 / height))
        _legend(fig, cal, colours, height)
        rects: list[Box] = []
        fills: list[tuple[float, float, float, float]] = []
        for row, person in enumerate(rows):
            for rect, fill in _bars(row, person, colours):
                rects.append(rect)
                fills.append(fill)
            _labels(ax, row, person, names.get(person.user_id, person.user_id))
        boxes(ax, rects, fills)
        ax.set_xlim(0, 1)
        ax.set_ylim(len(rows) - 0.45, -0.55)
        bare(ax)
        if len(cal.interviewers) > MAX_ROWS:
            more = len(cal.interviewers) - MAX_ROWS
            fig.text(0.25, 8 / height, f"…and {more} more in the text reply", fontsize=9, color=MUTED)
        data = png(fig)
    return Chart(
        png=data,
        title=title,
        alt_text=calibration_alt_text(cal, names),
        filename="interviewer-calibration.png",
        comment=f":bar_chart: Interviewer calibration for *{esc(cal.role_title)}* (only you see this)",
    )


def _legend(fig: Figure, cal: Calibration, colours: Sequence[str], height: int) -> None:
    """The scale's points and labels in one line above the bars."""
    x = 0.25
    for point, colour in zip(range(cal.scale_min, cal.scale_max + 1), colours, strict=True):
        label = clipped(f"{point} {cal.labels.get(point, '')}".strip(), 14)
        fig.text(x, 1 - 72 / height, "■", color=colour, fontsize=11, va="top")
        fig.text(x + 0.02, 1 - 73 / height, label, fontsize=8.5, color=INK, va="top")
        x += 0.03 + 0.0095 * len(label)


def _bars(
    row: int, person: InterviewerCalibration, colours: Sequence[str]
) -> Iterator[tuple[Box, tuple[float, float, float, float]]]:
    """One interviewer's two 100% bars, segment by segment: theirs (thick) over their panels' (thin);
    faint when they have too few scorecards, a grey track when a bar has no ratings."""
    from matplotlib.colors import to_rgba

    for middle, height, values, alpha in (
        (row - 0.12, 0.42, shares(person.distribution), 0.35 if person.too_few else 1.0),
        (row + 0.24, 0.16, shares(person.panel_distribution), 0.25 if person.too_few else 0.6),
    ):
        if not any(values):
            yield (0.0, middle - height / 2, 1.0, height), to_rgba(FAINT)
        left = 0.0
        for share, colour in zip(values, colours, strict=True):
            if share:
                yield (left, middle - height / 2, share, height), to_rgba(colour, alpha)
            left += share


def _labels(ax: Axes, row: int, person: InterviewerCalibration, name: str) -> None:
    """Name and count at the left of an interviewer's bars, the means and the verdict at the right."""
    faint = person.too_few
    cards = f"{person.cards} scorecard{'s' if person.cards != 1 else ''}"
    ax.text(-0.03, row - 0.12, clipped(name, 22), ha="right", va="center", fontsize=10.5, color=INK)
    ax.text(
        -0.03,
        row + 0.24,
        cards + (f" · under {MIN_CARDS}" if faint else ""),
        ha="right",
        va="center",
        fontsize=8.5,
        color=VERMILLION if faint else MUTED,
    )
    ax.text(1.03, row - 0.12, _means(person), ha="left", va="center", fontsize=9.5, color=INK)
    ax.text(
        1.03, row + 0.24, _verdict(person), ha="left", va="center", fontsize=8.5, color=MUTED, style="italic"
    )


def _means(person: InterviewerCalibration) -> str:
    if person.panel_mean is None or person.delta is None:
        return f"mean {person.mean:.1f}"
    return f"{person.mean:.1f} vs {person.panel_mean:.1f} ({person.delta:+.1f})"


def _verdict(person: InterviewerCalibration) -> str:
    if person.too_few:
        return "too few to judge"
    return person.leaning.replace(" than their panels", "").replace(" with their panels", "")


def _counts(distribution: Mapping[int, int]) -> str:
    return ", ".join(f"{point}: {count}" for point, count in distribution.items())


def calibration_alt_text(cal: Calibration, names: Mapping[str, str]) -> str:
    """The chart's numbers in words, interviewer by interviewer, in the order drawn."""
    labels = ", ".join(f"{k} {v}" for k, v in sorted(cal.labels.items()))
    parts = [
        f"Interviewer calibration for {cal.role_title} on the {cal.scale_min}–{cal.scale_max} scale"
        + (f" ({labels})" if labels else "")
        + f". All interviewers: {cal.cards} scorecards, mean {cal.mean or 0:.1f}; ratings {_counts(cal.distribution)}."
    ]
    for person in cal.interviewers[:MAX_ROWS]:
        versus = (
            f", mean {person.mean:.1f} vs {person.panel_mean:.1f} from their panels ({person.delta:+.1f})"
            if person.panel_mean is not None and person.delta is not None
            else f", mean {person.mean:.1f}"
        )
        parts.append(
            f"{names.get(person.user_id, person.user_id)}: {person.cards} scorecards{versus}, {person.leaning}; "
            f"ratings {_counts(person.distribution)}; panels {_counts(person.panel_distribution)}."
        )
    if len(cal.interviewers) > MAX_ROWS:
        parts.append(f"{len(cal.interviewers) - MAX_ROWS} more in the text reply.")
    return " ".join(parts)
