"""Figures: create them with fixed style, place their axes, put the source line under them, save PNG and
SVG byte-stably.

Only the drawing processes import this module (and matplotlib): see reports/drawing.py.

The axes are placed by `arrange`, once, from the sizes of the texts around them (tick labels, axis
labels, titles) measured with the font's metrics: no constrained layout and no `bbox_inches="tight"`,
which each draw the figure several times to find the same positions. Each format is drawn once.
"""

from __future__ import annotations

import io
import math
import textwrap
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg, get_hinting_flag
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.text import Annotation
from matplotlib.textpath import TextToPath
from matplotlib.ticker import FixedLocator

from ivp_pipeline.atomic import write_bytes_atomic

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.text import Text

CM = 1 / 2.54
PT_PER_CM = 72 / 2.54
PNG_DPI = 150
FONT = "DejaVu Sans"
# Fixed style, so output does not depend on a user's matplotlibrc; the fixed hash salt makes the
# SVG's clip-path ids the same on every run. SVG text stays text (named fonts, DejaVu Sans first and
# Verdana, whose metrics are close, after it): smaller files, selectable text, and no glyph outlines
# to compute. A fixed title position (axes.titley) spares each draw the search for tick labels above.
STYLE: dict[str, Any] = {
    "svg.hashsalt": "ivp",
    "svg.fonttype": "none",
    "font.family": [FONT, "sans-serif"],
    "font.sans-serif": [FONT, "Verdana", "Arial"],
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.titleweight": "bold",
    "axes.titley": 1.0,
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
PAD = 4.0  # points between the figure's edge, its titles and its axes
GAP = 10.0  # points between neighbouring panels, beyond what their labels need
LINE = 1.2  # line height in font sizes (matplotlib's default line spacing)
SOURCE_SIZE, SOURCE_SPACING = 7.0, 1.3
_TEXT = TextToPath()


class TextRenderer(RendererAgg):
    """Agg, with each plain text drawn as one bitmap by FreeType (as matplotlib up to 3.10 did).

    matplotlib 3.11 places and renders every glyph from Python, which made text most of the time a
    PNG took; here FreeType lays out the string and renders all its glyphs at once (`set_text`,
    `draw_glyphs_to_bitmap`) and Agg pastes the bitmap, rotated by the text's angle. Math text
    ("$...$", which the charts do not use) goes the usual way."""

    def draw_text(
        self,
        gc: Any,
        x: float,
        y: float,
        s: str,
        prop: Any,
        angle: float,
        ismath: Any = False,
        mtext: Any = None,
    ) -> None:
        if ismath:
            super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)
            return
        font = self._prepare_font(prop)
        font.set_text(s, 0, flags=get_hinting_flag())  # unrotated: Agg rotates the bitmap
        font.draw_glyphs_to_bitmap(antialiased=gc.get_antialiased())
        descent = font.get_descent() / 64.0
        xo, yo = (v / 64.0 for v in font.get_bitmap_offset())
        x = round(x + xo + descent * math.sin(math.radians(angle)))
        y = round(y + yo + descent * math.cos(math.radians(angle)))
        self._renderer.draw_text_image(font.get_image(), x, y + 1, angle, gc)


class Canvas(FigureCanvasAgg):
    """The Agg canvas of every figure, drawing with TextRenderer."""

    def get_renderer(self) -> RendererAgg:
        w, h = self.get_width_height(physical=True)
        key = (w, h, self.figure.dpi)
        if getattr(self, "_ivp_key", None) != key:
            self.renderer = TextRenderer(w, h, self.figure.dpi)
            self._ivp_key = key
        return self.renderer


@contextmanager
def style() -> Iterator[None]:

    with matplotlib.rc_context(STYLE):  # type: ignore[arg-type]
        yield


def new_figure(
    width_cm: float = 17.0, height_cm: float = 10.0, nrows: int = 1, ncols: int = 1, **subplot_kw: Any
) -> tuple[Figure, Any]:
    """A figure on the Agg canvas (no pyplot, so no global figure registry and no GUI backend)."""

    fig = Figure(figsize=(width_cm * CM, height_cm * CM))
    Canvas(fig)
    axes = fig.subplots(nrows, ncols, squeeze=False, **subplot_kw)
    return fig, axes


def source_line(fig: Figure, text: str) -> None:
    """The source under the chart, left-aligned, as Dutch publications put it."""

    width = max(40, int(fig.get_figwidth() * 72 / 4.1))  # ~4.1 pt per character at 7 pt
    fig.supxlabel(
        "\n".join(textwrap.wrap(text, width)),
        x=0.0,
        y=0.0,
        ha="left",
        va="bottom",
        fontsize=SOURCE_SIZE,
        color="#444444",
        fontweight="normal",
        linespacing=SOURCE_SPACING,
    )


