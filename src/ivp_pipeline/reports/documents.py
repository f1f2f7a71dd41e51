"""The analysis documents: the sections built once, written as index.html and veiligheidsanalyse.docx."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ivp_pipeline.reports import analysis, docx, html, views

if TYPE_CHECKING:
    from ivp_pipeline.reports.chartset import Chart
    from ivp_pipeline.reports.document import Section
    from ivp_pipeline.scoring.result import ScoreResult


def build_sections(result: ScoreResult, charts: list[Chart]) -> list[Section]:
    """The sections of both documents; their figures are the charts of the chart set (figures/),
    which need not be drawn yet: the sections only name their files."""
    return analysis.build(result, charts)


def draft_documents(result: ScoreResult, sections: list[Section], out_dir: Path) -> DocumentDrafts:
    """index.html and veiligheidsanalyse.docx of `sections` (build_sections) made while the charts
    are drawn: all but their images, which `DocumentDrafts.write` adds once the charts are drawn
    (the HTML embeds the SVG files, Word the PNG files)."""
    page = html.draft_report(result, sections, out_dir)
    doc = docx.draft_docx(
        sections,
        title=html.title(result),
        subtitle=html.subtitle(result),
        when=views.reference_date(result),
    )
    return DocumentDrafts(out_dir, page, doc)


class DocumentDrafts:
    def __init__(self, out_dir: Path, page: html.HtmlDraft, doc: docx.DocxDraft) -> None:
        self.out_dir, self.page, self.doc = out_dir, page, doc

    def write(self) -> list[Path]:
        """index.html and veiligheidsanalyse.docx with the charts as their files are now (a figure
        without its file is left out, as by write_documents)."""
        (self.out_dir / "figures").mkdir(parents=True, exist_ok=True)  # there even when no chart was drawn
        return [self.page.write(), self.doc.write(self.out_dir)]


def write_documents(result: ScoreResult, sections: list[Section], out_dir: Path) -> list[Path]:
    """index.html and veiligheidsanalyse.docx of `sections` in one pass, the charts drawn already."""
    return draft_documents(result, sections, out_dir).write()
