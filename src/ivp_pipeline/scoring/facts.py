"""Police facts per unit: which periods count, the latest 12 months and the baseline, counts per code.

A unit is a municipality, Noordoost Twente (the four summed), or a reference area. Rules:
- only `observed` and `zero` values are counted; suppressed, not applicable and not yet published
  values are never zero: such rows are tallied as `missing` and flagged;
- the roll-up 0.0.0 is never summed with details (themes name details only);
- each police table (measure: crime, overlast) has its own windows: the latest window is the 12
  months ending at the latest month that table published for every municipality in scope, so a short
  overlast file never moves the crime window (and the other way round);
- a unit's count of a code in a period exists only when every area of the unit published it (a NOT
  figure needs all four municipalities); otherwise it is unknown (NaN), never a partial sum;
- the baseline is the `baseline_years` x 12 months before the latest window, cut at the July 2018
  series break;
- a window is complete enough when at least MIN_PUBLISHED_SHARE of its periods are published
  (9 of 12 months); exposure counts only the published periods.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ivp_pipeline.problems import IvpError, Problem
from ivp_pipeline.schemas import POLICE, ROLLUP_CODE

COUNTED = ("observed", "zero")
DURATION_MONTHS = {"month": 1, "quarter": 3, "year": 12}
MEASURES = ("crime", "overlast")
# A window with fewer published periods than this share (9 of 12 months, 27 of 36) is "onvolledig".
MIN_PUBLISHED_SHARE = 0.75


def min_published(window_periods: int) -> int:
    """The fewest published periods a window of `window_periods` needs (9 of 12, 1 of 1)."""
    return max(1, math.ceil(MIN_PUBLISHED_SHARE * window_periods - 1e-9))


@dataclass(frozen=True)
class Windows:
    kind: str  # month | year
    latest_start: pd.Timestamp
    latest_end: pd.Timestamp  # start of the last period in the window
    baseline_start: pd.Timestamp | None
    baseline_end: pd.Timestamp | None

    def period_end(self, start: pd.Timestamp) -> pd.Timestamp:
        """Last day of the period that starts at `start`."""

        return start + pd.DateOffset(months=DURATION_MONTHS[self.kind]) - pd.Timedelta(days=1)

    def periods(self, which: str) -> list[pd.Timestamp]:
        """The period starts of the latest or baseline window (empty without a baseline)."""
        start, end = self.bounds(which)
        if start is None or end is None:
            return []
        return _period_range(pd.Timestamp(start), pd.Timestamp(end), DURATION_MONTHS[self.kind])

    def bounds(self, which: str) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
        if which == "latest":
            return self.latest_start, self.latest_end
        return self.baseline_start, self.baseline_end

    def dutch(self, which: str = "latest") -> str:
        """ "2025-11 t/m 2026-10" (months) or "2025" (a year); "" without that window."""
        start, end = self.bounds(which)
        if start is None or end is None:
            return ""
        if self.kind == "year":
            a, b = pd.Timestamp(start).year, pd.Timestamp(end).year
            return f"{a}" if a == b else f"{a} t/m {b}"
        return f"{pd.Timestamp(start):%Y-%m} t/m {pd.Timestamp(end):%Y-%m}"

    def label(self, which: str) -> str:

        start, end = (
            (self.latest_start, self.latest_end)
            if which == "latest"
            else (self.baseline_start, self.baseline_end)
        )
        if start is None or end is None:
            return ""
        return f"{pd.Timestamp(start).date()}..{self.period_end(pd.Timestamp(end)).date()}"


@functools.lru_cache(maxsize=256)
def _period_range(start: pd.Timestamp, end: pd.Timestamp, months: int) -> list[pd.Timestamp]:
    out, p = [], start
    while p <= end:
        out.append(p)
        p = pd.Timestamp(p + pd.DateOffset(months=months))
    return out


def clean_police(police: pd.DataFrame) -> pd.DataFrame:
    """Columns area_code, measure, offence_code, period, period_kind, value (NaN = not counted), counted."""

    df = police[[c for c in POLICE.schema.names if c in police.columns]].copy()
    df["period"] = pd.to_datetime(df["period_start"])
    df["counted"] = df["value_state"].isin(COUNTED)
    value = pd.to_numeric(df["value"], errors="coerce").astype(float)
    df["value"] = np.where(df["value_state"] == "zero", 0.0, np.where(df["counted"], value, np.nan))
    df.loc[df["counted"] & df["value"].isna(), "counted"] = False
    return df


def period_kind(clean: pd.DataFrame, areas: list[str]) -> str:
    """Monthly figures when the scope has any, else yearly ones."""
    sub = clean[clean["area_code"].isin(areas) & clean["counted"]]
    kinds = set(sub["period_kind"].unique())
    if "month" in kinds:
        return "month"
    if "year" in kinds:
        return "year"
    raise IvpError(
        Problem(
            "no-police-data",
            "geen politiecijfers per maand of jaar voor de gemeenten van de regio",
            value=", ".join(areas),
            hint="voer eerst ivp ingest uit (politiebestanden in data/raw/police)",
        )
    )


def available_periods(clean: pd.DataFrame, kind: str) -> pd.DataFrame:
    """(area_code, measure, period) triples where that table published some figure for the area."""
    sub = clean[(clean["period_kind"] == kind) & clean["counted"]]
    return sub[["area_code", "measure", "period"]].drop_duplicates().reset_index(drop=True)


def unit_periods(
    avail: pd.DataFrame, areas: tuple[str, ...], measure: str | None = None
) -> set[pd.Timestamp]:
    """Periods a table (any table when `measure` is None) published for every area of a unit."""
    sub = avail[avail["area_code"].isin(areas)]
    if measure is not None:
        sub = sub[sub["measure"] == measure]
    counts = sub.groupby("period")["area_code"].nunique()
    return set(counts.index[counts == len(set(areas))])


def measure_windows(
    avail: pd.DataFrame, scope: list[str], kind: str, baseline_years: int, series_break: str
) -> dict[str, Windows]:
    """The windows of each police table that has figures for the whole scope (crime first)."""
    out: dict[str, Windows] = {}
    for measure in MEASURES:
        common = unit_periods(avail, tuple(scope), measure)
        if common:
            out[measure] = _windows(max(common), kind, baseline_years, series_break)
    if not out:
        raise IvpError(
            Problem(
                "no-common-period",
                "geen enkele periode heeft politiecijfers voor alle gemeenten van de regio",
                value=", ".join(scope),
                hint="lees voor elke gemeente dezelfde politietabel in",
            )
        )
    return out


def choose_windows(
    avail: pd.DataFrame, scope: list[str], kind: str, baseline_years: int, series_break: str
) -> Windows:
    """The windows of the first police table with figures for the whole scope (see measure_windows)."""
    return next(iter(measure_windows(avail, scope, kind, baseline_years, series_break).values()))


def _windows(last: pd.Timestamp, kind: str, baseline_years: int, series_break: str) -> Windows:
    brk = pd.Timestamp(series_break)
    if kind == "month":
        start = last - pd.DateOffset(months=11)
        b_end = start - pd.DateOffset(months=1)
        b_start = max(start - pd.DateOffset(months=12 * baseline_years), brk)
        enough = (b_end.year - b_start.year) * 12 + b_end.month - b_start.month + 1 >= 12
    else:
        start = last
        b_end = last - pd.DateOffset(years=1)
        # A year that straddles the break (2018) is left out whole.
        first_year = brk.year + (1 if (brk.month, brk.day) != (1, 1) else 0)
        b_start = max(last - pd.DateOffset(years=baseline_years), pd.Timestamp(first_year, 1, 1))
        enough = b_end >= b_start
    return Windows(
        kind,
        pd.Timestamp(start),
        pd.Timestamp(last),
        pd.Timestamp(b_start) if enough else None,
        pd.Timestamp(b_end) if enough else None,
    )


def unit_series(
    clean: pd.DataFrame, avail: pd.DataFrame, units: dict[str, tuple[str, ...]], kind: str
) -> pd.DataFrame:
    """Counts per unit x measure x code x period (details only).

    Columns unit, measure, offence_code, period, count, missing (area rows of that code and period
    that were suppressed, not applicable or not yet published). `count` is NaN unless every area of
    the unit has a counted value: a region figure is never the sum of the published members only.
    Periods without any row stay absent: unknown, never zero.
    """
    del avail  # kept for the call signature; a code's own rows say whether it was published
    details = clean[(clean["period_kind"] == kind) & (clean["offence_code"] != ROLLUP_CODE)]
    details = details.assign(_missing=(~details["counted"]).astype(int), _ok=details["counted"].astype(int))
    # Units of one area (municipalities, reference areas) are grouped all at once, by area; only
    # the units of several areas (the region, the peer group) need a pass of their own.
    single = {u: a[0] for u, a in units.items() if len(set(a)) == 1}
    by_area = _series(details[details["area_code"].isin(set(single.values()))], ["area_code"], 1)
    rows = by_area.groupby("area_code", sort=False).indices if len(by_area) else {}
    frames = []
    for unit, areas in units.items():
        if unit in single:
            take = rows.get(single[unit])
            if take is None:
                continue
            out = by_area.iloc[take].drop(columns="area_code")
        else:
            sub = details[details["area_code"].isin(areas)]
            if sub.empty:
                continue
            out = _series(sub, [], len(set(areas)))
        out.insert(0, "unit", unit)
        frames.append(out)
    if not frames:
        return pd.DataFrame(columns=["unit", "measure", "offence_code", "period", "count", "missing"])
    return pd.concat(frames, ignore_index=True)


def _series(rows: pd.DataFrame, by: list[str], n_areas: int) -> pd.DataFrame:
    """Sum, missing and published area rows per (by +) measure x code x period; the count is NaN
    unless `n_areas` areas published it."""
    g = rows.groupby([*by, "measure", "offence_code", "period"], sort=True)
    out = pd.DataFrame(
        {"count": g["value"].sum(min_count=1), "missing": g["_missing"].sum(), "_areas": g["_ok"].sum()}
    ).reset_index()
    out.loc[out["_areas"] < n_areas, "count"] = np.nan
    return out.drop(columns="_areas")


def periods_in(periods: set[pd.Timestamp], start: pd.Timestamp | None, end: pd.Timestamp | None) -> int:
    if start is None or end is None:
        return 0
    return sum(1 for p in periods if start <= p <= end)


def window_mask(series: pd.DataFrame, start: pd.Timestamp | None, end: pd.Timestamp | None) -> pd.Series:
    if start is None or end is None:
        return series["period"].isna() & False
    return (series["period"] >= start) & (series["period"] <= end)