@lru_cache(maxsize=8192)
def text_size(text: str, size: float, weight: str = "normal") -> tuple[float, float]:
    """(width, height) in points of a text in the figures' font, one line per "\\n"."""
    if not text:
        return 0.0, 0.0
    prop = FontProperties(family=FONT, size=size, weight=weight)
    lines = text.split("\n")
    width = max(_TEXT.get_text_width_height_descent(line, prop, ismath=False)[0] for line in lines)
    return width, size * LINE * len(lines)


def extent(t: Text) -> tuple[float, float]:
    """(width, height) in points of a matplotlib Text as it will be drawn (no rotation)."""
    return text_size(t.get_text(), float(t.get_fontsize()), str(t.get_fontweight()))


def legend_width(labels: Sequence[str], fontsize: float) -> float:
    """Points a one-column legend of these labels takes beside an axes (handles, gaps, labels)."""
    widest = max((text_size(label, fontsize)[0] for label in labels), default=0.0)
    return widest + fontsize * (2.0 + 0.8 + 0.5 + 0.4 * 2)  # handle, its pad, border pad, axes pad


def _tick_needs(ax: Axes) -> dict[str, float]:
    """Points the ticks and their labels need on each side of the axes."""
    need = {"left": 0.0, "right": 0.0, "bottom": 0.0, "top": 0.0}
    for name, axis in (("x", ax.xaxis), ("y", ax.yaxis)):
        # the ticks this axis will draw, their labels set (what its draw calls first)
        ticks = cast(Any, axis)._update_ticks()
        for tick in ticks:
            out = tick.get_tick_padding() + tick.get_pad()
            for label, side in ((tick.label1, 0), (tick.label2, 1)):
                if not label.get_visible() or not label.get_text():
                    continue
                w, h = extent(label)
                if name == "y":
                    key = "left" if side == 0 else "right"
                    need[key] = max(need[key], w + out)
                else:
                    key = "bottom" if side == 0 else "top"
                    need[key] = max(need[key], h + out)
        if name == "x":  # a label near either end of the axis may reach beyond it
            for tick in ticks:
                label = tick.label1 if tick.label1.get_visible() else tick.label2
                if label.get_visible() and label.get_text():
                    _overhang(need, ax, tick.get_loc(), extent(label)[0], "center")
    for t in ax.texts:  # texts placed in data units, e.g. beside the end of a bar
        if isinstance(t, Annotation):
            x = t.xyann[0] if t.anncoords == "data" else None
        else:
            x = t.get_position()[0] if t.get_transform() == ax.transData else None
        if x is not None and t.get_visible() and t.get_text():
            _overhang(need, ax, float(x), extent(t)[0], str(t.get_horizontalalignment()))
    return need


def _overhang(need: dict[str, float], ax: Axes, x: float, width: float, ha: str) -> None:
    """Widen the side margins for a text of `width` points anchored at x (data units) with `ha`."""
    lo, hi = ax.get_xlim()
    scale = ax.get_xscale()
    if scale == "log" and min(lo, hi, x) > 0:
        lo, hi, x = np.log10(lo), np.log10(hi), np.log10(x)
    elif scale != "linear":
        return
    if hi == lo:
        return
    where = (x - lo) / (hi - lo)
    axes_width = ax.get_position().width * cast(Figure, ax.get_figure()).get_figwidth() * 72
    before = {"left": 0.0, "center": width / 2, "right": width}.get(ha, 0.0)
    after = width - before
    need["right"] = max(need["right"], after - (1 - where) * axes_width)
    need["left"] = max(need["left"], before - where * axes_width)


def _needs(ax: Axes) -> dict[str, float]:
    """Points an axes needs around it for its ticks, axis labels and title."""
    if not ax.axison:
        return {"left": 0.0, "right": 0.0, "bottom": 0.0, "top": _title_need(ax)}
    need = _tick_needs(ax)
    ylabel, xlabel = ax.yaxis.label, ax.xaxis.label
    if ylabel.get_text():
        need["left"] += extent(ylabel)[1] + ax.yaxis.labelpad
    if xlabel.get_text():
        need["bottom"] += extent(xlabel)[1] + ax.xaxis.labelpad
    need["top"] += _title_need(ax)
    # a title longer than its axes reaches beyond them: to the right from the left, both ways centred
    axes_width = ax.get_position().width * cast(Figure, ax.get_figure()).get_figwidth() * 72
    left, centre = cast(Any, ax)._left_title, ax.title
    if left.get_text():
        need["right"] = max(need["right"], extent(left)[0] - axes_width)
    if centre.get_text():
        need["left"] = max(need["left"], (extent(centre)[0] - axes_width) / 2)
        need["right"] = max(need["right"], (extent(centre)[0] - axes_width) / 2)
    return need


