"""The workbook read back with openpyxl: sheets, headers, values, formats, panes, filters, safety, bytes."""

from __future__ import annotations

import zipfile
from datetime import datetime
from pathlib import Path
from xml.etree import ElementTree

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from ivp_pipeline.reports.sanitise import MAX_CELL_CHARS, clean_text, csv_text, sheet_title
from ivp_pipeline.reports.sheets import write_workbook
from ivp_pipeline.reports.tables import write_tables
from ivp_pipeline.reports.workbook import _LONG, DATETIME, TIED_RANK, Book, _column_width, _emit, _values
from outputs_fixtures import INJECTION_NOTE, PHONE_NOTE, make_result


@pytest.fixture(scope="module")
def result():  # type: ignore[no-untyped-def]
    return make_result()


@pytest.fixture(scope="module")
def book(result, tmp_path_factory):  # type: ignore[no-untyped-def]
    path = write_workbook(result, tmp_path_factory.mktemp("tables"))
    return load_workbook(path)


def header(ws) -> list[str]:  # type: ignore[no-untyped-def]
    return [c.value for c in ws[4] if c.value is not None]


def test_sheets_in_order(book) -> None:  # type: ignore[no-untyped-def]
    assert book.sheetnames == [
        "Samenvatting NOT",
        "Dinkelland",
        "Losser",
        "Oldenzaal",
        "Tubbergen",
        "Scores",
        "Criteria",
        "Indicatoren",
        "Trends",
        "Professionals",
        "Beleving",
        "Vergelijking",
        "Rangkansen",
        "Voortgang",
        "Bronnen",
        "Methode",
    ]


def test_municipality_sheet_has_scores_criteria_and_ranks(book, result) -> None:  # type: ignore[no-untyped-def]
    ws = book["Losser"]
    assert ws["A1"].value == "Losser: prioriteiten (profiel Evenwichtig)"
    assert header(ws) == [
        "Rang",
        "Thema",
        "Veiligheidsveld",
        "Score",
        "Ondergrens",
        "Bovengrens",
        "Kans op top 3",
        "Onderbouwing",
        "Omvang",
        "Ernst",
        "Trend",
        "Vergelijking",
        "Beleving",
        "Professionals",
        "Rang: Feiten (politiecijfers)",
        "Rang: Beleving en professionals",
        "Signalen",
    ]
    s = result.scores
    top = s[(s.municipality == "GM0168") & (s.profile == "evenwichtig")].sort_values("rank").iloc[0]
    assert ws["A5"].value == 1
    assert ws["B5"].value == top.theme_label
    assert ws["D5"].value == pytest.approx(top.score)
    assert ws["E5"].value == pytest.approx(top.score_low)
    assert ws["G5"].value == pytest.approx(top.p_top3)
    assert ws["D5"].number_format == "0.0"
    assert ws["G5"].number_format == "0%"
    assert ws["H5"].number_format == "0%"
    crit = result.criteria
    volume = crit[(crit.municipality == "GM0168") & (crit.theme == top.theme) & (crit.criterion == "volume")]
    assert ws["I5"].value == pytest.approx(volume.scaled.iloc[0])
    feiten = s[(s.municipality == "GM0168") & (s.profile == "feiten") & (s.theme == top.theme)]
    assert ws["O5"].value == int(feiten["rank"].iloc[0])
    assert ws.max_row == 4 + 12


def test_every_sheet_has_frozen_header_and_filter(book) -> None:  # type: ignore[no-untyped-def]
    for ws in book.worksheets:
        assert ws.freeze_panes in ("A5", "C5"), ws.title
        assert ws.auto_filter.ref is not None and ws.auto_filter.ref.startswith("A4:"), ws.title
        assert ws.column_dimensions["A"].width >= 8
    assert book["Samenvatting NOT"].freeze_panes == "C5"
    assert book["Samenvatting NOT"]["A1"].value.startswith("Samenvatting Noordoost Twente")


