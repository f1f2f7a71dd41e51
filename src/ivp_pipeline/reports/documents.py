"""The analysis documents: the sections built once, written as index.html and veiligheidsanalyse.docx."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ivp_pipeline.reports import analysis, html, views
from ivp_pipeline.reports.document import Figure, Section
from ivp_pipeline.reports.docx import write_docx

if TYPE_CHECKING:
    from ivp_pipeline.reports.chartset import Chart
    from ivp_pipeline.scoring.result import ScoreResult


def write_documents(result: ScoreResult, charts: list[Chart], out_dir: Path) -> list[Path]:
    """index.html, veiligheidsanalyse.docx and the small charts the sections drew (figures/)."""
    figures = out_dir / "figures"
    figures.mkdir(parents=True, exist_ok=True)
    sections = analysis.build(result, charts, figures)
    chart_files = {p for c in charts for p in (c.png, c.svg)}
    drawn = sorted(
        {p for f in walk_figures(sections) for p in (f.png, f.svg) if p is not None and p not in chart_files}
    )
    page = html.render_report(result, sections, out_dir)
    doc = write_docx(
        sections,
        out_dir,
        title=html.title(result),
        subtitle=html.subtitle(result),
        when=views.reference_date(result),
    )
    return [*drawn, page, doc]


def walk_figures(sections: list[Section]) -> list[Figure]:
    out: list[Figure] = []
    for s in sections:
        out += [i for i in s.items if isinstance(i, Figure)]
        out += walk_figures(s.subsections)
    return out
