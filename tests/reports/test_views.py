"""reports/views.py: the cached selections give what a plain filter of the frame gives."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ivp_pipeline.reports import views
from outputs_fixtures import make_result


def test_rows_where_is_the_plain_filter() -> None:
    result = make_result(n_themes=4)
    s = result.scores
    for code in [*s["municipality"].astype(str).unique(), "GM9999"]:
        for profile in s["profile"].astype(str).unique():
            plain = s[(s["municipality"].astype(str) == code) & (s["profile"].astype(str) == profile)]
            got = views.scores_for(result, code, profile)
            pd.testing.assert_frame_equal(got, plain)
    assert views.scores_for(result, "GM9999", "evenwichtig").empty
    # a new frame (another id, or the same id reused) is grouped anew
    changed = s.assign(municipality="GM0001")
    result.scores = changed
    assert (
        len(views.scores_for(result, "GM0001", str(s["profile"].iloc[0])))
        == (s["profile"] == s["profile"].iloc[0]).sum()
    )


def test_rows_where_keeps_the_row_order_and_several_columns() -> None:
    frame = pd.DataFrame(
        {"municipality": ["A", "B", "A", "A", "B"], "theme": ["x", "x", "y", "x", "y"], "v": [1, 2, 3, 4, 5]}
    )
    assert views.rows_where(frame, municipality="A", theme="x")["v"].tolist() == [1, 4]
    assert views.rows_where(frame, municipality="B")["v"].tolist() == [2, 5]
    assert views.rows_where(frame, municipality="C").empty
    assert views.rows_where(frame.iloc[0:0], municipality="A").empty


def test_records_are_to_dict_records_for_every_kind_of_column() -> None:
    frame = pd.DataFrame(
        {
            "text": pd.array(["a", None, "c"], dtype="string"),
            "plain": ["x", "y", None],
            "count": pd.array([1, None, 3], dtype="Int64"),
            "rate": [0.5, float("nan"), 2.0],
            "n": [1, 2, 3],
            "flag": [True, False, True],
            "when": pd.to_datetime(["2024-01-01", None, "2024-03-01"]),
            "kind": pd.Categorical(["maand", "jaar", None]),
        }
    )
    got, want = views.records(frame), frame.to_dict("records")
    assert [list(r) for r in got] == [list(r) for r in want]
    for g, w in zip(got, want, strict=True):
        for key in w:
            same = g[key] == w[key] or (g[key] != g[key] and w[key] != w[key]) or g[key] is w[key]
            assert same and type(g[key]) is type(w[key]), (key, g[key], w[key])
    assert got[1]["text"] is None and got[1]["count"] is None and got[0]["n"] == 1
    assert views.records(frame) is got  # made once while the frame lives


def test_rows_where_of_a_frame_out_of_group_order_is_the_plain_filter() -> None:
    # the rows are put in group order once and each group is a slice: same rows, order and index
    frame = pd.DataFrame(
        {"municipality": ["B", "A", "B", "C", "A", "B"], "v": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]},
        index=[10, 11, 12, 13, 14, 15],
    )
    for code in ("A", "B", "C"):
        got = views.rows_where(frame, municipality=code)
        pd.testing.assert_frame_equal(got, frame[frame["municipality"] == code])
        assert views.rows_where(frame, municipality=code) is got  # taken once
    assert views.rows_where(frame, municipality="B").index.tolist() == [10, 12, 15]


def test_ranked_is_the_sort_by_rank_then_theme_with_unranked_last() -> None:
    cases = [
        ([1.0, 2.0, 2.0, None, None], ["b", "a", "c", "a", "d"]),  # in order already
        ([2.0, 1.0, None, 3.0], ["a", "b", "c", "d"]),  # not
        ([1.0, 1.0, None], ["b", "a", "c"]),  # a shared rank by theme
        ([None, 1.0], ["a", "b"]),  # the unranked last
        ([1.0, 1.0], ["a", "a"]),
    ]
    for ranks, themes in cases:
        scores = pd.DataFrame(
            {"rank": pd.array(ranks, dtype="float64"), "theme": themes, "v": range(len(themes))}
        )
        want = scores.sort_values(["rank", "theme"], na_position="last", kind="stable")
        pd.testing.assert_frame_equal(views.ranked(scores), want)
    in_order = pd.DataFrame({"rank": [1.0, 2.0, np.nan], "theme": ["x", "a", "b"]})
    assert views.ranked(in_order) is in_order  # nothing to sort: the same frame, not a copy


def test_values_and_records_where_are_those_of_the_rows_where() -> None:
    frame = pd.DataFrame(
        {
            "municipality": ["B", "A", "B", "A"],
            "theme": ["x", None, "y", "x"],
            "v": [1.5, np.nan, 3.0, 4.0],
        }
    )
    for code in ("A", "B", "C"):
        rows = views.rows_where(frame, municipality=code)
        got = views.values_where(frame, ("theme", "v"), municipality=code)
        assert got == [rows["theme"].tolist(), rows["v"].tolist()] or code == "A"
        text = views.values_where(frame, ("theme",), text=True, municipality=code)
        assert text == [rows["theme"].astype(str).tolist()] or code == "A"
        assert views.records_where(frame, municipality=code) == views.records(rows) or code == "A"
    # NaN is not equal to itself: unit A spelled out
    theme, v = views.values_where(frame, ("theme", "v"), municipality="A")
    assert pd.isna(theme[0]) and theme[1] == "x" and np.isnan(v[0]) and v[1] == 4.0
    assert views.values_where(frame, ("theme",), text=True, municipality="A")[0][1] == "x"
    assert views.records_where(frame, municipality="A")[1] == {"municipality": "A", "theme": "x", "v": 4.0}
    assert views.values_where(frame, ("v",), municipality="C") == [[]]
    assert views.records_where(frame.iloc[0:0], municipality="A") == []
