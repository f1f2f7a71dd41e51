"""Draw planned charts: the painter of each chart family and `draw`, which writes <key>.png and .svg.

Only the processes that draw import this module, and with it matplotlib: the forked children that
draw (reports/chartset.py) and, with one worker, the run itself at the moment it draws.
reports/chartset.py plans the charts without matplotlib and names this module by its dotted path
(`chartset.DRAWING`), so a run whose charts are all unchanged never loads it.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from matplotlib.collections import PolyCollection
from matplotlib.patches import Patch

from ivp_pipeline.reports import figures
from ivp_pipeline.reports.charts.funnel import plot_funnel
from ivp_pipeline.reports.charts.heatmap import plot_heatmap
from ivp_pipeline.reports.charts.matrix import plot_matrix
from ivp_pipeline.reports.charts.priorities import plot_priorities
from ivp_pipeline.reports.charts.progress import plot_progress
from ivp_pipeline.reports.charts.ranks import plot_rank_probabilities
from ivp_pipeline.reports.charts.trends import plot_trend

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from ivp_pipeline.reports.chartset import Plan

# A painter draws one chart family onto a figure's axes grid and returns what `figures.layout`
# needs to know beyond the texts it measures itself (room for a legend or side texts, row heights).
Painter = Callable[..., dict[str, Any]]
MAP_EDGE = "#555555"
MAP_BACKGROUND = "#ffffff"


def draw(plan: Plan, fig_dir: Path) -> None:
    """Draw one planned chart and write <key>.png and <key>.svg into fig_dir."""
    with figures.style():
        grid = dict(plan.grid)
        nrows, ncols = grid.pop("nrows", 1), grid.pop("ncols", 1)
        fig, axes = figures.new_figure(plan.size[0], plan.size[1], nrows, ncols, **grid)
        room = PAINTERS[plan.painter](fig, axes, **plan.data)
        figures.source_line(fig, plan.source)
        figures.layout(fig, axes, **room)
        figures.save(fig, fig_dir / plan.key)


def draw_all(plans: list[Plan], fig_dir: Path) -> None:
    for plan in plans:
        draw(plan, fig_dir)


def _single(plot: Callable[..., Any]) -> Painter:
    def paint(fig: Figure, axes: Any, *, args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
        plot(axes[0, 0], *args, **kwargs)
        return {}

    return paint


def paint_trends(
    fig: Figure, axes: Any, *, title: str, panels: list[tuple[str, pd.DataFrame]], series_break: Any
) -> dict[str, Any]:
    fig.suptitle(title, x=0.0, ha="left", fontweight="bold", fontsize=10)
    flat = list(axes.ravel())
    used = flat[: len(panels)]
    for ax, (label, frame) in zip(used, panels, strict=False):
        plot_trend(ax, frame, title=label, series_break=series_break)
    if used:  # every panel spans the same years, so they read side by side
        lo = min(ax.get_xlim()[0] for ax in used)
        hi = max(ax.get_xlim()[1] for ax in used)
        for ax in used:
            ax.set_xlim(lo, hi)
    figures.hide_unused(flat[len(panels) :])
    return {}


def paint_funnel(
    fig: Figure, axes: Any, *, title: str, panels: list[tuple[str, pd.DataFrame]], highlight: dict[str, str]
) -> dict[str, Any]:
    nrows, ncols = axes.shape[0] - 1, axes.shape[1]
    fig.suptitle(title, x=0.0, ha="left", fontweight="bold", fontsize=10)
    flat = list(axes[:nrows].ravel())
    for ax, (label, frame) in zip(flat, panels, strict=False):
        plot_funnel(ax, frame, highlight=highlight, title=label, ylabel="Per 1.000 inwoners")
    figures.hide_unused(flat[len(panels) :] + list(axes[nrows]))
    handles, names = flat[0].get_legend_handles_labels()
    axes[nrows, ncols // 2].legend(handles, names, loc="center", ncols=4, fontsize=7)
    # an extra thin row holds the shared legend, so it never covers a title or the source line
    return {"height_ratios": [1.0] * nrows + [0.2]}


def paint_contributions(
    fig: Figure,
    axes: Any,
    *,
    themes: list[str],
    points: list[np.ndarray],
    unknown: list[np.ndarray],
    criteria: list[str],
    colours: list[str],
) -> dict[str, Any]:
    """Per criterion a bar for each top theme: points above or below the neutral 50 (one axes, the
    themes side by side)."""
    ax = axes[0, 0]
    height = 0.8 / max(len(themes), 1)
    y = np.arange(len(criteria))[::-1].astype(float)
    labels = ["\n".join(textwrap.wrap(name, 28)) for name in themes]
    for k, (label, pts, unk) in enumerate(zip(labels, points, unknown, strict=True)):
        offset = y + 0.4 - height * (k + 0.5)
        ax.barh(offset, pts, height=height * 0.9, color=colours[k], label=label)
        for yy in offset[unk]:
            ax.text(0, yy, " onbekend", va="center", fontsize=6, color="#666666")
    ax.axvline(0, color="#333333", linewidth=0.8)
    ax.set_yticks(y, criteria)
    ax.set_xlabel("punten boven (+) of onder (-) het neutrale midden (50)")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return {"right": figures.legend_width(labels, 8)}


def draw_map(
    ax: Axes, outer: list[np.ndarray], faces: list[str], holes: list[np.ndarray]
) -> tuple[PolyCollection, PolyCollection]:
    """Outer rings filled with their wijk's colour, holes painted over in the background colour."""
    main = PolyCollection(outer, facecolors=faces, edgecolors=MAP_EDGE, linewidths=0.4)
    gaps = PolyCollection(holes, facecolors=MAP_BACKGROUND, edgecolors=MAP_EDGE, linewidths=0.4)
    ax.add_collection(main)
    ax.add_collection(gaps)
    ax.autoscale_view()
    ax.set_aspect("equal")
    ax.set_axis_off()
    return main, gaps


def paint_wijk_map(
    fig: Figure,
    axes: Any,
    *,
    title: str,
    outer: list[np.ndarray],
    faces: list[str],
    holes: list[np.ndarray],
    legend: list[tuple[str, str]],
) -> dict[str, Any]:
    ax = axes[0, 0]
    draw_map(ax, outer, faces, holes)
    ax.set_title(title)
    ax.legend(
        handles=[Patch(facecolor=c, edgecolor=MAP_EDGE, label=t) for c, t in legend],
        loc="upper left",
        bbox_to_anchor=(1.0, 1.0),
        fontsize=7,
    )
    return {"right": figures.legend_width([t for _, t in legend], 7)}


PAINTERS: dict[str, Painter] = {
    "priorities": _single(plot_priorities),
    "ranks": _single(plot_rank_probabilities),
    "matrix": _single(plot_matrix),
    "trends": paint_trends,
    "heatmap": _single(plot_heatmap),
    "funnel": paint_funnel,
    "progress": _single(plot_progress),
    "why": paint_contributions,
    "wijken": paint_wijk_map,
}
