"""The three police readers on fixtures in the real shapes: values, roll-up, periods, areas, rejects."""

from __future__ import annotations

import json
from datetime import date

import numpy as np
import pytest

from ivp_pipeline.problems import IvpError
from ivp_pipeline.sources import ReadContext, Source, detect
from ivp_pipeline.sources.police.table import _dense_order
from police_fixtures import BULK, CBS_OWN, ODATA_ROWS, PORTAL, STATLINE, odata_text, read, rows, write


def _pick(table_rows, *keys):
    return [tuple(r[k] for k in keys) for r in table_rows]


def test_bulk_csv(ws):
    table, ctx, kind = read(ws, write(ws, "bulk.csv", BULK))
    assert kind == "police-bulk-csv" and ctx.rejects == [] and ctx.rows_read == 7
    got = rows(table)
    assert _pick(got, "source_row", "municipality", "area_code", "area_level", "offence_code", "is_rollup",
                 "period_start", "period_kind", "value", "value_state") == [
        (2, "GM1774", "GM1774", "gemeente", "0.0.0", True, date(2024, 1, 1), "month", 14, "observed"),
        (3, "GM1774", "GM1774", "gemeente", "1.1.1", False, date(2024, 1, 1), "month", 2, "observed"),
        (4, "GM1774", "GM1774", "gemeente", "1.4.1", False, date(2024, 1, 1), "month", None,
         "not_applicable"),
        (5, "PV23", "PV23", "provincie", "1.1.1", False, date(2024, 1, 1), "month", None, "suppressed"),
        (6, "NL01", "NL01", "land", "1.1.1", False, date(2024, 1, 1), "month", 0, "zero"),
        (7, "GM0168", "GM0168", "gemeente", "2.6.10", False, date(2024, 1, 1), "quarter", 3, "observed"),
        (8, "RE02", "RE02", "regionale_eenheid", "1.1.1", False, date(2024, 1, 1), "year", 120, "observed"),
    ]  # fmt: skip
    assert {r["period_status"] for r in got} == {"unknown"}  # a bulk file does not say
    assert {r["measure"] for r in got} == {"crime"} and {r["table_id"] for r in got} == {None}
    assert got[1]["offence_label"] == "1.1.1 Diefstal/inbraak woning"
    assert ctx.meta["period_first"] == "2024-01-01" and ctx.meta["period_kinds"] == [
        "month",
        "quarter",
        "year",
    ]
    assert ctx.meta["area_levels"] == ["gemeente", "land", "provincie", "regionale_eenheid"]


def test_bulk_table_id_from_provenance_sidecar(ws):
    path = write(ws, "bulk.csv", BULK)
    path.with_name("bulk.csv.provenance.json").write_text(json.dumps({"table_id": "47013NED"}))
    table, _ctx, _kind = read(ws, path)
    assert set(table["table_id"].to_pylist()) == {"47013NED"}


def test_period_status_from_the_perioden_status_recorded_by_fetch(ws):
    path = write(ws, "bulk.csv", BULK)
    sidecar = {
        "table_id": "47013NED",
        "period_status": {"2024MM01": "Voorlopig", "2024KW01": "Nader voorlopig"},
    }
    path.with_name("bulk.csv.provenance.json").write_text(json.dumps(sidecar))
    table, _ctx, _kind = read(ws, path)
    got = {(r["period_kind"], r["period_status"]) for r in rows(table)}
    assert got == {("month", "provisional"), ("quarter", "further_provisional"), ("year", "unknown")}


def test_bulk_overlast_and_wijken(ws):
    text = ("ID;Overlast;WijkenEnBuurten;Perioden;GeregistreerdeOverlast_1\n"
            "0;E35   ;WK016801  ;2023MM07;       6\n1;0.0.0 ;BU17741510;2023MM07;       9\n")  # fmt: skip
    table, _ctx, _kind = read(ws, write(ws, "o.csv", text))
    assert _pick(rows(table), "measure", "offence_code", "area_level", "municipality", "value") == [
        ("overlast", "E35", "wijk", "GM0168", 6), ("overlast", "0.0.0", "buurt", "GM1774", 9)]  # fmt: skip


