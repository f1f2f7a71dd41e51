"""Page setup of the workbook (reports/sheet_specs.py page_setup), read back with openpyxl."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from ivp_pipeline.reports.sheets import write_workbook
from ivp_pipeline.reports.views import without_empty_scores
from ivp_pipeline.scoring.result import ScoreResult
from outputs_fixtures import make_result


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[ScoreResult, Path]:
    result = make_result(n_themes=6, first_month="2023-01-01")
    result.scores = without_empty_scores(result.scores)
    return result, write_workbook(result, tmp_path_factory.mktemp("wb"))


def test_every_sheet_is_a4_fitted_to_width_with_print_titles(written: tuple[ScoreResult, Path]) -> None:
    book = openpyxl.load_workbook(written[1])
    for ws in book.worksheets:
        assert ws.page_setup.paperSize == 9, ws.title  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage is True, ws.title
        # fitToWidth is left out when it is 1, its default in SpreadsheetML (ECMA-376 18.3.1.63)
        assert (ws.page_setup.fitToWidth or 1, ws.page_setup.fitToHeight) == (1, 0), ws.title
        assert ws.print_title_rows == "$1:$4", ws.title
        assert ws.oddFooter.center.text == "Pagina &P van &N", ws.title
    # wide sheets landscape, narrow ones portrait
    assert book["Samenvatting NOT"].page_setup.orientation == "landscape"
    assert book["Indicatoren"].page_setup.orientation == "landscape"
    assert book["Bronnen"].page_setup.orientation == "portrait"
    assert book["Professionals"].page_setup.orientation == "portrait"


def test_trends_print_only_the_twelve_month_rows(written: tuple[ScoreResult, Path]) -> None:
    result, path = written
    ws = openpyxl.load_workbook(path)["Trends"]
    years = int((result.trends["period_kind"] == "year").sum())
    assert years > 0
    assert ws.print_area == f"'Trends'!$A$1:$J${4 + years}"
    kinds = [ws.cell(r, 3).value for r in range(5, ws.max_row + 1)]
    assert kinds[:years] == ["12 maanden"] * years and set(kinds[years:]) == {"maand"}


def test_rank_probabilities_are_wide(written: tuple[ScoreResult, Path]) -> None:
    result, path = written
    ws = openpyxl.load_workbook(path)["Rangkansen"]
    header = [c.value for c in ws[4]]
    n_ranks = result.rank_probabilities["rank"].nunique()
    assert header == ["Gemeente", "Profiel", "Thema", *[f"Rang {r}" for r in range(1, n_ranks + 1)]]
    rp = result.rank_probabilities
    assert ws.max_row == 4 + len(rp.drop_duplicates(["municipality", "profile", "theme"]))
    first = rp.iloc[0]
    assert ws.cell(5, 4).value == pytest.approx(
        float(
            rp[
                (rp["municipality"] == first["municipality"])
                & (rp["profile"] == first["profile"])
                & (rp["theme"] == first["theme"])
                & (rp["rank"] == 1)
            ]["probability"].iloc[0]
        )
    )
    # a row of probabilities sums to 1
    row = [ws.cell(5, c).value for c in range(4, 4 + n_ranks)]
    assert sum(v for v in row if v is not None) == pytest.approx(1.0)


def test_professional_template_instructions_wrap() -> None:
    import io

    from ivp_pipeline.catalogue import load_catalogue
    from ivp_pipeline.sources.professional.template import template_bytes

    book = openpyxl.load_workbook(io.BytesIO(template_bytes(load_catalogue({}))))
    info = book.worksheets[0]
    texts = [c for row in info.iter_rows() for c in row if isinstance(c.value, str)]
    assert len(texts) > 10
    assert all(c.alignment.wrap_text for c in texts)
    assert info.column_dimensions["B"].width == 100  # long lines wrap within a readable column


def test_trends_sheet_of_a_national_run_keeps_only_twelve_month_rows(
    written: tuple[ScoreResult, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past MAX_TREND_ROWS rows the months stay in trends.csv only, and the title says so."""
    from ivp_pipeline.reports import sheet_specs

    result, _ = written
    years = int((result.trends["period_kind"] == "year").sum())
    assert len(result.trends) > years > 0
    monkeypatch.setattr(sheet_specs, "MAX_TREND_ROWS", len(result.trends) - 1)
    ws = openpyxl.load_workbook(write_workbook(result, tmp_path))["Trends"]
    assert ws.max_row == 4 + years
    assert {ws.cell(r, 3).value for r in range(5, ws.max_row + 1)} == {"12 maanden"}
    assert "de maandcijfers staan in trends.csv" in ws["A1"].value
    assert ws.print_area == f"'Trends'!$A$1:$J${4 + years}"
