"""Facts versus perception: each theme placed by its facts score (x) and perception score (y)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ivp_pipeline.outputs.charts import BLUE, GREY, numeric

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.collections import PathCollection

QUADRANTS = (
    (0.98, 0.98, "right", "top", "hoog in feiten en beleving"),
    (0.02, 0.98, "left", "top", "vooral beleving"),
    (0.98, 0.02, "right", "bottom", "vooral feiten"),
)


def plot_matrix(
    ax: Axes,
    frame: pd.DataFrame,
    *,
    title: str = "",
    xlabel: str = "Feitenscore (0-100)",
    ylabel: str = "Belevingsscore (0-100)",
) -> PathCollection:
    """`frame` has columns label, x, y (scores 0-100); themes lacking either score are left out."""
    x, y = numeric(frame["x"]), numeric(frame["y"])
    keep = ~(x != x) & ~(y != y)
    points = ax.scatter(x[keep], y[keep], s=22, color=BLUE, zorder=3)
    for xi, yi, lab in zip(x[keep], y[keep], frame["label"].to_numpy()[keep], strict=True):
        ax.annotate(str(lab), (xi, yi), xytext=(4, 3), textcoords="offset points", fontsize=7)
    ax.axvline(50, color=GREY, linewidth=0.6, linestyle=":")
    ax.axhline(50, color=GREY, linewidth=0.6, linestyle=":")
    for qx, qy, ha, va, text in QUADRANTS:
        ax.text(qx, qy, text, transform=ax.transAxes, ha=ha, va=va, fontsize=7, color=GREY, style="italic")
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 100)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title, loc="left")
    return points
