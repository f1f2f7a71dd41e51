"""Missing is never zero (issue 10): how every output shows unknowns, coverage, shared ranks and windows.

The result is the scoring contract for missing evidence, planted by make_result(gaps=True): a theme
without a score, a shared rank, a score resting on 30 % of the weight, an indicator with 7 of 12
months published, an unknown count, five suppressed months in a trend and an unknown baseline.
"""

from __future__ import annotations

import math
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from openpyxl import load_workbook

from ivp_pipeline.cli.score_cmd import _notes, _num, _rank
from ivp_pipeline.reports import labels, views, write_outputs
from ivp_pipeline.reports.analysis import build
from ivp_pipeline.reports.charts.funnel import left_out, left_out_caption, plot_funnel
from ivp_pipeline.reports.charts.priorities import plot_priorities
from ivp_pipeline.reports.charts.progress import plot_progress
from ivp_pipeline.reports.charts.ranks import plot_rank_probabilities
from ivp_pipeline.reports.charts.trends import gap_caption, plot_trend, unknown_periods
from ivp_pipeline.reports.method import WINDOWS_APART_LABEL, method_rows
from ivp_pipeline.reports.ranking import area_order, score_rows, top_of
from ivp_pipeline.reports.workbook import TIED_RANK
from outputs_fixtures import GAP_MONTHS, make_result


@pytest.fixture(scope="module")
def result():  # type: ignore[no-untyped-def]
    return make_result(gaps=True, first_month="2022-01-01")


@pytest.fixture(scope="module")
def out(result, tmp_path_factory):  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("gaps")
    write_outputs(result, folder)
    return folder


