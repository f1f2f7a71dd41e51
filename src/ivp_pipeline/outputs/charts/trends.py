"""Trend lines of one theme in one municipality: counts with their Poisson band and the July 2018 break."""

from __future__ import annotations

import textwrap
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ivp_pipeline.outputs.charts import BLUE, GREY, numeric, suppressed_count

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

# Since July 2018 the police count co-occurring offences separately (total about +0.5 %, some
# offences +10-16 %): the series before and after are not fully comparable.
SERIES_BREAK = datetime(2018, 7, 1)
MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)


def break_label(when: datetime) -> str:
    return f"trendbreuk {MONTHS[when.month - 1]} {when.year}"


BREAK_LABEL = break_label(SERIES_BREAK)  # "trendbreuk juli 2018"


def period_unit(periods: pd.Series) -> str:
    """'maand' for monthly series, 'jaar' for yearly ones (judged by the typical gap)."""
    import pandas as pd

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
    """Count per period (line) with its interval (band); the series break is marked when in range."""
    import matplotlib.dates as mdates
    import numpy as np
    import pandas as pd

    data = frame.sort_values("period_start")
    x = pd.to_datetime(data["period_start"]).to_numpy()
    y = numeric(data["count"])
    lo, hi = numeric(data["count_low"]), numeric(data["count_high"])
    band = ax.fill_between(x, lo, hi, color=BLUE, alpha=0.18, linewidth=0, label="95%-interval")
    # small markers, so an isolated value between gaps (missing or suppressed periods) stays visible
    (line,) = ax.plot(x, y, color=BLUE, linewidth=1.0, marker="o", markersize=1.2, label="aantal")
    artists: dict[str, Any] = {"line": line, "band": band, "break": None, "note": None}
    if series_break is not None and len(x) and x.min() < np.datetime64(series_break) < x.max():
        artists["break"] = ax.axvline(
            mdates.date2num(series_break), color=GREY, linestyle="--", linewidth=0.8
        )
        ax.annotate(
            break_label(series_break),
            (mdates.date2num(series_break), 1.0),
            xycoords=ax.get_xaxis_transform(),
            xytext=(-2, -2),
            textcoords="offset points",
            rotation=90,
            va="top",
            ha="right",
            fontsize=6,
            color=GREY,
        )
    hidden = suppressed_count(data["count"])
    if hidden:
        artists["note"] = ax.text(
            0.99,
            0.98,
            f"{hidden} perioden <5 niet getoond",
            transform=ax.transAxes,
            ha="right",
            va="top",
            fontsize=6,
            color=GREY,
        )
    if title:
        ax.set_title("\n".join(textwrap.wrap(title, 30)), fontsize=8, loc="left")
    ax.set_ylabel(f"Aantal per {period_unit(data['period_start'])}", fontsize=7)
    if (y == y).any():
        ax.set_ylim(bottom=0)
    else:
        ax.set_ylim(0, 5)
    ax.xaxis.set_major_locator(mdates.YearLocator(base=2))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    return artists
