"""The analysis documents: the sections built once, written as index.html and veiligheidsanalyse.docx."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ivp_pipeline.reports import analysis, html, views
from ivp_pipeline.reports.docx import write_docx

if TYPE_CHECKING:
    from ivp_pipeline.reports.chartset import Chart
    from ivp_pipeline.reports.document import Section
    from ivp_pipeline.scoring.result import ScoreResult


def build_sections(result: ScoreResult, charts: list[Chart]) -> list[Section]:
    """The sections of both documents; their figures are the charts of the chart set (figures/),
    which need not be drawn yet: the sections only name their files."""
    return analysis.build(result, charts)


def write_documents(result: ScoreResult, sections: list[Section], out_dir: Path) -> list[Path]:
    """index.html and veiligheidsanalyse.docx of `sections` (build_sections), once the charts are
    drawn: the HTML embeds the SVG files, Word the PNG files."""
    (out_dir / "figures").mkdir(parents=True, exist_ok=True)  # there even when no chart was drawn
    page = html.render_report(result, sections, out_dir)
    doc = write_docx(
        sections,
        out_dir,
        title=html.title(result),
        subtitle=html.subtitle(result),
        when=views.reference_date(result),
    )
    return [page, doc]
