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
import zipfile
from datetime import datetime
from pathlib import Path
from xml.sax.saxutils import escape

from docx import Document
from docx.document import Document as DocumentType
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.shape import CT_Inline
from docx.section import Section as WordSection
from docx.shared import Cm, Mm, Pt
from docx.text.paragraph import Paragraph

from ivp_pipeline.atomic import write_bytes_atomic
from ivp_pipeline.reports.document import Figure, Section, Table

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
    doc = document(sections, title=title, subtitle=subtitle, when=when)
    _NEEDS.clear()
    buf = io.BytesIO()
    doc.save(buf)
    path = out_dir / FILE
    write_bytes_atomic(
        path, stable_zip(buf.getvalue(), when), fsync=False
    )  # into the staging folder: swap_in syncs it
    return path


def document(sections: list[Section], *, title: str, subtitle: str, when: datetime) -> DocumentType:
    _NEEDS.clear()
    doc = Document()
    _page(doc)
    _styles(doc)
    _properties(doc, title, subtitle, when)
    w = _Writer(doc)
    w.paragraph(title, "Title")
    w.paragraph(subtitle)
    w.paragraph("Inhoud", "TOC Heading")
    _toc(doc, sections)
    w.paragraph(TOC_HINT, NOTE_STYLE)
    _update_fields_on_open(doc)
    for section in sections:
        w.section(section, 1)
    return doc


class _Writer:
    """Adds the body to a document, resolving each style name to its id once (python-docx looks a
    name up through the whole styles part for every paragraph) and keeping the page orientation
    (instead of reading the section properties back for every item)."""

    def __init__(self, doc: DocumentType) -> None:
        self.doc = doc
        self.ids = {s.name: s.style_id for s in doc.styles if s.type == WD_STYLE_TYPE.PARAGRAPH}
        self.landscape = doc.sections[-1].orientation == WD_ORIENT.LANDSCAPE
        self.counter = {"Figuur": 0, "Tabel": 0}
        self.shape_id: int | None = None
        # the body's last child, its section properties: what is added goes before it (python-docx
        # looks for it among all children each time, which grows with the document)
        self.end = doc.element.body.get_or_add_sectPr()

    def paragraph(self, text: str = "", style: str | None = None) -> Paragraph:
        """A paragraph of the named style (a style the template lacks: the normal style)."""
        p = OxmlElement("w:p")
        self.end.addprevious(p)
        par = Paragraph(p, self.doc._body)
        if text and _PLAIN.isdisjoint(text):
            p.add_r().add_t(text)  # what add_run(text) adds, without its walk over every character
        elif text:
            par.add_run(text)  # tabs and line breaks become their own elements
        style_id = self.ids.get(style) if style else None
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
        """'Figuur 3: ...' with a SEQ field (Word renumbers and lists them), the number also as text."""
        self.counter[kind] += 1
        par = self.paragraph(style="Caption")
        par.add_run(f"{kind} ")
        _field(par, f"SEQ {kind} \\* ARABIC", str(self.counter[kind]))
        par.add_run(f": {text}")
        par.paragraph_format.keep_with_next = kind == "Tabel"
        return par

    def table(self, table: Table) -> None:
        self.caption("Tabel", table.caption)
        self.end.addprevious(parse_xml(table_xml(table)))
        if table.note:
            self.paragraph(table.note, NOTE_STYLE)

    def figure(self, figure: Figure) -> None:
        if not figure.png.is_file():
            return
        par = self.paragraph()
        par.paragraph_format.keep_with_next = True
        par.add_run()._r.add_drawing(self.picture(figure.png))
        self.caption("Figuur", figure.caption)

    def picture(self, png: Path) -> CT_Inline:
        """What Run.add_picture adds, with the shape ids counted here: python-docx finds the next id
        by searching the whole document for every picture, which grows with the document."""
        part = self.doc.part
        rid, image = part.get_or_add_image(str(png))
        cx, cy = image.scaled_dimensions(TEXT_WIDTH, None)
        if self.shape_id is None:
            self.shape_id = part.next_id
        inline = CT_Inline.new_pic_inline(self.shape_id, rid, image.filename, cx, cy)
        self.shape_id += 1  # a picture holds one id (its docPr; the picture's own id is 0)
        return inline


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


def stable_zip(data: bytes, when: datetime) -> bytes:
    """The same entries in the same order with a fixed timestamp and mode: same content, same bytes.
    Pictures are stored, the XML deflated."""
    stamp = max(when, datetime(1980, 1, 1)).timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=stamp)
            # pictures are compressed already: deflating them again costs time and saves 8 %
            stored = info.filename.startswith("word/media/")
            fixed.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()
