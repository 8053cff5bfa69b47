"""The one visual style of every chart: the Okabe–Ito palette (safe for colour-blind readers), sizes
that stay readable at Slack's preview size (about 800 × 400 pixels), no chart junk (no frame, axis,
ticks or grid: values are written on the bars), PNG bytes out.

matplotlib is imported inside `canvas()`, on the first chart drawn. Figures are built with the
object API (`matplotlib.figure.Figure`, no pyplot state) and drawn one at a time (a lock): matplotlib's
font cache and text layout are shared by the process.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

# Okabe & Ito (2008), "Color Universal Design".
BLUE = "#0072B2"
SKY = "#56B4E9"
GREEN = "#009E73"
ORANGE = "#E69F00"
VERMILLION = "#D55E00"
INK = "#222222"  # text
MUTED = "#6B6B6B"  # secondary text, axes
FAINT = "#D9D9D9"  # value lines, empty tracks
NEUTRAL = "#BBBBBB"  # the middle of a diverging scale

DPI = 100
WIDTH = 800  # pixels: Slack shows images up to about this wide in a message preview
HEIGHT = 400

RC: dict[str, Any] = {
    "font.family": "DejaVu Sans",  # ships with matplotlib: the same glyphs on every machine
    "font.size": 10.5,
    "axes.titlesize": 11.5,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.titlecolor": INK,
    "axes.labelcolor": MUTED,
    "axes.edgecolor": MUTED,
    "text.color": INK,
    "text.parse_math": False,  # a `$` in a role title or a name is just a dollar sign
    "text.hinting": "none",  # a quarter of the drawing time, and no visible loss at these sizes
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
    "svg.hashsalt": "loopbot",
}

_LOCK = threading.Lock()


@contextmanager
def canvas(width: int = WIDTH, height: int = HEIGHT) -> Iterator[Figure]:
    """A blank figure of `width` × `height` pixels in the house style (matplotlib loads on first use)."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with _LOCK, matplotlib.rc_context(cast(Any, RC)):  # (its stubs type keys as literals)
        figure = Figure(figsize=(width / DPI, height / DPI), dpi=DPI)
        FigureCanvasAgg(figure)  # the Agg raster backend, for this figure only (no global backend)
        yield figure


def png(figure: Figure) -> bytes:
    """The figure as PNG bytes (no metadata, so the same chart gives the same bytes). zlib's level 3
    instead of 6: a third of the encoding time for files about 10% larger."""
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=DPI, metadata={"Software": None}, pil_kwargs={"compress_level": 3})
    return out.getvalue()


Box = tuple[float, float, float, float]  # left, bottom, width, height in data coordinates


def boxes(ax: Axes, rects: Sequence[Box], colours: Sequence[Any]) -> None:
    """Filled rectangles (bars, bar segments) drawn as one collection: a bar chart's patches cost a
    transform each, which for a hundred segments is most of a chart's time. Set the axes' limits
    yourself (the collection does not move them)."""
    from matplotlib.collections import PolyCollection

    verts = [[(x, y), (x + w, y), (x + w, y + h), (x, y + h)] for x, y, w, h in rects]
    ax.add_collection(PolyCollection(verts, facecolors=list(colours), linewidths=0), autolim=False)


def segments(ax: Axes, lines: Sequence[tuple[tuple[float, float], tuple[float, float]]], colour: str) -> None:
    """Straight lines (whiskers, caps) drawn as one collection."""
    from matplotlib.collections import LineCollection

    ax.add_collection(LineCollection(lines, colors=colour, linewidths=1.2, capstyle="butt"), autolim=False)


def bare(ax: Axes) -> None:
    """No axis at all (no spines, ticks or grid): values are written on the bars and categories
    labelled with `row_labels` / `column_labels`. Also the cheapest axes to draw."""
    ax.set_axis_off()


def heading(ax: Axes, title: str, subtitle: str = "") -> None:
    """A panel's title, bold, with a small grey line under it, left-aligned above the axes."""
    ax.text(0, 1.1, title, transform=ax.transAxes, fontsize=11.5, fontweight="bold", color=INK, va="bottom")
    if subtitle:
        ax.text(0, 1.03, subtitle, transform=ax.transAxes, fontsize=8.5, color=MUTED, va="bottom")


def row_labels(ax: Axes, labels: Sequence[str], *, fontsize: float = 10.5) -> None:
    """A label left of each row (row n at y = n), right-aligned against the axes."""
    for row, label in enumerate(labels):
        ax.text(
            -0.03, row, label, transform=ax.get_yaxis_transform(), ha="right", va="center", fontsize=fontsize
        )


def column_labels(ax: Axes, labels: Sequence[str]) -> None:
    """A label under each column (column n at x = n), under the axes."""
    for column, label in enumerate(labels):
        ax.text(column, -0.04, label, transform=ax.get_xaxis_transform(), ha="center", va="top", color=MUTED)


def label_end(ax: Axes, x: float, y: float, text: str, *, color: str = INK, pad: float = 0.0) -> None:
    """A value written just after the end of a horizontal bar."""
    ax.annotate(
        text,
        (x, y),
        xytext=(4 + pad, 0),
        textcoords="offset points",
        va="center",
        ha="left",
        fontsize=9.5,
        color=color,
        annotation_clip=False,
    )


def clipped(text: str, limit: int) -> str:
    """A label kept to `limit` characters (a long stage name or person never squeezes the bars)."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
