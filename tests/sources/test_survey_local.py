"""Local survey results (CSV and xlsx): layout, margins and intervals, validation with positions."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from inputs_fixtures import local_csv, write
from ivp_pipeline.schemas import SURVEY
from ivp_pipeline.sources.survey.template import template_bytes
from ivp_pipeline.steps.ingest import ingest
from ivp_pipeline.store import read_dataset
from ivp_pipeline.workspace import Workspace

ID_BUURT = "onveiligheidsbeleving.buurt.onveiligheidsgevoelens.voelt_zich_wel_eens_onveilig_in_buurt"


def _rows(ws: Workspace) -> list[dict]:
    return sorted(read_dataset(ws.processed, SURVEY).to_pylist(), key=lambda r: r["source_row"])


def test_csv_margin_interval_respondents_comparison(ws: Workspace) -> None:
    write(
        ws.raw / "survey" / "enquete.csv",
        local_csv(
            "Dinkelland;Voelt zich wel eens onveilig in buurt;2023;12,4;percent;2,1;;;512;Nederland;15,3",
            "GM0168;Eigen vraag: overlast hondenpoep;2025*;41;%;;38,5;43,5;1.204;Overijssel;39",
            "Noordoost Twente;rapportcijfer veiligheid in buurt;2021;7,6;rapportcijfer;;;;;;",
        ),
    )
    report = ingest(ws)
    assert report.outcomes[0].kind == "local" and report.rejects == []
    a, b, c = _rows(ws)
    assert (a["area_code"], a["indicator"], a["indicator_label"], a["unit"]) == (
        "GM1774",
        ID_BUURT,
        "Voelt zich wel eens onveilig in buurt",
        "percent",
    )
    assert (a["value"], a["margin"], a["respondents"], a["comparison_area"], a["comparison_value"]) == (
        12.4,
        2.1,
        512,
        "NL01",
        15.3,
    )
    assert (a["ci_low"], a["ci_high"]) == (12.4 - 2.1, 12.4 + 2.1)
    assert (b["indicator"], b["indicator_label"], b["year"], b["period_status"]) == (
        "eigen_vraag_overlast_hondenpoep",
        "Eigen vraag: overlast hondenpoep",
        2025,
        "provisional",
    )
    assert (b["ci_low"], b["ci_high"], b["margin"], b["respondents"], b["comparison_area"]) == (
        38.5,
        43.5,
        2.5,
        1204,
        "PV23",
    )
    assert (c["area_code"], c["municipality"], c["unit"], c["ci_low"]) == (
        "BT_NOT",
        "BT_NOT",
        "rapportcijfer",
        None,
    )
    assert {r["source_kind"] for r in (a, b, c)} == {"local"}


def test_all_problems_of_a_file_with_positions(ws: Workspace) -> None:
    write(
        ws.raw / "enquete.csv",
        local_csv(
            "Losser;Drugsoverlast;2023;104;percent;;;;300;;",  # 2: percent above 100
            "Losser;Rapportcijfer veiligheid in buurt;2023;0,5;rapportcijfer;;;;300;;",  # 3: below 1
            "Losser;Drugsoverlast;2021;20;percent;;22;30;300;;",  # 4: interval above the value
            "Losser;Drugsoverlast;2019;20;percent;;10;15;300;;",  # 5: interval below the value
            "Atlantis;Drugsoverlast;2019;20;procent;;;;veel;Nederland;120",  # 6: four problems
            "Oldenzaal;Drugsoverlast;2023;5;percent;;;;300;;",  # 7: fine
        ),
    )
    report = ingest(ws)
    got = [(p.code, p.row, p.column, p.value) for p in report.rejects]
    assert got == [
        ("value-out-of-range", 2, "waarde", "104"),
        ("value-out-of-range", 3, "waarde", "0,5"),
        ("interval-excludes-value", 4, "ondergrens", "22"),
        ("interval-excludes-value", 5, "bovengrens", "15"),
        ("unknown-region", 6, "gebied", "Atlantis"),
        ("not-a-number", 6, "respondenten", "veel"),
        ("value-out-of-range", 6, "vergelijkingswaarde", "120"),
    ]
    assert [r["area_code"] for r in _rows(ws)] == ["GM0173"]


def test_missing_columns_are_reported_together(ws: Workspace) -> None:
    write(ws.raw / "enquete.csv", "gebied;indicator;jaar;waarde\nLosser;x;2023;5\n")
    report = ingest(ws)
    (outcome,) = report.outcomes
    assert outcome.status == "failed"
    assert [(p.code, p.column) for p in outcome.problems] == [("missing-column", "eenheid")]


def test_xlsx_from_the_template(ws: Workspace) -> None:
    wb = load_workbook(io.BytesIO(template_bytes()))
    sheet = wb["Resultaten"]
    sheet.append(["Tubbergen", "Drugsoverlast", 2023, 3.5, "percent", 1.2, None, None, 410, "Nederland", 4.8])
    sheet.append(["Tubbergen", "Drugsoverlast", 2025, 130, "percent", None, None, None, 410, None, None])
    path = ws.raw / "survey" / "enquete.xlsx"
    path.parent.mkdir()
    wb.save(path)
    report = ingest(ws)
    assert report.outcomes[0].kind == "local"
    assert [(p.code, p.sheet, p.row, p.column) for p in report.rejects] == [
        ("value-out-of-range", "Resultaten", 3, "D (waarde)")
    ]
    (row,) = _rows(ws)
    assert (
        row["area_code"],
        row["value"],
        row["ci_low"],
        row["ci_high"],
        row["respondents"],
        row["source_row"],
    ) == ("GM0183", 3.5, 3.5 - 1.2, 3.5 + 1.2, 410, 2)


def test_template_bytes_are_deterministic() -> None:
    assert template_bytes() == template_bytes()


def test_xlsx_percent_formatted_cells_read_as_shown(ws: Workspace) -> None:
    wb = load_workbook(io.BytesIO(template_bytes()))
    sheet = wb["Resultaten"]
    sheet.append(["Losser", "Drugsoverlast", 2023, 0.35, "percent", 0.021, None, None, 300, "Nederland", 0.4])
    for col in ("D", "F", "K"):
        sheet[f"{col}2"].number_format = "0.0%"
    path = ws.raw / "enquete.xlsx"
    wb.save(path)
    ingest(ws)
    (row,) = _rows(ws)
    assert (row["value"], row["margin"], row["comparison_value"]) == (35.0, 2.1, 40.0)
