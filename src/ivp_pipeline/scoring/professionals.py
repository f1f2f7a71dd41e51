"""Professional ratings per unit x theme: each organisation type weighs equally, with agreement."""

from __future__ import annotations

from collections.abc import Iterator

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


def units_with_rows(
    prof: pd.DataFrame, units: list[str], region_code: str
) -> Iterator[tuple[str, pd.DataFrame, bool]]:
    """(unit, rows_for(unit), whether those are the region's rows only) for each unit with any rows.

    A unit without ratings of its own counts the region's only: the same rows for every such unit,
    so a caller may compute them once (`region_only`). A national scope has hundreds of such units.
    """
    if prof.empty:
        return
    mun = prof["municipality"].to_numpy(dtype=object)
    given = set(mun.tolist())
    region_rows: pd.DataFrame | None = None
    for unit in units:
        if unit == region_code:
            yield unit, prof, False
        elif unit in given:
            yield unit, prof[(mun == unit) | (mun == region_code)], False
        elif region_code in given:
            if region_rows is None:
                region_rows = prof[mun == region_code]
            yield unit, region_rows, True


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
    """(per-criterion table, respondent means per organisation type for each unit x theme).

    Per unit one grouping for all themes and criteria (org_equal_mean, agreement and the counts of
    each group, computed on the group's rows in their order: the same numbers as one group at a time).
    """

    prof = prof[prof["theme"].isin(themes)].copy()
    prof["rating"] = prof["rating"].astype(float)
    rows: list[tuple[object, ...]] = []
    groups: dict[tuple[str, str], list[np.ndarray]] = {}
    # the rows and groups of the region's ratings, made once for every unit without its own
    region_only: tuple[list[tuple[object, ...]], dict[str, list[np.ndarray]]] | None = None
    for unit, sub, shared in units_with_rows(prof, units, region_code):
        if sub.empty:
            continue
        if shared and region_only is not None:
            rows += [(unit, *r[1:]) for r in region_only[0]]
            groups.update({(unit, t): [a.copy() for a in g] for t, g in region_only[1].items()})
            continue
        first_row = len(rows)
        mine: dict[str, list[np.ndarray]] = {}
        per_org = sub.groupby(["theme", "criterion", "organisation_type"], sort=True)["rating"].mean()
        g = sub.groupby(["theme", "criterion"], sort=True)
        respondents, org_types = g["respondent"].nunique(), g["organisation_type"].nunique()
        ratings = sub["rating"].to_numpy(float)
        indices: dict[tuple[str, str], np.ndarray] = dict(g.indices)  # type: ignore[arg-type]
        for (theme, crit), take in sorted(indices.items()):
            rows.append(
                (
                    unit,
                    theme,
                    crit,
                    _mean(per_org.loc[(theme, crit)].to_numpy(float)),
                    int(respondents[(theme, crit)]),
                    int(org_types[(theme, crit)]),
                    agreement(ratings[take]),
                )
            )
        resp = respondent_means(sub)
        resp_org = resp.groupby(["theme", "organisation_type"], sort=True)["rating"].mean()
        means = resp["rating"].to_numpy(float)
        by_theme: dict[str, np.ndarray] = dict(resp.groupby("theme", sort=True).indices)  # type: ignore[arg-type]
        for theme, take in sorted(by_theme.items()):
            orgs = resp["organisation_type"].to_numpy()[take]
            rows.append(
                (
                    unit,
                    theme,
                    "overall",
                    _mean(resp_org.loc[theme].to_numpy(float)),
                    len(take),
                    len(set(orgs.tolist())),
                    agreement(means[take]),
                )
            )
            # resp is sorted by theme, type and respondent: each type's respondents are one run
            runs = np.flatnonzero(np.r_[True, orgs[1:] != orgs[:-1]])
            groups[(unit, str(theme))] = mine[str(theme)] = [a for a in np.split(means[take], runs[1:])]
        if shared:
            region_only = rows[first_row:], {t: [a.copy() for a in g] for t, g in mine.items()}
    table = pd.DataFrame(rows, columns=CRITERION_COLUMNS)
    return table, groups


def _mean(values: np.ndarray) -> float:
    """The plain mean of the organisation types' means (as pandas' Series.mean: sum / count)."""
    return float(values.sum() / len(values))
