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
