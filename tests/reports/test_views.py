"""reports/views.py: the cached selections give what a plain filter of the frame gives."""

from __future__ import annotations

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
