"""The one visual style of every chart: the Okabe–Ito palette (safe for colour-blind readers), sizes
that stay readable at Slack's preview size (about 800 × 400 pixels), no chart junk (no frame, no
background grid but faint value lines, values written on the bars), PNG bytes out.

matplotlib is imported inside `canvas()`, on the first chart drawn. Figures are built with the
object API (`matplotlib.figure.Figure`, no pyplot state) and drawn one at a time (a lock): matplotlib's
font cache and text layout are shared by the process.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
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
PURPLE = "#CC79A7"
YELLOW = "#F0E442"
BLACK = "#000000"
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
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": False,
    "xtick.color": MUTED,
    "ytick.color": INK,
    "text.color": INK,
    "text.parse_math": False,  # a `$` in a role title or a name is just a dollar sign
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
    """The figure as PNG bytes (no metadata, so the same chart gives the same bytes)."""
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=DPI, metadata={"Software": None})
    return out.getvalue()


def quiet_axis(ax: Axes, *, x: bool = True) -> None:
    """No spines but the baseline, faint vertical value lines behind the bars, no tick marks."""
    ax.spines["left"].set_visible(False)
    ax.spines["bottom"].set_color(FAINT if x else "none")
    ax.tick_params(axis="both", length=0)
    ax.set_axisbelow(True)
    if x:
        ax.xaxis.grid(True, color=FAINT, linewidth=0.8)
    else:
        ax.set_xticks([])


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
