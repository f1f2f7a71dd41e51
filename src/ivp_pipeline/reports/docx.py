"""reports/veiligheidsanalyse.docx: the analysis sections as a Word document (python-docx).

Real Word headings (Heading 1-3: navigation pane and table of contents work), a TOC field at the
start (Word fills it on opening: updateFields), real tables with a repeated header row, figures from
PNG with numbered captions (SEQ fields), A4 portrait (a table too wide for it in a landscape section,
in a smaller font; column widths follow the content), page numbers in the footer (PAGE field) and
Dutch core properties. The same sections give the same bytes: the dates come from the data
(views.reference_date) and the zip entries carry that date too.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, cast
from xml.sax.saxutils import escape

from docx import Document
from docx.document import Document as DocumentType
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.image.image import Image
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.pkgwriter import PackageWriter
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.shape import CT_Inline
from docx.oxml.text.run import CT_R
from docx.section import Section as WordSection
from docx.shared import Cm, Mm, Pt
from docx.text.paragraph import Paragraph
from lxml import etree

from ivp_pipeline.atomic import write_bytes_atomic
from ivp_pipeline.reports.document import Figure, Section, Table

if TYPE_CHECKING:
    from docx.opc.phys_pkg import PhysPkgWriter
    from docx.parts.image import ImagePart

FILE = "veiligheidsanalyse.docx"
TOC_HINT = (
    "Word vult de inhoudsopgave met paginanummers bij het openen (of: klik met de rechtermuisknop en "
    "kies Veld bijwerken)."
)
TEXT_WIDTH = Cm(16)  # A4 minus 2.5 cm margins
LANDSCAPE_WIDTH = Cm(29.7 - 2 * 2.5)  # A4 landscape, same margins
CELL_STYLE = "Tabeltekst"
CELL_STYLE_ID = "Tabeltekst"
WIDE_STYLE = "Tabeltekst smal"  # 8 pt, for tables with many columns
WIDE_STYLE_ID = "Tabeltekstsmal"
CELL_PT, WIDE_PT = 8.5, 8.0
WIDE_COLUMNS = 7  # from this many columns a table is set in the smaller font
CHAR_EM = 0.6  # average character width in em: Calibri 0.5, room for a wider fallback font (bold: BOLD)
BOLD = 1.3  # a bold header character against a regular one, fallback fonts included
CELL_PAD = 280  # twips: the cell's left and right margins (2 x 108) and some air
MIN_COLUMN = 567  # twips (1 cm): no column narrower
WRAP_CHARS = 40  # a column of longer text wraps at about this many characters
NOTE_STYLE = "Tabelnoot"
_PLAIN = frozenset("\t\r\n")  # characters python-docx writes as elements of their own, not text


def write_docx(sections: list[Section], out_dir: Path, *, title: str, subtitle: str, when: datetime) -> Path:
    """Write the sections to out_dir/veiligheidsanalyse.docx and return its path."""
    return draft_docx(sections, title=title, subtitle=subtitle, when=when).write(out_dir)


def draft_docx(sections: list[Section], *, title: str, subtitle: str, when: datetime) -> DocxDraft:
    """The document of `sections` without its pictures, which need the PNG files: built while the
    charts are still drawn; `DocxDraft.write` adds the pictures and writes the file."""
    doc, writer = _build(sections, title=title, subtitle=subtitle, when=when, drawn=False)
    return DocxDraft(doc, writer, sections, title, subtitle, when)


class DocxDraft:
    """A document whose figures are placeholders: a paragraph with an empty run for each picture,
    its shape id already counted. Every figure is assumed to have its PNG; if one has none when the
    draft is written, the document is built again without it (as the one-pass `document` does, so
    the figure numbers still follow one another)."""

    def __init__(
        self,
        doc: DocumentType,
        writer: _Writer,
        sections: list[Section],
        title: str,
        subtitle: str,
        when: datetime,
    ) -> None:
        self.doc, self.writer, self.sections = doc, writer, sections
        self.title, self.subtitle, self.when = title, subtitle, when

    def write(self, out_dir: Path) -> Path:
        """Add the pictures (the charts are drawn now) and write out_dir/veiligheidsanalyse.docx."""
        if all(png.is_file() for _run, png, _id in self.writer.pictures):
            self.writer.place_pictures()
            doc, writer = self.doc, self.writer
        else:
            doc, writer = _document(self.sections, title=self.title, subtitle=self.subtitle, when=self.when)
        _NEEDS.clear()
        path = out_dir / FILE
        write_bytes_atomic(
            path, package_bytes(doc, self.when, writer.tables), fsync=False
        )  # into the staging folder: swap_in syncs it
        return path


def document(sections: list[Section], *, title: str, subtitle: str, when: datetime) -> DocumentType:
    """The whole document in one pass: a figure whose PNG does not exist is left out. Its tables
    are elements of the document (as python-docx reads them)."""
    doc, writer = _build(sections, title=title, subtitle=subtitle, when=when, drawn=True, splice=False)
    writer.place_pictures()
    return doc


def _document(
    sections: list[Section], *, title: str, subtitle: str, when: datetime
) -> tuple[DocumentType, _Writer]:
    """`document`, its tables to be spliced in when it is packed (package_bytes)."""
    doc, writer = _build(sections, title=title, subtitle=subtitle, when=when, drawn=True)
    writer.place_pictures()
    return doc, writer


def _build(
    sections: list[Section], *, title: str, subtitle: str, when: datetime, drawn: bool, splice: bool = True
) -> tuple[DocumentType, _Writer]:
    """The document with its pictures still to place (`_Writer.place_pictures`); `drawn`: the PNG
    files exist already, and a figure without one is left out; `splice`: its tables are placeholders
    whose XML package_bytes puts in (`_Writer.tables`)."""
    _NEEDS.clear()
    doc = Document()
    _page(doc)
    _styles(doc)
    _properties(doc, title, subtitle, when)
    w = _Writer(doc, drawn=drawn, splice=splice)
    w.paragraph(title, "Title")
    w.paragraph(subtitle)
    w.paragraph("Inhoud", "TOC Heading")
    _toc(doc, sections)
    w.paragraph(TOC_HINT, NOTE_STYLE)
    _update_fields_on_open(doc)
    for section in sections:
        w.section(section, 1)
    return doc, w


class _Writer:
    """Adds the body to a document, resolving each style name to its id once (python-docx looks a
    name up through the whole styles part for every paragraph) and keeping the page orientation
    (instead of reading the section properties back for every item)."""

    def __init__(self, doc: DocumentType, *, drawn: bool = True, splice: bool = True) -> None:
        self.doc = doc
        self.drawn = drawn  # the PNG files exist: a figure without one is left out
        # (the run that gets the picture, its PNG, its shape id) of each figure, in document order
        self.pictures: list[tuple[CT_R, Path, int]] = []
        self.ids = {s.name: s.style_id for s in doc.styles if s.type == WD_STYLE_TYPE.PARAGRAPH}
        self.landscape = doc.sections[-1].orientation == WD_ORIENT.LANDSCAPE
        self.counter = {"Figuur": 0, "Tabel": 0}
        self.shape_id: int | None = None
        # the body's last child, its section properties: what is added goes before it (python-docx
        # looks for it among all children each time, which grows with the document)
        self.end = doc.element.body.get_or_add_sectPr()
        # the XML of each table as the document's serialisation writes it, put in place of its
        # placeholder comment when the document is packed (package_bytes): tens of thousands of
        # cells need not become python-docx elements only to be written out again
        self.splice = splice
        self.tables: list[str] = []

    def paragraph(self, text: str = "", style: str | None = None) -> Paragraph:
        """A paragraph of the named style (a style the template lacks: the normal style)."""
        style_id = self.ids.get(style) if style else None
        if _fast(text):
            # the XML python-docx makes for it, parsed in one go (its element API costs ten times more)
            pstyle = f'<w:pPr><w:pStyle w:val="{escape(style_id, _QUOTE)}"/></w:pPr>' if style_id else ""
            run = f"<w:r>{_t(text)}</w:r>" if text else ""
            p = parse_xml(f"<w:p {_W}>{pstyle}{run}</w:p>")
            self.end.addprevious(p)
            return Paragraph(p, self.doc._body)
        p = OxmlElement("w:p")
        self.end.addprevious(p)
        par = Paragraph(p, self.doc._body)
        if text and _PLAIN.isdisjoint(text):
            p.add_r().add_t(text)  # what add_run(text) adds, without its walk over every character
        elif text:
            par.add_run(text)  # tabs and line breaks become their own elements
        if style_id is not None:
            par._p.style = style_id
        return par

    def section(self, section: Section, level: int) -> None:
        # the heading goes on the page of the section's first item (landscape when that is a wide table)
        first = section.items[0] if section.items else None
        self.orient(isinstance(first, Table) and is_landscape(first))
        self.paragraph(section.title, f"Heading {min(level, 3)}")
        for item in section.items:
            self.orient(isinstance(item, Table) and is_landscape(item))
            if isinstance(item, str):
                self.paragraph(item)
            elif isinstance(item, Table):
                self.table(item)
            elif isinstance(item, Figure):
                self.figure(item)
        for sub in section.subsections:
            self.section(sub, level + 1)

    def orient(self, landscape: bool) -> None:
        """Start a new section (on a new page) when the orientation changes; A4, same margins."""
        if self.landscape == landscape:
            return
        # python-docx's add_section, with the new paragraph put before the sentinel held in hand
        p = OxmlElement("w:p")
        self.end.addprevious(p)
        p.set_sectPr(self.end.clone())  # the section that ends here keeps the properties it had
        for ref in self.end.xpath("w:headerReference|w:footerReference"):
            self.end.remove(ref)  # the new section inherits the header and footer
        self.end.start_type = WD_SECTION.NEW_PAGE
        new = WordSection(self.end, self.doc.part)
        new.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        new.page_width, new.page_height = (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
        self.landscape = landscape

    def caption(self, kind: str, text: str) -> Paragraph:
        """'Figuur 3: ...' with a SEQ field (Word renumbers and lists them), the number also as text.
        A table's caption stays with its table; a figure's caption follows its figure."""
        self.counter[kind] += 1
        number = str(self.counter[kind])
        instruction = f"SEQ {kind} \\* ARABIC"
        style_id = self.ids.get("Caption")
        if style_id is not None and _fast(text):
            # what the python-docx calls below make, as XML parsed in one go
            keep = "<w:keepNext/>" if kind == "Tabel" else '<w:keepNext w:val="0"/>'
            p = parse_xml(
                f'<w:p {_W}><w:pPr><w:pStyle w:val="{escape(style_id, _QUOTE)}"/>{keep}</w:pPr>'
                f"<w:r>{_t(f'{kind} ')}</w:r>{_field_xml(instruction, number)}"
                f"<w:r>{_t(f': {text}')}</w:r></w:p>"
            )
            self.end.addprevious(p)
            return Paragraph(p, self.doc._body)
        par = self.paragraph(style="Caption")
        par.add_run(f"{kind} ")
        _field(par, instruction, number)
        par.add_run(f": {text}")
        par.paragraph_format.keep_with_next = kind == "Tabel"
        return par

    def table(self, table: Table) -> None:
        self.caption("Tabel", table.caption)
        xml = table_xml(table)
        markup = serialised_table(xml) if self.splice else None
        if markup is None:
            self.end.addprevious(parse_xml(xml))
        else:
            self.end.addprevious(etree.Comment(f"{_SPLICE}{len(self.tables)}"))
            self.tables.append(markup)
        if table.note:
            self.paragraph(table.note, NOTE_STYLE)

    def figure(self, figure: Figure) -> None:
        if self.drawn and not figure.png.is_file():
            return
        par = self.paragraph()
        par.paragraph_format.keep_with_next = True
        if self.shape_id is None:
            # python-docx's next id of the document as it is at its first picture
            self.shape_id = self.doc.part.next_id
        self.pictures.append((par.add_run()._r, figure.png, self.shape_id))
        self.shape_id += 1  # a picture holds one id (its docPr; the picture's own id is 0)
        self.caption("Figuur", figure.caption)

    def place_pictures(self) -> None:
        """What Run.add_picture adds to each figure's run, in document order (so the image parts and
        their relationship ids are numbered as the pictures appear), with the shape ids counted by
        `figure`: python-docx finds the next id by searching the whole document for every picture,
        and the image part of a picture by hashing every image part so far, both of which grow with
        the document. An image used twice is one part (its first), as with python-docx."""
        part = self.doc.part
        images = part.package.image_parts
        by_sha1: dict[str, ImagePart] = {}
        for existing in images:
            by_sha1.setdefault(existing.sha1, existing)
        for run, png, shape_id in self.pictures:
            image = Image.from_file(str(png))
            image_part = by_sha1.get(image.sha1)
            if image_part is None:
                # ImageParts.get_or_add_image_part without its search
                image_part = by_sha1[image.sha1] = images._add_image_part(image)
            rid = part.relate_to(image_part, RT.IMAGE)
            image = image_part.image
            cx, cy = image.scaled_dimensions(TEXT_WIDTH, None)
            run.add_drawing(CT_Inline.new_pic_inline(shape_id, rid, image.filename, cx, cy))
        self.pictures = []


def _page(doc: DocumentType) -> None:
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.PORTRAIT
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.left_margin = sec.right_margin = Cm(2.5)
    sec.top_margin, sec.bottom_margin = Cm(2.5), Cm(2.2)
    footer = sec.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("Pagina ")
    _field(footer, "PAGE", "1")
    footer.add_run(" van ")
    _field(footer, "NUMPAGES", "1")


def _styles(doc: DocumentType) -> None:
    normal = doc.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(10.5)
    # Dutch proofing language for the whole document
    rpr = normal.element.get_or_add_rPr()
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "nl-NL")
    rpr.append(lang)
    for name, size in ((CELL_STYLE, CELL_PT), (WIDE_STYLE, WIDE_PT), (NOTE_STYLE, 8.5)):
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        style.font.size = Pt(size)
        cell = name != NOTE_STYLE
        style.paragraph_format.space_after = Pt(0 if cell else 6)
        style.paragraph_format.space_before = Pt(0 if cell else 2)


def _properties(doc: DocumentType, title: str, subtitle: str, when: datetime) -> None:
    core = doc.core_properties
    core.title = title
    core.subject = subtitle
    core.author = "ivp"
    core.last_modified_by = "ivp"
    core.language = "nl-NL"
    core.keywords = "Integraal Veiligheidsplan; veiligheidsanalyse"
    core.comments = "Gemaakt met ivp uit de ingelezen gegevens."
    core.created = when
    core.modified = when
    core.last_printed = when
    core.revision = 1


def table_xml(table: Table) -> str:
    """A Word table as one XML string (parsed once: building it cell by cell through python-docx costs
    seconds for the few thousand cells of the analysis). Grid style, centred, equal columns; the
    header row repeats on every page (w:tblHeader) and no row breaks across a page (w:cantSplit)."""
    cols = max(1, len(table.header))
    widths = column_widths(table, cols)
    style = WIDE_STYLE_ID if is_wide(table) else CELL_STYLE_ID
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    rows = []
    for i, row in enumerate([table.header, *table.rows]):
        cells = []
        for j in range(cols):
            text = escape(row[j] if j < len(row) else "")
            align = '<w:jc w:val="right"/>' if j in table.numeric else ""
            bold = "<w:rPr><w:b/></w:rPr>" if i == 0 else ""
            cells.append(
                f'<w:tc><w:tcPr><w:tcW w:w="{widths[j]}" w:type="dxa"/></w:tcPr>'
                f'<w:p><w:pPr><w:pStyle w:val="{style}"/>{align}</w:pPr>'
                f'<w:r>{bold}<w:t xml:space="preserve">{text}</w:t></w:r></w:p></w:tc>'
            )
        head = "<w:tblHeader/>" if i == 0 else ""
        rows.append(f"<w:tr><w:trPr><w:cantSplit/>{head}</w:trPr>{''.join(cells)}</w:tr>")
    return (
        f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblStyle w:val="TableGrid"/>'
        f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:jc w:val="center"/><w:tblLayout w:type="fixed"/>'
        '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" '
        'w:noHBand="0" w:noVBand="1"/></w:tblPr>'
        f"<w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>"
    )


def is_wide(table: Table) -> bool:
    """Many columns: the smaller font."""
    return len(table.header) >= WIDE_COLUMNS


def is_landscape(table: Table) -> bool:
    """Wider than the portrait text width even with every column at its narrowest."""
    return sum(_needs(table, len(table.header))[0]) > TEXT_WIDTH.twips


# (id of a table, columns) -> (the table, its needs): a table's widths are asked for three times
# (orientation of its section, of its page, its grid). Emptied for each document.
_NEEDS: dict[tuple[int, int], tuple[Table, tuple[list[int], list[int]]]] = {}


def _needs(table: Table, cols: int) -> tuple[list[int], list[int]]:
    """(narrowest, natural) twips per column. The narrowest fits the longest word of the header and
    of the cells (a word never breaks, so no "onbek/end" and no year wrapped digit by digit); the
    natural fits the longest cell or header on one line, text columns capped at WRAP_CHARS."""
    hit = _NEEDS.get((id(table), cols))
    if hit is not None and hit[0] is table:
        return hit[1]
    needs = _measure(table, cols)
    _NEEDS[(id(table), cols)] = (table, needs)
    return needs


def _measure(table: Table, cols: int) -> tuple[list[int], list[int]]:
    pt = WIDE_PT if is_wide(table) else CELL_PT
    char = CHAR_EM * pt * 20  # twips per character
    low, natural = [], []
    for j in range(cols):
        head = table.header[j] if j < len(table.header) else ""
        cells = [r[j] for r in table.rows if j < len(r)]
        word = max((len(w) for t in cells for w in t.split()), default=0)
        head_word = max((len(w) for w in head.split()), default=0)
        longest = max((len(t) for t in cells), default=0)
        narrow = max(word * char, head_word * char * BOLD) + CELL_PAD
        wide = max(min(longest, WRAP_CHARS) * char, min(len(head), WRAP_CHARS) * char * BOLD) + CELL_PAD
        low.append(int(max(MIN_COLUMN, narrow)))
        natural.append(int(max(low[-1], wide)))
    return low, natural


def column_widths(table: Table, cols: int) -> list[int]:
    """Twips per column from the content: every column at least its narrowest (the longest word,
    at least MIN_COLUMN); the room left on the page goes to the columns in proportion to what they
    lack of their natural width (so long text gets the room and numbers stay narrow). The page is
    the portrait text width, or the landscape one for a table too wide for it; a table still too
    wide is scaled down."""
    low, natural = _needs(table, cols)
    page = LANDSCAPE_WIDTH.twips if is_landscape(table) else TEXT_WIDTH.twips
    if sum(low) >= page:
        return [int(w * page / sum(low)) for w in low]
    if sum(natural) <= page:
        return natural
    lack = [n - lo for n, lo in zip(natural, low, strict=True)]
    room = page - sum(low)
    return [lo + int(room * d / sum(lack)) for lo, d in zip(low, lack, strict=True)]


def _toc(doc: DocumentType, sections: list[Section]) -> None:
    """A TOC field spanning paragraphs; its cached result lists the chapters and their sections (no
    page numbers), so a reader that does not update fields (a PDF converter) still shows the contents."""
    entries = [e for s in sections for e in [(1, s.title), *((2, c.title) for c in s.subsections)]]
    pars = [doc.add_paragraph() for _ in entries] or [doc.add_paragraph()]
    first = pars[0]
    _fld_char(first, "begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = ' TOC \\o "1-3" \\h \\z \\u '
    first.add_run()._r.append(instr)
    _fld_char(first, "separate")
    for par, (level, title) in zip(pars, entries, strict=False):
        par.add_run(title)
        par.paragraph_format.left_indent = Cm(0.6 * (level - 1))
        par.paragraph_format.space_after = Pt(0)
    _fld_char(pars[-1], "end")


def _fld_char(par: Paragraph, kind: str) -> None:
    el = OxmlElement("w:fldChar")
    el.set(qn("w:fldCharType"), kind)
    if kind == "begin":
        el.set(qn("w:dirty"), "true")
    par.add_run()._r.append(el)


_W = nsdecls("w")
_QUOTE = {'"': "&quot;"}
# characters XML 1.0 does not allow (lxml refuses them): such a text takes python-docx's way
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _fast(text: str) -> bool:
    """A text whose paragraph can be written as XML: no tab or line break (python-docx writes
    those as elements), not blank (the parser drops blank text), nothing XML forbids."""
    return not text or (_PLAIN.isdisjoint(text) and bool(text.strip()) and not _NOT_XML.search(text))


def _t(text: str) -> str:
    """A w:t of `text` as python-docx's CT_R.add_t writes it (space kept when it starts or ends one)."""
    space = ' xml:space="preserve"' if len(text.strip()) < len(text) else ""
    return f"<w:t{space}>{escape(text)}</w:t>"


