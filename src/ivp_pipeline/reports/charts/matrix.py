"""Facts versus perception: each theme placed by its facts score (x) and perception score (y)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ivp_pipeline.reports.charts import BLUE, GREY, numeric

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.collections import PathCollection

QUADRANTS = (
    (0.98, 0.98, "right", "top", "hoog in feiten en beleving"),
    (0.02, 0.98, "left", "top", "vooral beleving"),
    (0.98, 0.02, "right", "bottom", "vooral feiten"),
)


def label_positions(
    x: np.ndarray, y: np.ndarray, *, dx: float = 1.5, height: float = 3.2, width: float = 22.0
) -> list[tuple[float, float]]:
    """Label anchors right of each point, moved down step by step until they no longer overlap.

    Themes often sit close together; a greedy shift (top to bottom) keeps every name readable
    without a layout library. Units are data units of the fixed 0-100 axes.
    """
    placed: list[tuple[float, float]] = []
    out: list[tuple[float, float]] = [(0.0, 0.0)] * len(x)
    for i in sorted(range(len(x)), key=lambda k: (-float(y[k]), float(x[k]))):
        tx, ty = float(x[i]) + dx, float(y[i]) + 2
        while any(abs(ty - py) < height and abs(tx - px) < width for px, py in placed):
            ty -= height
        placed.append((tx, ty))
        out[i] = (tx, ty)
    return out


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
    for (xi, yi), (tx, ty), lab in zip(
        zip(x[keep], y[keep], strict=True),
        label_positions(x[keep], y[keep]),
        frame["label"].to_numpy()[keep],
        strict=True,
    ):
        ax.annotate(
            str(lab),
            (xi, yi),
            xytext=(tx, ty),
            textcoords="data",
            fontsize=7,
            va="center",
            arrowprops={"arrowstyle": "-", "color": GREY, "linewidth": 0.4} if ty != yi + 2 else None,
        )
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
