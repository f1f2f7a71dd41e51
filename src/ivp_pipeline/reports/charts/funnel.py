"""Funnel plot: rates of areas against the reference rate, with exact Poisson control limits."""

from __future__ import annotations

import importlib
import textwrap
from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.ticker import FixedLocator, FuncFormatter, NullFormatter

from ivp_pipeline.reports.charts import (
    DARK,
    GREY,
    LIGHT,
    ORANGE,
    hidden_note,
    numeric,
)
from ivp_pipeline.reports.charts.captions import MARKERS, left_out, left_out_caption
from ivp_pipeline.reports.labels import number

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

LEVELS = (0.95, 0.998)
NICE_TICKS = tuple(m * 10**k for k in range(3, 7) for m in (1, 2, 5))
FINE_TICKS = tuple(m * 10**k for k in range(3, 7) for m in (1, 1.5, 2, 3, 4, 5, 7))
__all__ = ["MARKERS", "left_out", "left_out_caption", "plot_funnel", "poisson_limits"]


def poisson_limits(expected: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Exact (Garwood) Poisson limits around an expected count: scoring.stats.poisson_ci at the level.

    scoring.stats (and with it scipy, 0.2 s) is loaded only when a funnel is drawn: the chart drawer
    of a typical `ivp score` copies its funnels from the last reports and never needs it."""
    stats = importlib.import_module("ivp_pipeline.scoring.stats")
    limits: tuple[np.ndarray, np.ndarray] = stats.poisson_ci(expected, alpha=1 - level)
    return limits


def level_label(level: float) -> str:
    return f"{level * 100:.1f}".rstrip("0").rstrip(".").replace(".", ",") + "%-grens"


def plot_funnel(
    ax: Axes,
    frame: pd.DataFrame,
    *,
    highlight: dict[str, str] | None = None,
    title: str = "",
    ylabel: str = "Per 1.000 inwoners",
) -> dict[str, Any]:
    """One theme: points = areas (rate against inhabitants), lines = 95% and 99.8% limits.

    `highlight` maps area codes to names drawn with their own marker (the NOT municipalities).
    """

    highlight = highlight or {}
    inh = numeric(frame["inhabitants"])
    rate = numeric(frame["rate_per_1000"])
    ref_values = numeric(frame["reference_rate_per_1000"])
    ref = float(np.nanmax(ref_values)) if np.isfinite(ref_values).any() else float("nan")
    artists: dict[str, Any] = {"limits": {}, "points": {}, "reference": None, "note": None}
    ok = np.isfinite(inh) & (inh > 0)
    if ok.any() and ref == ref:
        grid = np.geomspace(inh[ok].min() * 0.7, inh[ok].max() * 1.4, 200)
        expected = ref * grid / 1000
        artists["reference"] = ax.axhline(ref, color=DARK, linewidth=0.8, label="referentie")
        for level, style in zip(LEVELS, ("--", ":"), strict=True):
            low, high = poisson_limits(expected, level)
            (lo_line,) = ax.plot(
                grid, low / grid * 1000, color=GREY, linestyle=style, linewidth=0.8, label=level_label(level)
            )
            ax.plot(grid, high / grid * 1000, color=GREY, linestyle=style, linewidth=0.8)
            artists["limits"][level] = lo_line
    shown = ok & np.isfinite(rate)
    codes = frame["area_code"].astype(str).to_numpy()
    own = np.isin(codes, list(highlight))
    if (shown & ~own).any():
        ax.scatter(
            inh[shown & ~own],
            rate[shown & ~own],
            s=14,
            color=LIGHT,
            edgecolor=GREY,
            linewidth=0.4,
            zorder=3,
            label="andere gebieden",
        )
    for i, (code, name) in enumerate(highlight.items()):
        sel = shown & (codes == code)
        marker, colour = MARKERS[i % len(MARKERS)]
        artists["points"][code] = ax.scatter(
            inh[sel], rate[sel], s=24, marker=marker, color=colour, zorder=4, label=name
        )
    note = hidden_note(ax, frame["count"], "gebied(en)")
    if note is not None:
        artists["note"] = note
    gone = left_out(frame, highlight)
    artists["left_out"] = (
        ax.text(0.01, 0.98, "onvolledig: " + ", ".join(gone), transform=ax.transAxes, ha="left", va="top",
                fontsize=6, color=ORANGE)
        if gone
        else None
    )  # fmt: skip
    ax.set_xscale("log")
    if ok.any():
        lo_x, hi_x = inh[ok].min() * 0.7, inh[ok].max() * 1.4
        # the NOT municipalities alone span only 20,000-32,000 inhabitants: use finer ticks then
        ticks: list[float] = [t for t in NICE_TICKS if lo_x <= t <= hi_x]
        if len(ticks) < 3:
            ticks = [t for t in FINE_TICKS if lo_x <= t <= hi_x] or [float(np.median(inh[ok]))]
        ax.xaxis.set_major_locator(FixedLocator(ticks))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: number(v / 1000, 0)))
        ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_ylim(bottom=0)
    ax.set_xlabel("Inwoners (x 1.000, log-schaal)", fontsize=7)
    ax.set_ylabel(ylabel, fontsize=7)
    if title:
        ax.set_title("\n".join(textwrap.wrap(title, 30)), fontsize=8, loc="left")
    return artists
