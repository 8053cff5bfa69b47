"""The weekly digest's charts, one image: per stage (rows), candidates entering it in the last week
against the last 8 weeks, time from interview to scorecard and scheduling lead time (median bars,
90th percentile whiskers). No candidate names, no scores. The alt text says the same numbers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from handlers.charts.files import Chart, short
from handlers.charts.style import (
    BLUE,
    GREEN,
    INK,
    MUTED,
    ORANGE,
    SKY,
    Box,
    bare,
    boxes,
    canvas,
    clipped,
    heading,
    label_end,
    png,
    row_labels,
    segments,
)
from handlers.mrkdwn import esc
from hiring.chasing.figures import WEEKS, DigestCharts, DigestFigures, FunnelStep, Spread

if TYPE_CHECKING:
    from matplotlib.axes import Axes

HOUR = 3600.0
HALF = 0.32  # half a bar's height, in rows


def render_digest_charts(msg: DigestCharts) -> Chart:
    """The PNG, its alt text and the thread message for a role's weekly charts."""
    figures = msg.figures
    title = f"Weekly charts · {msg.role_title}"
    with canvas() as fig:
        fig.text(0.015, 0.955, clipped(title, 70), fontsize=13, fontweight="bold", color=INK, va="top")
        fig.text(
            0.015,
            0.885,
            f"Last {WEEKS} weeks to {local_day(figures.now, msg.tz)} · no names, no scores",
            fontsize=9.5,
            color=MUTED,
            va="top",
        )
        funnel_ax, scorecard_ax, lead_ax = fig.subplots(1, 3, sharey=True)
        fig.subplots_adjust(left=0.2, right=0.985, top=0.72, bottom=0.04, wspace=0.3)
        names = [clipped(step.name, 20) for step in figures.funnel]
        _funnel(funnel_ax, figures.funnel)
        _spreads(scorecard_ax, figures.to_scorecard, len(names), ORANGE, "Interview → scorecard")
        _spreads(lead_ax, figures.lead_time, len(names), GREEN, "Ready → booked")
        row_labels(funnel_ax, names)
        funnel_ax.set_ylim(len(names) - 0.5, -0.5)
        data = png(fig)
    return Chart(
        png=data,
        title=title,
        alt_text=digest_alt_text(msg),
        filename=f"weekly-charts-{figures.now.astimezone(ZoneInfo(msg.tz)):%Y-%m-%d}.png",
        comment=f":bar_chart: *Weekly charts* for {esc(msg.role_title)} — last {WEEKS} weeks "
        "(the numbers are in the image's description)",
    )


def local_day(moment: datetime, tz: str) -> str:
    """`23 Nov 2026` in the role's time zone."""
    local = moment.astimezone(ZoneInfo(tz))
    return f"{local.day} {local:%b %Y}"


def _funnel(ax: Axes, steps: Sequence[FunnelStep]) -> None:
    """Candidates entering each stage: the last 8 weeks (light) with the last 7 days over it (dark)."""
    history = [s.history for s in steps]
    boxes(
        ax,
        [(0, row - HALF, count, 2 * HALF) for row, s in enumerate(steps) for count in (s.history, s.week)],
        [SKY, BLUE] * len(steps),
    )
    for row, step in enumerate(steps):
        label_end(ax, step.history, row, f"{step.week} / {step.history}")
    ax.set_xlim(0, (max(history, default=0) or 1) * 1.5)
    heading(ax, "Entering each stage")
    for x, color, text in ((0.0, BLUE, "7 days"), (0.34, SKY, f"{WEEKS} weeks")):
        ax.text(x, 1.03, "■", transform=ax.transAxes, fontsize=8.5, color=color, va="bottom")
        ax.text(x + 0.07, 1.03, text, transform=ax.transAxes, fontsize=8.5, color=MUTED, va="bottom")
    bare(ax)


def _spreads(ax: Axes, spreads: Sequence[Spread], rows: int, color: str, title: str) -> None:
    """Median bars with a whisker to the 90th percentile, labelled `median · p90` (the lengths are
    what compares; the labels give the values, so there is no axis)."""
    top = max((s.p90.total_seconds() for s in spreads[:rows] if s.p90 is not None), default=0.0)
    bars: list[Box] = []
    whiskers: list[tuple[tuple[float, float], tuple[float, float]]] = []
    for row, item in enumerate(spreads[:rows]):
        if not item.count or item.median is None or item.p90 is None:
            label_end(ax, 0, row, "—", color=MUTED)
            continue
        median, p90 = item.median.total_seconds() / HOUR, item.p90.total_seconds() / HOUR
        bars.append((0, row - HALF, median, 2 * HALF))
        whiskers += [((median, row), (p90, row)), ((p90, row - 0.2), (p90, row + 0.2))]
        label_end(ax, max(median, p90), row, f"{short(item.median)} · {short(item.p90)}")
    boxes(ax, bars, [color] * len(bars))
    segments(ax, whiskers, INK)
    ax.set_xlim(0, (top / HOUR or 1) * 1.9)
    heading(ax, title, "median ▸ 90th percentile")
    bare(ax)


def _spread_text(item: Spread, noun: str) -> str:
    if not item.count:
        return f"{item.name} none"
    plural = noun if item.count == 1 else noun + "s"
    return f"{item.name} {short(item.median)} / {short(item.p90)} ({item.count} {plural})"


def digest_alt_text(msg: DigestCharts) -> str:
    """The charts' numbers in words: every bar and whisker, in the order drawn."""
    figures: DigestFigures = msg.figures
    funnel = "; ".join(f"{s.name} {s.week} / {s.history}" for s in figures.funnel)
    to_scorecard = "; ".join(_spread_text(s, "scorecard") for s in figures.to_scorecard)
    lead = "; ".join(_spread_text(s, "panel") for s in figures.lead_time)
    return (
        f"Weekly charts for {msg.role_title}, last {WEEKS} weeks to {local_day(figures.now, msg.tz)}. "
        f"Candidates entering each stage, last 7 days / last {WEEKS} weeks: {funnel}. "
        f"Time from interview to scorecard, median / 90th percentile: {to_scorecard}. "
        f"Scheduling lead time from panel ready to booked, median / 90th percentile: {lead}."
    )
