"""Survey indicators per unit x theme: the latest value, its margin and comparison value, direction."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import pandas as pd

from ivp_pipeline.catalogue import Catalogue, SurveyRule

if TYPE_CHECKING:
    from ivp_pipeline.scoring.config import ScoringConfig

COLUMNS = [
    "unit",
    "theme",
    "indicator",
    "label",
    "unit_of_measure",
    "year",
    "value",
    "ci_low",
    "ci_high",
    "margin",
    "comparison_area",
    "comparison_value",
    "direction",
    "area_code",
    "source_file",
    "flags",
]


def _margin(row: dict[str, Any], defaults: dict[str, float]) -> tuple[float, str]:
    """Half-width of the 95 % interval: given, from the interval, from respondents, or a default."""
    m = row["margin"]
    if m is not None and not _nan(m) and m > 0:
        return float(m), ""
    lo, hi = row["ci_low"], row["ci_high"]
    if not (_nan(lo) or _nan(hi)) and hi > lo:
        return (float(hi) - float(lo)) / 2, ""
    n, v = row["respondents"], row["value"]
    if row["unit"] == "percent" and not _nan(n) and n > 0 and 0 < v < 100:
        return 1.96 * math.sqrt(v / 100 * (1 - v / 100) / float(n)) * 100, "margin_from_respondents"
    return float(defaults.get(str(row["unit"]), 1.0)), "margin_assumed"


def _nan(v: object) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def latest_values(survey: pd.DataFrame) -> pd.DataFrame:
    """The latest observed year per area x indicator (local surveys win over the monitor in a tie)."""
    obs = survey[(survey["value_state"] == "observed") & survey["value"].notna()].copy()
    obs["_local"] = (obs["source_kind"] == "local").astype(int)
    obs = obs.sort_values(["area_code", "indicator", "year", "_local", "source_file"], kind="stable")
    return obs.groupby(["area_code", "indicator"], sort=True).tail(1).drop(columns="_local")


def perception_table(
    survey: pd.DataFrame,
    catalogue: Catalogue,
    units: dict[str, tuple[str, ...]],
    cfg: ScoringConfig,
    basisteam: str = "",
) -> pd.DataFrame:
    """One row per unit x theme x matched indicator (the latest year), with margin and comparison.

    `basisteam` ([region] basisteam, e.g. BT_NOT; empty when the region has none) is the region's
    own figure and the fallback of a municipality without its own.
    """

    if survey.empty:
        return pd.DataFrame(columns=COLUMNS)
    latest = latest_values(survey)
    all_obs = survey[(survey["value_state"] == "observed") & survey["value"].notna()]
    refs = (cfg.reference_area, cfg.fallback_reference_area)
    # the first observed value per (area, indicator, year): the reference of a row without its own
    reference: dict[tuple[str, str, int], float] = {}
    for key in zip(
        all_obs["area_code"].astype(str).tolist(),
        all_obs["indicator"].astype(str).tolist(),
        all_obs["year"].astype(int).tolist(),
        all_obs["value"].astype(float).tolist(),
        strict=True,
    ):
        reference.setdefault(key[:3], key[3])
    rows = []
    # the latest rows as records once, and per area the positions of its rows (in latest's order)
    records = _records(latest)
    at: dict[object, list[int]] = {}
    for i, area in enumerate(latest["area_code"].tolist()):
        at.setdefault(area, []).append(i)
    fallback = [records[i] for i in at.get(basisteam, [])] if basisteam else []
    # whether a rule matches an indicator, worked out once per rule and indicator (not per unit)
    matched: dict[tuple[int, object, object], bool] = {}

    def matches(rule: SurveyRule, r: dict[str, Any]) -> bool:
        key = (id(rule), r["indicator"], r["indicator_label"])
        got = matched.get(key)
        if got is None:
            got = matched[key] = rule.matches(r["indicator"], r["indicator_label"])
        return got

    for unit, areas in units.items():
        # The basisteam covers the municipalities of the region (Noordoost-Twente: exactly the four):
        # it is the region's own figure.
        mine = set(areas if len(areas) == 1 else (unit, basisteam))
        own = [records[i] for i in sorted(i for a in mine for i in at.get(a, []))]
        for theme in catalogue.themes.values():
            for rule in theme.survey:
                picked = [r for r in own if matches(rule, r)]
                flag = ""
                if not picked:
                    picked = [r for r in fallback if matches(rule, r)]
                    flag = "basisteam"
                for r in picked:
                    margin, mflag = _margin(r, cfg.default_margin)
                    comp_area, comp = r["comparison_area"], r["comparison_value"]
                    if _nan(comp):
                        comp_area, comp = _reference_value(reference, r, refs)
                    flags = ";".join(f for f in (flag, mflag) if f)
                    rows.append(
                        (
                            unit,
                            theme.id,
                            r["indicator"],
                            r["indicator_label"],
                            r["unit"],
                            int(r["year"]),
                            float(r["value"]),
                            r["ci_low"],
                            r["ci_high"],
                            margin,
                            comp_area,
                            comp,
                            rule.direction,
                            r["area_code"],
                            r["source_file"],
                            flags,
                        )
                    )
    out = pd.DataFrame(rows, columns=COLUMNS)
    # An indicator matched by two rules of one theme counts once.
    return out.drop_duplicates(["unit", "theme", "indicator"]).reset_index(drop=True)


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): v for k, v in r.items()} for r in frame.to_dict("records")]


def _reference_value(
    reference: dict[tuple[str, str, int], float], row: dict[str, Any], refs: tuple[str, ...]
) -> tuple[object, float]:
    for ref in refs:
        value = reference.get((ref, str(row["indicator"]), int(row["year"])))
        if value is not None:
            return ref, value
    return None, float("nan")
