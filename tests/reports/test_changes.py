"""changes.compare: revisions, newly published figures, open months, moved priorities (by hand)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pyarrow as pa

from ivp_pipeline.reports.changes import compare, summary
from ivp_pipeline.reports.changes_md import period_label, render_markdown
from ivp_pipeline.store import Snapshot


def police(*rows: tuple[str, str, date, int | None, str]) -> pa.Table:
    cols: dict[str, list[object]] = {
        "municipality": [],
        "area_code": [],
        "measure": [],
        "offence_code": [],
        "period_start": [],
        "period_kind": [],
        "value": [],
        "value_state": [],
    }
    for muni, code, start, value, state in rows:
        for k, v in zip(cols, (muni, muni, "crime", code, start, "month", value, state), strict=True):
            cols[k].append(v)
    return pa.table(
        cols,
        schema=pa.schema(
            [
                ("municipality", pa.string()),
                ("area_code", pa.string()),
                ("measure", pa.string()),
                ("offence_code", pa.string()),
                ("period_start", pa.date32()),
                ("period_kind", pa.string()),
                ("value", pa.int64()),
                ("value_state", pa.string()),
            ]
        ),
    )


JAN, FEB, MAR = date(2024, 1, 1), date(2024, 2, 1), date(2024, 3, 1)
BEFORE = Snapshot(
    police(
        ("GM1774", "1.1.1", JAN, 4, "observed"),
        ("GM1774", "1.4.5", JAN, None, "suppressed"),
        ("GM1774", "1.1.1", FEB, None, "not_published"),
        ("GM0168", "1.1.1", JAN, 0, "zero"),
    ),
    {"survey": {("GM1774", 2021)}},
)
AFTER = Snapshot(
    police(
        ("GM1774", "1.1.1", JAN, 6, "observed"),  # revised
        ("GM1774", "1.4.5", JAN, 2, "observed"),  # was secret, now published
        ("GM1774", "1.1.1", FEB, 3, "observed"),  # the open month is published: new period
        ("GM1774", "1.1.1", MAR, None, "not_published"),  # still open: not a new period yet
        ("GM0168", "1.1.1", JAN, 0, "zero"),  # unchanged
    ),
    {"survey": {("GM1774", 2021), ("GM1774", 2023)}},
)


def test_revisions_publications_and_new_periods() -> None:
    out = compare(BEFORE, AFTER)
    got = [
        tuple(r)
        for r in out[["change", "dataset", "municipality", "item", "period", "old", "new"]].itertuples(
            index=False
        )
    ]
    assert got == [
        ("new_period", "police", "GM1774", "", "2024-02-01", "", ""),
        ("new_period", "survey", "GM1774", "", "2023", "", ""),
        ("published", "police", "GM1774", "1.1.1", "2024-02-01", "not_published", "3"),
        ("published", "police", "GM1774", "1.4.5", "2024-01-01", "suppressed", "2"),
        ("revised", "police", "GM1774", "1.1.1", "2024-01-01", "4", "6"),
    ]
    assert summary(out) == {"new_period": 2, "published": 2, "revised": 1}


def test_same_state_twice_is_no_change_and_rows_order_does_not_matter() -> None:
    assert compare(AFTER, AFTER).empty
    shuffled = Snapshot(AFTER.police.take([4, 2, 0, 3, 1]), AFTER.years)
    assert compare(BEFORE, shuffled).equals(compare(BEFORE, AFTER))


def test_a_new_series_is_summarised_not_listed_month_by_month() -> None:
    empty = Snapshot(AFTER.police.slice(0, 0), {})
    out = compare(empty, AFTER)
    police_rows = out[out["dataset"] == "police"]
    assert list(police_rows["change"]) == ["first_ingest", "first_ingest"]
    assert list(police_rows["period"]) == ["2024-01-01 t/m 2024-01-01", "2024-01-01 t/m 2024-02-01"]
    assert list(police_rows["new"]) == ["1", "2"]
    survey = out[out["dataset"] == "survey"].iloc[0]
    assert (survey["change"], survey["period"], survey["new"]) == ("first_ingest", "2021 t/m 2023", "2")


def test_priorities_rank_and_top3_probability_with_tolerance() -> None:
    cols = ["municipality", "theme", "profile", "rank", "p_top3"]
    old = pd.DataFrame(
        [
            ("NOT", "jeugd", "evenwichtig", 1, 0.90),
            ("NOT", "geweld", "evenwichtig", 2, 0.60),
            ("NOT", "drugs", "evenwichtig", 3, 0.50),
        ],
        columns=cols,
    )
    new = pd.DataFrame(
        [
            ("NOT", "jeugd", "evenwichtig", 1, 0.93),
            ("NOT", "geweld", "evenwichtig", 3, 0.40),
            ("NOT", "verkeer", "evenwichtig", 2, 0.70),
        ],
        columns=cols,
    )
    out = compare(BEFORE, BEFORE, old, new)
    got = [tuple(r) for r in out[["change", "item", "old", "new"]].itertuples(index=False)]
    assert got == [
        ("new_theme", "verkeer", "", "2"),
        ("p_top3_changed", "geweld", "0.60", "0.40"),  # jeugd moved 0.03 only: noise, not listed
        ("rank_changed", "geweld", "2", "3"),
        ("removed_theme", "drugs", "3", ""),
    ]
    md = render_markdown(out, theme_labels={"geweld": "Geweld"})
    assert "| Noordoost Twente | evenwichtig | Geweld | 2 → 3 | 60 % → 40 % |" in md
    assert "| Noordoost Twente | evenwichtig | verkeer | nieuw: 2 |  |" in md


def test_period_labels() -> None:
    assert period_label("2024-02-01", "month") == "2024-02"
    assert period_label("2024-04-01", "quarter") == "2024-K2"
    assert period_label("2023-01-01 t/m 2024-01-01", "year") == "2023 t/m 2024"
