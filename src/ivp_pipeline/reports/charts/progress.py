"""Voortgang: change against the baseline year per municipality and theme, with the target marked."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ivp_pipeline.reports.charts import DARK, GREEN, GREY, ORANGE, numeric

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.container import BarContainer

STATUS_COLOURS = {"on_track": GREEN, "off_track": ORANGE}


def plot_progress(ax: Axes, frame: pd.DataFrame, *, title: str = "") -> BarContainer:
    """`frame`: label, change_pct, target_pct, status_code; one bar per row, top to bottom."""

    change = numeric(frame["change_pct"])
    target = numeric(frame["target_pct"]) if "target_pct" in frame.columns else np.full(len(frame), np.nan)
    status = (
        frame["status_code"].astype(str).to_numpy() if "status_code" in frame.columns else [""] * len(frame)
    )
    ypos = np.arange(len(frame))[::-1]
    bars = ax.barh(
        ypos, np.nan_to_num(change), color=[STATUS_COLOURS.get(s, GREY) for s in status], height=0.6
    )
    ax.scatter(target, ypos, marker="|", s=180, color=DARK, linewidths=2, zorder=4)
    for y, c, raw in zip(ypos, change, frame["change_pct"], strict=True):
        if c != c:
            ax.text(
                0,
                y,
                f"  {raw if isinstance(raw, str) else 'niet te berekenen'}",
                va="center",
                fontsize=7,
                color=GREY,
            )
    ax.axvline(0, color=DARK, linewidth=0.8)
    ax.set_yticks(ypos, [str(v) for v in frame["label"]])
    ax.set_xlabel("Verandering t.o.v. basisjaar (%); streep = streefwaarde")
    if title:
        ax.set_title(title, loc="left")
    return bars
