"""Rank probabilities: for each theme the Monte Carlo probability of each rank, as a heat table."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ivp_pipeline.reports.charts import numeric

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.image import AxesImage


def plot_rank_probabilities(
    ax: Axes, frame: pd.DataFrame, order: list[str], labels: dict[str, str], *, title: str = ""
) -> AxesImage:
    """One municipality, one profile; rows in `order` (themes), columns = ranks 1..n."""

    ranks = sorted({int(r) for r in numeric(frame["rank"]) if r == r})
    table = np.zeros((len(order), len(ranks)))
    row = {t: i for i, t in enumerate(order)}
    col = {r: j for j, r in enumerate(ranks)}
    for theme, rank, prob in zip(
        frame["theme"], numeric(frame["rank"]), numeric(frame["probability"]), strict=True
    ):
        if theme in row and rank == rank:
            table[row[theme], col[int(rank)]] += prob
    image = ax.imshow(table, cmap="Blues", vmin=0, vmax=1, aspect="auto")
    for i in range(table.shape[0]):
        for j in range(table.shape[1]):
            if table[i, j] >= 0.1:
                ax.text(
                    j,
                    i,
                    f"{table[i, j] * 100:.0f}",
                    ha="center",
                    va="center",
                    fontsize=6,
                    color="white" if table[i, j] > 0.55 else "black",
                )
    ax.set_xticks(range(len(ranks)), [str(r) for r in ranks])
    # a theme without a score has no rank probabilities: its row stays empty and says why
    ax.set_yticks(
        range(len(order)),
        [labels.get(t, t) + ("" if table[i].sum() > 0 else " (geen score)") for i, t in enumerate(order)],
    )
    ax.set_xlabel("Rang (kans in %, getoond vanaf 10 %)")
    ax.tick_params(length=0)
    if title:
        ax.set_title(title, loc="left")
    return image
