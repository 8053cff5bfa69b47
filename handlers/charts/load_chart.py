"""My interviews per week, this week and the next three, against my weekly limit (the App Home).
Weeks at the limit are orange and over it vermillion, and say so in words: colour is never the only
sign. Only counts: no candidate names."""

from __future__ import annotations

from typing import TYPE_CHECKING

from handlers.charts.files import Chart
from handlers.charts.style import (
    BLUE,
    FAINT,
    INK,
    MUTED,
    ORANGE,
    VERMILLION,
    bare,
    boxes,
    canvas,
    column_labels,
    png,
    segments,
)
from hiring.home import InterviewLoad, WeekLoad

if TYPE_CHECKING:
    from matplotlib.axes import Axes

WIDTH = 800
HEIGHT = 300


def week_label(week: WeekLoad, index: int) -> str:
    return ("This week\n" if index == 0 else "Week of\n") + f"{week.week_start.day} {week.week_start:%b}"


def state(week: WeekLoad, limit: int | None) -> str:
    if limit is None or week.interviews < limit:
        return ""
    return "at the limit" if week.interviews == limit else "over the limit"


COLOURS = {"": BLUE, "at the limit": ORANGE, "over the limit": VERMILLION}


def render_load_chart(load: InterviewLoad) -> Chart:
    """The Home tab's load chart."""
    limit = load.weekly_limit
    with canvas(WIDTH, HEIGHT) as fig:
        fig.text(0.015, 0.95, "Your interviews per week", fontsize=13, fontweight="bold", va="top")
        subtitle = (
            f"Against your weekly limit of {limit}" if limit is not None else "You are in no interviewer pool"
        )
        fig.text(0.015, 0.86, subtitle, fontsize=9.5, color=MUTED, va="top")
        ax = fig.add_axes((0.06, 0.2, 0.8, 0.55))
        _bars(ax, load)
        columns = len(load.weeks)
        if limit is not None:
            _limit_line(ax, limit, columns)
        ax.set_ylim(0, max([*(w.interviews for w in load.weeks), limit or 0, 1]) * 1.3)
        ax.set_xlim(-0.5, columns - 0.5)
        bare(ax)
        column_labels(ax, [week_label(w, i) for i, w in enumerate(load.weeks)])
        segments(ax, [((-0.5, 0), (columns - 0.5, 0))], FAINT)
        data = png(fig)
    return Chart(
        png=data, title="Your interviews per week", alt_text=load_alt_text(load), filename="load.png"
    )


def _bars(ax: Axes, load: InterviewLoad) -> None:
    """A bar a week, coloured and labelled by how it stands against the limit."""
    states = [state(w, load.weekly_limit) for w in load.weeks]
    boxes(
        ax,
        [(x - 0.28, 0, 0.56, w.interviews) for x, w in enumerate(load.weeks)],
        [COLOURS[s] for s in states],
    )
    for x, (week, note) in enumerate(zip(load.weeks, states, strict=True)):
        ax.annotate(
            f"{week.interviews}" + (f" · {note}" if note else ""),
            (x, week.interviews),
            xytext=(0, 4),
            textcoords="offset points",
            ha="center",
            fontsize=10,
            color=INK,
            zorder=3,
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 1},
        )


def _limit_line(ax: Axes, limit: int, columns: int) -> None:
    """The weekly limit: a dashed line across the weeks, labelled at its right end."""
    ax.axhline(limit, color=INK, linewidth=1.1, linestyle=(0, (4, 3)))
    ax.annotate(
        f"limit {limit}",
        (columns - 0.5, limit),
        xytext=(6, 0),
        textcoords="offset points",
        va="center",
        fontsize=9.5,
        color=INK,
        annotation_clip=False,
    )


def load_alt_text(load: InterviewLoad) -> str:
    """The chart's numbers in words."""
    limit = load.weekly_limit
    weeks = "; ".join(
        f"week of {w.week_start.day} {w.week_start:%b}{' (this week)' if i == 0 else ''}: {w.interviews}"
        + (f", {state(w, limit)}" if state(w, limit) else "")
        for i, w in enumerate(load.weeks)
    )
    head = (
        f"Your interviews per week against your weekly limit of {limit}"
        if limit is not None
        else ("Your interviews per week")
    )
    return f"{head}. {weeks}."
