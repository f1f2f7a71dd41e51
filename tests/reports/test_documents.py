"""The documents drafted while the charts are drawn (documents.draft_documents) and finished once they
are: the same bytes as the one-pass writer, the pictures in document order, a missing chart left out."""

from __future__ import annotations

import base64
import io
import re
import zipfile
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import docx
from PIL import Image

from ivp_pipeline.reports.analysis import build
from ivp_pipeline.reports.document import Figure, Section
from ivp_pipeline.reports.documents import draft_documents, write_documents
from ivp_pipeline.reports.docx import document, package_bytes
from ivp_pipeline.reports.html import draft_report, render_report
from ivp_pipeline.scoring.result import ScoreResult
from outputs_fixtures import make_result

WHEN = datetime(2026, 11, 28, 10, 15, 0)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
PIC = "{http://schemas.openxmlformats.org/drawingml/2006/picture}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
COLOURS = {"a": "red", "b": "blue", "c": "green", "d": "red"}  # d: the same picture as a


def result() -> ScoreResult:
    return make_result(n_themes=2, first_month="2025-01-01")


def sections_with_figures(shown: ScoreResult, figures: Path) -> list[Section]:
    out = build(shown, [])
    charts = [Figure(f"Grafiek {k}.", figures / f"{k}.png", figures / f"{k}.svg") for k in COLOURS]
    out[0].items.extend(charts[:2])
    out[-1].subsections.append(Section("Bijlage grafieken", charts[2:], key="bijlage"))
    return out


def draw(figures: Path, keys: str = "abcd", svg: bool = True) -> None:
    """What the chart drawers write: <key>.png (40 x 20 px) and <key>.svg."""
    figures.mkdir(parents=True, exist_ok=True)
    for k in keys:
        Image.new("RGB", (40, 20), COLOURS[k]).save(figures / f"{k}.png")
        if svg:
            (figures / f"{k}.svg").write_text(f'<svg xmlns="http://www.w3.org/2000/svg" id="{k}"/>')


def files(paths: list[Path]) -> list[bytes]:
    return [p.read_bytes() for p in paths]


def test_drafted_before_the_charts_the_same_bytes_as_written_after(tmp_path: Path) -> None:
    shown = result()
    figures = tmp_path / "figures"
    sections = sections_with_figures(shown, figures)
    drafts = draft_documents(shown, sections, tmp_path)  # no chart drawn yet
    assert not figures.exists()
    draw(figures)
    drafted = files(drafts.write())
    one_pass = files(write_documents(shown, sections, tmp_path))
    assert drafted == one_pass
    page = drafted[0].decode("utf-8")
    assert "\x00" not in page
    svg_a = base64.b64encode((figures / "a.svg").read_bytes()).decode("ascii")
    assert page.count(f'src="data:image/svg+xml;base64,{svg_a}"') == 1


def test_pictures_in_document_order_one_part_per_image(tmp_path: Path) -> None:
    shown = result()
    figures = tmp_path / "figures"
    drafts = draft_documents(shown, sections_with_figures(shown, figures), tmp_path)
    draw(figures)
    _page, path = drafts.write()
    with zipfile.ZipFile(path) as z:
        media = sorted(n for n in z.namelist() if n.startswith("word/media/"))
        # a, b, c; d is the same picture as a: one part
        assert media == ["word/media/image1.png", "word/media/image2.png", "word/media/image3.png"]
        assert [z.read(n) for n in media] == files([figures / f"{k}.png" for k in "abc"])
    doc = docx.Document(str(path))
    inlines = list(doc.element.body.iter(WP + "inline"))
    assert [int(i.find(WP + "docPr").get("id")) for i in inlines] == [1, 2, 3, 4]
    rids = [i.find(f".//{A}blip").get(R + "embed") for i in inlines]
    targets = [doc.part.rels[r].target_ref for r in rids]
    assert targets == ["media/image1.png", "media/image2.png", "media/image3.png", "media/image1.png"]
    assert rids[0] == rids[3] and len(set(rids)) == 3
    names = [i.find(f".//{PIC}cNvPr").get("name") for i in inlines]
    assert names == ["a.png", "b.png", "c.png", "a.png"]  # the part's first file, as python-docx names it
    captions = [p.text for p in doc.paragraphs if p.style.name == "Caption" and p.text.startswith("Figuur")]
    assert captions == [f"Figuur {n}: Grafiek {k}." for n, k in enumerate("abcd", start=1)]


