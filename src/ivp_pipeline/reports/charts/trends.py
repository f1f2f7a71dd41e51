"""Trend lines of one theme in one municipality: counts with their Poisson band and the July 2018 break."""

from __future__ import annotations

import textwrap
from datetime import datetime
from typing import TYPE_CHECKING, Any

import matplotlib.dates as mdates
import numpy as np
import pandas as pd

from ivp_pipeline.reports.charts import BLUE, GREY, LIGHT, ORANGE, hidden_note, numeric, suppressed_count
from ivp_pipeline.reports.charts.captions import (
    BREAK_LABEL,
    SERIES_BREAK,
    break_label,
    gap_caption,
    unknown_periods,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

UNKNOWN_SHADE = "#F6DFD2"
__all__ = ["BREAK_LABEL", "SERIES_BREAK", "gap_caption", "plot_trend", "unknown_periods"]


def period_unit(periods: pd.Series) -> str:
    """'maand' for monthly series, 'jaar' for yearly ones (judged by the typical gap)."""

    dates = pd.to_datetime(periods).sort_values().drop_duplicates()
    if len(dates) < 2:
        return "maand"
    gap = dates.diff().dropna().median()
    return (
        "jaar" if gap > pd.Timedelta(days=200) else ("kwartaal" if gap > pd.Timedelta(days=60) else "maand")
    )


def plot_trend(
    ax: Axes, frame: pd.DataFrame, *, title: str = "", series_break: datetime | None = SERIES_BREAK
) -> dict[str, Any]:
    """Count per period with its 95 % interval; the series break is marked when in range.

    When the frame holds rolling 12-month sums next to the monthly counts (period_kind "year" and
    "month"), the sums are the series (a point with error bar at each window's last month) and the
    monthly counts a faint line behind them (not in public mode, where most months are hidden):
    single-digit monthly counts alone are mostly noise.
    """

    data = frame.sort_values("period_start")
    kinds = data["period_kind"].astype(str) if "period_kind" in data.columns else None
    rolling = kinds is not None and bool((kinds == "year").any() and (kinds == "month").any())
    artists: dict[str, Any] = {
        "line": None, "band": None, "monthly": None, "break": None, "note": None, "unknown": None,
    }  # fmt: skip
    if kinds is not None and rolling:
        main, months = _every_window(data[kinds == "year"]), data[kinds == "month"]
        x = pd.to_datetime(main["period_end"]).to_numpy()
        mx = pd.to_datetime(months["period_start"]).to_numpy()
        # In public mode the months below the threshold are hidden; the remaining fragments would show
        # only the high months, so the background is left out altogether then.
        if not suppressed_count(months["count"]):
            (artists["monthly"],) = ax.plot(
                mx, numeric(months["count"]), color=LIGHT, linewidth=0.6, label="per maand", zorder=1
            )
        y = numeric(main["count"])
        artists["band"] = ax.vlines(
            x, numeric(main["count_low"]), numeric(main["count_high"]), color=BLUE, linewidth=1.2, alpha=0.45
        )
        (artists["line"],) = ax.plot(
            x, y, color=BLUE, linewidth=1.2, marker="o", markersize=3, label="per 12 maanden", zorder=3
        )
        unit = "12 maanden"
        span = np.concatenate([mx, x])
    else:
        main = data
        x = pd.to_datetime(main["period_start"]).to_numpy()
        y = numeric(main["count"])
        lo, hi = numeric(main["count_low"]), numeric(main["count_high"])
        artists["band"] = ax.fill_between(
            x, lo, hi, color=BLUE, alpha=0.18, linewidth=0, label="95%-interval"
        )
        # small markers, so an isolated value between gaps (missing or suppressed periods) stays visible
        (artists["line"],) = ax.plot(
            x, y, color=BLUE, linewidth=1.0, marker="o", markersize=1.2, label="aantal"
        )
        unit = period_unit(main["period_start"])
        span = x
    if series_break is not None and len(span) and span.min() < np.datetime64(series_break) < span.max():
        artists["break"] = _mark_break(ax, series_break)
    note = hidden_note(ax, main["count"], "perioden")
    if note is not None:
        artists["note"] = note
    artists["unknown"] = _mark_unknown(ax, unknown_periods(data), below_note=note is not None)
    if title:
        ax.set_title("\n".join(textwrap.wrap(title, 24)), fontsize=8, loc="left")
    ax.set_ylabel(f"Aantal per {unit}", fontsize=7)
    if (y == y).any():
        ax.set_ylim(bottom=0)
    else:
        ax.set_ylim(0, 5)
    _year_ticks(ax, span)
    return artists


def _mark_unknown(ax: Axes, starts: pd.Series, *, below_note: bool) -> Any:
    """Shade each run of unknown months and say how many there are; None when every month is known."""
    if starts.empty:
        return None
    run_start = prev = starts.iloc[0]
    for month in [*starts.iloc[1:], None]:
        if month is not None and month == prev + pd.DateOffset(months=1):
            prev = month
            continue
        ax.axvspan(
            mdates.date2num(run_start), mdates.date2num(prev + pd.DateOffset(months=1)),
            color=UNKNOWN_SHADE, linewidth=0, zorder=0,
        )  # fmt: skip
        if month is not None:
            run_start = prev = month
    n = len(starts)
    return ax.text(
        0.99, 0.90 if below_note else 0.98, f"{n} {'maand' if n == 1 else 'maanden'} onbekend",
        transform=ax.transAxes, ha="right", va="top", fontsize=6, color=ORANGE,
    )  # fmt: skip


def _mark_break(ax: Axes, when: datetime) -> Any:

    line = ax.axvline(mdates.date2num(when), color=GREY, linestyle="--", linewidth=0.8)
    ax.annotate(
        break_label(when),
        (mdates.date2num(when), 1.0),
        xycoords=ax.get_xaxis_transform(),
        xytext=(-2, -2),
        textcoords="offset points",
        rotation=90,
        va="top",
        ha="right",
        fontsize=6,
        color=GREY,
    )
    return line


def _year_ticks(ax: Axes, span: Any) -> None:
    """Year labels under every panel, also when panels share the x axis (which hides inner labels)."""

    years = 1 + (pd.Timestamp(span.max()).year - pd.Timestamp(span.min()).year) if len(span) else 1
    ax.xaxis.set_major_locator(mdates.YearLocator(base=1 if years <= 6 else (2 if years <= 14 else 5)))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.tick_params(axis="x", labelbottom=True, labelsize=7)


def _every_window(windows: pd.DataFrame) -> pd.DataFrame:
    """One row per 12 months from the first window to the last: a window left out (a month missing)
    becomes an empty row, so the line breaks there instead of bridging two years."""

    ends = pd.to_datetime(windows["period_end"])
    if windows.empty:
        return windows
    every = pd.date_range(ends.min(), ends.max(), freq=pd.DateOffset(months=12))
    out = windows.assign(period_end=ends).set_index("period_end").reindex(every)
    return out.rename_axis("period_end").reset_index()
