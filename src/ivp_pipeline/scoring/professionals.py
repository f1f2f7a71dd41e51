"""Professional ratings per unit x theme: each organisation type weighs equally, with agreement."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ivp_pipeline.scoring.result import PROFESSIONALS

CRITERION_COLUMNS = list(PROFESSIONALS)
MAX_SD = 2.0  # the largest possible standard deviation of ratings on a 1-5 scale


def rows_for(prof: pd.DataFrame, unit: str, region_code: str) -> pd.DataFrame:
    """Ratings that count for a unit: its own plus those given for the whole region (`region_code`)."""
    if unit == region_code:
        return prof
    return prof[prof["municipality"].isin((unit, region_code))]


def agreement(ratings: np.ndarray) -> float:
    """1 - SD / 2 of the individual ratings (1 = all equal, 0 = half 1 and half 5); NaN below 2 ratings."""
    if len(ratings) < 2:
        return float("nan")
    return float(1.0 - np.std(ratings.astype(float)) / MAX_SD)


def org_equal_mean(frame: pd.DataFrame, value: str) -> float:
    """Mean within each organisation type, then the plain mean over types."""
    return float(frame.groupby("organisation_type")[value].mean().mean())


def respondent_means(prof: pd.DataFrame) -> pd.DataFrame:
    """One rating per respondent x theme: the mean over the criteria they rated."""
    g = prof.groupby(["theme", "organisation_type", "respondent"], sort=True)["rating"].mean()
    return g.rename("rating").reset_index()


def professional_tables(
    prof: pd.DataFrame, units: list[str], themes: list[str], region_code: str
) -> tuple[pd.DataFrame, dict[tuple[str, str], list[np.ndarray]]]:
    """(per-criterion table, respondent means per organisation type for each unit x theme)."""

    prof = prof[prof["theme"].isin(themes)].copy()
    prof["rating"] = prof["rating"].astype(float)
    rows = []
    groups: dict[tuple[str, str], list[np.ndarray]] = {}
    for unit in units:
        sub = rows_for(prof, unit, region_code)
        for (theme, crit), g in sub.groupby(["theme", "criterion"], sort=True):
            rows.append(
                (
                    unit,
                    theme,
                    crit,
                    org_equal_mean(g, "rating"),
                    g["respondent"].nunique(),
                    g["organisation_type"].nunique(),
                    agreement(g["rating"].to_numpy()),
                )
            )
        resp = respondent_means(sub)
        for theme, g in resp.groupby("theme", sort=True):
            rows.append(
                (
                    unit,
                    theme,
                    "overall",
                    org_equal_mean(g, "rating"),
                    len(g),
                    g["organisation_type"].nunique(),
                    agreement(g["rating"].to_numpy()),
                )
            )
            groups[(unit, str(theme))] = [
                og["rating"].to_numpy() for _, og in g.groupby("organisation_type", sort=True)
            ]
    table = pd.DataFrame(rows, columns=CRITERION_COLUMNS)
    return table, groups