def test_a_chart_without_its_file_is_left_out_and_the_numbers_close_up(tmp_path: Path) -> None:
    shown = result()
    figures = tmp_path / "figures"
    sections = sections_with_figures(shown, figures)
    drafts = draft_documents(shown, sections, tmp_path)
    draw(figures, keys="acd")  # b was not drawn
    (figures / "c.svg").unlink()  # c only as PNG
    page_path, doc_path = drafts.write()
    drafted = files([page_path, doc_path])
    assert drafted == files(write_documents(shown, sections, tmp_path))
    doc = docx.Document(str(doc_path))
    assert len(doc.inline_shapes) == 3
    captions = [p.text for p in doc.paragraphs if p.style.name == "Caption" and p.text.startswith("Figuur")]
    assert captions == ["Figuur 1: Grafiek a.", "Figuur 2: Grafiek c.", "Figuur 3: Grafiek d."]
    page = page_path.read_text(encoding="utf-8")
    png_c = base64.b64encode((figures / "c.png").read_bytes()).decode("ascii")
    assert f'src="data:image/png;base64,{png_c}" alt="Grafiek c."' in page  # the PNG for the SVG missing
    assert 'src="data:image/png;base64," alt="Grafiek b."' in page  # neither file: an empty image
    assert re.findall(r"Figuur (\d+): Grafiek (\w)", page) == [("1", "a"), ("2", "b"), ("3", "c"), ("4", "d")]


def test_a_mark_in_the_inputs_falls_back_to_rendering_the_page_again(tmp_path: Path) -> None:
    shown = result()
    scores = shown.scores.copy()
    scores["flags"] = "let op\x000\x00"  # the draft's mark around a figure number, in a text shown
    shown = replace(shown, scores=scores)
    figures = tmp_path / "figures"
    sections = sections_with_figures(shown, figures)
    draft = draft_report(shown, sections, tmp_path)
    draw(figures)
    drafted = draft.write().read_bytes()
    assert drafted == render_report(shown, sections, tmp_path).read_bytes()
    assert drafted.count(b"let op\x000\x00") >= 1
    assert drafted.count(b"data:image/svg+xml;base64,PHN2Zy") == 4


def test_package_bytes_are_python_docx_save_with_fixed_stamps(tmp_path: Path) -> None:
    shown = result()
    figures = tmp_path / "figures"
    draw(figures)
    doc = document(sections_with_figures(shown, figures), title="T", subtitle="S", when=WHEN)
    ours = package_bytes(doc, WHEN)
    buf = io.BytesIO()
    doc.save(buf)
    with zipfile.ZipFile(buf) as saved, zipfile.ZipFile(io.BytesIO(ours)) as z:
        assert [i.filename for i in z.infolist()] == [i.filename for i in saved.infolist()]
        for info in z.infolist():
            assert z.read(info) == saved.read(info.filename), info.filename
            assert info.date_time == (2026, 11, 28, 10, 15, 0)
            media = info.filename.startswith("word/media/")
            assert info.compress_type == (zipfile.ZIP_STORED if media else zipfile.ZIP_DEFLATED)
            assert info.external_attr == 0o644 << 16


TEXTS = [
    "Gewoon",
    " voor",
    "achter ",
    "a & b < c > d \"q\" 'a'",
    "tab\there",
    "regel\neinde",
    "   ",
    "",
    "€ – ë",
]


def test_paragraphs_and_captions_are_the_xml_python_docx_writes(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from docx import Document
    from lxml import etree

    from ivp_pipeline.reports import docx as word

    def body(fast: bool) -> bytes:
        if not fast:  # every text the way of python-docx's own element API
            monkeypatch.setattr(word, "_fast", lambda _text: False)
        doc = Document()
        w = word._Writer(doc)
        for text in TEXTS:
            w.paragraph(text)
            w.paragraph(text, "Heading 1")
            w.caption("Tabel", text)
            w.caption("Figuur", text)
        monkeypatch.undo()
        return etree.tostring(doc.element.body)

    fast, slow = body(True), body(False)
    assert fast == slow
    assert b'<w:t xml:space="preserve"> voor</w:t>' in fast
    assert b"<w:t>a &amp; b &lt; c &gt; d \"q\" 'a'</w:t>" in fast
    assert fast.count(b'<w:pStyle w:val="Caption"/><w:keepNext/>') == len(TEXTS)  # Tabel
    assert fast.count(b'<w:pStyle w:val="Caption"/><w:keepNext w:val="0"/>') == len(TEXTS)  # Figuur
