"""Local figures (sources/local_figures.py): layout, value states, bad input with positions, template."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from inputs_fixtures import write
from ivp_pipeline.schemas import LOCAL_FIGURES
from ivp_pipeline.sources.local_figures import parse_period
from ivp_pipeline.sources.local_figures_template import template_bytes
from ivp_pipeline.steps.ingest import ingest
from ivp_pipeline.store import read_dataset
from ivp_pipeline.workspace import Workspace

HEADER = "gebied;cijfer;omschrijving;thema;periode;aantal;bron"
ROOT = Path(__file__).resolve().parents[2]


def _csv(*rows: str) -> str:
    return "\n".join([HEADER, *rows]) + "\n"


def _rows(ws: Workspace) -> list[dict]:
    return sorted(read_dataset(ws.processed, LOCAL_FIGURES).to_pylist(), key=lambda r: r["source_row"])


def test_known_and_own_figures_with_value_states(ws: Workspace) -> None:
    write(
        ws.raw / "local_figures" / "cijfers.csv",
        _csv(
            "Oldenzaal;halt;;;2025;41;Halt Oost-Nederland",
            "GM0168;Signalen ondermijning (RIEC);;;2025-K3;.;RIEC",
            "Dinkelland;woonoverlast;Meldingen woonoverlast;;2025-10;onbekend;",
            "Losser;Buurtbemiddeling;Zaken buurtbemiddeling;Leefbaarheid en vernieling;2025;-;gemeente",
            "Losser;bibob;;;2024;1.204;",
        ),
    )
    report = ingest(ws)
    assert [o.kind for o in report.outcomes] == ["local_figures"] and report.rejects == []
    a, b, c, d, e = _rows(ws)
    assert (a["area_code"], a["figure"], a["figure_label"], a["theme"]) == (
        "GM0173",
        "halt",
        "Halt-verwijzingen",
        "jeugd",
    )
    assert (a["period_start"], a["period_kind"], a["value"], a["value_state"], a["supplier"]) == (
        dt.date(2025, 1, 1),
        "year",
        41,
        "observed",
        "Halt Oost-Nederland",
    )
    # a suppressed count is unknown: no value, never 0
    assert (b["figure"], b["theme"], b["period_start"], b["period_kind"]) == (
        "riec",
        "ondermijning",
        dt.date(2025, 7, 1),
        "quarter",
    )
    assert (b["value"], b["value_state"]) == (None, "suppressed")
    assert (c["period_kind"], c["value"], c["value_state"]) == ("month", None, "not_published")
    # an own figure with its theme given by label; "-" is a true zero
    assert (d["figure"], d["figure_label"], d["theme"], d["value"], d["value_state"]) == (
        "buurtbemiddeling",
        "Zaken buurtbemiddeling",
        "leefbaarheid",
        0,
        "zero",
    )
    assert e["value"] == 1204 and e["source_row"] == 6


def test_bad_rows_are_rejected_with_their_position(ws: Workspace) -> None:
    write(
        ws.raw / "local_figures" / "fout.csv",
        _csv(
            "Oldenzaal;halt;;;2025;;",  # empty count: refused, not unknown and not 0
            "Atlantis;halt;;;2025;3;",
            "Losser;halt;;;vorig jaar;3;",
            "Losser;halt;;;2025;-4;",
            "Losser;halt;;;2025;drie;",
            "Losser;eigen telling;;;2025;3;",  # an own figure needs a theme
            "Losser;halt;;Onbekend thema;2025;3;",
            "Tubbergen;halt;;;2025;3;",
            "Tubbergen;halt;;;2025;4;",  # same area, figure and period as row 9
        ),
    )
    report = ingest(ws)
    got = [(p.code, p.row, p.column, p.value) for p in report.rejects]
    assert got == [
        ("missing-value", 2, "aantal", ""),
        ("unknown-region", 3, "gebied", "Atlantis"),
        ("bad-period", 4, "periode", "vorig jaar"),
        ("negative-count", 5, "aantal", "-4"),
        ("not-a-number", 6, "aantal", "drie"),
        ("unknown-theme", 7, "cijfer", "eigen telling"),
        ("unknown-theme", 8, "thema", "Onbekend thema"),
        ("duplicate-row", 10, "cijfer", "halt"),
    ]
    assert all(p.file == "data/raw/local_figures/fout.csv" for p in report.rejects)
    assert [(r["area_code"], r["value"]) for r in _rows(ws)] == [("GM0183", 3)]


def test_missing_column_refuses_the_file(ws: Workspace) -> None:
    wb = load_workbook(io.BytesIO(template_bytes()))
    wb["Cijfers"].delete_cols(6)  # the aantal column
    wb["Cijfers"].append(["Losser", "halt", None, None, 2025, "Halt"])
    path = ws.raw / "local_figures" / "zonder_aantal.xlsx"
    path.parent.mkdir(parents=True)
    wb.save(path)
    report = ingest(ws, keep_going=True)
    (failed,) = report.failed
    (problem,) = failed.problems
    assert (problem.code, problem.sheet, problem.row, problem.column) == (
        "missing-column",
        "Cijfers",
        1,
        "aantal",
    )
    assert read_dataset(ws.processed, LOCAL_FIGURES).num_rows == 0


def test_periods() -> None:
    assert parse_period("2025") == (dt.date(2025, 1, 1), "year")
    assert parse_period("2025 Q4") == (dt.date(2025, 10, 1), "quarter")
    assert parse_period("2025-k2") == (dt.date(2025, 4, 1), "quarter")
    assert parse_period("2025-03") == (dt.date(2025, 3, 1), "month")
    with pytest.raises(ValueError):
        parse_period("2025-13")


def test_template_round_trip(ws: Workspace) -> None:
    data = template_bytes(themes={"jeugd": "Jeugdoverlast en -criminaliteit", "ondermijning": "Ondermijning"})
    assert data == template_bytes(
        themes={"jeugd": "Jeugdoverlast en -criminaliteit", "ondermijning": "Ondermijning"}
    )
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["Toelichting", "Cijfers", "Lijsten"]
    info = wb["Toelichting"]
    assert all(c.alignment.wrap_text for row in info.iter_rows() for c in row if c.value)
    sheet = wb["Cijfers"]
    assert [c.value for c in sheet[1]] == [
        "gebied",
        "cijfer",
        "omschrijving",
        "thema",
        "periode",
        "aantal",
        "bron",
    ]
    assert [wb["Lijsten"].cell(r, 2).value for r in range(1, 6)] == [
        "halt",
        "riec",
        "bibob",
        "woonoverlast",
        "jongerenwerk",
    ]
    sheet.append(["Oldenzaal", "halt", None, None, 2025, 41, "Halt"])
    sheet.append(
        [
            "Tubbergen",
            "jongerenwerk",
            None,
            "Jeugdoverlast en -criminaliteit",
            dt.datetime(2025, 10, 1),
            ".",
            None,
        ]
    )
    path = ws.raw / "local_figures" / "ingevuld.xlsx"
    path.parent.mkdir(parents=True)
    wb.save(path)
    report = ingest(ws)
    assert report.rejects == []
    a, b = _rows(ws)
    assert (a["area_code"], a["figure"], a["value"], a["source_row"]) == ("GM0173", "halt", 41, 2)
    assert (b["figure"], b["period_start"], b["period_kind"], b["value_state"], b["theme"]) == (
        "jongerenwerk",
        dt.date(2025, 10, 1),
        "month",
        "suppressed",
        "jeugd",
    )


def test_sample_ingests_without_rejects(ws: Workspace) -> None:
    sample = ROOT / "data" / "raw" / "local_figures" / "lokale_cijfers_voorbeeld.csv"
    write(ws.raw / "local_figures" / sample.name, sample.read_text(encoding="utf-8"))
    report = ingest(ws)
    assert report.rejects == []
    rows = _rows(ws)
    assert len(rows) == 40
    unknown = [(r["figure"], r["value_state"]) for r in rows if r["value"] is None]
    assert unknown == [("halt", "suppressed"), ("riec", "not_published")]
