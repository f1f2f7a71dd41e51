"""What the charts say in words, without drawing: captions, labels and what a chart leaves out.

The chart set (reports/chartset.py) plans every chart in the main process, which never imports
matplotlib; it takes its captions from here. The chart functions beside this module draw.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd

from ivp_pipeline.reports.charts import BLUE, GREEN, ORANGE
from ivp_pipeline.reports.labels import is_missing

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
# One colour and marker per highlighted municipality of a funnel plot, so panels need no
# overlapping name labels.
MARKERS = (("o", ORANGE), ("s", BLUE), ("^", GREEN), ("D", "#CC79A7"), ("v", "#E69F00"), ("P", "#56B4E9"))


def break_label(when: datetime) -> str:
    return f"trendbreuk {MONTHS[when.month - 1]} {when.year}"


BREAK_LABEL = break_label(SERIES_BREAK)  # "trendbreuk juli 2018"


def unknown_periods(frame: pd.DataFrame) -> pd.Series:
    """The period starts of one series' own periods (months) whose count is unknown (NaN).

    Not published, suppressed by the police or left out because a member municipality is missing
    (NOT): never 0. Public-mode markers ("<5") are known small counts, not unknown.
    """
    if frame.empty:
        return pd.Series([], dtype="datetime64[ns]")
    starts = pd.to_datetime(frame["period_start"].to_numpy()[_unknown(frame)])
    return pd.Series(starts).sort_values().reset_index(drop=True)


def _unknown(frame: pd.DataFrame) -> np.ndarray:
    """Which rows are own periods (the months, when the frame holds months) with an unknown count."""
    missing = frame["count"].isna().to_numpy(dtype=bool, copy=True)  # as labels.is_missing, per value
    if "period_kind" in frame.columns:
        # the kinds are text ("month", "quarter", "year"; missing: not a month)
        kinds = frame["period_kind"].tolist()
        months = np.fromiter(
            (isinstance(k, str) and k == "month" for k in kinds), dtype=bool, count=len(kinds)
        )
        if months.any():
            missing = missing & months
    return missing


def gap_caption(series: dict[str, pd.DataFrame]) -> str:
    """Caption text naming the themes with unknown months ('' when there are none).

    'Woninginbraak: 5 maanden onbekend (niet gepubliceerd of geheimgehouden); ...'
    """
    parts = []
    for name, frame in series.items():
        n = int(_unknown(frame).sum()) if len(frame) else 0
        if n:
            parts.append(f"{name}: {n} {'maand' if n == 1 else 'maanden'} onbekend")
    if not parts:
        return ""
    return (
        "; ".join(parts) + " (niet gepubliceerd of geheimgehouden). Onbekende maanden zijn gearceerd en "
        "tellen nooit als 0: de lijn is daar onderbroken en een periode van 12 maanden met een onbekende "
        "maand heeft geen punt."
    )


def left_out(frame: pd.DataFrame, highlight: dict[str, str]) -> list[str]:
    """Names of the highlighted areas of a funnel without a rate (no complete window): not drawn,
    never as 0. A public-mode marker ("n<5") is a known small number, hidden rather than unknown.
    """
    codes = frame["area_code"].astype(str)
    gone = [code for code, rate in zip(codes, frame["rate_per_1000"], strict=True) if is_missing(rate)]
    return [name for code, name in highlight.items() if code in gone]


def left_out_caption(frame: pd.DataFrame, highlight: dict[str, str], themes: dict[str, str]) -> str:
    """'Weggelaten zonder volledig venster van 12 maanden: Oldenzaal (Woninginbraak).' or ''."""
    # `left_out` of each theme's rows, in one pass over the frame
    gone: dict[str, set[str]] = {}
    rows = zip(
        frame["theme"].astype(str), frame["area_code"].astype(str), frame["rate_per_1000"], strict=True
    )
    for theme, code, rate in rows:
        if is_missing(rate):
            gone.setdefault(theme, set()).add(code)
    parts = []
    for theme, name in themes.items():
        names = [n for code, n in highlight.items() if code in gone.get(theme, ())]
        if names:
            parts.append(f"{', '.join(names)} ({name})")
    if not parts:
        return ""
    return (
        "Weggelaten omdat niet alle 12 maanden gepubliceerd zijn (onbekend, niet 0): "
        + "; ".join(parts)
        + "."
    )
