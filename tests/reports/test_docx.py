"""veiligheidsanalyse.docx read back with python-docx: headings, TOC, tables, figures, page, properties."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import docx
import pytest
from PIL import Image

from ivp_pipeline.reports.analysis import build
from ivp_pipeline.reports.document import Figure, Section, Table
from ivp_pipeline.reports.docx import _build, package_bytes, serialised_table, table_xml, write_docx
from ivp_pipeline.scoring.keyfigures import Comparison
from keyfigure_fixtures import compute
from outputs_fixtures import make_result

WHEN = datetime(2026, 11, 28, 10, 15, 0)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def png(path: Path, colour: str) -> Path:
    Image.new("RGB", (40, 20), colour).save(path)
    return path


@pytest.fixture(scope="module")
def sections(tmp_path_factory):  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("fig")
    result = make_result(n_themes=3, first_month="2025-01-01")
    result = replace(result, extras={**result.extras, **compute(Comparison(province="PV23"))})
    out = build(result, [])
    figures = [
        Figure("Trend woninginbraak.", png(folder / "a.png", "red")),
        Figure("Trend geweld.", png(folder / "b.png", "blue")),
    ]
    out[-1].subsections.append(Section("Bijlage grafieken", list(figures), key="bijlage"))
    return out


@pytest.fixture(scope="module")
def written(sections, tmp_path_factory):  # type: ignore[no-untyped-def]
    out = tmp_path_factory.mktemp("docx")
    return write_docx(sections, out, title="Veiligheidsanalyse Noordoost Twente", subtitle="Test", when=WHEN)


def walk(sections: list[Section], level: int = 1) -> list[tuple[int, str]]:
    out = []
    for s in sections:
        out.append((min(level, 3), s.title))
        out += walk(s.subsections, level + 1)
    return out


def tables_of(sections: list[Section]) -> list[Table]:
    out = []
    for s in sections:
        out += [i for i in s.items if isinstance(i, Table)]
        out += tables_of(s.subsections)
    return out


def test_real_word_headings_in_the_order_and_levels_of_the_sections(written, sections) -> None:  # type: ignore[no-untyped-def]
    doc = docx.Document(str(written))
    headings = [
        (int(p.style.name.removeprefix("Heading ")), p.text)
        for p in doc.paragraphs
        if p.style.name.startswith("Heading ")
    ]
    assert headings == walk(sections)
    assert [t for lvl, t in headings if lvl == 1][:3] == [
        "Samenvatting",
        "Gebiedsbeschrijving",
        "Veilige woon- en leefomgeving",
    ]
    assert (2, "Beleidsindicatoren veiligheid (BBV)") in headings
    assert doc.paragraphs[0].style.name == "Title"


def test_a_toc_field_at_the_start_and_word_updates_fields_on_opening(written) -> None:  # type: ignore[no-untyped-def]
    doc = docx.Document(str(written))
    first_heading = next(i for i, p in enumerate(doc.paragraphs) if p.style.name == "Heading 1")
    instr = [el.text for p in doc.paragraphs[:first_heading] for el in p._p.iter(W + "instrText")]
    assert instr == [' TOC \\o "1-3" \\h \\z \\u ']
    assert doc.settings.element.find(W + "updateFields").get(W + "val") == "true"


def test_real_tables_with_a_repeated_header_row(written, sections) -> None:  # type: ignore[no-untyped-def]
    doc = docx.Document(str(written))
    expected = tables_of(sections)
    assert len(doc.tables) == len(expected) > 10
    for got, want in zip(doc.tables, expected, strict=True):
        assert [c.text for c in got.rows[0].cells] == want.header
        assert got.rows[0]._tr.trPr.find(W + "tblHeader") is not None
        assert len(got.rows) == len(want.rows) + 1
    bbv = next(t for t in doc.tables if t.rows[1].cells[0].text == "Winkeldiefstallen per 1.000 inwoners")
    assert [c.text for c in bbv.rows[0].cells] == [
        "Indicator",
        "Aantal (12 mnd)",
        "Per 1.000",
        "95%-interval",
        "Nederland per 1.000",
    ]
    captions = [p.text for p in doc.paragraphs if p.style.name == "Caption" and p.text.startswith("Tabel")]
    assert captions[0] == f"Tabel 1: {expected[0].caption}"
    assert len(captions) == len(expected)


def test_figures_with_numbered_seq_captions(written) -> None:  # type: ignore[no-untyped-def]
    doc = docx.Document(str(written))
    assert len(doc.inline_shapes) == 2
    captions = [p for p in doc.paragraphs if p.style.name == "Caption" and p.text.startswith("Figuur")]
    assert [p.text for p in captions] == ["Figuur 1: Trend woninginbraak.", "Figuur 2: Trend geweld."]
    assert all(" SEQ Figuur \\* ARABIC " in [e.text for e in p._p.iter(W + "instrText")] for p in captions)


def test_a4_portrait_page_numbers_and_dutch_properties(written) -> None:  # type: ignore[no-untyped-def]
    doc = docx.Document(str(written))
    sec = doc.sections[0]
    assert (sec.page_width.twips, sec.page_height.twips) == (11906, 16838)  # A4 (210 x 297 mm) in twips
    footer = [e.text for e in sec.footer.paragraphs[0]._p.iter(W + "instrText")]
    assert footer == [" PAGE ", " NUMPAGES "]
    core = doc.core_properties
    assert (core.language, core.title, core.author) == ("nl-NL", "Veiligheidsanalyse Noordoost Twente", "ivp")
    assert core.created == core.modified == WHEN.replace(tzinfo=UTC)


def test_same_sections_same_bytes(written, sections, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    again = write_docx(
        sections, tmp_path, title="Veiligheidsanalyse Noordoost Twente", subtitle="Test", when=WHEN
    )
    assert again.read_bytes() == written.read_bytes()
    with zipfile.ZipFile(again) as z:
        assert {i.date_time for i in z.infolist()} == {(2026, 11, 28, 10, 15, 0)}


def test_column_widths_follow_the_content_and_wide_tables_turn_landscape(tmp_path: Path) -> None:
    from ivp_pipeline.reports.docx import CELL_PAD, MIN_COLUMN, TEXT_WIDTH, column_widths, is_landscape

    narrow = Table("Smal", ["Jaar", "Toelichting"], [["2025", "onbekend " * 12]], numeric=frozenset({0}))
    year, text = column_widths(narrow, 2)
    assert year >= MIN_COLUMN and year < text  # the year fits on one line, the text gets the room
    assert year >= 4 * 0.6 * 8.5 * 20 + CELL_PAD  # "2025" never wraps digit by digit
    header = [f"Kolom {i}" for i in range(12)]
    wide = Table("Breed", header, [["onbekend", "2025", *["12,3-45,6"] * 10]])
    assert is_landscape(wide)
    widths = column_widths(wide, 12)
    word = len("onbekend") * 0.6 * 8.0 * 20 + CELL_PAD  # 8 pt in a wide table
    assert widths[0] >= word and sum(widths) > TEXT_WIDTH.twips
    section = Section("Breed", [wide])
    path = write_docx([section], tmp_path, title="T", subtitle="S", when=WHEN)
    doc = docx.Document(str(path))
    assert any(s.page_width > s.page_height for s in doc.sections)  # a landscape section
    grid = [int(c.get(W + "w")) for c in doc.tables[0]._tbl.iter(W + "gridCol")]
    assert grid == widths
    style = doc.tables[0]._tbl.find(f".//{W}pStyle").get(W + "val")
    assert style == "Tabeltekstsmal"


def test_spliced_tables_are_the_bytes_of_parsed_tables(tmp_path: Path) -> None:
    # the tables are written into the document part as text (docx._Writer.table): the same bytes
    # as when python-docx parses them into the document and writes them out
    texts = ["gewoon", "", " ", "a & b < c > d", 'zei "ja"', "tab\there", "twee\nregels", "é ü ∑", "]]>"]
    tables = [
        Table("Lastige teksten", ["Tekst", "Ook"], [[t, t + "x"] for t in texts], note="noot"),
        Table("Een regeleinde", ["Tekst"], [["cr\rhier"]]),  # the parser changes \r: parsed
        Table("Leeg", ["Alleen kop"], []),
    ]
    sections = [Section("Tabellen", ["Inleiding", *tables], key="tabellen")]
    got = {}
    for splice in (True, False):
        doc, writer = _build(sections, title="T", subtitle="S", when=WHEN, drawn=True, splice=splice)
        assert len(writer.tables) == (2 if splice else 0)
        got[splice] = package_bytes(doc, WHEN, writer.tables)
    with zipfile.ZipFile(io.BytesIO(got[True])) as a, zipfile.ZipFile(io.BytesIO(got[False])) as b:
        assert a.namelist() == b.namelist()
        assert a.read("word/document.xml") == b.read("word/document.xml")
    assert got[True] == got[False]
    (tmp_path / "t.docx").write_bytes(got[True])
    read = docx.Document(str(tmp_path / "t.docx"))
    assert [c.text for c in read.tables[0].columns[0].cells] == ["Tekst", *texts]
    assert read.tables[1].rows[1].cells[0].text == "cr\nhier"
    assert serialised_table(table_xml(tables[1])) is None
