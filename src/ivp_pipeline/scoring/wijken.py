"""Where it happens: police counts per wijk and theme in the latest period, with exact intervals.

`wijk_table(wijken, population, catalogue_codes)` gives result.extras["wijken"] (WIJKEN columns), one
row per municipality x theme x wijk:

- the latest period the municipality's wijk figures cover: the latest year when the table is yearly
  (data.politie.nl wijk downloads), else the latest 12 months (all 12 published);
- count = the sum over the theme's offence codes; unknown (NaN) when any of them is suppressed or not
  published in that period (missing is never 0), and so are its interval and rate;
- the previous period's count beside it (same rule);
- rate per 1,000 inhabitants when the wijk's population is ingested (CBS kerncijfers wijken en
  buurten, area level wijk), else NaN: the report then shows counts only.

Wijk rows are never summed into a municipality (the gemeente row is its own observation).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ivp_pipeline.scoring.police import inhabitants_at, population_lookup
from ivp_pipeline.scoring.stats import poisson_ci

WIJKEN = (
    "municipality",
    "theme",
    "area_code",
    "area_name",
    "period_start",
    "period_end",
    "period_kind",
    "count",
    "count_low",
    "count_high",
    "previous_count",
    "inhabitants",
    "rate_per_1000",
    "rate_low",
    "rate_high",
)
KNOWN = ("observed", "zero")


def _periods(frame: pd.DataFrame) -> tuple[str, list[pd.Timestamp], list[pd.Timestamp]] | None:
    """(kind, latest periods, previous periods) of one municipality's wijk rows."""
    starts = frame.groupby("period_kind")["period_start"].unique()
    if "year" in starts.index:
        years = sorted(pd.to_datetime(starts["year"]))
        return "year", [years[-1]], ([years[-2]] if len(years) > 1 else [])
    if "month" in starts.index:
        months = sorted(pd.to_datetime(starts["month"]))
        if len(months) < 12:
            return None
        return "month", months[-12:], months[-24:-12] if len(months) >= 24 else []
    return None


def _window_counts(
    rows: pd.DataFrame, codes: pd.DataFrame, periods: list[pd.Timestamp], column: str
) -> pd.DataFrame:
    """Per theme x wijk the sum over the theme's codes (those the wijk table has) and `periods`;
    NaN where one of those values is unknown or absent (missing is never 0)."""
    sub = rows[rows["period_start"].isin(periods)]
    merged = sub.merge(codes, on=["measure", "offence_code"])
    known = merged["value_state"].isin(KNOWN).to_numpy()
    merged = merged.assign(v=merged["value"].astype(float).where(known))
    keys = ["theme", "area_code"]
    g = merged.groupby(keys, sort=False)["v"]
    out = pd.DataFrame({column: g.sum(min_count=1), "_n": g.count()}).reset_index()
    # the codes each theme has in this municipality's wijk table, times the periods
    present = rows[["measure", "offence_code"]].drop_duplicates().merge(codes, on=["measure", "offence_code"])
    expected = present.groupby("theme").size() * len(periods)
    out[column] = out[column].where(out["_n"].to_numpy() == out["theme"].map(expected).to_numpy())
    return out.drop(columns="_n")


def wijk_table(wijken: pd.DataFrame, population: pd.DataFrame, theme_codes: pd.DataFrame) -> pd.DataFrame:
    """The WIJKEN frame; empty (with the columns) without wijk rows. `theme_codes` is
    scoring/police.py theme_codes(catalogue): theme, measure, offence_code."""
    if wijken is None or wijken.empty:
        return pd.DataFrame(columns=list(WIJKEN))
    wijken = wijken.assign(period_start=pd.to_datetime(wijken["period_start"]))
    codes = theme_codes[["theme", "measure", "offence_code"]].drop_duplicates()
    lookup = population_lookup(population)
    parts = []
    for mun, rows in wijken.groupby("municipality", sort=True):
        found = _periods(rows)
        if found is None:
            continue
        kind, latest, previous = found
        rows = rows[rows["period_kind"] == kind]
        now = _window_counts(rows, codes, latest, "count")
        if previous:
            before = _window_counts(rows, codes, previous, "previous_count")
            now = now.merge(before, on=["theme", "area_code"], how="left")
        else:
            now["previous_count"] = np.nan
        names = rows.drop_duplicates("area_code").set_index("area_code")["area_name"]
        end = latest[-1] + (pd.DateOffset(years=1) if kind == "year" else pd.DateOffset(months=1))
        now = now.assign(
            municipality=str(mun),
            area_name=now["area_code"].map(names).fillna(now["area_code"]).astype(str),
            period_start=latest[0],
            period_end=end - pd.Timedelta(days=1),
            period_kind=kind,
            inhabitants=[inhabitants_at(lookup, (str(c),), int(latest[-1].year)) for c in now["area_code"]],
        )
        parts.append(now)
    if not parts:
        return pd.DataFrame(columns=list(WIJKEN))
    frame = pd.concat(parts, ignore_index=True).sort_values(
        ["municipality", "theme", "area_code"], kind="stable"
    )
    frame = frame.reset_index(drop=True)
    x = frame["count"].to_numpy(float)
    lo, hi = poisson_ci(x)
    frame["count_low"], frame["count_high"] = lo, hi
    people = frame["inhabitants"].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        ok = people > 0
        frame["rate_per_1000"] = np.where(ok, x / people * 1000, np.nan)
        frame["rate_low"] = np.where(ok, lo / people * 1000, np.nan)
        frame["rate_high"] = np.where(ok, hi / people * 1000, np.nan)
    return frame[list(WIJKEN)]
