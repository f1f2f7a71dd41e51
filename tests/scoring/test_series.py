"""facts.unit_series by integer keys, police.published within the windows and the key figures of a
series made before: the numbers of the row-by-row and groupby versions they replace."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

import keyfigure_fixtures as kf
import scoring_fixtures as f
from ivp_pipeline.schemas import POLICE
from ivp_pipeline.scoring import facts, police, tables
from ivp_pipeline.scoring.facts import Windows
from ivp_pipeline.scoring.inputs import as_frame
from ivp_pipeline.scoring.keyfigures import Comparison, key_figures

UNITS = {
    "GM0173": ("GM0173",),
    "GM0168": ("GM0168",),
    "NOT": ("GM0168", "GM0173"),
    "GM1774": ("GM1774",),  # no rows at all: left out, never zero
    "PV23": ("PV23",),
}


def _clean(shuffle: bool = False) -> pd.DataFrame:
    rows = f.series("GM0173", "1.1.1", [3, 0, 5, 7], "2024-01-01")
    rows += f.series("GM0168", "1.1.1", [1, 2, 4, 8], "2024-01-01")
    rows += f.series("GM0173", "2.2.1", [10, 20], "2024-02-01") + f.series(
        "PV23", "1.1.1", [100] * 4, "2024-01-01"
    )
    rows += f.series("GM0173", "0.0.0", [99] * 4, "2024-01-01")  # the roll-up: never in a series
    rows[1] = f.police_row("GM0173", "1.1.1", rows[1]["period_start"], None, state="suppressed")
    rows.append(dict(rows[2]))  # a second row of one key (two files): both are summed
    if shuffle:
        rows = [rows[i] for i in np.random.default_rng(7).permutation(len(rows))]
    # as read_inputs hands them over: text in pandas' python storage (scoring.as_frame)
    return facts.clean_police(as_frame(f.table(POLICE, rows)))


def _by_groupby(clean: pd.DataFrame, units: dict[str, tuple[str, ...]]) -> pd.DataFrame:
    mask = (clean["period_kind"] == "month") & (clean["offence_code"] != "0.0.0")
    cols = ["area_code", "measure", "offence_code", "period", "value", "counted"]
    return facts._series_by_groupby(clean.loc[mask, cols], units)


def test_unit_series_by_integer_keys_gives_the_groupby_numbers() -> None:
    for shuffle in (False, True):
        clean = _clean(shuffle)
        series = facts.unit_series(clean, UNITS, "month")
        pd.testing.assert_frame_equal(series, _by_groupby(clean, UNITS), check_exact=True)
        assert [str(t) for t in series.dtypes] == ["str", "str", "str", "datetime64[s]", "float64", "int64"]
        assert list(dict.fromkeys(series["unit"])) == ["GM0173", "GM0168", "NOT", "PV23"]
        oldenzaal = series[(series["unit"] == "GM0173") & (series["offence_code"] == "1.1.1")]
        # February suppressed (unknown, one missing row), March counted twice (two rows of 5)
        assert oldenzaal["missing"].tolist() == [0, 1, 0, 0]
        assert oldenzaal["count"].tolist()[0] == 3 and math.isnan(oldenzaal["count"].tolist()[1])
        assert oldenzaal["count"].tolist()[2:] == [10, 7]
        region = series[(series["unit"] == "NOT") & (series["offence_code"] == "1.1.1")]
        # the region needs every municipality: February is unknown, never the sum of Losser alone
        assert math.isnan(region["count"].tolist()[1]) and region["count"].tolist()[::2] == [4, 14]
        assert region["missing"].tolist() == [0, 1, 0, 0]
        # 2.2.1 only Oldenzaal: the region has no count of it, and the rows say so
        only = series[(series["unit"] == "NOT") & (series["offence_code"] == "2.2.1")]
        assert len(only) == 2 and only["count"].isna().all()


def test_unit_series_of_fractions_sums_as_pandas_does() -> None:
    clean = _clean()
    clean.loc[clean["value"] == 7, "value"] = 0.1  # not a count: summed by the groupby
    series = facts.unit_series(clean, UNITS, "month")
    pd.testing.assert_frame_equal(series, _by_groupby(clean, UNITS), check_exact=True)
    region = series[(series["unit"] == "NOT") & (series["offence_code"] == "1.1.1")]
    assert region["count"].tolist()[3] == 8.1


def test_unit_series_of_a_few_units_and_of_none() -> None:
    clean = _clean()
    few = {"PV23": ("PV23",), "X": ("GM0173", "GM0168")}
    pd.testing.assert_frame_equal(
        facts.unit_series(clean, few, "month"), _by_groupby(clean, few), check_exact=True
    )
    empty = facts.unit_series(clean, {"GM1774": ("GM1774",)}, "month")
    assert empty.empty and list(empty.columns) == facts.SERIES_COLUMNS


def test_published_keeps_every_code_and_only_the_periods_of_the_windows() -> None:
    series = facts.unit_series(_clean(), UNITS, "month")
    every = police._published_rows(series)
    pub = police.published(series)
    assert list(pub) == list(every)
    assert all(pub[k].counts == every[k].counts and pub[k].missing == every[k].missing for k in every)
    windows = {"crime": Windows("month", pd.Timestamp("2024-03-01"), pd.Timestamp("2024-04-01"), None, None)}
    inside = police.published(series, windows)
    assert list(inside) == list(every)  # a code without a period in the windows is still present
    assert inside[("GM0173", "crime", "1.1.1")].counts == {
        pd.Timestamp("2024-03-01"): 10.0,
        pd.Timestamp("2024-04-01"): 7.0,
    }
    assert inside[("GM0173", "crime", "1.1.1")].missing == {}  # February's missing row is outside
    assert inside[("NOT", "crime", "2.2.1")].counts == {}
    # rows not grouped by key (another frame's order): the same as row by row
    mixed = series.sample(frac=1.0, random_state=3)
    again, rows = police.published(mixed, windows), police._published_rows(mixed, windows)
    assert list(again) == list(rows)
    assert all(list(again[k].counts.items()) == list(rows[k].counts.items()) for k in rows)


def test_key_figures_of_a_series_made_before_are_the_same() -> None:
    counts = {"GM0173": kf.OLDENZAAL, "GM0168": kf.LOSSER, "PV23": [100.0] * 24, "GM1735": [3.0] * 24}
    clean = kf.police(counts)
    comparison = Comparison("PV23", "", ("GM1735",))
    made = {**kf.UNITS, "PV23": ("PV23",)}
    series = facts.unit_series(clean, made, "month")
    args = (clean, kf.population(kf.INHABITANTS), kf.CATALOGUE, kf.UNITS, kf.WINDOWS, "month", comparison)
    fresh, reused = key_figures(*args), key_figures(*args, (series, made))
    for name in ("keyfigures", "bbv", "areas"):
        pd.testing.assert_frame_equal(reused[name], fresh[name], check_exact=True)
    rows = fresh["keyfigures"].set_index("unit")
    assert rows.at["GM0173", "count"] == 24 and rows.at["GM0173", "prev_count"] == 12
    assert math.isnan(rows.at["GM0168", "count"]) and rows.at["PEERS", "count"] == 36


def test_theme_periods_by_integer_keys_gives_the_merged_numbers(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    series = facts.unit_series(_clean(), UNITS, "month")
    codes = pd.DataFrame(
        [
            ("a", "crime", "1.1.1", 1.0),
            ("b", "crime", "1.1.1", 1.0),
            ("b", "crime", "2.2.1", 1.0),
            ("c", "crime", "9.9.9", 1.0),
        ],
        columns=["theme", "measure", "offence_code", "harm_weight"],
    )
    fast = tables.theme_periods(series, codes, "month")
    monkeypatch.setattr(tables, "_theme_periods_by_keys", lambda *_: None)
    pd.testing.assert_frame_equal(fast, tables.theme_periods(series, codes, "month"), check_exact=True)
    b = fast[(fast["unit"] == "GM0173") & (fast["theme"] == "b")]
    # 2.2.1 has rows in February and March only: January and April are unknown (never 1.1.1 alone),
    # February too (1.1.1 suppressed); March is 5 + 5 + 20
    assert len(b) == 4 and b["count"].isna().tolist() == [True, True, False, True]
    assert b["count"].tolist()[2] == 30.0
    assert set(fast["theme"]) == {"a", "b"}  # a theme without rows has none