def test_bulk_rejects_carry_exact_lines(ws):
    text = BULK + (
        "7;9.9.9 ;GM1774;2024MM01;       1\n"  # line 9: unknown code
        "8;1.1.1 ;GM1774;2024MM13;       1\n"  # line 10: invalid period
        "9;1.1.1 ;GM9999;2024MM01;       1\n"  # line 11: unknown region
        "10;1.1.1 ;GM1774;2024MM02;   1.234\n"  # line 12: thousands separator
        "11;1.1.1 ;GM1774;2024MM03\n"  # line 13: missing field
        "\n"  # line 14: blank, skipped
        "12;1.1.1 ;GM1774;2024MM04;      -2\n"  # line 15: negative
        "13;1.1.1 ;GM1774;2024MM01;       5\n"  # line 16: same key as line 3
        "14;1.1.1 ;GM1774;2024MM05;       4\n"  # line 17: fine
        "15;1.1.1 ;GM17"  # line 18: cut off without a newline
    )
    table, ctx, _kind = read(ws, write(ws, "bad.csv", text))
    assert [(p.code, p.row, p.column, p.value) for p in ctx.rejects] == [
        ("unknown-code", 9, "SoortMisdrijf", "9.9.9 "),
        ("invalid-period", 10, "Perioden", "2024MM13"),
        ("unknown-region", 11, "RegioS", "GM9999"),
        ("not-a-number", 12, "GeregistreerdeMisdrijven_1", "   1.234"),
        ("missing-field", 13, "", "11;1.1.1 ;GM1774;2024MM03"),
        ("negative-count", 15, "GeregistreerdeMisdrijven_1", "      -2"),
        ("duplicate-row", 16, "RegioS", "GM1774 1.1.1 2024MM01"),
        ("truncated-row", 18, "", "15;1.1.1 ;GM17"),
    ]
    assert all(p.file == "data/raw/police/bad.csv" for p in ctx.rejects)
    assert ctx.rows_read == 16  # 17 lines, one of them blank
    assert 17 in table["source_row"].to_pylist() and table.num_rows == 8
    row3 = [r for r in rows(table) if r["source_row"] == 3]
    assert row3[0]["value"] == 2  # the first of two rows with one key wins


def test_cbs_own_crime_table_is_refused(ws):
    with pytest.raises(IvpError) as exc:
        read(ws, write(ws, "cbs.csv", CBS_OWN))
    problem = exc.value.problem
    assert problem.code == "not-a-police-table" and problem.file == "data/raw/police/cbs.csv"
    assert "SoortDiefstal" in problem.message


def test_bulk_missing_count_column(ws):
    with pytest.raises(IvpError) as exc:
        read(
            ws,
            write(ws, "m.csv", "ID;SoortMisdrijf;RegioS;Perioden;Aangiften_2\n0;0.0.0 ;GM1774;2024MM01;1\n"),
        )
    assert exc.value.problem.code == "missing-column"
    assert exc.value.problem.column == "GeregistreerdeMisdrijven_1"


def test_odata_page(ws):
    table, ctx, kind = read(ws, write(ws, "o.json", odata_text()))
    assert kind == "police-odata-json" and ctx.rejects == []
    got = rows(table)
    assert _pick(got, "source_row", "area_code", "area_level", "municipality", "offence_code", "is_rollup",
                 "value", "value_state") == [
        (1, "GM1774", "gemeente", "GM1774", "0.0.0", True, 31, "observed"),
        (2, "WK177410", "wijk", "GM1774", "E35", False, 4, "observed"),
        (3, "BU17741021", "buurt", "GM1774", "E33", False, None, "suppressed"),
        (4, "NL01", "land", "NL01", "M22", False, 0, "observed"),
    ]  # fmt: skip
    assert {r["table_id"] for r in got} == {"47024NED"} and {r["measure"] for r in got} == {"overlast"}
    assert ctx.meta["table_id"] == "47024NED"