def _title_need(ax: Axes) -> float:
    titles = (ax.title, cast(Any, ax)._left_title, cast(Any, ax)._right_title)  # center, left, right
    height = max((extent(t)[1] for t in titles if t.get_text()), default=0.0)
    return height + matplotlib.rcParams["axes.titlepad"] if height else 0.0


def arrange(
    fig: Figure,
    axes: Any,
    *,
    height_ratios: Sequence[float] | None = None,
    right: float = 0.0,
    top: float = 0.0,
) -> None:
    """Place the axes of a grid (an array nrows x ncols) so their labels fit between them and the
    figure's edges, the suptitle above and the source line below.

    Every panel of a column gets the margins the widest labels of that column need, every panel of
    a row those of its row; the rest of the figure is shared equally (rows by `height_ratios`).
    `right` and `top` add points beside each axes for what lies outside it (a legend, side texts).
    """
    grid = np.asarray(axes, dtype=object).reshape(np.shape(axes))
    nrows, ncols = grid.shape
    width, height = fig.get_figwidth() * 72, fig.get_figheight() * 72
    needs = [[_needs(ax) for ax in row] for row in grid]
    lefts = [max(needs[r][c]["left"] for r in range(nrows)) for c in range(ncols)]
    rights = [max(needs[r][c]["right"] for r in range(nrows)) + right for c in range(ncols)]
    tops = [max(needs[r][c]["top"] for c in range(ncols)) + top for r in range(nrows)]
    bottoms = [max(needs[r][c]["bottom"] for c in range(ncols)) for r in range(nrows)]
    head = PAD
    suptitle = cast(Any, fig)._suptitle
    if suptitle is not None and suptitle.get_text():
        head += extent(suptitle)[1] + PAD
        suptitle.set_y(1 - PAD / height)
        suptitle.set_verticalalignment("top")
    foot = PAD
    source = cast(Any, fig)._supxlabel
    if source is not None and source.get_text():
        lines = source.get_text().count("\n") + 1
        foot += lines * SOURCE_SIZE * SOURCE_SPACING + PAD
        source.set_y(PAD / height)
    free_w = width - 2 * PAD - sum(lefts) - sum(rights) - GAP * (ncols - 1)
    free_h = height - head - foot - sum(tops) - sum(bottoms) - GAP * (nrows - 1)
    ratios = list(height_ratios) if height_ratios is not None else [1.0] * nrows
    cell_w = max(free_w, 10.0) / ncols
    cell_h = [max(free_h, 10.0) * r / sum(ratios) for r in ratios]
    y = height - head
    for r in range(nrows):
        y -= tops[r] + cell_h[r]
        x = PAD
        for c in range(ncols):
            x += lefts[c]
            grid[r, c].set_position((x / width, y / height, cell_w / width, cell_h[r] / height))
            x += cell_w + rights[c] + GAP
        y -= bottoms[r] + GAP


def freeze_ticks(fig: Figure) -> None:
    """Fix every axis' ticks where its locator puts them now (the data are drawn, the axes placed).

    Each draw asks each axis for its ticks; a date or "nice number" locator recomputes them on every
    call, a fixed one only hands them back. The ticks shown are the same.
    """
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            if isinstance(axis.get_major_locator(), FixedLocator):
                continue
            axis.set_major_locator(FixedLocator(axis.get_majorticklocs().tolist()))


def layout(fig: Figure, axes: Any, **kwargs: Any) -> None:
    """Fix every axis' ticks (chosen for the axes' first, similar size), then `arrange` the axes
    around those ticks' labels: one pass, since the labels no longer change."""
    freeze_ticks(fig)
    arrange(fig, axes, **kwargs)


def render_bytes(fig: Figure) -> tuple[bytes, bytes]:
    """PNG and SVG bytes without timestamps or version strings in their metadata, one draw each."""
    freeze_ticks(fig)
    png, svg = io.BytesIO(), io.BytesIO()
    # zlib level 3: the same pixels as the default 6, a third faster and here even a little smaller
    fig.savefig(png, format="png", dpi=PNG_DPI, metadata={"Software": None}, pil_kwargs={"compress_level": 3})
    fig.savefig(svg, format="svg", metadata={"Date": None, "Creator": "ivp"})
    return png.getvalue(), svg.getvalue()


def save(fig: Figure, stem: Path) -> list[Path]:
    """Write <stem>.png and <stem>.svg (the figure is left to the garbage collector: clearing it
    would cost as much as drawing it once more)."""
    png, svg = render_bytes(fig)
    paths = [stem.with_suffix(".png"), stem.with_suffix(".svg")]
    for path, data in zip(paths, (png, svg), strict=True):
        write_bytes_atomic(path, data, fsync=False)  # into the staging folder: swap_in syncs it
    return paths


def hide_unused(axes: list[Axes]) -> None:
    for ax in axes:
        ax.set_axis_off()
