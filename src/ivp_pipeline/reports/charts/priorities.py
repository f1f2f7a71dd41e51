"""Priority bars: themes ordered by rank with the score interval and the probability of the top three."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ivp_pipeline.reports.charts import BLUE, DARK, LIGHT, numeric
from ivp_pipeline.reports.labels import percent

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.container import BarContainer


def plot_priorities(
    ax: Axes,
    frame: pd.DataFrame,
    *,
    title: str = "",
    top: int = 3,
    xlabel: str = "Score (0-100); lijn = onzekerheidsinterval",
) -> BarContainer:
    """One municipality, one profile: horizontal bars (rank 1 on top), whiskers = score interval."""

    data = frame.sort_values(["rank", "theme"])
    score = numeric(data["score"])
    low, high = numeric(data["score_low"]), numeric(data["score_high"])
    ypos = np.arange(len(data))[::-1]
    colours = [BLUE if r <= top else LIGHT for r in numeric(data["rank"])]
    bars = ax.barh(ypos, score, color=colours, height=0.7)
    err = np.vstack([np.clip(score - low, 0, None), np.clip(high - score, 0, None)])
    ax.errorbar(score, ypos, xerr=np.nan_to_num(err), fmt="none", ecolor=DARK, elinewidth=0.8, capsize=2)
    for y, s in zip(ypos, score, strict=True):
        if s != s:
            ax.text(1, y, "geen score (geen gegevens)", va="center", fontsize=7, color=DARK, style="italic")
    for y, p in zip(ypos, data["p_top3"], strict=True):
        ax.text(101, y, f"top 3: {percent(p)}", va="center", fontsize=7, color=DARK)
    ax.set_yticks(
        ypos, [f"{int(r)}. {lab}" for r, lab in zip(numeric(data["rank"]), data["theme_label"], strict=True)]
    )
    ax.set_xlim(0, 100)
    ax.set_xlabel(xlabel)
    if title:
        ax.set_title(title, loc="left")
    return bars
