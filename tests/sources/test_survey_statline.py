"""Veiligheidsmonitor StatLine CSV: Marges, topic-path headers, regions, suppressed and provisional values."""

from __future__ import annotations

from pathlib import Path

import pytest

from inputs_fixtures import H_ALG, H_BUURT, H_CIJFER, VM_CSV, write
from ivp_pipeline.schemas import SURVEY
from ivp_pipeline.sources.survey import statline as survey_statline
from ivp_pipeline.sources.survey.common import path_id, resolve_area
from ivp_pipeline.steps.ingest import ingest
from ivp_pipeline.store import read_dataset
from ivp_pipeline.workspace import Workspace

GENUINE = Path("/work/shared/reference/downloads/statline-vm-2019_81877NED_a.csv")
ID_BUURT = "onveiligheidsbeleving.buurt.onveiligheidsgevoelens.voelt_zich_wel_eens_onveilig_in_buurt"
ID_CIJFER = "onveiligheidsbeleving.buurt.beoordeling_criminaliteit.rapportcijfer_veiligheid_in_buurt"


def _rows(ws: Workspace) -> list[dict]:
    table = read_dataset(ws.processed, SURVEY)
    return sorted(table.to_pylist(), key=lambda r: (r["source_row"], r["indicator"]))


def test_header_splits_into_id_label_unit_stable_across_spaces() -> None:
    ind = survey_statline.parse_header(H_CIJFER, 5)
    assert (ind.id, ind.label, ind.unit) == (ID_CIJFER, "Rapportcijfer veiligheid in buurt", "rapportcijfer")
    squeezed = survey_statline.parse_header(H_CIJFER.replace("  ", " "), 5)
    assert squeezed.id == ind.id
    assert survey_statline.parse_header(H_BUURT, 4).id == ID_BUURT
    assert survey_statline.parse_header(H_ALG, 3).unit == "percent"
    bulk = survey_statline.parse_header("RapportcijferVeiligheidInBuurt_7", 3)
    assert (bulk.id, bulk.unit) == ("rapportcijfer_veiligheid_in_buurt", "rapportcijfer")
    assert path_id(["(On)veiligheidsbeleving ", "Buurt"]) == "onveiligheidsbeleving.buurt"


def test_vm_csv_values_bounds_regions_and_rejects(ws: Workspace) -> None:
    write(ws.raw / "survey" / "vm_81877NED.csv", VM_CSV)
    report = ingest(ws)
    assert [o.status for o in report.outcomes] == ["ingested"]
    assert report.outcomes[0].kind == "veiligheidsmonitor"
    assert [(p.code, p.row, p.column, p.value) for p in report.rejects] == [
        ("unknown-region", 6, "Regio's", "Atlantis (PV)")
    ]
    rows = _rows(ws)
    nl = next(r for r in rows if r["area_code"] == "NL01" and r["indicator"] == ID_BUURT)
    assert (nl["value"], nl["ci_low"], nl["ci_high"], nl["margin"]) == (14.2, 13.9, 14.5, pytest.approx(0.3))
    assert (nl["year"], nl["period_status"], nl["table_id"], nl["source_kind"]) == (
        2019,
        "final",
        "81877NED",
        "veiligheidsmonitor",
    )
    assert nl["source_row"] == 2 and nl["unit"] == "percent" and nl["respondents"] is None
    pv = [r for r in rows if r["area_code"] == "PV23"]
    assert {(r["year"], r["period_status"]) for r in pv} == {(2025, "provisional")}
    assert all(r["ci_low"] is None for r in pv)
    bt = {r["indicator"]: r for r in rows if r["area_code"] == "BT_NOT"}
    assert (bt[ID_BUURT]["value"], bt[ID_BUURT]["value_state"]) == (None, "suppressed")
    assert (bt[ID_CIJFER]["value"], bt[ID_CIJFER]["ci_low"], bt[ID_CIJFER]["ci_high"]) == (7.8, 7.6, 8.0)
    assert bt[ID_CIJFER]["area_level"] == "basisteam" and bt[ID_CIJFER]["municipality"] == "BT_NOT"
    assert {r["area_code"] for r in rows} == {"NL01", "PV23", "BT_NOT", "PV21"}  # Friesland (PV) -> PV21
    assert (ws.processed / "survey" / "municipality=BT_NOT" / "part-0.parquet").exists()


