"""Inputs as people really save and send them (issue 11): workbooks with hidden sheets, merged cells,
external links and hidden rows; formats ivp does not read; respondent-level survey files; limits;
arbitrary bytes under every extension. Each case: its code, the exit status, data/processed unchanged.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from inputs_fixtures import VM_CSV, local_csv, professional_workbook, with_cached_values
from ivp_pipeline.catalogue import load_catalogue
from ivp_pipeline.cli import app
from ivp_pipeline.problems import EXCERPT_CHARS, IvpError
from ivp_pipeline.schemas import ORGANISATION_TYPES, PROFESSIONAL, SURVEY
from ivp_pipeline.sources import detection, xlsxio
from ivp_pipeline.sources.base import ReadContext, Source
from ivp_pipeline.sources.detection import detect
from ivp_pipeline.sources.professional import layout
from ivp_pipeline.sources.professional.template import HEADER_ROW, template_bytes
from ivp_pipeline.sources.survey.template import template_bytes as survey_template
from ivp_pipeline.steps.ingest import ingest, shown_name
from ivp_pipeline.store import read_dataset
from ivp_pipeline.workspace import Workspace
from police_fixtures import BULK, PORTAL, STATLINE, odata_text

FIRST = HEADER_ROW + 1  # the first data row of the template


def _state(ws: Workspace) -> dict[str, bytes]:
    if not ws.processed.exists():
        return {}
    return {p.relative_to(ws.processed).as_posix(): p.read_bytes()
            for p in sorted(ws.processed.rglob("*")) if p.is_file()}  # fmt: skip


def _shown(ws: Workspace, name: str) -> str:
    """The name ivp shows for a file: its hash for a professional's workbook (never a person's name)."""
    return shown_name(ws, ws.root / name) if (ws.root / name).exists() else name


def _refused(ws: Workspace, runner, name: str, code: str) -> str:
    """Ingest via the CLI; the file must be refused with `code`, exit 1, data/processed unchanged."""
    name = _shown(ws, name)
    before = _state(ws)
    result = runner.invoke(app, ["ingest", "-w", str(ws.root)])
    assert result.exit_code == 1, result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("Fout:")]
    assert any(line.startswith(f"Fout: {name}") and f"[{code}]" in line for line in errors), result.stderr
    assert "Traceback" not in result.output
    assert _state(ws) == before
    return "\n".join(errors)


def _save(wb: Workbook, path: Path, cached: dict[str, str] | None = None) -> Path:
    buf = io.BytesIO()
    wb.save(buf)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(with_cached_values(buf.getvalue(), cached or {}))
    return path


def _filled(path: Path, rows: list[list], **kw) -> Workbook:
    professional_workbook(path, rows, **kw)
    return load_workbook(path)


def _professional_rows(ws: Workspace) -> list[tuple]:
    table = read_dataset(ws.processed, PROFESSIONAL)
    return sorted((r["source_row"], r["theme"], r["criterion"], r["rating"]) for r in table.to_pylist())


def _entry(ws: Workspace, name: str) -> dict:
    return json.loads((ws.processed / "_manifest.json").read_text("utf-8"))["files"][_shown(ws, name)]


# --- workbooks ----------------------------------------------------------------------------------------


def test_a_hidden_stale_input_sheet_is_reported_and_ignored(ws: Workspace) -> None:
    path = ws.raw / "professional" / "p.xlsx"
    wb = _filled(path, [["Losser", "Geweld", 1, 1, 1, 1, None]])  # the stale ratings
    current = wb.copy_worksheet(wb["Invoer"])
    current.title = "Invoer nieuw"
    current.cell(FIRST, 3, 4)
    current.cell(FIRST, 4, 5)
    wb["Invoer"].sheet_state = "hidden"
    _save(wb, path)
    report = ingest(ws)
    assert report.committed and not report.failed
    assert {(crit, rating) for _r, _t, crit, rating in _professional_rows(ws)} == {
        ("size", 4), ("seriousness", 5), ("development", 1), ("urgency", 1)
    }  # fmt: skip
    entry = _entry(ws, "data/raw/professional/p.xlsx")
    assert entry["sheets"] == ["Invoer nieuw"] and entry["ignored_hidden_sheets"] == ["Invoer"]


def test_only_a_hidden_input_sheet_is_refused_with_the_reason(ws: Workspace, runner) -> None:
    path = ws.raw / "professional" / "p.xlsx"
    wb = _filled(path, [["Losser", "Geweld", 1, 1, 1, 1, None]])
    wb["Invoer"].sheet_state = "hidden"
    _save(wb, path)
    errors = _refused(ws, runner, "data/raw/professional/p.xlsx", "missing-sheet")
    assert "verborgen bladen worden niet gelezen: Invoer" in errors


@pytest.mark.parametrize("org_type", ORGANISATION_TYPES)
def test_every_organisation_type_of_the_drop_down_is_accepted(ws: Workspace, org_type: str) -> None:
    professional_workbook(
        ws.raw / "p.xlsx", [["Losser", "Geweld", 3, 3, 3, 3, None]], org_type=org_type.capitalize()
    )
    report = ingest(ws)
    assert report.committed and not report.failed and report.rejects == []
    assert {r["organisation_type"] for r in read_dataset(ws.processed, PROFESSIONAL).to_pylist()} == {
        org_type
    }


def test_every_municipality_and_theme_of_the_drop_downs_is_accepted(ws: Workspace) -> None:
    lists = load_workbook(io.BytesIO(template_bytes(load_catalogue(None))))[layout.LISTS_SHEET]
    municipalities = [c.value for c in lists["A"] if c.value]
    themes = [c.value for c in lists["C"] if c.value]
    rows = [[m, t, 3, None, None, None, None] for m in municipalities for t in themes]
    professional_workbook(ws.raw / "p.xlsx", rows)
    report = ingest(ws)
    assert report.rejects == [] and report.committed
    assert read_dataset(ws.processed, PROFESSIONAL).num_rows == len(rows)


def test_one_rating_typed_into_merged_cells_is_rejected_naming_the_range(ws: Workspace) -> None:
    path = ws.raw / "p.xlsx"
    wb = _filled(path, [["Losser", "Geweld", 4, None, None, None, None],
                        ["Losser", "Woninginbraak", 2, 2, 2, 2, None]])  # fmt: skip
    wb["Invoer"].merge_cells(f"C{FIRST}:F{FIRST}")
    _save(wb, path)
    report = ingest(ws)
    assert [(p.code, p.row, p.column) for p in report.rejects] == [
        ("merged-cells", FIRST, f"C{FIRST}:F{FIRST}")
    ]
    assert {row for row, *_ in _professional_rows(ws)} == {FIRST + 1}  # never four ratings from one


def test_an_external_link_formula_is_rejected_naming_the_cell(ws: Workspace) -> None:
    path = ws.raw / "p.xlsx"
    wb = _filled(path, [["Losser", "Geweld", None, 3, 3, 3, None]])
    wb["Invoer"].cell(FIRST, 3, "=[1]Blad1!C3")
    _save(wb, path, {"[1]Blad1!C3": "5"})
    report = ingest(ws)
    assert [(p.code, p.row, p.column) for p in report.rejects] == [
        ("external-link", FIRST, f"C{FIRST} (Grootte)")
    ]
    assert {crit for _r, _t, crit, _v in _professional_rows(ws)} == {"seriousness", "development", "urgency"}


def test_hidden_rows_are_read_and_reported(ws: Workspace) -> None:
    path = ws.raw / "p.xlsx"
    wb = _filled(
        path, [["Losser", "Geweld", 3, 3, 3, 3, None], ["Losser", "Woninginbraak", 2, 2, 2, 2, None]]
    )
    wb["Invoer"].row_dimensions[FIRST + 1].hidden = True
    _save(wb, path)
    assert ingest(ws).committed
    assert {row for row, *_ in _professional_rows(ws)} == {FIRST, FIRST + 1}
    assert _entry(ws, "data/raw/p.xlsx")["hidden_rows"] == {"Invoer": [FIRST + 1]}


def test_the_empty_templates_are_refused(ws: Workspace, runner) -> None:
    (ws.raw / "professional").mkdir()
    (ws.raw / "professional" / "leeg.xlsx").write_bytes(template_bytes(load_catalogue(None)))
    _refused(ws, runner, "data/raw/professional/leeg.xlsx", "empty-file")
    (ws.raw / "professional" / "leeg.xlsx").unlink()
    (ws.raw / "survey").mkdir()
    (ws.raw / "survey" / "leeg.xlsx").write_bytes(survey_template())
    _refused(ws, runner, "data/raw/survey/leeg.xlsx", "empty-file")


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _xlsm() -> bytes:
    with zipfile.ZipFile(io.BytesIO(template_bytes(load_catalogue(None)))) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    return _zip({**members, "xl/vbaProject.bin": b"\x00macro"})


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


@pytest.mark.parametrize(
    ("name", "data", "code", "advice"),
    [
        ("oud.xls", OLE + b"Workbook".join([b"\x00"] * 3), "xls-workbook", "sla op als .xlsx"),
        ("beveiligd.xlsx", OLE + "EncryptedPackage".encode("utf-16-le"), "encrypted-workbook",
         "verwijder het wachtwoord"),
        ("binair.xlsb", _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.bin": b"\x00"}),
         "xlsb-workbook", "sla op als .xlsx"),
        ("macro.xlsm", _xlsm(), "xlsm-workbook", "sla op als .xlsx"),
    ],
)  # fmt: skip
def test_workbook_formats_ivp_does_not_read_each_get_their_own_advice(ws, runner, name, data, code, advice):
    (ws.raw / name).write_bytes(data)
    assert advice in _refused(ws, runner, f"data/raw/{name}", code)


def test_a_workbook_saved_as_csv_is_read_by_its_content(ws: Workspace) -> None:
    path = professional_workbook(ws.raw / "tmp.xlsx", [["Losser", "Geweld", 3, 3, 3, 3, None]])
    path.rename(ws.raw / "inbreng.csv")
    report = ingest(ws)
    assert [(o.kind, o.status) for o in report.outcomes] == [("professional", "ingested")]


def _patched(path: Path, member: str, change) -> None:
    with zipfile.ZipFile(path) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    members[member] = change(members[member])
    path.write_bytes(_zip(members))


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d.replace(b"Losser", b"Los&#x1;ser", 1),  # a control-character reference
        lambda d: d.replace(b"<worksheet", b'<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">'
                            + b"".join(b'<!ENTITY %c "%s">' % (c, (b"&%c;" % (c - 1)) * 10)
                                       for c in range(ord("b"), ord("j")))
                            + b']><worksheet', 1).replace(b"Losser", b"&i;", 1),  # an entity bomb
        lambda d: d[: len(d) // 2],  # cut in the middle
    ],
    ids=["control-character", "entity-bomb", "cut"],
)  # fmt: skip
def test_damaged_workbook_xml_is_a_bad_workbook(ws: Workspace, runner, change) -> None:
    path = professional_workbook(ws.raw / "p.xlsx", [["Losser", "Geweld", 3, 3, 3, 3, None]])
    with zipfile.ZipFile(path) as zf:
        sheet = next(n for n in zf.namelist() if n.startswith("xl/worksheets/") and b"Losser" in zf.read(n))
    _patched(path, sheet, change)
    _refused(ws, runner, "data/raw/p.xlsx", "bad-workbook")


# --- respondent-level survey files ----------------------------------------------------------------------


def test_a_respondent_level_survey_csv_is_refused(ws: Workspace, runner) -> None:
    text = (
        "respondent;gebied;indicator;jaar;waarde;eenheid;postcode;huisnummer;geboortedatum;toelichting\n"
        "1;Losser;Voelt zich wel eens onveilig;2023;1;percent;7581 AB;12;01-02-1970;bij het station\n"
        "2;Losser;Voelt zich wel eens onveilig;2023;2;percent;7581 AC;3;05-06-1981;\n"
    )
    (ws.raw / "survey").mkdir()
    (ws.raw / "survey" / "antwoorden.csv").write_text(text, encoding="utf-8")
    errors = _refused(ws, runner, "data/raw/survey/antwoorden.csv", "respondent-level-data")
    assert "kolom 'respondent'" in errors


def test_a_respondent_level_survey_workbook_without_telltale_columns_is_refused(ws, runner) -> None:
    wb = Workbook()
    sheet = wb.active
    sheet.append(["gebied", "indicator", "jaar", "waarde", "eenheid"])
    for answer in [1, 2, 1, 3, 2, 1, 1, 2, 3, 1, 2, 1, 1, 2, 3, 1, 2, 1, 2, 2, 1, 3, 1, 2]:
        sheet.append(["Losser", "Voelt zich wel eens onveilig", 2023, answer, "percent"])
    _save(wb, ws.raw / "enquete.xlsx")
    _refused(ws, runner, "data/raw/enquete.xlsx", "respondent-level-data")
    assert not (ws.processed / SURVEY.name).exists()


# --- limits -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("folder", "text"),
    [
        ("survey", local_csv("Losser;" + "x" * 70_000 + ";2023;12;percent;;;;;;")),
        ("survey", VM_CSV.replace("Nederland", "N" * 70_000, 1)),
        ("police", PORTAL.replace("Dinkelland", "D" * 70_000)),
        ("population", "gemeente;jaar;inwoners\nLosser;2024;" + "9" * 70_000 + "\n"),
    ],
)
def test_a_line_longer_than_the_limit_is_refused(ws: Workspace, runner, folder: str, text: str) -> None:
    (ws.raw / folder).mkdir()
    (ws.raw / folder / "lang.csv").write_text(text, encoding="utf-8")
    errors = _refused(ws, runner, f"data/raw/{folder}/lang.csv", "too-large")
    assert "65536" in errors and len(errors) < 600


def test_a_bulk_line_of_megabytes_is_refused_as_too_large(ws: Workspace) -> None:
    (ws.raw / "police").mkdir()
    (ws.raw / "police" / "b.csv").write_text(BULK + f"7;1.1.1 ;GM1774;2024MM02;{'9' * 5_000_000}x\n", "utf-8")
    report = ingest(ws)
    (outcome,) = report.outcomes
    assert not report.committed and outcome.status == "failed"
    (problem,) = outcome.problems
    assert problem.code == "too-large" and "65536" in problem.line() and len(problem.line()) < 300
    assert not (ws.processed / "_manifest.json").exists()


def test_a_huge_cell_is_only_quoted_as_an_excerpt(ws: Workspace) -> None:
    (ws.raw / "police").mkdir()
    huge = "9" * 60_000  # under the line limit, far over the excerpt
    (ws.raw / "police" / "b.csv").write_text(BULK + f"7;1.1.1 ;GM1774;2024MM02;{huge}x\n", encoding="utf-8")
    report = ingest(ws)
    assert report.committed and [p.code for p in report.rejects] == ["not-a-number"]
    manifest = (ws.processed / "_manifest.json").read_text("utf-8")
    rejects = (ws.processed / "_rejects.csv").read_text("utf-8")
    assert len(manifest) < 20_000 and len(rejects) < 2_000
    with (ws.processed / "_rejects.csv").open(encoding="utf-8") as fh:
        (row,) = list(csv.DictReader(fh))
    assert len(row["value"]) == EXCERPT_CHARS and row["value"].endswith("…")


def test_workbooks_above_the_limits_are_refused_before_parsing(ws, runner, monkeypatch) -> None:
    professional_workbook(ws.raw / "p.xlsx", [["Losser", "Geweld", 3, 3, 3, 3, None]])
    monkeypatch.setattr(detection, "MAX_WORKBOOK_BYTES", 1000)
    assert "1000" not in _refused(ws, runner, "data/raw/p.xlsx", "too-large")  # MB in the message
    monkeypatch.undo()
    monkeypatch.setattr(xlsxio, "MAX_SHEET_ROWS", 5)
    assert "meer dan de grens van 5" in _refused(ws, runner, "data/raw/p.xlsx", "too-large")


def test_unpacked_size_limit_is_documented_and_refuses_a_zip_bomb(ws, runner) -> None:
    assert xlsxio.MAX_UNCOMPRESSED <= 64 * 2**20  # the 150 MB case of issue 11 is refused, not parsed
    path = professional_workbook(ws.raw / "p.xlsx", [["Losser", "Geweld", 3, 3, 3, 3, None]])
    with zipfile.ZipFile(path) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
        zf.writestr("xl/media/pad.bin", b"\x00" * (xlsxio.MAX_UNCOMPRESSED + 1))
    path.write_bytes(buf.getvalue())
    assert path.stat().st_size < 2**20
    errors = _refused(ws, runner, "data/raw/p.xlsx", "too-large")
    assert f"{xlsxio.MAX_UNCOMPRESSED // 2**20} MB" in errors


# --- arbitrary bytes under every extension ---------------------------------------------------------------


def _seed_workbook() -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = professional_workbook(Path(tmp) / "p.xlsx", [["Losser", "Geweld", 3, 3, 3, 3, "06-12345678"]])
        return path.read_bytes()


SEEDS = {
    "csv": [s.encode("utf-8") for s in (BULK, PORTAL, STATLINE, VM_CSV,
                                         local_csv("Losser;Drugsoverlast;2023;12;%;;;;;;"),
                                         "gemeente;jaar;inwoners\nLosser;2024;23385\n")],
    "json": [odata_text().encode("utf-8")],
    "xlsx": [_seed_workbook(), survey_template()],
}  # fmt: skip


INSERTS = [b";", b'"', b"\n", b"\x00", b"\xff\xfe", b"-7", b"{", b"&#x1;", b"<", b"PK\x03\x04"]


@st.composite
def damaged(draw: st.DrawFn, ext: str) -> bytes:
    if draw(st.integers(0, 5)) == 0:
        return draw(st.binary(max_size=300))
    data = bytearray(draw(st.sampled_from(SEEDS[ext])))
    for _ in range(draw(st.integers(1, 3))):
        pos = draw(st.integers(0, len(data)))
        op = draw(st.sampled_from(["cut", "insert", "flip"]))
        if op == "cut":
            data = data[:pos]
        elif op == "insert":
            data[pos:pos] = draw(st.binary(min_size=1, max_size=6) | st.sampled_from(INSERTS))
        elif pos < len(data):
            data[pos] = draw(st.integers(0, 255))
    return bytes(data)


def _read_one(data: bytes, ext: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"f.{ext}"
        path.write_bytes(data)
        source = Source(path, f"data/raw/f.{ext}", hashlib.sha256(data).hexdigest())
        try:
            reader = detect(source)
            for _table in reader.read(source, ReadContext(pseudonym_key=lambda: b"k" * 32)):
                pass
        except IvpError as exc:
            assert exc.problems and all(p.code and len(p.line()) < 2_000 for p in exc.problems)


@pytest.mark.parametrize("ext", ["csv", "json", "xlsx"])
def test_arbitrary_bytes_end_in_a_coded_problem(ext: str) -> None:
    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(damaged(ext))
    def check(data: bytes) -> None:
        _read_one(data, ext)

    check()


@pytest.mark.parametrize(
    ("folder", "text", "line"),
    [
        ("survey", local_csv(*["Losser;Drugsoverlast;2023;12;percent;;;;;;"] * 200,
                             "Losser;Drugs\x00overlast;2024;12;percent;;;;;;"), 202),
        ("police", PORTAL + '"2024";"Losser";"       5";"Totaal misdrijven"\r\n' * 200
         + '"2024";"Los\x00ser";"       5";"Totaal misdrijven"\r\n', 207),
        ("population", "gemeente;jaar;inwoners\n" + "Losser;2024;23385\n" * 300
         + "Tubbergen;20\x0024;21390\n", 302),
    ],
)  # fmt: skip
def test_a_nul_byte_deep_in_a_text_file_names_its_line(ws: Workspace, runner, folder, text, line) -> None:
    (ws.raw / folder).mkdir()
    assert text.index("\x00") > 4096  # beyond what detection looks at
    (ws.raw / folder / "nul.csv").write_text(text, encoding="utf-8")
    errors = _refused(ws, runner, f"data/raw/{folder}/nul.csv", "wrong-encoding")
    assert f"rij {line}:" in errors and "NUL" in errors


# --- issue 11: the rest (row limit of text files, hidden rows and sheets told to the user) ---------


def test_a_text_file_with_more_lines_than_the_limit_is_refused_before_parsing(
    ws, runner, monkeypatch
) -> None:
    from ivp_pipeline.sources import textio

    (ws.raw / "police").mkdir()
    (ws.raw / "police" / "47013NED.csv").write_text(BULK, encoding="utf-8")  # 8 lines
    monkeypatch.setattr(textio, "MAX_TEXT_ROWS", 5)

    def not_parsed(_source):  # type: ignore[no-untyped-def]
        raise AssertionError("the file was opened for parsing")

    monkeypatch.setattr(detection, "make_head", not_parsed)
    errors = _refused(ws, runner, "data/raw/police/47013NED.csv", "too-large")
    assert "meer dan 5 regels" in errors
    monkeypatch.undo()  # the real limit: the same file is read
    assert runner.invoke(app, ["ingest", "-w", str(ws.root)]).exit_code == 0


def test_hidden_rows_and_hidden_sheets_are_told_on_the_terminal(ws: Workspace, runner) -> None:
    path = ws.raw / "p.xlsx"
    wb = _filled(
        path, [["Losser", "Geweld", 3, 3, 3, 3, None], ["Losser", "Woninginbraak", 2, 2, 2, 2, None]]
    )
    stale = wb.copy_worksheet(wb["Invoer"])
    stale.title = "Invoer oud"
    stale.sheet_state = "hidden"
    wb["Invoer"].row_dimensions[FIRST + 1].hidden = True
    _save(wb, path)
    result = runner.invoke(app, ["ingest", "-w", str(ws.root)])
    assert result.exit_code == 0, result.output
    notes = [line for line in result.stderr.splitlines() if line.startswith("Let op:")]
    where = f"Let op: {_shown(ws, 'data/raw/p.xlsx')}, blad 'Invoer': [hidden-rows]"
    assert f"{where} verborgen rijen zijn gewoon gelezen: {FIRST + 1}" in "\n".join(notes)
    assert any("[hidden-sheet] verborgen blad niet gelezen: Invoer oud" in line for line in notes), notes
    codes = [n["code"] for n in _entry(ws, "data/raw/p.xlsx")["notes"]]
    assert codes == ["hidden-sheet", "hidden-rows"]
    assert not (ws.processed / "_rejects.csv").read_text("utf-8").count("hidden")  # notes are no rejects
