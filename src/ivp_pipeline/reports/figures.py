"""Figures: create them with fixed style, put the source line under them, save PNG and SVG byte-stably."""

from __future__ import annotations

import io
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator

from ivp_pipeline.atomic import write_bytes_atomic

if TYPE_CHECKING:
    from matplotlib.axes import Axes

CM = 1 / 2.54
PNG_DPI = 150
# Fixed style, so output does not depend on a user's matplotlibrc; the fixed hash salt makes the
# SVG's clip-path ids the same on every run.
STYLE: dict[str, Any] = {
    "svg.hashsalt": "ivp",
    "svg.fonttype": "path",
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.titleweight": "bold",
    "axes.labelsize": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": False,
    "legend.fontsize": 8,
    "legend.frameon": False,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "axes.formatter.use_locale": False,
    "path.simplify": True,
}


@contextmanager
def style() -> Iterator[None]:

    with matplotlib.rc_context(STYLE):  # type: ignore[arg-type]
        yield


def new_figure(
    width_cm: float = 17.0, height_cm: float = 10.0, nrows: int = 1, ncols: int = 1, **subplot_kw: Any
) -> tuple[Figure, Any]:
    """A figure on the Agg canvas (no pyplot, so no global figure registry and no GUI backend)."""

    fig = Figure(figsize=(width_cm * CM, height_cm * CM), layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(nrows, ncols, squeeze=False, **subplot_kw)
    return fig, axes


def source_line(fig: Figure, text: str) -> None:
    """The source under the chart, left-aligned, as Dutch publications put it."""

    width = max(40, int(fig.get_figwidth() * 72 / 4.1))  # ~4.1 pt per character at 7 pt
    fig.supxlabel(
        "\n".join(textwrap.wrap(text, width)),
        x=0.0,
        ha="left",
        fontsize=7,
        color="#444444",
        fontweight="normal",
        linespacing=1.3,
    )


def freeze_ticks(fig: Figure) -> None:
    """Fix every axis' ticks where its locator puts them now (the data are drawn, the limits known).

    A layout pass asks each axis for its ticks many times; a date or "nice number" locator recomputes
    them on every call, a fixed one only hands them back. The ticks shown are the same.
    """
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            if isinstance(axis.get_major_locator(), FixedLocator):
                continue
            axis.set_major_locator(FixedLocator(axis.get_majorticklocs().tolist()))


def render_bytes(fig: Figure) -> tuple[bytes, bytes]:
    """PNG and SVG bytes without timestamps or version strings in their metadata."""
    freeze_ticks(fig)
    png, svg = io.BytesIO(), io.BytesIO()
    fig.savefig(png, format="png", dpi=PNG_DPI, metadata={"Software": None})
    # The constrained layout placed the axes while drawing the PNG; the SVG keeps those positions
    # instead of running the layout (most of a figure's drawing time) a second time.
    fig.set_layout_engine("none")
    fig.savefig(svg, format="svg", metadata={"Date": None, "Creator": "ivp"})
    return png.getvalue(), svg.getvalue()


def save(fig: Figure, stem: Path) -> list[Path]:
    """Write <stem>.png and <stem>.svg and release the figure."""
    try:
        png, svg = render_bytes(fig)
    finally:
        fig.clear()
    paths = [stem.with_suffix(".png"), stem.with_suffix(".svg")]
    for path, data in zip(paths, (png, svg), strict=True):
        write_bytes_atomic(path, data, fsync=False)  # into the staging folder: swap_in syncs it
    return paths


def hide_unused(axes: list[Axes]) -> None:
    for ax in axes:
        ax.set_axis_off()