def _field_xml(instruction: str, shown: str) -> str:
    """The runs `_field` adds, as XML."""
    return (
        '<w:r><w:fldChar w:fldCharType="begin" w:dirty="true"/></w:r>'
        f'<w:r><w:instrText xml:space="preserve"> {escape(instruction)} </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        f"<w:r>{_t(shown)}</w:r>"
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )


def _field(par: Paragraph, instruction: str, shown: str) -> None:
    """A complex field (begin, instruction, separate, cached result, end) inside the paragraph."""

    def char(kind: str) -> None:
        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), kind)
        if kind == "begin":
            el.set(qn("w:dirty"), "true")
        par.add_run()._r.append(el)

    char("begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    par.add_run()._r.append(instr)
    char("separate")
    par.add_run(shown)
    char("end")


def _update_fields_on_open(doc: DocumentType) -> None:
    settings = doc.settings.element
    el = OxmlElement("w:updateFields")
    el.set(qn("w:val"), "true")
    settings.append(el)


def package_bytes(doc: DocumentType, when: datetime, tables: Sequence[str] = ()) -> bytes:
    """The .docx of `doc`: python-docx's parts in python-docx's order (what Document.save writes),
    with a fixed timestamp and mode: same content, same bytes. Pictures are stored, the XML deflated.
    Written here in one pass: Document.save deflates every part, pictures too, and a second pass
    that fixes the timestamps would read them back and deflate them again. `tables`: the XML of the
    tables the writer left as placeholders (`_Writer.table`), put in their place."""
    package = doc.part.package
    for part in package.parts:
        part.before_marshal()
    entries = _Entries(tables)
    # python-docx's own writer, to an object that keeps the entries (its `write(uri, blob)`)
    PackageWriter._write_content_types_stream(entries, package.parts)
    PackageWriter._write_pkg_rels(entries, package.rels)
    PackageWriter._write_parts(cast("PhysPkgWriter", entries), package.parts)
    stamp = max(when, datetime(1980, 1, 1)).timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, blob in entries.items:
            fixed = zipfile.ZipInfo(name, date_time=stamp)
            # pictures are compressed already: deflating them again costs time and saves 8 %
            stored = name.startswith("word/media/")
            fixed.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, blob)
    return out.getvalue()


