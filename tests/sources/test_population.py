"""Population: CBS 03759ned and 85984NED bulk CSV, and the simple CSV in Dutch or English."""

from __future__ import annotations

from inputs_fixtures import write
from ivp_pipeline.schemas import POPULATION
from ivp_pipeline.steps.ingest import ingest
from ivp_pipeline.store import read_dataset
from ivp_pipeline.workspace import Workspace


def _rows(ws: Workspace) -> list[tuple]:
    table = read_dataset(ws.processed, POPULATION)
    return sorted(
        (r["area_code"], r["year"], r["age_band"], r["inhabitants"], r["municipality"])
        for r in table.to_pylist()
    )


def test_bulk_03759_reads_the_totals_only(ws: Workspace) -> None:
    write(
        ws.raw / "population" / "03759ned.csv",
        "\ufeff"
        + "\n".join(
            [
                "ID;Geslacht;Leeftijd;BurgerlijkeStaat;RegioS;Perioden;BevolkingOp1Januari_1",
                "0;T001038;10000;T001019;GM1774  ;2024JJ00;   26735",
                "1;3000   ;10000;T001019;GM1774  ;2024JJ00;   13400",  # men: not read
                "2;T001038;10000;T001019;PV23    ;2024JJ00; 1178000",
                "3;T001038;10000;T001019;NL01    ;2024JJ00;17942000",
                "4;T001038;10000;T001019;GM0168  ;2024JJ00;       .",  # unknown: rejected, not zero
                "5;T001038;10000;T001019;GM9999  ;2024JJ00;     100",  # unknown region
            ]
        )
        + "\n",
    )
    report = ingest(ws)
    assert report.outcomes[0].kind == "population"
    assert [(p.code, p.row, p.column) for p in report.rejects] == [
        ("missing-value", 6, "BevolkingOp1Januari_1"),
        ("unknown-region", 7, "RegioS"),
    ]
    assert _rows(ws) == [
        ("GM1774", 2024, "totaal", 26735, "GM1774"),
        ("NL01", 2024, "totaal", 17942000, "NL01"),
        ("PV23", 2024, "totaal", 1178000, "PV23"),
    ]


def test_bulk_85984_municipal_rows(ws: Workspace) -> None:
    write(
        ws.raw / "85984NED_kwb.csv",
        "\n".join(
            [
                "ID;WijkenEnBuurten;Gemeentenaam_1;SoortRegio_2;Codering_3;IndelingswijzigingWijkenEnBuurten_4;"
                "AantalInwoners_5",
                "0;NL00      ;Nederland;Land;NL00;.;17942942",
                "1;GM0173    ;Oldenzaal;Gemeente;GM0173;.;31780",
                "2;WK017301  ;Oldenzaal;Wijk;WK017301;1;2100",
            ]
        )
        + "\n",
    )
    ingest(ws)
    assert _rows(ws) == [
        ("GM0173", 2024, "totaal", 31780, "GM0173"),
        ("NL01", 2024, "totaal", 17942942, "NL01"),
    ]


def test_simple_csv_dutch_semicolon(ws: Workspace) -> None:
    write(
        ws.raw / "bevolking.csv",
        "gemeente;jaar;inwoners;leeftijd\n"
        "Losser;2024;23.385;totaal\nLosser;2024;1684;12 t/m 17\n"
        "Overijssel;2023;1175000;\nAtlantis;2023;5;\nTubbergen;2023;21,4;\n"
        "Losser;2024;23385;\n",
    )
    report = ingest(ws)
    assert [(p.code, p.row, p.column, p.value) for p in report.rejects] == [
        ("unknown-region", 5, "gemeente", "Atlantis"),
        ("not-a-number", 6, "inwoners", "21,4"),
        ("duplicate-row", 7, "inwoners", "GM0168"),
    ]
    assert _rows(ws) == [
        ("GM0168", 2024, "12-17", 1684, "GM0168"),
        ("GM0168", 2024, "totaal", 23385, "GM0168"),
        ("PV23", 2023, "totaal", 1175000, "PV23"),
    ]


def test_simple_csv_english_comma(ws: Workspace) -> None:
    write(ws.raw / "population.csv", "area,year,inhabitants\nGM1774,2025,26800\nNederland,2025,18000000\n")
    ingest(ws)
    assert _rows(ws) == [
        ("GM1774", 2025, "totaal", 26800, "GM1774"),
        ("NL01", 2025, "totaal", 18000000, "NL01"),
    ]
