"""Theme x municipality heatmap of priority scores (0-100)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ivp_pipeline.reports.charts import numeric

TOP_LABELS = 8 * 1.2  # the height of the column labels above the cells, in points

if TYPE_CHECKING:
    from collections.abc import Iterator

    import numpy as np
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.image import AxesImage


def plot_heatmap(ax: Axes, matrix: pd.DataFrame, *, title: str = "") -> AxesImage:
    """`matrix`: rows = theme labels, columns = municipality labels, values = scores 0-100."""
    values = numeric(matrix.to_numpy().ravel()).reshape(matrix.shape)
    image = ax.imshow(values, cmap="YlOrRd", vmin=0, vmax=100, aspect="auto")
    for (i, j), v in _cells(values):
        text = "–" if v != v else f"{v:.0f}"
        ax.text(j, i, text, ha="center", va="center", fontsize=7, color="white" if v > 65 else "black")
    ax.set_xticks(range(matrix.shape[1]), [str(c) for c in matrix.columns])
    ax.set_yticks(range(matrix.shape[0]), [str(r) for r in matrix.index])
    ax.tick_params(axis="x", top=True, bottom=False, labeltop=True, labelbottom=False)
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    if title:  # above the municipality names at the top (line, tick pad and the usual 6 points)
        ax.set_title(title, loc="left", pad=TOP_LABELS + 3.5 + 6)
    return image


def _cells(values: np.ndarray) -> Iterator[tuple[tuple[int, int], float]]:
    rows, cols = values.shape
    for i in range(rows):
        for j in range(cols):
            yield (i, j), float(values[i, j])