class _Entries:
    """The members of a package as python-docx's PackageWriter hands them to its zip writer, the
    spliced tables put into the main document part."""

    def __init__(self, tables: Sequence[str] = ()) -> None:
        self.items: list[tuple[str, bytes]] = []
        self.tables = tables

    def write(self, pack_uri: PackURI, blob: bytes) -> None:
        if self.tables and pack_uri.membername == "word/document.xml":
            blob = _spliced(blob, self.tables)
        self.items.append((pack_uri.membername, blob))


# the text of a table's placeholder comment, before its number in _Writer.tables
_SPLICE = "ivp-tabel-"
_MARK = f"<!--{_SPLICE}".encode()


def _spliced(blob: bytes, tables: Sequence[str]) -> bytes:
    """The serialised document with each placeholder comment replaced by its table's XML."""
    pieces = blob.split(_MARK)
    out = [pieces[0]]
    for piece in pieces[1:]:
        number, _, rest = piece.partition(b"-->")
        out += [tables[int(number)].encode("utf-8"), rest]
    if len(pieces) - 1 != len(tables):
        raise AssertionError(f"{len(tables)} tables, {len(pieces) - 1} placeholders")
    return b"".join(out)


_TBL_OPEN = f"<w:tbl {nsdecls('w')}>"
_EMPTY_T = '<w:t xml:space="preserve"></w:t>'
# what the XML parser would change in a text: its line ends (\r) and what it refuses
_PARSED_DIFFERENTLY = re.compile("[\r\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def serialised_table(xml: str) -> str | None:
    """The table of `xml` (table_xml) as lxml writes it inside the document, without parsing it: no
    namespace declaration (the document's root has it) and an empty text as an empty element; None
    when a text would come out of the parser changed (a carriage return) or not at all."""
    if not xml.startswith(_TBL_OPEN) or _PARSED_DIFFERENTLY.search(xml):
        return None
    return "<w:tbl>" + xml[len(_TBL_OPEN) :].replace(_EMPTY_T, '<w:t xml:space="preserve"/>')