def test_odata_array_of_pages(ws):
    pages = [
        {"odata.metadata": "x", "value": ODATA_ROWS[:2],
         "odata.nextLink": "https://dataderden.cbs.nl/ODataFeed/OData/47024NED/TypedDataSet?$skip=2"},
        {"value": ODATA_ROWS[2:]},
    ]  # fmt: skip
    table, ctx, _kind = read(ws, write(ws, "pages.json", json.dumps(pages)))
    assert table.num_rows == 4 and ctx.meta["table_id"] == "47024NED"
    assert sorted(table["source_row"].to_pylist()) == [1, 2, 3, 4]


def test_odata_bad_rows(ws):
    bad = [
        dict(ODATA_ROWS[0], Perioden="2024KW05"),
        dict(ODATA_ROWS[1], GeregistreerdeOverlast_1="12a"),
        {k: v for k, v in ODATA_ROWS[2].items() if k != "Overlast"},
        dict(ODATA_ROWS[3], Overlast="Z99   "),
    ]
    _table, ctx, _kind = read(ws, write(ws, "bad.json", odata_text(bad)))  # fmt: skip
    assert [(p.code, p.row, p.column) for p in ctx.rejects] == [
        ("invalid-period", 1, "Perioden"),
        ("not-a-number", 2, "GeregistreerdeOverlast_1"),
        ("missing-field", 3, "Overlast"),
        ("unknown-code", 4, "Overlast"),
    ]


def test_odata_of_a_cbs_table_is_refused(ws):
    meta = "https://opendata.cbs.nl/ODataApi/OData/83651NED/$metadata#Cbs.OData.WebAPI.TypedDataSet"
    rows_ = [{"ID": 0, "SoortDiefstal": "CRI1122", "RegioS": "GM1680", "Perioden": "2018JJ00",
              "TotaalGeregistreerdeDiefstallen_1": 25}]  # fmt: skip
    with pytest.raises(IvpError) as exc:
        read(ws, write(ws, "cbs.json", odata_text(rows_, meta)))
    assert exc.value.problem.code == "not-a-police-table" and exc.value.problem.value == "83651NED"


