"""Local figures (Halt, RIEC, Bibob, woonoverlast, jongerenwerk) per unit: counts, rates, intervals.

`local_figures_table(local, population, units)` gives result.extras["local_figures"] (LOCAL_FIGURES
columns), one row per unit x figure x period:

- a municipality's own figure; the region's (NOT) figure is the sum of its members' and exists only
  when every member published it (value_state "incomplete" otherwise, with `members` "3 van 4");
- unknown stays unknown: a suppressed or not-known count has no value, no rate, no interval;
- the rate is per 1,000 inhabitants, and for Halt referrals per 10,000 young people aged 12-17 (the
  BBV indicator) when that age band is ingested, else per 1,000 inhabitants; a year's rate divides by
  the inhabitants on 1 January of that year, a quarter's or month's rate is annualised
  (x 4 or x 12) so periods compare;
- the interval is the exact Poisson interval of the count (scoring/stats.py).

By default the figures are shown, not scored. Only a theme whose catalogue entry names figures
(`local_figures = ["halt"]`) lets them feed its volume criterion: `volume_inputs` gives, per unit x
theme x named figure, the latest period's count and its rate per 1,000 inhabitants per year, or an
unknown (NaN) rate when the unit has no known count for it (docs/method.md section 7b says why and how).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ivp_pipeline.catalogue import Catalogue
from ivp_pipeline.scoring.police import inhabitants_at, population_lookup
from ivp_pipeline.scoring.stats import poisson_ci

LOCAL_FIGURES = (
    "municipality",
    "theme",
    "figure",
    "figure_label",
    "period_start",
    "period_kind",
    "value",
    "value_state",
    "members",
    "denominator",
    "per",
    "rate",
    "rate_low",
    "rate_high",
    "supplier",
)
YOUTH_BAND = "12-17"
YOUTH_FIGURES = ("halt",)
PER_PERIOD = {"year": 1.0, "quarter": 4.0, "month": 12.0}
KNOWN = ("observed", "zero")


def _youth_lookup(population: pd.DataFrame) -> dict[str, dict[int, float]]:
    pop = population[population["age_band"] == YOUTH_BAND]
    out: dict[str, dict[int, float]] = {}
    for area, year, n in zip(pop["area_code"], pop["year"], pop["inhabitants"], strict=True):
        out.setdefault(str(area), {})[int(year)] = float(n)
    return out


def local_figures_table(
    local: pd.DataFrame, population: pd.DataFrame, units: dict[str, tuple[str, ...]]
) -> pd.DataFrame:
    """The LOCAL_FIGURES frame (empty, with the columns, when no local figures are ingested)."""
    if local is None or local.empty:
        return pd.DataFrame(columns=list(LOCAL_FIGURES))
    total = population_lookup(population)
    youth = _youth_lookup(population)
    local = local.assign(period_start=pd.to_datetime(local["period_start"]))
    rows = []
    keys = ["figure", "period_start", "period_kind"]
    ingested = set(local["area_code"].tolist())
    for unit, members in units.items():
        if ingested.isdisjoint(members):  # no rows: no figures (a national scope has many such units)
            continue
        sub = local[local["area_code"].isin(members)]
        for (figure, first, kind), g in sub.groupby(keys, sort=True):
            start = pd.Timestamp(first)  # type: ignore[arg-type]
            known = g[g["value_state"].isin(KNOWN)]
            have = set(known["area_code"])
            complete = all(m in have for m in members)
            if complete:
                value, state = float(known["value"].astype(float).sum()), "observed"
            elif len(members) == 1:
                value, state = float("nan"), str(g["value_state"].iloc[0])
            else:
                value, state = float("nan"), "incomplete"
            label = str(g["figure_label"].iloc[0])
            theme = g["theme"].dropna()
            supplier = g["supplier"].dropna()
            youth_n = inhabitants_at(youth, members, int(start.year)) if figure in YOUTH_FIGURES else np.nan
            if figure in YOUTH_FIGURES and not np.isnan(youth_n):
                denominator, per, people = "jongeren 12-17 jaar", 10_000, youth_n
            else:
                denominator, per, people = "inwoners", 1_000, inhabitants_at(total, members, int(start.year))
            rows.append(
                (
                    unit,
                    str(theme.iloc[0]) if len(theme) else None,
                    str(figure),
                    label,
                    start,
                    str(kind),
                    value,
                    state,
                    f"{len(have & set(members))} van {len(members)}",
                    denominator,
                    per,
                    people,
                    "; ".join(sorted(set(supplier.astype(str)))) or None,
                )
            )
    frame = pd.DataFrame(
        rows,
        # the rate and its interval come from `people` below
        columns=[*LOCAL_FIGURES[: LOCAL_FIGURES.index("rate")], "people", "supplier"],
    )
    x = frame["value"].to_numpy(float)
    lo, hi = poisson_ci(x)
    scale = frame["per"].to_numpy(float) * frame["period_kind"].map(PER_PERIOD).to_numpy(float)
    n = frame["people"].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        ok = ~np.isnan(x) & (n > 0)
        frame["rate"] = np.where(ok, x / n * scale, np.nan)
        frame["rate_low"] = np.where(ok, lo / n * scale, np.nan)
        frame["rate_high"] = np.where(ok, hi / n * scale, np.nan)
    return frame[list(LOCAL_FIGURES)]


VOLUME_INPUTS = ("unit", "theme", "figure", "period_start", "period_kind", "value", "rate", "source")
# A figure's period for the criterion: the latest one of the first kind the data has (a whole year first).
KIND_ORDER = ("year", "quarter", "month")


def volume_inputs(
    local: pd.DataFrame,
    population: pd.DataFrame,
    units: dict[str, tuple[str, ...]],
    cat: Catalogue,
) -> pd.DataFrame:
    """One row per unit x theme x figure the catalogue names (VOLUME_INPUTS; empty when none is named).

    The period is the latest of the figure anywhere in scope, so a unit without it is unknown rather
    than scored on an older year. `rate` is per 1,000 inhabitants per year (annualised like the table
    above), NaN when the count is unknown (suppressed, not supplied, or for the region a member
    missing); a true zero is 0. `source` names the file and row(s) the count comes from.
    """
    named = [(t.id, f) for t in cat.themes.values() for f in t.local_figures]
    if not named:
        return pd.DataFrame(columns=list(VOLUME_INPUTS))
    total = population_lookup(population)
    local = local if local is not None else pd.DataFrame()
    if local.empty:
        local = pd.DataFrame(columns=["area_code", "figure", "period_start", "period_kind", "value"])
    local = local.assign(period_start=pd.to_datetime(local["period_start"]))
    rows = []
    for theme, figure in named:
        g = local[local["figure"] == figure]
        kinds = [k for k in KIND_ORDER if (g["period_kind"] == k).any()]
        kind = kinds[0] if kinds else "year"
        g = g[g["period_kind"] == kind]
        start = g["period_start"].max() if len(g) else pd.NaT
        g = g[g["period_start"] == start]
        for unit, members in units.items():
            sub = g[g["area_code"].isin(members) & g["value_state"].isin(KNOWN)]
            complete = bool(len(g)) and all(m in set(sub["area_code"]) for m in members)
            value = float(sub["value"].astype(float).sum()) if complete else np.nan
            people = inhabitants_at(total, members, int(start.year)) if complete else np.nan
            rate = value / people * 1000.0 * PER_PERIOD[kind] if complete and people > 0 else np.nan
            source = "; ".join(
                f"{f} r{int(r)}"
                for f, r in zip(sub.get("source_file", []), sub.get("source_row", []), strict=True)
            )
            rows.append((unit, theme, figure, start, kind, value, rate, source))
    return pd.DataFrame(rows, columns=list(VOLUME_INPUTS))