def test_indicator_and_trend_values_with_formats(book, result) -> None:  # type: ignore[no-untyped-def]
    ws = book["Indicatoren"]
    assert header(ws)[:10] == [
        "Gemeente",
        "Thema",
        "Bron",
        "Code",
        "Indicator",
        "Omschrijving",
        "Aantal",
        "Maanden gepubliceerd",
        "Maanden in venster",
        "Inwoners",
    ]
    first = result.indicators.iloc[0]
    assert (
        ws["A5"].value
        == {
            "GM0168": "Losser",
            "GM0173": "Oldenzaal",
            "GM0183": "Tubbergen",
            "GM1774": "Dinkelland",
            "NOT": "Noordoost Twente",
        }[first.municipality]
    )
    assert ws["C5"].value == "Politie"
    assert ws["G5"].value == int(first["count"])
    assert ws["G5"].number_format == "#,##0"
    assert ws["H5"].value == 12 and ws["I5"].value == 12
    assert ws["K5"].number_format == "0.00"
    assert ws["N5"].number_format == "dd-mm-yyyy"
    assert ws["N5"].is_date
    assert ws["P5"].value in ("ja", "nee")
    tr = book["Trends"]
    assert header(tr) == [
        "Gemeente",
        "Thema",
        "Soort periode",
        "Begin periode",
        "Einde periode",
        "Aantal",
        "Ondergrens",
        "Bovengrens",
        "Inwoners",
        "Per 1.000 inwoners",
    ]
    assert tr.max_row == 4 + len(result.trends)
    kinds = [tr.cell(row, 3).value for row in range(5, tr.max_row + 1)]
    assert set(kinds) == {"maand", "12 maanden"}
    year_row = 5 + kinds.index("12 maanden")
    start, end = tr.cell(year_row, 4).value, tr.cell(year_row, 5).value
    assert (end.year - start.year) * 12 + end.month - start.month == 11


def test_sources_method_professionals_voortgang(book) -> None:  # type: ignore[no-untyped-def]
    src = book["Bronnen"]
    assert header(src) == [
        "Bestand",
        "SHA-256",
        "Soort bron",
        "Dataset",
        "Tabel",
        "Perioden",
        "Rijen",
        "Ingelezen op (UTC)",
    ]
    assert src["B5"].value == "a" * 64 and src["E5"].value == "47022NED"
    # the kind of file in words, never the reader's code (police-bulk-csv)
    assert src["C5"].value == "politie, CBS bulk-CSV" and src["D5"].value == "Politie"
    assert src["H5"].value == datetime(2026, 1, 15, 9, 30) and src["H5"].number_format == "dd-mm-yyyy hh:mm"
    method = {r[0]: r[1] for r in book["Methode"].iter_rows(min_row=5, max_col=2, values_only=True) if r[0]}
    assert method["Versie themacatalogus"] == "2026.1"
    assert method["Standaardprofiel"] == "Evenwichtig"
    assert method["Aantal trekkingen (Monte Carlo)"] == 2000
    assert method["Openbare modus"] == "nee"
    assert method["Betrouwbaarheid score-interval"] == "95 %"
    assert method["Trendbreuk politiecijfers"] == "juli 2018"
    assert method["Soort periode"] == "maand"
    assert method["Referentiegebied"] == "Overijssel (PV23)"
    assert "Gewichten per profiel" in method
    prof = book["Professionals"]
    assert header(prof) == [
        "Gemeente",
        "Thema",
        "Criterium",
        "Gemiddelde beoordeling",
        "Respondenten",
        "Soorten organisaties",
        "Overeenstemming",
    ]
    assert prof["G5"].number_format == "0%"
    assert prof["C5"].value in ("Omvang", "Ernst", "Ontwikkeling")
    bel = book["Beleving"]
    assert bel["E5"].value == "%" and bel["J5"].value == "Nederland (NL01)"
    assert bel["L5"].value == "hoger is ongunstiger"
    scores = book["Scores"]
    assert {c.value for c in scores["K"][4:]} >= {"onvolledige onderbouwing", None}
    vg = book["Voortgang"]
    assert header(vg)[:3] == ["Gemeente", "Thema", "Maatstaf"]
    assert vg["A5"].value == "Dinkelland" and vg["J5"].value == -10 and vg["K5"].value == "op koers"


def test_no_voortgang_sheet_without_extra(tmp_path: Path) -> None:
    wb = load_workbook(write_workbook(make_result(with_voortgang=False, n_themes=3), tmp_path))
    assert "Voortgang" not in wb.sheetnames


def test_formula_injection_stays_text(book) -> None:  # type: ignore[no-untyped-def]
    ws = book["Criteria"]
    notes = {c.value: c for c in ws["J"] if isinstance(c.value, str)}
    cell = notes[INJECTION_NOTE]
    assert cell.data_type == "s"
    assert cell.quotePrefix is True
    assert notes[PHONE_NOTE].data_type == "s"
    flags = [c for c in book["Losser"]["Q"] if c.value == "-5 punten na herweging; rang onzeker"]
    assert flags and flags[0].data_type == "s"
    for ws in book.worksheets:  # nothing anywhere is stored as a formula
        assert all(c.data_type != "f" for row in ws.iter_rows() for c in row), ws.title


