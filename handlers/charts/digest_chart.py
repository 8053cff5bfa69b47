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
    canvas,
    clipped,
    label_end,
    png,
    quiet_axis,
)
from handlers.mrkdwn import esc
from hiring.chasing.figures import WEEKS, DigestCharts, DigestFigures, FunnelStep, Spread

if TYPE_CHECKING:
    from matplotlib.axes import Axes

HOUR = 3600.0


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
        funnel_ax.set_yticks(range(len(names)), names)
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
    rows = range(len(steps))
    history = [s.history for s in steps]
    ax.barh(rows, history, height=0.64, color=SKY)
    ax.barh(rows, [s.week for s in steps], height=0.64, color=BLUE)
    for row, step in zip(rows, steps, strict=True):
        label_end(ax, step.history, row, f"{step.week} / {step.history}")
    ax.set_xlim(0, (max(history, default=0) or 1) * 1.5)
    ax.set_title("Entering each stage", pad=16)
    for x, color, text in ((0.0, BLUE, "7 days"), (0.34, SKY, f"{WEEKS} weeks")):
        ax.text(x, 1.03, "■", transform=ax.transAxes, fontsize=8.5, color=color)
        ax.text(x + 0.07, 1.03, text, transform=ax.transAxes, fontsize=8.5, color=MUTED)
    quiet_axis(ax, x=False)


def _spreads(ax: Axes, spreads: Sequence[Spread], rows: int, color: str, title: str) -> None:
    """Median bars with a whisker to the 90th percentile, labelled `median · p90` (the lengths are
    what compares; the labels give the values, so there is no axis)."""
    top = max((s.p90.total_seconds() for s in spreads[:rows] if s.p90 is not None), default=0.0)
    unit = HOUR
    for row, item in enumerate(spreads[:rows]):
        if not item.count or item.median is None or item.p90 is None:
            label_end(ax, 0, row, "—", color=MUTED)
            continue
        median, p90 = item.median.total_seconds() / unit, item.p90.total_seconds() / unit
        ax.barh(row, median, height=0.64, color=color)
        ax.plot([median, p90], [row, row], color=INK, linewidth=1.2, solid_capstyle="butt")
        ax.plot([p90, p90], [row - 0.2, row + 0.2], color=INK, linewidth=1.2)
        label_end(ax, max(median, p90), row, f"{short(item.median)} · {short(item.p90)}")
    ax.set_xlim(0, (top / unit or 1) * 1.75)
    ax.set_title(title, pad=16)
    ax.text(0, 1.03, "median ▸ 90th percentile", transform=ax.transAxes, fontsize=8.5, color=MUTED)
    quiet_axis(ax, x=False)


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
