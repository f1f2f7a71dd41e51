"""Police facts per unit: which periods count, the latest 12 months and the baseline, counts per code.

A unit is a municipality, Noordoost Twente (the four summed), or a reference area. Rules:
- only `observed` and `zero` values are counted; suppressed, not applicable and not yet published
  values are never zero: such rows are tallied as `missing` and flagged;
- the roll-up 0.0.0 is never summed with details (themes name details only);
- a period counts for a unit only when every measure the unit has (crime, overlast) was published
  for every area of the unit, so a month not yet published is absent, not zero;
- the latest window is the 12 months ending at the latest month available for all scope units;
- the baseline is the `baseline_years` x 12 months before it, cut at the July 2018 series break.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ivp_pipeline.problems import IvpError, Problem
from ivp_pipeline.schemas import POLICE, ROLLUP_CODE

COUNTED = ("observed", "zero")
DURATION_MONTHS = {"month": 1, "quarter": 3, "year": 12}


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

    def label(self, which: str) -> str:

        start, end = (
            (self.latest_start, self.latest_end)
            if which == "latest"
            else (self.baseline_start, self.baseline_end)
        )
        if start is None or end is None:
            return ""
        return f"{pd.Timestamp(start).date()}..{self.period_end(pd.Timestamp(end)).date()}"


def clean_police(police: pd.DataFrame) -> pd.DataFrame:
    """Columns area_code, measure, offence_code, period, period_kind, value (NaN = not counted), counted."""

    df = police[[c for c in POLICE.schema.names]].copy()
    df["period"] = pd.to_datetime(df["period_start"])
    df["counted"] = df["value_state"].isin(COUNTED)
    value = pd.to_numeric(df["value"], errors="coerce").astype(float)
    df["value"] = np.where(df["value_state"] == "zero", 0.0, np.where(df["counted"], value, np.nan))
    df.loc[df["counted"] & df["value"].isna(), "counted"] = False
    return df


def period_kind(clean: pd.DataFrame, areas: list[str]) -> str:
    """Monthly figures when the scope has any, else yearly ones."""
    sub = clean[clean["area_code"].isin(areas) & clean["counted"]]
    kinds = set(sub["period_kind"])
    if "month" in kinds:
        return "month"
    if "year" in kinds:
        return "year"
    raise IvpError(
        Problem(
            "no-police-data",
            "no monthly or yearly police figures for the municipalities in scope",
            value=", ".join(areas),
            hint="run ivp ingest first (police files in data/raw/police)",
        )
    )


def available_periods(clean: pd.DataFrame, kind: str) -> pd.DataFrame:
    """(area_code, period) pairs where every measure the area has was published."""
    sub = clean[(clean["period_kind"] == kind) & clean["counted"]]
    pairs = sub[["area_code", "measure", "period"]].drop_duplicates()
    per_area = pairs.groupby("area_code")["measure"].nunique().rename("n_area")
    per_period = pairs.groupby(["area_code", "period"])["measure"].nunique().rename("n").reset_index()
    per_period = per_period.join(per_area, on="area_code")
    return per_period.loc[per_period["n"] == per_period["n_area"], ["area_code", "period"]]


def unit_periods(avail: pd.DataFrame, areas: tuple[str, ...]) -> set[pd.Timestamp]:
    """Periods available for every area of a unit."""
    sub = avail[avail["area_code"].isin(areas)]
    counts = sub.groupby("period")["area_code"].nunique()
    return set(counts.index[counts == len(set(areas))])


def choose_windows(
    avail: pd.DataFrame, scope: list[str], kind: str, baseline_years: int, series_break: str
) -> Windows:

    common = unit_periods(avail, tuple(scope))
    if not common:
        raise IvpError(
            Problem(
                "no-common-period",
                "no period has police figures for all municipalities in scope",
                value=", ".join(scope),
                hint="ingest the same police table for each municipality",
            )
        )
    last = max(common)
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
    """Counts per unit x measure x code x period (details only, available periods only).

    Columns unit, measure, offence_code, period, count, missing (rows of that code and period that
    were suppressed, not applicable or not yet published).
    """

    details = clean[(clean["period_kind"] == kind) & (clean["offence_code"] != ROLLUP_CODE)]
    frames = []
    for unit, areas in units.items():
        periods = unit_periods(avail, areas)
        sub = details[details["area_code"].isin(areas) & details["period"].isin(periods)]
        if sub.empty:
            continue
        sub = sub.assign(_missing=(~sub["counted"]).astype(int))
        g = sub.groupby(["measure", "offence_code", "period"], sort=True)
        out = pd.DataFrame({"count": g["value"].sum(min_count=1), "missing": g["_missing"].sum()})
        out = out.reset_index()
        out.insert(0, "unit", unit)
        frames.append(out)
    if not frames:
        return pd.DataFrame(columns=["unit", "measure", "offence_code", "period", "count", "missing"])
    return pd.concat(frames, ignore_index=True)


def periods_in(periods: set[pd.Timestamp], start: pd.Timestamp | None, end: pd.Timestamp | None) -> int:
    if start is None or end is None:
        return 0
    return sum(1 for p in periods if start <= p <= end)


def window_mask(series: pd.DataFrame, start: pd.Timestamp | None, end: pd.Timestamp | None) -> pd.Series:
    if start is None or end is None:
        return series["period"].isna() & False
    return (series["period"] >= start) & (series["period"] <= end)