def test_workbook_bytes_are_stable(result, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    a = write_workbook(result, tmp_path / "a").read_bytes()
    b = write_workbook(result, tmp_path / "b").read_bytes()
    assert a == b
    with zipfile.ZipFile(tmp_path / "a" / "ivp-prioriteiten.xlsx") as z:
        # XlsxWriter stamps every entry with its fixed date, not the wall clock
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = z.read("docProps/core.xml").decode()
    props = ElementTree.fromstring(core)
    assert props.findtext("{http://purl.org/dc/elements/1.1/}creator") == "ivp"
    # the document dates are the data's reference date (the latest ingestion), not the time of the run
    assert "2026-01-16T10:00:00Z</dcterms:created>" in core
    assert "2026-01-16T10:00:00Z</dcterms:modified>" in core


def test_csv_tables_are_formula_safe(result, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    paths = write_tables(result, tmp_path)
    assert [p.name for p in paths] == [
        "scores.csv",
        "indicators.csv",
        "criteria.csv",
        "trends.csv",
        "professionals.csv",
        "perception.csv",
        "funnel.csv",
        "rank_probabilities.csv",
        "sources.csv",
        "voortgang.csv",
    ]
    text = (tmp_path / "criteria.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK(" in text and "'+31 6" in text
    assert ",=HYPERLINK" not in text
    trends_lines = (tmp_path / "trends.csv").read_text().splitlines()
    assert trends_lines[0].endswith(",rate_per_1000,period_kind,period_end")
    assert trends_lines[1].endswith(",month,2017-01-01")
    assert any(line.endswith(",year,2025-12-01") for line in trends_lines)
    assert (
        (tmp_path / "trends.csv").read_text().splitlines()[1].startswith("GM1774,woninginbraak,2017-01-01,")
    )


def test_sanitise() -> None:
    assert clean_text("a\x00b\x07c\td\r\ne") == "abc\td\ne"
    long = clean_text("x" * (MAX_CELL_CHARS + 10))
    assert len(long) == MAX_CELL_CHARS and long.endswith("…")
    assert csv_text("@SUM(A1)") == "'@SUM(A1)"
    assert csv_text(" =1+1") == "' =1+1"
    assert csv_text("Losser") == "Losser"
    taken: set[str] = set()
    assert sheet_title("a/b:c?" + "x" * 40, taken) == "a-b-c-" + "x" * 25
    assert sheet_title("Losser", taken) == "Losser"
    assert sheet_title("losser", taken) == "losser (2)"


@pytest.mark.parametrize("fmt", [None, "0.0", TIED_RANK, DATETIME])
def test_column_width_by_kind_is_the_width_of_every_cell(fmt: str | None) -> None:
    cells = [
        999.996,
        -0.0,
        12.5,
        None,
        "",
        7,
        "twee\nregels tekst",
        "kort",
        datetime(2026, 1, 1),
        3.25,
        -1234.5,
    ]
    by_kind, by_cell = Book(datetime(2026, 1, 1)), Book(datetime(2026, 1, 1))
    a, b = by_kind.sheet("a"), by_cell.sheet("a")
    widest = _emit(a, 1, list(cells), fmt, None)
    assert widest == _emit(b, 1, list(cells), fmt, [fmt] * len(cells))  # one cell at a time
    assert a.longest == b.longest == {1: 17}  # the text of two lines, 17 characters
    # its longest line "regels tekst" (12) is wider than "-1,234.50" (9), not than "-1234.5 (gelijk)"
    assert widest == {None: 12, "0.0": 12, TIED_RANK: 16, DATETIME: 16}[fmt]
    assert _column_width([-0.0], None) == (5, 10)  # "-0.00": the sign of minus zero counts
    assert _column_width([True], None) is None  # a kind the cell loop must see


def test_long_columns_of_dates_and_texts_are_the_values_of_the_column() -> None:
    # a long column is made from its distinct values (workbook._values): the same Python values
    n = _LONG + 5
    days = pd.Series(pd.to_datetime(["2024-01-01", None, "2024-02-01"] * (n // 3 + 1))[:n])
    texts = pd.Series((["a", None, "b,c"] * (n // 3 + 1))[:n], dtype="str")
    zoned = days.dt.tz_localize("Europe/Amsterdam")
    for column in (days, texts, zoned):
        got, want = _values(column), list(column.astype(object))
        assert len(got) == n
        assert [type(v) for v in got] == [type(v) for v in want]
        assert all((a is b) or a == b or (pd.isna(a) and pd.isna(b)) for a, b in zip(got, want, strict=True))
    assert _values(days)[:3] == [pd.Timestamp("2024-01-01"), pd.NaT, pd.Timestamp("2024-02-01")]
    assert _values(texts)[0] == "a" and _values(texts)[2] == "b,c" and np.isnan(_values(texts)[1])
