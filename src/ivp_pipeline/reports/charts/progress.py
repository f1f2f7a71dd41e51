"""Voortgang: change against the baseline year per municipality and theme, with the target marked."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ivp_pipeline.reports.charts import DARK, GREEN, GREY, ORANGE, numeric
from ivp_pipeline.reports.labels import is_missing

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
    baseline = frame["baseline_value"] if "baseline_value" in frame.columns else [0.0] * len(frame)
    current = frame["current_value"] if "current_value" in frame.columns else [0.0] * len(frame)
    for y, c, raw, b, n in zip(ypos, change, frame["change_pct"], baseline, current, strict=True):
        if c != c:
            ax.text(0, y, f"  {_why_unknown(raw, b, n)}", va="center", fontsize=7, color=GREY)
    ax.axvline(0, color=DARK, linewidth=0.8)
    ax.set_yticks(ypos, [str(v) for v in frame["label"]])
    ax.set_xlabel("Verandering t.o.v. basisjaar (%); streep = streefwaarde")
    if title:
        ax.set_title(title, loc="left")
    return bars


def _why_unknown(raw: object, baseline: object, current: object) -> str:
    """Text on an empty bar: a public-mode marker as it is, else which value is unknown (never 0)."""
    if isinstance(raw, str):
        return raw
    if is_missing(baseline):
        return "basiswaarde onbekend"
    if is_missing(current):
        return "huidige waarde onbekend"
    return "niet te berekenen"
