"""Police criteria inputs per unit x theme: counts, harm sums and person-years of both windows."""

from __future__ import annotations

import pandas as pd

from ivp_pipeline.catalogue import Catalogue
from ivp_pipeline.scoring.facts import DURATION_MONTHS, Windows, periods_in, window_mask

CODE_COLUMNS = ["unit", "theme", "measure", "offence_code", "harm_weight", "count", "missing"]
THEME_COLUMNS = [
    "unit",
    "theme",
    "x1",
    "harm1",
    "x0",
    "py1",
    "py0",
    "missing1",
    "codes_absent",
    "periods1",
    "periods0",
    "inhabitants",
]


def theme_codes(catalogue: Catalogue) -> pd.DataFrame:
    """theme, measure, offence_code, harm_weight: one row per code a theme measures."""

    rows = [(t.id, m, c, t.harm_weight(m, c)) for t in catalogue.themes.values() for m, c in t.codes()]
    return pd.DataFrame(rows, columns=["theme", "measure", "offence_code", "harm_weight"])


Population = dict[str, dict[int, float]]  # area code -> year -> inhabitants (age band "totaal")


def population_lookup(population: pd.DataFrame) -> Population:
    pop = population[population["age_band"] == "totaal"]
    out: Population = {}
    for area, year, n in zip(pop["area_code"], pop["year"], pop["inhabitants"], strict=True):
        out.setdefault(str(area), {})[int(year)] = float(n)
    return out


def inhabitants_at(lookup: Population, areas: tuple[str, ...], year: int) -> float:
    """Inhabitants of the areas on 1 January of `year` (nearest year available per area, the earlier
    one on a tie); NaN when an area has no population figures."""
    total = 0.0
    for area in areas:
        years = lookup.get(area)
        if not years:
            return float("nan")
        best = min(years, key=lambda y: (abs(y - year), y))
        total += years[best]
    return total


def code_counts(series: pd.DataFrame, codes: pd.DataFrame, w: Windows, which: str) -> pd.DataFrame:
    """Counts per unit x theme x code over one window (latest or baseline)."""

    start, end = (w.latest_start, w.latest_end) if which == "latest" else (w.baseline_start, w.baseline_end)
    sub = series[window_mask(series, start, end)]
    g = sub.groupby(["unit", "measure", "offence_code"], sort=True)
    sums = pd.DataFrame({"count": g["count"].sum(), "missing": g["missing"].sum()}).reset_index()
    units = pd.DataFrame({"unit": sorted(series["unit"].unique()) if len(series) else []})
    grid = units.merge(codes, how="cross")
    out = grid.merge(sums, on=["unit", "measure", "offence_code"], how="left")
    # A code without any row in the window was not downloaded: unknown, not zero (stays NaN).
    out["missing"] = out["missing"].fillna(0).astype(int)
    return out[CODE_COLUMNS]


def theme_table(
    series: pd.DataFrame,
    codes: pd.DataFrame,
    w: Windows,
    periods: dict[str, set[pd.Timestamp]],
    inhabitants: dict[str, tuple[float, float]],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(per unit x theme table, per unit x theme x code latest counts)."""

    latest = code_counts(series, codes, w, "latest")
    base = code_counts(series, codes, w, "baseline")
    latest["harm"] = latest["count"] * latest["harm_weight"]
    g1 = latest.groupby(["unit", "theme"], sort=True)
    t = pd.DataFrame(
        {
            "x1": g1["count"].sum(min_count=1),
            "harm1": g1["harm"].sum(min_count=1),
            "missing1": g1["missing"].sum(),
            "codes_absent": g1["count"].apply(lambda s: int(s.isna().sum())),
        }
    ).reset_index()
    x0 = base.groupby(["unit", "theme"], sort=True)["count"].sum(min_count=1).rename("x0")
    t = t.join(x0, on=["unit", "theme"])
    months = DURATION_MONTHS[w.kind]
    t["periods1"] = [periods_in(periods.get(u, set()), w.latest_start, w.latest_end) for u in t["unit"]]
    t["periods0"] = [periods_in(periods.get(u, set()), w.baseline_start, w.baseline_end) for u in t["unit"]]
    t["inhabitants"] = [inhabitants.get(u, (float("nan"),) * 2)[0] for u in t["unit"]]
    inh0 = [inhabitants.get(u, (float("nan"),) * 2)[1] for u in t["unit"]]
    # Person-years: periods with figures x their length in years x inhabitants.
    t["py1"] = t["periods1"] * months / 12 * t["inhabitants"]
    t["py0"] = t["periods0"] * months / 12 * pd.Series(inh0, index=t.index)
    t.loc[t["periods0"] == 0, "x0"] = float("nan")
    return t[THEME_COLUMNS], latest
