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


def write_docx(sections: list[Section], out_dir: Path, *, title: str, subtitle: str, when: datetime) -> Path:
    """Write the sections to out_dir/veiligheidsanalyse.docx and return its path."""
    doc = document(sections, title=title, subtitle=subtitle, when=when)
    buf = io.BytesIO()
    doc.save(buf)
    path = out_dir / FILE
    write_bytes_atomic(path, stable_zip(buf.getvalue(), when))
    return path


def document(sections: list[Section], *, title: str, subtitle: str, when: datetime) -> DocumentType:
    doc = Document()
    _page(doc)
    _styles(doc)
    _properties(doc, title, subtitle, when)
    doc.add_heading(title, level=0)
    doc.add_paragraph(subtitle)
    doc.add_paragraph("Inhoud", style="TOC Heading" if _has_style(doc, "TOC Heading") else None)
    _toc(doc, sections)
    doc.add_paragraph(TOC_HINT, style=NOTE_STYLE)
    _update_fields_on_open(doc)
    counter = {"Figuur": 0, "Tabel": 0}
    for section in sections:
        _section(doc, section, 1, counter)
    return doc


def _has_style(doc: DocumentType, name: str) -> bool:
    return any(s.name == name for s in doc.styles)


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


def _section(doc: DocumentType, section: Section, level: int, counter: dict[str, int]) -> None:
    # the heading goes on the page of the section's first item (landscape when that is a wide table)
    first = section.items[0] if section.items else None
    _orient(doc, isinstance(first, Table) and is_landscape(first))
    doc.add_heading(section.title, level=min(level, 3))
    for item in section.items:
        _orient(doc, isinstance(item, Table) and is_landscape(item))
        if isinstance(item, str):
            doc.add_paragraph(item)
        elif isinstance(item, Table):
            _table(doc, item, counter)
        elif isinstance(item, Figure):
            _figure(doc, item, counter)
    for sub in section.subsections:
        _section(doc, sub, level + 1, counter)


def _orient(doc: DocumentType, landscape: bool) -> None:
    """Start a new section (on a new page) when the orientation changes; A4 with the same margins."""
    sec = doc.sections[-1]
    if (sec.orientation == WD_ORIENT.LANDSCAPE) == landscape:
        return
    new = doc.add_section(WD_SECTION.NEW_PAGE)
    new.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    new.page_width, new.page_height = (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))


def _caption(doc: DocumentType, kind: str, text: str, counter: dict[str, int]) -> Paragraph:
    """'Figuur 3: ...' with a SEQ field (Word renumbers and lists them), the number also as text."""
    counter[kind] += 1
    par = doc.add_paragraph(style="Caption")
    par.add_run(f"{kind} ")
    _field(par, f"SEQ {kind} \\* ARABIC", str(counter[kind]))
    par.add_run(f": {text}")
    par.paragraph_format.keep_with_next = kind == "Tabel"
    return par


def _table(doc: DocumentType, table: Table, counter: dict[str, int]) -> None:
    _caption(doc, "Tabel", table.caption, counter)
    doc.element.body._insert_tbl(parse_xml(table_xml(table)))
    if table.note:
        doc.add_paragraph(table.note, style=NOTE_STYLE)


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


def _needs(table: Table, cols: int) -> tuple[list[int], list[int]]:
    """(narrowest, natural) twips per column. The narrowest fits the longest word of the header and
    of the cells (a word never breaks, so no "onbek/end" and no year wrapped digit by digit); the
    natural fits the longest cell or header on one line, text columns capped at WRAP_CHARS."""
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


def _figure(doc: DocumentType, figure: Figure, counter: dict[str, int]) -> None:
    if not figure.png.is_file():
        return
    par = doc.add_paragraph()
    par.paragraph_format.keep_with_next = True
    par.add_run().add_picture(str(figure.png), width=TEXT_WIDTH)
    _caption(doc, "Figuur", figure.caption, counter)


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
    """The same entries in the same order with a fixed timestamp and mode: same content, same bytes."""
    stamp = max(when, datetime(1980, 1, 1)).timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=stamp)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()
