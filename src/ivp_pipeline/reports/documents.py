"""The analysis documents: the sections built once, written as index.html and veiligheidsanalyse.docx."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ivp_pipeline.reports import analysis, html, views
from ivp_pipeline.reports.docx import write_docx

if TYPE_CHECKING:
    from ivp_pipeline.reports.chartset import Chart
    from ivp_pipeline.scoring.result import ScoreResult


def write_documents(result: ScoreResult, charts: list[Chart], out_dir: Path) -> list[Path]:
    """index.html and veiligheidsanalyse.docx; their figures are the charts of the chart set (figures/)."""
    (out_dir / "figures").mkdir(parents=True, exist_ok=True)  # there even when no chart was drawn
    sections = analysis.build(result, charts)
    page = html.render_report(result, sections, out_dir)
    doc = write_docx(
        sections,
        out_dir,
        title=html.title(result),
        subtitle=html.subtitle(result),
        when=views.reference_date(result),
    )
    return [page, doc]