@pytest.fixture(scope="module")
def html(out) -> str:  # type: ignore[no-untyped-def]
    return (out / "index.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def book(out):  # type: ignore[no-untyped-def]
    return load_workbook(out / "tables" / "ivp-prioriteiten.xlsx")


def _section(html: str, code: str) -> str:
    start = html.index(f'id="gebied-{code.lower()}"')
    return html[start : html.index("</section>", start)]


def _summary_row(html: str, name: str) -> str:
    summary = html[html.index('id="samenvatting"') :]
    start = summary.index(f"<tr><td>{name}</td>")
    return summary[start : summary.index("</tr>", start)]


# --- labels


def test_labels_of_ranks_coverage_and_windows() -> None:
    assert labels.rank(2.0, "partial_coverage;tied") == "2 (gelijk)"
    assert labels.rank(2.0, "") == "2"
    assert labels.rank(float("nan"), "no_score") == ""
    assert labels.rank_prefix(3, "") == "3." and labels.rank_prefix(None) == "–"
    assert labels.coverage(0.3) == "onderbouwing 30 % (lage onderbouwing)"
    assert labels.coverage(1.0) == "onderbouwing 100 %"
    assert labels.coverage(0.6, "low_coverage") == "onderbouwing 60 % (lage onderbouwing)"
    assert (
        labels.window_state("incomplete_window", 7, 12, pd.NA) == "onvolledig (7 van 12 maanden gepubliceerd)"
    )
    assert labels.window_state("", 12, 12, np.nan) == "onbekend"
    assert labels.window_state("", 12, 12, 0) == ""  # a real zero is a number, not unknown
    assert labels.signals("", 0.0, float("nan")) == "geen score (geen gegevens)"
    assert labels.signals("partial_coverage", 0.3, 55.0) == (
        "onvolledige onderbouwing; lage onderbouwing: minder dan de helft van de weging onderbouwd"
    )
    assert labels.column("coverage") == "Onderbouwing"


def test_unscored_themes_lose_rank_and_p_top3(result) -> None:  # type: ignore[no-untyped-def]
    raw = result.scores.copy()
    row = (raw["municipality"] == "GM0183") & (raw["theme"] == "bedrijvigheid")
    raw.loc[row, ["rank", "p_top3"]] = [12, 0.0]  # what a scoring that ranks missing last would give
    shown = views.without_empty_scores(raw)
    assert shown.loc[row, ["score", "rank", "p_top3"]].isna().all().all()
    ordered = views.ranked(views.scores_for(replace(result, scores=shown), "GM0183", "evenwichtig"))
    assert ordered["theme"].iloc[-1] == "bedrijvigheid"
    assert list(ordered["rank"].iloc[:-1]) == list(range(1, 12))


# --- HTML


def test_html_summary_shows_coverage_ties_and_legend(html: str) -> None:
    dinkelland = _summary_row(html, "Dinkelland")
    assert re.search(
        r"<td>1\. Huiselijk geweld: \d+,\d \(\d+,\d – \d+,\d\), kans op top 3 \d+%, "
        r"onderbouwing 30% \(lage onderbouwing\);",
        dinkelland,
    )
    assert len(re.findall(r"onderbouwing \d+%", dinkelland)) == 3  # next to every score of the top 3
    losser = _summary_row(html, "Losser")
    shared = re.findall(r"2 \(gelijk\) ([^:]+): (\d+,\d) ", losser)
    assert len(shared) == 2 and shared[0][1] == shared[1][1]  # same score, same rank
    assert losser.count("<td>1. ") == 1 and "; 3. " not in losser  # 1, 2 (gelijk), 2 (gelijk)
    assert "Rang &#34;2 (gelijk)&#34;: thema&#39;s met precies dezelfde score delen een rang." in html
    text = re.sub(r"data:image/svg\+xml;base64,[^\"]+", "", html)
    assert not re.search(r"\bnan\b", text, flags=re.IGNORECASE)


def test_html_section_leaves_unscored_theme_unranked(html: str) -> None:
    tubbergen = _section(html, "GM0183")
    rows = re.findall(r"<tr><td class=\"num\">([^<]*)</td><td>([^<]*)</td>.*?</tr>", tubbergen, flags=re.S)
    assert rows[-1] == ("", "Bedrijvigheid en veiligheid")  # last, without a rank (never 12 or 0)
    assert [r for r, _ in rows[:-1]] == [str(i) for i in range(1, 12)]
    last = tubbergen[tubbergen.index("<td>Bedrijvigheid en veiligheid</td>") :]
    last = last[: last.index("</tr>")]
    assert '<td class="num">geen score</td>' in last
    assert '<td class="num">0% (laag)</td>' in last and "geen score (geen gegevens)" in last
    losser = _section(html, "GM0168")
    ranking = losser[: losser.index("</table>")]  # the ranking (the why section has profile ranks too)
    assert ranking.count('<td class="num">2 (gelijk)</td>') == 2
    assert '<th class="num">Onderbouwing</th>' in losser and "Dekking" not in html


def test_html_method_lists_windows_and_warns(html: str, result) -> None:  # type: ignore[no-untyped-def]
    method = html[html.index('id="methode"') :]
    assert "<tr><td>Venster misdrijven (politie)</td><td>januari 2025 t/m december 2025</td></tr>" in method
    assert "<tr><td>Venster overlast (politie)</td><td>januari 2024 t/m december 2024</td></tr>" in method
    assert "<tr><td>Venster enquête (jaar)</td><td>2023</td></tr>" in method
    assert "<p>Let op: de bronnen eindigen meer dan 3 maanden uit elkaar." in method
    assert html.count("de bronnen eindigen meer dan 3 maanden uit elkaar") == 2  # summary and method
    voortgang = html[html.index('id="monitoring"') : html.index('id="methode"')]
    assert '<td class="num">onbekend (2022)</td>' in voortgang
    close = replace(result, method={**result.method, "windows_apart": False})
    method_chapter = build(close, [])[-1]
    assert not any("uit elkaar" in str(i) for s in method_chapter.subsections for i in s.items)
    assert [len(s.items[1].rows) for s in method_chapter.subsections if s.key == "methode-vensters"] == [3]


def test_no_theme_can_be_scored(result) -> None:  # type: ignore[no-untyped-def]
    empty = result.scores.assign(
        score=np.nan, score_low=np.nan, score_high=np.nan, rank=np.nan, p_top3=np.nan
    )
    shown = replace(result, scores=empty)
    for code in area_order(shown):
        rows = score_rows(shown, code, "evenwichtig")
        assert top_of(rows) == []
        assert {r["rank"] for r in rows} == {""}
        assert {r["score"] for r in rows} == {"geen score"}


# --- workbook


def test_workbook_priority_sheet_ties_and_unscored(book) -> None:  # type: ignore[no-untyped-def]
    losser = book["Losser"]
    assert [losser.cell(row=r, column=1).value for r in (5, 6, 7, 8)] == [1, 2, 2, 4]
    assert losser["A6"].number_format == TIED_RANK and losser["A7"].number_format == TIED_RANK
    assert losser["A5"].number_format == "#,##0"
    assert losser["H4"].value == "Onderbouwing"
    tub = book["Tubbergen"]
    last = [c.value for c in tub[16]]
    assert last[0] is None and last[1] == "Bedrijvigheid en veiligheid"
    assert last[3] == "geen score" and last[4] is None and last[6] is None and last[7] == 0
    assert last[-1] == "geen score (geen gegevens)"
    dink = book["Dinkelland"]
    row = next(r for r in dink.iter_rows(min_row=5, values_only=True) if r[1] == "Huiselijk geweld")
    assert row[7] == pytest.approx(0.3)
    assert (
        row[-1] == "onvolledige onderbouwing; lage onderbouwing: minder dan de helft van de weging onderbouwd"
    )


def test_workbook_unknown_counts_are_said(book) -> None:  # type: ignore[no-untyped-def]
    ind = {(r[0], r[1], r[2]): r for r in book["Indicatoren"].iter_rows(min_row=5, values_only=True)}
    olde = ind[("Oldenzaal", "Woninginbraak", "Politie")]
    assert olde[6:9] == ("onvolledig (7 van 12 maanden gepubliceerd)", 7, 12)
    assert olde[10] is None  # the rate: empty, never 0
    assert ind[("Noordoost Twente", "Woninginbraak", "Politie")][6].startswith("onvolledig (7 van 12")
    assert ind[("Tubbergen", "Verkeersveiligheid", "Politie")][6] == "onbekend"
    assert ind[("Oldenzaal", "Woninginbraak", "Enquête")][6] is None  # a survey row has no count
    trends = [r for r in book["Trends"].iter_rows(min_row=5, values_only=True)]
    gap = [r for r in trends if r[0] == "Oldenzaal" and r[1] == "Woninginbraak" and r[5] == "onbekend"]
    assert len(gap) == len(GAP_MONTHS) and all(r[2] == "maand" for r in gap)
    not_gap = [
        r for r in trends if r[0] == "Noordoost Twente" and r[1] == "Woninginbraak" and r[5] == "onbekend"
    ]
    assert len(not_gap) == len(GAP_MONTHS)  # NOT is unknown when a member is
    vg = [r for r in book["Voortgang"].iter_rows(min_row=5, values_only=True) if r[0] == "Oldenzaal"]
    assert vg[0][4] == "onbekend" and vg[0][8] == "onbekend"


def test_workbook_method_sheet_windows(book) -> None:  # type: ignore[no-untyped-def]
    ws = book["Methode"]
    rows = {r[0]: r[1] for r in ws.iter_rows(min_row=5, max_col=2, values_only=True) if r[0]}
    assert rows["Venster misdrijven (politie)"] == "januari 2025 t/m december 2025"
    assert rows["Venster overlast (politie)"] == "januari 2024 t/m december 2024"
    assert rows["Venster enquête (jaar)"] == "2023"
    assert rows[WINDOWS_APART_LABEL].startswith("Let op: de bronnen eindigen meer dan 3 maanden uit elkaar")
    warn = next(c for c in ws["A"] if c.value == WINDOWS_APART_LABEL)
    assert warn.font.bold and warn.font.color.rgb.endswith("B34700")


def test_method_rows_without_warning_say_nee(result) -> None:  # type: ignore[no-untyped-def]
    rows = dict(method_rows(replace(result, method={**result.method, "windows_apart": False}), nested=True))
    assert rows[WINDOWS_APART_LABEL] == "nee"
    assert "windows" not in rows and "Venster misdrijven (politie)" in rows


# --- charts


def _axes():  # type: ignore[no-untyped-def]
    return Figure().add_subplot()


def test_trend_shows_a_gap_and_says_why(result) -> None:  # type: ignore[no-untyped-def]
    tr = result.trends
    series = tr[(tr["municipality"] == "GM0173") & (tr["theme"] == "woninginbraak")]
    assert list(unknown_periods(series)) == list(pd.to_datetime(list(GAP_MONTHS)))
    ax = _axes()
    art = plot_trend(ax, series, title="Woninginbraak")
    assert art["unknown"].get_text() == "5 maanden onbekend"
    assert len(ax.patches) == 1  # one shaded run March-July 2025
    monthly = art["monthly"].get_ydata()
    assert np.isnan(np.asarray(monthly, dtype=float)).sum() == 5  # a gap, not zeros
    ends = pd.to_datetime(art["line"].get_xdata())
    assert pd.Timestamp("2025-12-01") not in set(ends)  # no 12-month point over the gap
    caption = gap_caption(
        {"Woninginbraak": series, "Geweld": tr[(tr["municipality"] == "GM0173") & (tr["theme"] == "geweld")]}
    )
    assert caption.startswith("Woninginbraak: 5 maanden onbekend (niet gepubliceerd of geheimgehouden).")
    assert "Geweld" not in caption
    assert gap_caption({"Geweld": tr[(tr["municipality"] == "GM0173") & (tr["theme"] == "geweld")]}) == ""


def test_trend_chart_caption_in_report(html: str) -> None:
    olde = _section(html, "GM0173")
    assert "Woninginbraak: 5 maanden onbekend (niet gepubliceerd of geheimgehouden)." in olde
    assert "maanden onbekend" not in _section(html, "GM0168")


def test_funnel_leaves_out_incomplete_areas(result, html: str) -> None:  # type: ignore[no-untyped-def]
    fu = result.funnel
    highlight = {"GM1774": "Dinkelland", "GM0168": "Losser", "GM0173": "Oldenzaal", "GM0183": "Tubbergen"}
    theft = fu[fu["theme"] == "woninginbraak"]
    assert left_out(theft, highlight) == ["Oldenzaal"]
    art = plot_funnel(_axes(), theft, highlight=highlight)
    assert art["left_out"].get_text() == "onvolledig: Oldenzaal"
    assert len(art["points"]["GM0173"].get_offsets()) == 0  # not drawn at 0
    caption = left_out_caption(fu, highlight, {"woninginbraak": "Woninginbraak", "geweld": "Geweld"})
    assert caption == (
        "Weggelaten omdat niet alle 12 maanden gepubliceerd zijn (onbekend, niet 0): "
        "Oldenzaal (Woninginbraak)."
    )
    assert caption in html


def test_priority_chart_ties_coverage_and_no_score(result) -> None:  # type: ignore[no-untyped-def]
    shown = views.without_empty_scores(result.scores)
    ax = _axes()
    plot_priorities(ax, views.scores_for(replace(result, scores=shown), "GM0183", "evenwichtig"))
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    assert ticks[0].startswith("1. ") and ticks[-1] == "– Bedrijvigheid en veiligheid"  # bottom: unranked
    texts = [t.get_text() for t in ax.texts]
    assert "geen score (geen gegevens)" in texts
    assert "geen rang\nonderbouwing 0 % (laag)" in texts
    ax = _axes()
    plot_priorities(ax, views.scores_for(result, "GM0168", "evenwichtig"))
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    assert ticks[0].startswith("1. ") and ticks[3].startswith("4. ")
    assert ticks[1].startswith("2 (gelijk) ") and ticks[2].startswith("2 (gelijk) ")
    ax = _axes()
    plot_priorities(ax, views.scores_for(result, "GM1774", "evenwichtig"))
    assert any(t.get_text().endswith("onderbouwing 30 % (laag)") for t in ax.texts)


def test_progress_says_which_value_is_unknown(result) -> None:  # type: ignore[no-untyped-def]
    vg = result.extras["voortgang"].assign(label=lambda f: f["municipality"] + ": " + f["theme"])
    ax = _axes()
    plot_progress(ax, vg)
    texts = [t.get_text().strip() for t in ax.texts]
    assert texts == ["basiswaarde onbekend"]
    assert ax.patches[-1].get_width() == 0  # an empty bar, labelled; never a change of 0 %


# --- terminal table (cli/score_cmd.py)


def test_terminal_cells_for_unknowns_and_ties() -> None:
    assert _rank(2, "partial_coverage;tied") == "2 (gelijk)"
    assert _rank(math.nan, "no_score") == ""
    assert _num(math.nan, "{:.0f}", "geen score") == "geen score"
    assert _num(0.3, "{:.0%}") == "30%"
    assert _notes("", 0.3) == "lage onderbouwing"
    assert _notes("low_coverage;tied", 0.3) == "lage onderbouwing, gedeelde rang"


def test_outputs_with_gaps_have_no_nan_text(out: Path) -> None:
    for csv in ("scores.csv", "indicators.csv", "trends.csv"):
        text = (out / "tables" / csv).read_text(encoding="utf-8")
        assert ",nan," not in text.lower() and ",NaN" not in text


def test_rank_chart_marks_unscored_theme(result) -> None:  # type: ignore[no-untyped-def]
    rp = result.rank_probabilities
    data = rp[(rp["municipality"] == "GM0183") & (rp["profile"] == "evenwichtig")]
    order = ["high_impact_crime", "bedrijvigheid"]
    ax = _axes()
    plot_rank_probabilities(
        ax, data, order, {"high_impact_crime": "High impact crime", "bedrijvigheid": "Bedrijvigheid"}
    )
    assert [t.get_text() for t in ax.get_yticklabels()] == ["High impact crime", "Bedrijvigheid (geen score)"]