def test_bad_numbers_ranges_intervals_and_orphan_bounds(ws: Workspace) -> None:
    text = (
        f'"Marges";"Perioden";"Regio\'s";"{H_BUURT}";"{H_CIJFER}"\n'
        '"Waarde";"2021";"Nederland";abc;11,5\n'  # 2: not a number; rapportcijfer above 10
        '"Waarde";"2023";"Nederland";15;7\n'  # 3
        '"Waarde";"20x3";"Nederland";15;7\n'  # 4: bad period
        '"Ondergrens 95%-interval";"2023";"Nederland";16;6,9\n'  # 5: interval above value
        '"Bovengrens 95%-interval";"2023";"Nederland";18;7,1\n'  # 6
        '"Ondergrens 95%-interval";"2019";"Nederland";1;1\n'  # 7: no value row
        '"Gemiddelde";"2019";"Nederland";1;1\n'  # 8: unknown margin member
    )
    write(ws.raw / "vm.csv", text)
    report = ingest(ws)
    got = sorted((p.code, p.row, p.column) for p in report.rejects)
    assert got == sorted(
        [
            ("not-a-number", 2, H_BUURT),
            ("value-out-of-range", 2, H_CIJFER),
            ("bad-period", 4, "Perioden"),
            ("interval-excludes-value", 3, H_BUURT),
            ("bound-without-value", 7, "Marges"),
            ("unknown-margin", 8, "Marges"),
        ]
    )
    rows = _rows(ws)
    assert [(r["year"], r["indicator"], r["ci_low"], r["ci_high"]) for r in rows] == [
        (2023, ID_CIJFER, 6.9, 7.1)
    ]


def test_missing_dimension_column_is_a_file_error(ws: Workspace) -> None:
    write(ws.raw / "vm.csv", f'"Marges";"Perioden";"{H_BUURT}"\n"Waarde";"2019";12\n')
    report = ingest(ws)
    assert report.outcomes[0].status == "failed"
    assert [(p.code, p.column) for p in report.outcomes[0].problems] == [("missing-column", "Regio's")]
    assert not ws.processed.exists()


def test_codes_in_bulk_shape(ws: Workspace) -> None:
    text = (
        "ID;Marges;RegioS;Perioden;VoeltZichWelEensOnveiligInBuurt_2\n"
        "0;MW00000;PV23  ;2019JJ00;13,3\n"
        "1;MOG0095;PV23  ;2019JJ00;12,1\n"
        "2;MBG0095;PV23  ;2019JJ00;14,5\n"
    )
    write(ws.raw / "vm_bulk.csv", text)
    ingest(ws)
    (row,) = _rows(ws)
    assert (row["area_code"], row["year"], row["value"], row["ci_low"], row["ci_high"]) == (
        "PV23",
        2019,
        13.3,
        12.1,
        14.5,
    )
    assert row["indicator"] == "voelt_zich_wel_eens_onveilig_in_buurt" and row["unit"] == "percent"


@pytest.mark.skipif(not GENUINE.exists(), reason="the genuine download is not available here")
def test_genuine_download_ingests(ws: Workspace) -> None:
    (ws.raw / "survey").mkdir()
    target = ws.raw / "survey" / GENUINE.name
    target.write_bytes(GENUINE.read_bytes())
    report = ingest(ws)
    assert [o.status for o in report.outcomes] == ["ingested"] and report.rejects == []
    rows = _rows(ws)
    assert len(rows) == 65 * 7
    fries = [
        r for r in rows if r["area_code"] == "PV21" and r["year"] == 2013 and r["indicator"] == ID_CIJFER
    ]
    assert fries[0]["value"] == 7.5


def test_statline_breakdown_dimension_keeps_totals(ws: Workspace) -> None:
    header = (
        '"Marges";"Persoonskenmerken";"Perioden";"Regio\'s";"Onveiligheid/Voelt zich wel eens onveilig (%)"'
    )
    write(
        ws.raw / "vm.csv",
        "\n".join(
            [
                header,
                '"Waarde";"Totaal personen";"2023";"Nederland";35,1',
                '"Waarde";"Geslacht: Mannen";"2023";"Nederland";30',
            ]
        )
        + "\n",
    )
    report = ingest(ws)
    assert report.rejects == []
    (row,) = _rows(ws)
    assert (row["indicator"], row["value"]) == ("onveiligheid.voelt_zich_wel_eens_onveilig", 35.1)


def test_region_labels_with_level_suffixes() -> None:
    assert resolve_area("Noordoost-Twente (BT)").code == "BT_NOT"  # type: ignore[union-attr]
    assert resolve_area("Basisteam Noordoost-Twente").code == "BT_NOT"  # type: ignore[union-attr]
    assert resolve_area("Oost-Nederland (LD)").code == "LD02"  # type: ignore[union-attr]
    assert resolve_area("Oost-Nederland (RE)").code == "RE02"  # type: ignore[union-attr]
    assert resolve_area("Tubbergen").code == "GM0183"  # type: ignore[union-attr]
    assert resolve_area("Atlantis (PV)") is None
