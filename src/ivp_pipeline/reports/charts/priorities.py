"""Priority bars: themes ordered by rank with the score interval and the probability of the top three."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ivp_pipeline.reports.charts import BLUE, DARK, LIGHT, ORANGE, numeric
from ivp_pipeline.reports.labels import low_coverage, percent, rank_prefix

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

    data = frame.sort_values(["rank", "theme"], na_position="last", kind="stable")
    score = numeric(data["score"])
    low, high = numeric(data["score_low"]), numeric(data["score_high"])
    ranks = numeric(data["rank"])
    flags = data["flags"] if "flags" in data.columns else [""] * len(data)
    coverage = data["coverage"] if "coverage" in data.columns else [float("nan")] * len(data)
    ypos = np.arange(len(data))[::-1]
    colours = [BLUE if r <= top else LIGHT for r in ranks]  # NaN (no rank) is never in the top
    bars = ax.barh(ypos, np.nan_to_num(score), color=colours, height=0.7)
    err = np.vstack([np.clip(score - low, 0, None), np.clip(high - score, 0, None)])
    ax.errorbar(score, ypos, xerr=np.nan_to_num(err), fmt="none", ecolor=DARK, elinewidth=0.8, capsize=2)
    for y, s in zip(ypos, score, strict=True):
        if s != s:
            ax.text(1, y, "geen score (geen gegevens)", va="center", fontsize=7, color=DARK, style="italic")
    for y, s, p, c, f in zip(ypos, score, data["p_top3"], coverage, flags, strict=True):
        shown = f"top 3: {percent(p)}" if s == s else "geen rang"
        weak = low_coverage(c, f)
        shown += f"\nonderbouwing {percent(c)}" + (" (laag)" if weak else "")
        ax.text(101, y, shown, va="center", fontsize=6.5, color=ORANGE if weak else DARK, linespacing=1.1)
    ax.set_yticks(
        ypos,
        [f"{rank_prefix(r, f)} {lab}" for r, f, lab in zip(ranks, flags, data["theme_label"], strict=True)],
    )
    ax.set_xlim(0, 100)
    ax.set_xlabel(xlabel)
    if title:
        ax.set_title(title, loc="left")
    return bars
