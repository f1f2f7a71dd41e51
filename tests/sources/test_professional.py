"""Professional workbooks: template round trip, the messy workbook, bad input with codes and positions."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from inputs_fixtures import messy_workbook, professional_workbook
from ivp_pipeline.catalogue import load_catalogue
from ivp_pipeline.schemas import PROFESSIONAL
from ivp_pipeline.sources import xlsxio
from ivp_pipeline.sources.professional.template import template_bytes
from ivp_pipeline.steps.ingest import ingest
from ivp_pipeline.store import read_dataset
from ivp_pipeline.workspace import Workspace


def _rows(ws: Workspace) -> list[tuple]:
    table = read_dataset(ws.processed, PROFESSIONAL)
    return sorted(
        (r["source_row"], r["municipality"], r["theme"], r["criterion"], r["rating"])
        for r in table.to_pylist()
    )


def test_template_round_trip(ws: Workspace) -> None:
    professional_workbook(
        ws.raw / "professional" / "politie.xlsx",
        [
            ["Dinkelland", "Woninginbraak", 3, 4, 2, 3, "Vooral in het buitengebied."],
            ["Heel Noordoost Twente", "Ondermijning", 4, 5, 4, 5, None],
            ["Losser", "Zorg en veiligheid", None, 3, None, None, None],
        ],
    )
    report = ingest(ws)
    assert [(o.kind, o.status) for o in report.outcomes] == [("professional", "ingested")]
    assert report.rejects == []
    assert _rows(ws) == [
        (8, "GM1774", "woninginbraak", "development", 2),
        (8, "GM1774", "woninginbraak", "seriousness", 4),
        (8, "GM1774", "woninginbraak", "size", 3),
        (8, "GM1774", "woninginbraak", "urgency", 3),
        (9, "NOT", "ondermijning", "development", 4),
        (9, "NOT", "ondermijning", "seriousness", 5),
        (9, "NOT", "ondermijning", "size", 4),
        (9, "NOT", "ondermijning", "urgency", 5),
        (10, "GM0168", "zorg_veiligheid", "seriousness", 3),
    ]
    rows = read_dataset(ws.processed, PROFESSIONAL).to_pylist()
    assert {r["organisation_type"] for r in rows} == {"politie"}
    assert {r["source_sheet"] for r in rows} == {"Invoer"}
    assert len({r["respondent"] for r in rows}) == 1 and rows[0]["respondent"].startswith("r-")
    assert {r["remark"] for r in rows if r["theme"] == "woninginbraak"} == {"Vooral in het buitengebied."}


def test_template_lists_catalogue_and_is_deterministic() -> None:
    data = template_bytes(load_catalogue(None))
    assert data == template_bytes(load_catalogue(None))
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["Toelichting", "Invoer", "Lijsten"]
    assert wb["Lijsten"].sheet_state == "hidden"
    lists = wb["Lijsten"]
    labels = [c.value for c in lists["C"] if c.value]
    ids = [c.value for c in lists["D"] if c.value]
    assert "Ondermijning" in labels and ids[labels.index("Ondermijning")] == "ondermijning"
    assert [c.value for c in lists["A"] if c.value][-1] == "Heel Noordoost Twente"
    formulas = sorted(dv.formula1 for dv in wb["Invoer"].data_validations.dataValidation)
    n = len(load_catalogue(None).themes)
    assert '"1,2,3,4,5"' in formulas and f"Lijsten!$C$1:$C${n}" in formulas


def test_messy_workbook(ws: Workspace) -> None:
    messy_workbook(ws.raw / "professional" / "jongerenwerk.xlsx")
    report = ingest(ws)
    (outcome,) = report.outcomes
    assert (outcome.kind, outcome.status) == ("professional", "ingested")
    assert [(p.code, p.sheet, p.row, p.column) for p in report.rejects] == [
        ("formula-without-value", "Beoordeling", 10, "D (Ernst)")
    ]
    got = {(row, muni, theme): rating for row, muni, theme, crit, rating in _rows(ws) if crit == "size"}
    assert got == {
        (7, "GM0173", "jeugd"): 4,  # 'Oldenzal', '4 - hoog'
        (9, "GM1774", "ondermijning"): 4,  # 'Dinkeland', formula =2+2 with cached value 4
        (10, "GM0168", "drugs_alcohol"): 2,
        (11, "GM0183", "woninginbraak"): 3,
        (12, "GM0183", "geweld"): 2,  # municipality merged down from row 11
        (13, "NOT", "digitale_criminaliteit"): 5,
    }
    ratings = {(r, c): v for r, _, _, c, v in _rows(ws)}
    assert [ratings[(7, c)] for c in ("size", "seriousness", "development", "urgency")] == [4, 4, 3, 4]
    assert [ratings[(9, c)] for c in ("size", "seriousness", "development", "urgency")] == [4, 3, 3, 5]
    assert (10, "seriousness") not in ratings
    rows = read_dataset(ws.processed, PROFESSIONAL).to_pylist()
    assert {r["organisation_type"] for r in rows} == {"jongerenwerk"}
    assert {r["source_sheet"] for r in rows} == {"Beoordeling"}  # the hidden 'Notities' is ignored
    remark = next(r["remark"] for r in rows if r["source_row"] == 7)
    assert remark == "Groep bij het station, bel [verwijderd] [verwijderd]"
    from ivp_pipeline.store import load_manifest

    # the file is known by its hash, never by its (possibly personal) name
    ((name, entry),) = load_manifest(ws.processed)["files"].items()
    assert name.startswith("data/raw/professional/bestand-") and "jongerenwerk" not in name
    assert entry["resolved_names"] == {"Dinkeland": "GM1774", "Oldenzal": "GM0173"}


def test_bad_rows_are_all_reported_with_positions(ws: Workspace) -> None:
    professional_workbook(
        ws.raw / "p.xlsx",
        [
            ["Losser", "Woninginbraak", 6, 0, "3,5", "hoog", None],  # 8
            ["Losser", "Woninginbrak", 3, 3, 3, 3, None],  # 9: unknown theme
            ["Olde", "Geweld", 3, 3, 3, 3, None],  # 10: unknown municipality
            [None, "Geweld", 2, 2, 2, 2, None],  # 11: no municipality
            ["Losser", None, 2, 2, 2, 2, None],  # 12: no theme
            ["Losser", "Geweld", 2, 2, 2, 2, None],  # 13: fine
        ],
    )
    report = ingest(ws)
    got = [(p.code, p.row, p.column, p.value) for p in report.rejects]
    assert got == [
        ("rating-out-of-range", 8, "C (Grootte)", "6"),
        ("rating-out-of-range", 8, "D (Ernst)", "0"),
        ("not-a-rating", 8, "E (Ontwikkeling)", "3,5"),
        ("unknown-theme", 9, "B (Thema)", "Woninginbrak"),
        ("unknown-municipality", 10, "A (Gemeente)", "Olde"),
        ("missing-value", 11, "A (Gemeente)", ""),
        ("missing-value", 12, "B (Thema)", ""),
    ]
    assert "Woninginbraak" in report.rejects[3].hint and "Oldenzaal" in report.rejects[4].hint
    assert _rows(ws) == [
        (8, "GM0168", "woninginbraak", "urgency", 4),  # 'hoog' is 4; the other three were rejected
        (13, "GM0168", "geweld", "development", 2),
        (13, "GM0168", "geweld", "seriousness", 2),
        (13, "GM0168", "geweld", "size", 2),
        (13, "GM0168", "geweld", "urgency", 2),
    ]


def test_missing_sheet(ws: Workspace) -> None:
    wb = load_workbook(io.BytesIO(template_bytes(load_catalogue(None))))
    del wb["Invoer"]
    wb.save(ws.raw / "alleen_toelichting.xlsx")
    (outcome,) = ingest(ws).outcomes
    assert outcome.status == "failed"
    assert [(p.code, p.value) for p in outcome.problems] == [("missing-sheet", "Toelichting, Lijsten")]


def test_missing_columns_and_row_problems_at_once(ws: Workspace) -> None:
    path = professional_workbook(ws.raw / "p.xlsx", [["Losser", "Geweld", 9, 2, 2, None, None]])
    wb = load_workbook(path)
    wb["Invoer"]["F7"] = None  # the Urgentie header removed
    wb.save(path)
    (outcome,) = ingest(ws).outcomes
    assert outcome.status == "failed"
    assert [(p.code, p.sheet, p.row, p.column) for p in outcome.problems] == [
        ("missing-column", "Invoer", 7, "Urgentie"),
        ("rating-out-of-range", "Invoer", 8, "C (Grootte)"),
    ]
    assert not ws.processed.exists()


def test_missing_organisation_type_is_a_file_error(ws: Workspace) -> None:
    professional_workbook(ws.raw / "p.xlsx", [["Losser", "Geweld", 2, 2, 2, 2, None]], org_type=None)
    (outcome,) = ingest(ws).outcomes
    assert [(p.code, p.column) for p in outcome.problems] == [("missing-value", "Type organisatie")]


def test_several_workbooks_of_several_organisations(ws: Workspace) -> None:
    for org in ("politie", "zorg", "jongerenwerk"):
        professional_workbook(
            ws.raw / "professional" / f"{org}.xlsx",
            [["Tubbergen", "Jeugdoverlast en -criminaliteit", 3, 3, 3, 3, None]],
            name=f"Persoon {org}",
            org_type=org,
            email=f"{org}@voorbeeld.invalid",
        )
    report = ingest(ws)
    assert [o.status for o in report.outcomes] == ["ingested"] * 3
    rows = read_dataset(ws.processed, PROFESSIONAL).to_pylist()
    assert len(rows) == 12
    assert {r["organisation_type"] for r in rows} == {"politie", "zorg", "jongerenwerk"}
    assert len({r["respondent"] for r in rows}) == 3


def test_too_large_workbook_is_refused(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    path = professional_workbook(ws.raw / "p.xlsx", [["Losser", "Geweld", 2, 2, 2, 2, None]])
    monkeypatch.setattr(xlsxio, "MAX_UNCOMPRESSED", 1000)
    (outcome,) = ingest(ws, [path]).outcomes
    assert [p.code for p in outcome.problems] == ["too-large"]


def test_not_a_zip_named_xlsx_is_not_read_as_a_workbook(ws: Workspace, tmp_path: Path) -> None:
    (ws.raw / "nep.xlsx").write_text("dit is geen werkmap\n", encoding="utf-8")
    (outcome,) = ingest(ws).outcomes
    assert [p.code for p in outcome.problems] == ["unrecognised-file"]


def test_shared_workbook_with_respondent_columns(ws: Workspace) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    sheet = wb.active
    assert sheet is not None
    sheet.append(
        [
            "Naam",
            "E-mail",
            "Type organisatie",
            "Gemeente",
            "Thema",
            "Omvang",
            "Ernst",
            "Trend",
            "Urgentie",
            "Opmerkingen",
        ]
    )
    sheet.append(
        [
            "Piet Fictief",
            "piet@voorbeeld.invalid",
            "GGD",
            "Losser",
            "Geweld",
            3,
            3,
            3,
            3,
            "Piet Fictief ziet meer meldingen",
        ]
    )
    sheet.append(["Els Proef", "els@voorbeeld.invalid", "school", "Losser", "Geweld", 2, 2, 2, 2, None])
    sheet.append(
        [
            "Els Proef",
            "els@voorbeeld.invalid",
            None,
            "Losser",
            "Jeugdoverlast en -criminaliteit",
            2,
            2,
            2,
            2,
            None,
        ]
    )
    wb.save(ws.raw / "gedeeld.xlsx")
    report = ingest(ws)
    assert [(p.code, p.row, p.column) for p in report.rejects] == [
        ("missing-value", 4, "C (Type organisatie)")
    ]
    rows = read_dataset(ws.processed, PROFESSIONAL).to_pylist()
    assert sorted({(r["source_row"], r["organisation_type"]) for r in rows}) == [
        (2, "zorg"),
        (3, "onderwijs"),
    ]
    assert len({r["respondent"] for r in rows}) == 2
    assert {r["remark"] for r in rows if r["source_row"] == 2} == {"[verwijderd] ziet meer meldingen"}