def test_truncated_json(ws):
    text = odata_text()
    with pytest.raises(IvpError) as exc:
        read(ws, write(ws, "cut.json", text[: len(text) // 2]))
    assert exc.value.problem.code == "truncated-file" and exc.value.problem.row == 1


def test_portal_csv(ws):
    table, ctx, kind = read(ws, write(ws, "Misdrijven_28112026_101500.csv", PORTAL))
    assert kind == "police-labels-csv" and ctx.meta["kind_detail"] == "police-portal-csv"
    assert ctx.rejects == []
    got = rows(table)
    assert _pick(got, "source_row", "area_code", "area_level", "offence_code", "period_start", "period_kind",
                 "period_status", "value", "value_state") == [
        (2, "GM1774", "gemeente", "0.0.0", date(2024, 1, 1), "year", "final", 127, "observed"),
        (3, "WK177410", "wijk", "1.2.3", date(2024, 1, 1), "year", "final", 30, "observed"),
        (4, "WK177410", "wijk", "1.1.1", date(2025, 1, 1), "year", "provisional", None, "suppressed"),
        (5, "BU17741510", "buurt", "1.1.1", date(2025, 1, 1), "month", "further_provisional", 0, "zero"),
        (6, "GM0168", "gemeente", "0.0.0", date(2024, 1, 1), "quarter", "final", 5, "observed"),
    ]  # fmt: skip
    assert got[0]["is_rollup"] and not got[1]["is_rollup"]


def test_statline_2019_csv(ws):
    table, ctx, _kind = read(ws, write(ws, "statline.csv", STATLINE))
    assert ctx.meta["kind_detail"] == "police-statline-csv" and ctx.rejects == []
    assert _pick(rows(table), "municipality", "area_level", "offence_code", "value", "value_state") == [
        ("NL01", "land", "0.0.0", 768099, "observed"),
        ("PV21", "provincie", "0.0.0", 21705, "observed"),
        ("PV23", "provincie", "2.5.2", 2309, "observed"),
        ("RE02", "regionale_eenheid", "2.5.2", None, "not_applicable"),
    ]


@pytest.mark.parametrize("delimiter", [";", ","])
def test_cp1252_file_resaved_by_excel(ws, delimiter):
    lines = [
        delimiter.join(["Soort misdrijf", "Perioden", "Regio's", "Geregistreerde misdrijven (aantal)"]),
        delimiter.join(["Totaal misdrijven", "2018", "Fryslân (PV)", "21705"]),
        delimiter.join(['"1.2.3 Diefstal van brom-, snor-, fietsen"', "2018", "Overijssel (PV)", "1234"]),
    ]
    table, ctx, _kind = read(ws, write(ws, "excel.csv", "\r\n".join(lines) + "\r\n", encoding="cp1252"))
    assert ctx.rejects == []
    assert _pick(rows(table), "area_code", "area_name", "offence_code", "value") == [
        ("PV21", "Fryslân (PV)", "0.0.0", 21705), ("PV23", "Overijssel (PV)", "1.2.3", 1234)]  # fmt: skip


def test_woonplaats_portal_file(ws):
    text = BOM_PLAATSEN = (
        '\ufeff"Soort misdrijf";"Plaatsen";"Perioden";"Geregistreerde misdrijven (aantal)"\r\n'
        '"1.2.3 Diefstal van brom-, snor-, fietsen";"Amsterdam";"2024";"   11875"\r\n'
        '"1.2.3 Diefstal van brom-, snor-, fietsen";"Denekamp";"2024";"       9"\r\n'
        '"1.2.3 Diefstal van brom-, snor-, fietsen";"Beuningen";"2024";"       1"\r\n'
        '"1.2.3 Diefstal van brom-, snor-, fietsen";"Atlantis";"2024";"       1"\r\n'
    )
    assert BOM_PLAATSEN
    table, ctx, _kind = read(ws, write(ws, "plaatsen.csv", text))
    assert _pick(rows(table), "municipality", "area_code", "area_level") == [
        ("GM0363", "WP-GM0363-Amsterdam", "woonplaats"),
        ("GM1774", "WP-GM1774-Denekamp", "woonplaats"),
    ]
    assert [(p.code, p.row, p.column, p.value) for p in ctx.rejects] == [
        ("ambiguous-region", 4, "Plaatsen", "Beuningen"),
        ("unknown-region", 5, "Plaatsen", "Atlantis"),
    ]


def test_labels_bad_rows(ws):
    text = PORTAL + "\r\n".join([
        '"2024";"Dinkelland";"   abc";"Totaal misdrijven"',  # line 7
        '"2024 januarie";"Dinkelland";"       1";"Totaal misdrijven"',  # line 8
        '"2024";"Dinkelland";"       1"',  # line 9: a field missing
        '"2024";"Dinkelland";"       1";"9.9.9 Verzonnen"',  # line 10
        '"2024";"Dinkelland";"       2";"Totaal misdrijven"',  # line 11: same key as line 2
        '"2024";"Dinkel',  # line 12: unterminated quote at the end
    ]) + "\r\n"  # fmt: skip
    _table, ctx, _kind = read(ws, write(ws, "bad.csv", text))
    assert [(p.code, p.row, p.column) for p in ctx.rejects] == [
        ("not-a-number", 7, "Geregistreerde misdrijven (aantal)"),
        ("invalid-period", 8, "Perioden"),
        ("missing-field", 9, ""),
        ("unknown-code", 10, "Soort misdrijf"),
        ("duplicate-row", 11, "Wijken en buurten"),
        ("truncated-row", 12, ""),
    ]


def test_labels_missing_column_and_not_police(ws):
    with pytest.raises(IvpError) as exc:
        read(
            ws,
            write(
                ws, "a.csv", '"Soort misdrijf";"Perioden";"Geregistreerde misdrijven (aantal)"\n"a";"b";1\n'
            ),
        )
    assert exc.value.problem.code == "missing-column" and "Regio" in exc.value.problem.column
    with pytest.raises(IvpError) as exc:
        header = '"Soort diefstal";"Perioden";"Regio\'s";"Totaal geregistreerde diefstallen (aantal)"'
        read(ws, write(ws, "b.csv", header + '\n"x";"2018";"Nederland";25\n'))
    assert exc.value.problem.code == "not-a-police-table"


def test_wrong_encoding_and_unrecognised(ws):
    with pytest.raises(IvpError) as exc:
        read(ws, write(ws, "u16.csv", STATLINE.encode("utf-16")))
    assert exc.value.problem.code == "wrong-encoding"
    with pytest.raises(IvpError) as exc:
        read(ws, write(ws, "notes.csv", "naam;telefoon\nJan;0612345678\n"))
    assert exc.value.problem.code == "unrecognised-file" and exc.value.problem.value == "naam;telefoon"


@pytest.mark.parametrize("stray", [b"\xe9", b"\x81"])
def test_bulk_stray_byte_beyond_the_sniffed_sample(ws, stray):
    body = "".join(f"{i};1.1.1 ;GM1774;{2000 + i // 12}MM{i % 12 + 1:02d};       1\n" for i in range(2500))
    data = BULK.encode("utf-8") + body.encode("ascii") + b"9999;1.1.1 ;GM1774;2024MM11;" + stray + b"\n"
    assert len(data) > 64 * 1024
    with pytest.raises(IvpError) as exc:
        read(ws, write(ws, "late.csv", data))
    assert exc.value.problem.code == "wrong-encoding"


def test_labels_pick_the_count_not_a_derived_topic(ws):
    text = (
        '"Soort registratie overlast";"Perioden";"Regio\'s";"Geregistreerde overlast per 1000 inwoners";'
        '"Geregistreerde overlast (aantal)"\n'
        '"Overlast door verward persoon";"2024";"Losser";1.5;35\n'
    )
    table, ctx, _kind = read(ws, write(ws, "overlast.csv", text))
    assert ctx.rejects == []
    assert _pick(rows(table), "measure", "offence_code", "area_code", "value") == [
        ("overlast", "E33", "GM0168", 35)
    ]


# --- issue 11: every police shape with and without quotes, BOM, CRLF; errors that name the line ----

import csv as _csv  # noqa: E402
import io as _io  # noqa: E402


def _reshape(text: str, quoting: str, bom: bool, eol: str) -> str:
    """The same records written again: every field quoted, none quoted, or as they were."""
    body = text.removeprefix("\ufeff")
    if quoting == "all":
        records = list(_csv.reader(_io.StringIO(body, newline=""), delimiter=";"))
        lines = [";".join(f'"{f}"' for f in rec) for rec in records]
    elif quoting == "none":
        records = list(_csv.reader(_io.StringIO(body, newline=""), delimiter=";"))
        lines = [";".join(rec) for rec in records]
    else:
        lines = body.splitlines()
    return ("\ufeff" if bom else "") + eol.join(lines) + eol


_CANON = ("area_code", "offence_code", "period_start", "period_kind", "period_status", "value", "value_state")


@pytest.mark.parametrize("eol", ["\n", "\r\n"])
@pytest.mark.parametrize("bom", [True, False])
@pytest.mark.parametrize("quoting", ["as-is", "all", "none"])
@pytest.mark.parametrize("shape", ["bulk", "portal", "statline"])
def test_every_police_shape_with_and_without_quotes_bom_and_crlf(ws, shape, quoting, bom, eol):
    original = {"bulk": BULK, "portal": PORTAL, "statline": STATLINE}[shape]
    expected, _ctx, kind = read(ws, write(ws, "original.csv", original))
    table, ctx, got_kind = read(ws, write(ws, "variant.csv", _reshape(original, quoting, bom, eol)))
    assert got_kind == kind and ctx.rejects == []
    assert _pick(rows(table), *_CANON) == _pick(rows(expected), *_CANON)
    assert table.num_rows == expected.num_rows > 0


def test_quoted_cbs_bulk_csv_as_the_csv_export_writes_it(ws):
    text = (
        "\ufeffID;SoortMisdrijf;RegioS;Perioden;GeregistreerdeMisdrijven_1\n"
        '0;"0.0.0 ";"NL01  ";"2015MM01";"   59876"\n'
        '1;"1.1.1 ";"GM1774";"2015MM01";"       ."\n'
    )
    table, ctx, kind = read(ws, write(ws, "47013NED_quoted.csv", text))
    assert kind == "police-bulk-csv" and ctx.rejects == []
    assert _pick(rows(table), "area_code", "offence_code", "value", "value_state") == [
        ("NL01", "0.0.0", 59876, "observed"),
        ("GM1774", "1.1.1", None, "suppressed"),
    ]


def test_bulk_file_whose_every_row_is_rejected_gives_rejects_not_a_traceback(ws):
    text = BULK.splitlines(keepends=True)[0] + "0;9.9.9 ;GM1774;2024MM01;       1\n"
    table, ctx, _kind = read(ws, write(ws, "allbad.csv", text))
    assert table.num_rows == 0 and [(p.code, p.row) for p in ctx.rejects] == [("unknown-code", 2)]


@pytest.mark.parametrize("stray", [b"\xe9", b"\x81"])
@pytest.mark.parametrize("shape", ["bulk", "portal", "json"])
def test_a_stray_byte_deep_in_a_file_names_its_line(ws, shape, stray):
    if shape == "json":
        rows_ = [dict(ODATA_ROWS[0], ID=i) for i in range(900)]
        data = odata_text(rows_).encode("utf-8")
        data = data.replace(b'"ID": 899', b'"ID": 899, "x": "' + stray + b'"')
        data = data.replace(b"}, {", b"},\n{")  # one record per line, so the line is the record
        line = 900
    else:
        head = (BULK if shape == "bulk" else PORTAL).encode("utf-8")
        filler = (b"0;1.1.1 ;GM1774;2024MM01;       1\n" if shape == "bulk"
                  else b'"2024";"Losser";"       5";"Totaal misdrijven"\r\n')  # fmt: skip
        data = (
            head
            + filler * 3000
            + filler.replace(b"GM1774", b"GM1774" + stray).replace(b"Los", b"Los" + stray)
        )
        line = head.count(b"\n") + 3000 + 1
    assert len(data) > 64 * 1024
    with pytest.raises(IvpError) as exc:
        read(ws, write(ws, f"late.{'json' if shape == 'json' else 'csv'}", data))
    problem = exc.value.problem
    assert problem.code == "wrong-encoding" and problem.row == line, problem.line()


def test_portal_csv_cut_inside_its_last_quoted_field_is_truncated(ws):
    text = PORTAL.removesuffix("\r\n")
    cut = text[: text.rindex('"       5"') + 5]  # '..."Losser";"    ' : the count's quote never closes
    table, ctx, _kind = read(ws, write(ws, "cut.csv", cut))
    assert [(p.code, p.row) for p in ctx.rejects] == [("truncated-row", 6)]
    assert all(r["area_code"] != "GM0168" for r in rows(table))


def test_bulk_read_in_many_parse_blocks_gives_the_same_rows_and_rejects(ws, monkeypatch):
    # pyarrow parses blocks in parallel, each with its own dictionary of cells: the reader unifies
    # them, so rows, values, states and the lines of rejects do not depend on where blocks end.
    from ivp_pipeline.sources.police import early

    good = [f"{20 + i};1.1.1 ;GM0173;{2020 + i % 5}MM{1 + i // 5:02d};{i:>8}\n" for i in range(40)]
    bad = "60;9.9.9 ;GM0168;2024MM01;       1\n61;1.1.1 ;GM0168;2024MM01\n" + good[0][:20]
    path = write(ws, "blocks.csv", BULK + "".join(good) + bad)
    whole, whole_ctx, _kind = read(ws, path)
    monkeypatch.setattr(early, "BLOCK_SIZE", 128)
    blocks, blocks_ctx, _kind = read(ws, path)
    assert blocks.equals(whole) and whole.num_rows == 7 + 40
    assert rows(whole)[-1]["value"] == 39 and rows(whole)[-1]["source_row"] == 48
    assert [(p.code, p.row) for p in blocks_ctx.rejects] == [(p.code, p.row) for p in whole_ctx.rejects]
    assert [(p.code, p.row) for p in whole_ctx.rejects] == [
        ("unknown-code", 49),
        ("missing-field", 50),
        ("truncated-row", 51),
    ]
    assert blocks_ctx.rows_read == whole_ctx.rows_read == 7 + 40 + 3


def test_detection_imports_a_reader_only_when_it_gets_there(tmp_path):
    import ast
    import subprocess
    import sys

    path = tmp_path / "bulk.csv"
    path.write_text(BULK, encoding="utf-8")
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from ivp_pipeline.sources import Source, detect\n"
        f"print(detect(Source(Path({str(path)!r}), 'bulk.csv', '0' * 64)).KIND)\n"
        "print(sorted(m.rsplit('.', 1)[-1] for m in sys.modules if m.startswith('ivp_pipeline.sources.')"
        " and m.count('.') == 3 and m.split('.')[2] in ('police', 'survey', 'professional')))\n"
        "print(sorted(m for m in ('openpyxl', 'httpx', 'pandas') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    kind, modules, heavy = out.stdout.splitlines()
    assert kind == "police-bulk-csv"
    # the first two readers in detection order, and the police modules they use; no later reader
    imported = set(ast.literal_eval(modules))
    assert {"odata", "bulk"} <= imported and not {"labels", "statline", "local", "reader"} & imported
    assert heavy == "[]"


def _bulk(lines: list[tuple[str, str, str, str]]) -> str:
    body = "".join(
        f"{i};{off:<6};{area};{per};{value:>8}\n" for i, (off, area, per, value) in enumerate(lines)
    )
    return BULK.split("\n", 1)[0] + "\n" + body


# Every code x municipality x month once, in the order CBS writes its bulk file (code, area, period)
CBS_ORDER = [
    (off, area, f"2024MM0{m}", str(10 * k + m))
    for k, (off, area) in enumerate(
        [("1.1.1", "GM1774"), ("1.1.1", "GM0168"), ("2.6.10", "GM1774"), ("2.6.10", "GM0168")]
    )
    for m in (1, 2, 3)
]


def test_a_bulk_file_in_the_cbs_order_comes_out_grouped_and_in_key_order(ws):
    path = write(ws, "cbs.csv", _bulk(CBS_ORDER))
    source = Source(path, ws.relative(path), "0" * 64)
    ctx = ReadContext()
    [table] = list(detect(source).read(source, ctx))
    assert ctx.rejects == [] and table.num_rows == 12
    got = [(r["municipality"], r["offence_code"], r["period_start"].month, r["value"], r["source_row"])
           for r in table.to_pylist()]  # fmt: skip
    # GM0168 before GM1774; within each, code then month; each value still with its own line
    assert got == [
        ("GM0168", "1.1.1", 1, 11, 5), ("GM0168", "1.1.1", 2, 12, 6), ("GM0168", "1.1.1", 3, 13, 7),
        ("GM0168", "2.6.10", 1, 31, 11), ("GM0168", "2.6.10", 2, 32, 12), ("GM0168", "2.6.10", 3, 33, 13),
        ("GM1774", "1.1.1", 1, 1, 2), ("GM1774", "1.1.1", 2, 2, 3), ("GM1774", "1.1.1", 3, 3, 4),
        ("GM1774", "2.6.10", 1, 21, 8), ("GM1774", "2.6.10", 2, 22, 9), ("GM1774", "2.6.10", 3, 23, 10),
    ]  # fmt: skip
    # One level, one kind of period, no table id: one code for every row, or none
    for name, entries in (("area_level", ["gemeente"]), ("period_kind", ["month"]), ("table_id", [])):
        column = table[name].chunk(0)
        assert column.dictionary.to_pylist() == entries, name
    assert table["area_level"].chunk(0).indices.to_pylist() == [0] * 12
    assert table["table_id"].null_count == 12


def test_a_repeated_key_in_a_full_bulk_file_is_rejected_and_the_first_row_wins(ws):
    repeat = [*CBS_ORDER, ("1.1.1", "GM0168", "2024MM02", "99")]  # line 14: the key of line 6 again
    table, ctx, _kind = read(ws, write(ws, "twice.csv", _bulk(repeat)))
    assert [(p.code, p.row, p.value) for p in ctx.rejects] == [("duplicate-row", 14, "GM0168 1.1.1 2024MM02")]
    assert table.num_rows == 12
    assert [r["value"] for r in rows(table) if r["source_row"] == 6] == [12]


def test_a_cell_outside_ascii_is_named_as_written(ws):
    _table, ctx, _kind = read(
        ws, write(ws, "e.csv", _bulk([*CBS_ORDER[:2], ("1.1.é", "GM1774", "2024MM03", "1")]))
    )
    assert [(p.code, p.row, p.value) for p in ctx.rejects] == [("unknown-code", 4, "1.1.é ")]


def test_rows_are_placed_at_their_keys_only_when_each_key_is_there_once():
    rng = np.random.default_rng(7)
    key = rng.permutation(1000).astype(np.int32)
    assert np.array_equal(_dense_order(key), np.argsort(key, kind="stable"))
    gaps = np.delete(np.arange(1500), np.arange(0, 1500, 3))[rng.permutation(1000)]  # span 1.5x
    assert np.array_equal(_dense_order(gaps), np.argsort(gaps, kind="stable"))
    assert _dense_order(np.array([3, 1, 3, 0])) is None  # a key twice: the sort rejects the repeat
    assert _dense_order(np.array([0, 5000])) is None  # sparse: sorted instead


@pytest.mark.parametrize("lines", [CBS_ORDER, CBS_ORDER[:7] + CBS_ORDER[8:]], ids=["full", "one-missing"])
def test_a_full_grid_is_built_from_the_keys_the_same_as_by_gathers_or_a_sort(ws, monkeypatch, lines):
    from ivp_pipeline.sources.police import table as builder

    path = write(ws, "cbs.csv", _bulk(lines))
    source = Source(path, ws.relative(path), "0" * 64)

    def built() -> tuple[object, dict[str, object]]:
        ctx = ReadContext()
        [table] = list(detect(source).read(source, ctx))
        return table, ctx.meta

    grid_calls: list[bool] = []
    real_grid = builder.PoliceTableBuilder._grid

    def grid(self: builder.PoliceTableBuilder) -> object:
        found = real_grid(self)
        grid_calls.append(found is not None)
        return found

    monkeypatch.setattr(builder.PoliceTableBuilder, "_grid", grid)
    by_keys, meta = built()
    assert grid_calls == [True]  # two areas, two codes, three months: each id has its own rank
    monkeypatch.setattr(builder.PoliceTableBuilder, "_grid", lambda self: None)
    by_gathers, meta_gathers = built()
    monkeypatch.setattr(builder, "_dense_order", lambda key: None)
    by_sort, meta_sort = built()
    assert by_keys.equals(by_gathers) and by_keys.equals(by_sort)
    assert by_keys.num_rows == len(lines)
    assert meta == meta_gathers == meta_sort
    assert meta["period_first"] == "2024-01-01" and meta["period_last"] == "2024-03-01"
