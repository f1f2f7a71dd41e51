"""The national shortcuts of the scoring: window sums by numpy (theme_table, code_windows, key
figures), text factorised by Arrow, intervals once per distinct count, the region's professional
ratings summarised once. Each gives the numbers of the row-by-row version it stands in for."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import keyfigure_fixtures as kf
import scoring_fixtures as f
from ivp_pipeline.schemas import POLICE, PROFESSIONAL
from ivp_pipeline.scoring import facts, police, stats, tables
from ivp_pipeline.scoring.facts import Windows
from ivp_pipeline.scoring.inputs import as_frame
from ivp_pipeline.scoring.keyfigures import Comparison, key_figures
from ivp_pipeline.scoring.professionals import professional_tables
from ivp_pipeline.scoring.voices import voices_extras

UNITS = {
    "GM0173": ("GM0173",),
    "GM0168": ("GM0168",),
    "NOT": ("GM0168", "GM0173"),
    "PV23": ("PV23",),
}
# latest March-April 2024, baseline January-February: both periods of each needed (2 of 2)
WINDOWS = {
    "crime": Windows(
        "month",
        pd.Timestamp("2024-03-01"),
        pd.Timestamp("2024-04-01"),
        pd.Timestamp("2024-01-01"),
        pd.Timestamp("2024-02-01"),
    )
}
CODES = pd.DataFrame(
    [
        ("a", "crime", "1.1.1", 1.0),
        ("b", "crime", "1.1.1", 1.0),
        ("b", "crime", "2.2.1", 2.5),
        ("c", "crime", "9.9.9", 1.0),  # no unit has rows of it
    ],
    columns=["theme", "measure", "offence_code", "harm_weight"],
)
INHABITANTS = {u: (1000.0, 900.0) for u in UNITS}


def _series() -> pd.DataFrame:
    rows = f.series("GM0173", "1.1.1", [3, 0, 5, 7], "2024-01-01")
    rows += f.series("GM0168", "1.1.1", [1, 2, 4, 8], "2024-01-01")
    rows += f.series("GM0173", "2.2.1", [10, 20, 30], "2024-02-01")
    rows += f.series("PV23", "1.1.1", [100] * 4, "2024-01-01")
    rows[1] = f.police_row("GM0173", "1.1.1", rows[1]["period_start"], None, state="suppressed")
    clean = facts.clean_police(as_frame(f.table(POLICE, rows)))
    return facts.unit_series(clean, UNITS, "month")


def test_theme_table_and_code_windows_by_window_sums_give_the_row_by_row_numbers() -> None:
    series = _series()
    sums = police.WindowSums.of(series, WINDOWS)
    assert sums is not None
    pub = police.published(series, WINDOWS)
    fast = police.theme_table(None, CODES, WINDOWS, INHABITANTS, sums)
    slow = police.theme_table(pub, CODES, WINDOWS, INHABITANTS)
    for a, b in zip(fast, slow, strict=True):
        pd.testing.assert_frame_equal(a, b, check_exact=True)
    themes = fast[0].set_index(["unit", "theme"])
    # Oldenzaal 1.1.1: March + April = 5 + 7; the baseline misses suppressed February (1 of 2)
    assert themes.at[("GM0173", "a"), "x1"] == 12.0
    assert math.isnan(themes.at[("GM0173", "a"), "x0"])
    assert bool(themes.at[("GM0173", "a"), "baseline_incomplete"])
    # theme b: 1.1.1 + 2.2.1 over March-April, harm 12 x 1 + (20 + 30) x 2.5
    assert themes.at[("GM0173", "b"), "x1"] == 62.0 and themes.at[("GM0173", "b"), "harm1"] == 137.0
    # the region: all of Losser and Oldenzaal; 2.2.1 only in Oldenzaal, so unknown for the region
    assert themes.at[("NOT", "a"), "x1"] == 24.0 and themes.at[("NOT", "a"), "codes_absent"] == 0
    assert math.isnan(themes.at[("NOT", "b"), "x1"])
    assert themes.at[("GM0168", "c"), "codes_absent"] == 1 and math.isnan(themes.at[("GM0168", "c"), "x1"])
    assert themes.at[("GM0173", "a"), "missing1"] == 0 and themes.at[("NOT", "a"), "py1"] == 2 / 12 * 1000
    for which in ("latest", "baseline"):
        fast_codes = police.code_windows(None, CODES, WINDOWS, which, sums)
        pd.testing.assert_frame_equal(fast_codes, police.code_windows(pub, CODES, WINDOWS, which))
    base = police.code_windows(None, CODES, WINDOWS, "baseline", sums).set_index(["unit", "offence_code"])
    assert base.loc[("GM0173", "1.1.1"), "missing"].tolist() == [1, 1]  # February, for a and b
    assert base.loc[("GM0168", "1.1.1"), "count"].tolist() == [3.0, 3.0]


def test_window_sums_refuse_a_series_they_cannot_sum_exactly() -> None:
    series = _series()
    fractions = series.assign(count=series["count"] + 0.5)
    assert police.WindowSums.of(fractions) is None  # sums in another order could differ
    assert police.WindowSums.of(series.sample(frac=1.0, random_state=3)) is None  # a key in two runs
    long = {"crime": Windows("month", pd.Timestamp("2019-01-01"), pd.Timestamp("2024-04-01"), None, None)}
    assert len(long["crime"].periods("latest")) > police.MAX_BITS
    assert police.WindowSums.of(series, long) is None
    assert police.WindowSums.of(series.iloc[0:0]) is None


def test_key_figures_by_window_sums_are_those_of_the_lookup(monkeypatch: pytest.MonkeyPatch) -> None:
    counts = {"GM0173": kf.OLDENZAAL, "GM0168": kf.LOSSER, "PV23": [100.0] * 24, "GM1735": [3.0] * 24}
    clean = kf.police(counts)
    args = (clean, kf.population(kf.INHABITANTS), kf.CATALOGUE, kf.UNITS, kf.WINDOWS, "month")
    comparison = Comparison("PV23", "", ("GM1735",))
    fast = key_figures(*args, comparison)
    monkeypatch.setattr(police.WindowSums, "of", classmethod(lambda cls, *a: None))
    slow = key_figures(*args, comparison)
    for name in ("keyfigures", "bbv", "areas"):
        pd.testing.assert_frame_equal(fast[name], slow[name], check_exact=True)
    rows = fast["keyfigures"].set_index("unit")
    assert rows.at["GM0173", "count"] == 24 and rows.at["PEERS", "count"] == 36
    assert math.isnan(rows.at["GM0168", "count"])


def test_arrow_text_is_factorised_as_pandas_does() -> None:
    text = pd.StringDtype("pyarrow", na_value=np.nan)
    column = pd.Series(
        pa.array(["GM2", "GM10", None, "GM2", "b"]).to_pandas(types_mapper={pa.string(): text}.get)
    )
    codes, uniques = facts.factorised(column)
    assert codes.tolist() == [1, 0, -1, 1, 2]
    assert list(uniques) == ["GM10", "GM2", "b"] and uniques.dtype == column.dtype
    expected_codes, expected = pd.factorize(column, sort=True)
    assert codes.tolist() == expected_codes.tolist() and uniques.equals(expected)


def test_a_long_column_of_counts_gets_the_intervals_of_each_count() -> None:
    x = np.tile([0.0, 1.0, 10.0, np.nan, 3.0], 400)  # 2,000 values, 5 distinct
    low, high = stats.poisson_ci(x)
    assert x.size >= stats.UNIQUE_FROM
    for value in (0.0, 1.0, 10.0, 3.0):
        one_low, one_high = stats.poisson_ci(np.array([value]))
        assert (low[x == value] == one_low[0]).all() and (high[x == value] == one_high[0]).all()
    assert np.isnan(low[3::5]).all() and np.isnan(high[3::5]).all()
    ten = x == 10.0
    assert round(float(low[ten][0]), 3) == 4.795 and round(float(high[ten][0]), 2) == 18.39


def test_units_without_ratings_of_their_own_get_the_region_ratings_each() -> None:
    rows = [
        f.professional_row("GM0168", "politie", "p1", "drugs", "ernst", 4),
        f.professional_row("NOT", "welzijn", "p2", "drugs", "ernst", 2),
        f.professional_row("NOT", "politie", "p3", "drugs", "ernst", 5),
    ]
    prof = as_frame(f.table(PROFESSIONAL, rows))
    units = ["GM0168", "GM0173", "GM0183", "NOT"]
    table, groups = professional_tables(prof, units, ["drugs"], "NOT")
    for unit in units:  # each as if scored alone
        alone, alone_groups = professional_tables(prof, [unit], ["drugs"], "NOT")
        pd.testing.assert_frame_equal(
            table[table["municipality"] == unit].reset_index(drop=True), alone, check_exact=True
        )
        assert [g.tolist() for g in groups[(unit, "drugs")]] == [
            g.tolist() for g in alone_groups[(unit, "drugs")]
        ]
    overall = table[table["criterion"] == "overall"].set_index("municipality")
    assert overall.at["GM0173", "mean_rating"] == 3.5  # politie 5, welzijn 2: each type weighs equally
    assert overall.at["GM0168", "mean_rating"] == 3.25  # politie (4 + 5) / 2, welzijn 2
    groups[("GM0173", "drugs")][0][0] = 99.0  # each unit has arrays of its own
    assert groups[("GM0183", "drugs")][0][0] != 99.0
    voices = voices_extras(prof, units, ["drugs"], "NOT")["professionals_by_type"]
    for unit in units:
        alone = voices_extras(prof, [unit], ["drugs"], "NOT")["professionals_by_type"]
        mine = voices[voices["municipality"] == unit].reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, alone, check_exact=True)
    assert voices[voices["municipality"] == "GM0183"]["mean_rating"].tolist() == [5.0, 2.0]


def test_rolling_years_by_integer_keys_gives_the_groupby_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    months = pd.date_range("2023-01-01", "2024-12-01", freq="MS")
    rows = []
    for unit, theme, base in (("GM0173", "b", 1.0), ("GM0168", "a", 10.0), ("GM0173", "a", 2.0)):
        for j, start in enumerate(months):
            count = np.nan if (unit, theme, j) == ("GM0168", "a", 5) else base + j
            rows.append((unit, theme, start, count, 1000.0 + j))
    monthly = pd.DataFrame(rows, columns=["municipality", "theme", "period_start", "count", "inhabitants"])
    fast = tables.rolling_years(monthly, pd.Timestamp("2024-12-01"))
    monkeypatch.setattr(tables, "_rolling_by_keys", lambda *_: None)
    pd.testing.assert_frame_equal(
        fast, tables.rolling_years(monthly, pd.Timestamp("2024-12-01")), check_exact=True
    )
    # Losser misses June 2023: only 2024 is a whole window; Oldenzaal a has both (2 + 12..23, 2 + 0..11)
    losser = fast[fast["municipality"] == "GM0168"]
    assert losser["count"].tolist() == [sum(10.0 + j for j in range(12, 24))]
    assert losser["inhabitants"].tolist() == [1023.0]
    oldenzaal = fast[(fast["municipality"] == "GM0173") & (fast["theme"] == "a")]
    assert oldenzaal["count"].tolist() == [234.0, 90.0]  # the latest window first
    assert list(dict.fromkeys(fast["municipality"])) == ["GM0168", "GM0173"]
