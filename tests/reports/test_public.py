"""Public mode: no registered count below the threshold is visible in any output, and the report says so."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from ivp_pipeline.reports import write_outputs
from ivp_pipeline.reports.public import apply_public_mode, public_threshold
from outputs_fixtures import make_result

COUNT_HEADERS = {"Aantal", "Respondenten"}
COUNT_COLUMNS = {"count", "respondents"}
POLICE_CRITERIA = {"volume", "harm", "trend", "comparison"}
POLICE_CRITERIA_NL = {"Omvang", "Ernst", "Trend", "Vergelijking"}


def test_counts_and_rates_are_replaced() -> None:
    result = make_result(n_themes=3, first_month="2025-01-01")
    public = apply_public_mode(result)
    tr, orig = public.trends, result.trends
    small = orig["count"] < 5
    assert small.any() and (~small).any()
    assert (tr.loc[small.to_numpy(), "count"] == "<5").all()
    assert (tr.loc[small.to_numpy(), ["count_low", "count_high", "rate_per_1000"]] == "n<5").all().all()
    big = (~small).to_numpy()
    shown = big & (tr["count"] != "x").to_numpy()
    assert shown.sum() > 0.8 * big.sum()  # secondary suppression ("x") takes a few, not most
    assert list(tr.loc[shown, "count"]) == list(orig.loc[shown, "count"])
    assert public.method["public"] is True and public_threshold(public) == 5
    assert public_threshold(result) is None
    assert result.trends["count"].dtype == "Int64"  # the input is left alone


def test_only_count_based_criteria_are_suppressed() -> None:
    result = make_result(n_themes=3, first_month="2025-01-01")
    crit = apply_public_mode(result, threshold=40).criteria
    police = crit.criterion.isin(["volume", "harm", "trend", "comparison"]).to_numpy()
    small = (pd.to_numeric(result.criteria["n"], errors="coerce") < 40).fillna(False).to_numpy(dtype=bool)
    hit = police & small
    assert hit.any() and (police & ~small).any()
    assert (crit.loc[hit, "n"] == "<40").all() and (crit.loc[hit, "scaled"] == "n<40").all()
    big = crit.loc[police & ~small, "scaled"]
    assert set(big[pd.to_numeric(big, errors="coerce").isna()]) == {"x"}  # secondary: same theme
    assert pd.to_numeric(big, errors="coerce").notna().any()
    other = ~police & small
    assert other.any()  # n counts indicators or organisation types there: no small number, shown
    perception = other & (crit.criterion == "perception").to_numpy()
    assert perception.any() and pd.to_numeric(crit.loc[perception, "n"]).notna().all()
    # the professionals' n counts organisation types, at most the respondents: hidden with them
    prof = other & (crit.criterion == "professionals").to_numpy()
    assert set(crit.loc[prof, "n"].astype(str)) <= {"x"} | {str(v) for v in result.criteria.loc[prof, "n"]}
    assert pd.to_numeric(crit.loc[other, "scaled"]).notna().all()


def test_voortgang_values_on_small_counts_are_hidden() -> None:
    vg = apply_public_mode(make_result(n_themes=3, first_month="2025-01-01")).extras["voortgang"]
    rate, count, small = vg.iloc[0], vg.iloc[1], vg.iloc[2]
    assert rate.baseline_value == 2.1  # 2.1 per 1,000 x 26,735 inhabitants = 56 offences: shown
    assert count.current_value == 355.0
    assert small.baseline_value == "<5" and small.current_value == 6.0
    assert small.target_value == "n<5" and small.change_pct == "n<5"
    assert small.status == "niet op koers"


def test_apply_is_idempotent() -> None:
    once = apply_public_mode(make_result(n_themes=2, first_month="2025-01-01"))
    twice = apply_public_mode(once)
    pd.testing.assert_frame_equal(once.indicators, twice.indicators)
    pd.testing.assert_frame_equal(once.trends, twice.trends)


@pytest.fixture(scope="module")
def public_out(tmp_path_factory):  # type: ignore[no-untyped-def]
    out = tmp_path_factory.mktemp("public")
    write_outputs(make_result(n_themes=7, first_month="2024-01-01"), out, public=True)
    return out


def test_no_small_count_in_the_workbook(public_out: Path) -> None:
    wb = load_workbook(public_out / "tables" / "ivp-prioriteiten.xlsx")
    seen_marker = 0
    for ws in wb.worksheets:
        headers = {c.column: c.value for c in ws[4]}
        for col, name in headers.items():
            if name not in COUNT_HEADERS:
                continue
            for row in ws.iter_rows(min_row=5, min_col=col, max_col=col, values_only=True):
                value = row[0]
                if isinstance(value, int | float):
                    assert value >= 5, (ws.title, value)
                seen_marker += value == "<5"
    crit = wb["Criteria"]
    head = [c.value for c in crit[4]]
    kind, n = head.index("Criterium"), head.index("Basis (n)")
    police = [r for r in crit.iter_rows(min_row=5, values_only=True) if r[kind] in POLICE_CRITERIA_NL]
    assert police and all(r[n] == "<5" or r[n] >= 5 for r in police)
    assert any(r[n] == "<5" for r in police)
    assert seen_marker > 100
    assert "Openbare versie" in wb["Trends"]["A2"].value


def test_no_small_count_in_the_csv(public_out: Path) -> None:
    for path in (public_out / "tables").glob("*.csv"):
        with path.open(encoding="utf-8") as fh:
            for rec in csv.DictReader(fh):
                cols = set(COUNT_COLUMNS)
                if rec.get("criterion") in POLICE_CRITERIA:
                    cols.add("n")
                for col in cols & set(rec):
                    if rec[col] not in ("", "<5", "x"):
                        assert float(rec[col]) >= 5, (path.name, rec)


def test_report_says_so_and_charts_hide_small_counts(public_out: Path) -> None:
    html = (public_out / "index.html").read_text(encoding="utf-8")
    assert (
        "Openbare versie" in html
        and "Aantallen kleiner dan 5 (misdrijven, meldingen en respondenten)" in html
    )
    svg = (public_out / "figures" / "trends-losser.svg").read_text(encoding="utf-8")
    assert "<svg" in svg


def test_public_trend_chart_draws_no_small_count(public_out: Path) -> None:
    from ivp_pipeline.reports import figures
    from ivp_pipeline.reports.charts.trends import plot_trend

    public = apply_public_mode(make_result(n_themes=7, first_month="2024-01-01"))
    fig, axes = figures.new_figure()
    tr = public.trends
    art = plot_trend(axes[0, 0], tr[(tr.municipality == "GM1774") & (tr.theme == "woninginbraak")])
    y = np.asarray(art["line"].get_ydata(), dtype=float)
    # the 12-month sums are the series and stay visible; the monthly background, with most months
    # hidden as "<5", is left out rather than drawn as fragments of the high months only
    assert len(y) == 2 and np.nanmin(y) >= 5
    assert art["monthly"] is None and art["note"] is None
    assert all(np.nanmin(p.vertices[:, 1]) >= 0 for p in art["band"].get_paths())
    monthly = tr[(tr.period_kind == "month") & (tr.municipality == "GM1774") & (tr.theme == "woninginbraak")]
    assert (monthly["count"] == "<5").any()
    fig.clear()


def test_small_12_month_sums_are_suppressed_too() -> None:
    result = make_result(n_themes=7, first_month="2024-01-01")
    tr = result.trends
    years = tr[tr["period_kind"] == "year"]
    small = years["count"] < 5
    assert small.any() and (~small).any()
    public = apply_public_mode(result).trends.loc[years.index]
    assert (public.loc[small[small].index, "count"] == "<5").all()
    assert (public.loc[small[small].index, "count_high"] == "n<5").all()
    kept = public.loc[small[~small].index, "count"]
    assert set(kept[kept.astype(str) == "x"]) <= {"x"} and (kept != "x").sum() >= 0.8 * len(kept)
    assert list(kept[kept != "x"]) == list(years.loc[~small, "count"][kept != "x"])


def test_write_outputs_applies_public_mode_itself_when_needed(tmp_path: Path) -> None:
    result = make_result(n_themes=2, first_month="2025-06-01")
    result.method["public"] = True  # flagged by the caller, but nothing suppressed yet
    result.method["small_number_threshold"] = 7
    write_outputs(result, tmp_path, public=True)
    with (tmp_path / "tables" / "trends.csv").open(encoding="utf-8") as fh:
        counts = [rec["count"] for rec in csv.DictReader(fh)]
    assert "<7" in counts
    assert all(c in ("<7", "x") or float(c) >= 7 for c in counts)
    html = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "Aantallen kleiner dan 7" in html


def test_report_shows_suppressed_voortgang_as_markers() -> None:
    from ivp_pipeline.reports.analysis import progress_table

    public = apply_public_mode(make_result(n_themes=3, first_month="2025-01-01"))
    table = progress_table(public)
    assert table is not None
    # columns: Gebied, Thema, Maatstaf, Basis, Nu, Streefwaarde, Verandering, Status
    small = next(r for r in table.rows if r[0] == "Tubbergen")
    assert small[3].startswith("<5 (") and small[5] == "n<5" and small[6] == "n<5"
    rate = next(r for r in table.rows if r[0] == "Dinkelland")
    assert rate[3] == "2,10 (2022)" and rate[6] == "-23,8 %"
