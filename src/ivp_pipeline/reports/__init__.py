"""ScoreResult -> files: the tables (CSV, workbook), charts, the HTML report and the change report.

The door of the layer: steps call `write_outputs` (and `changes` for `ivp refresh`).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ivp_pipeline.reports.changes import compare as compare_changes
from ivp_pipeline.reports.changes import summary as change_summary
from ivp_pipeline.reports.changes import write_changes
from ivp_pipeline.reports.chartset import render_all
from ivp_pipeline.reports.html import render_report
from ivp_pipeline.reports.public import for_audience
from ivp_pipeline.reports.sheets import write_workbook
from ivp_pipeline.reports.tables import write_tables
from ivp_pipeline.reports.views import without_empty_scores
from ivp_pipeline.scoring.result import ScoreResult

FIGURE_SUFFIXES = (".png", ".svg")
__all__ = ["change_summary", "compare_changes", "write_changes", "write_outputs"]


def write_outputs(result: ScoreResult, out_dir: Path, *, public: bool = False) -> list[Path]:
    """Write tables/*.csv, tables/ivp-prioriteiten.xlsx, figures/*.png|svg and index.html under out_dir.

    With public=True small counts are suppressed first (reports/public.py). Returns the files
    written, in a stable order.
    """
    result = for_audience(result, public=public)
    written = write_tables(result, out_dir / "tables")
    # presentation only: a theme without data has no score rather than a score of 0
    result = replace(result, scores=without_empty_scores(result.scores))
    tables = out_dir / "tables"
    figures = out_dir / "figures"
    written.append(write_workbook(result, tables))
    charts = render_all(result, figures)
    chart_files = [p for c in charts for p in (c.png, c.svg)]
    _remove_stale(figures, set(chart_files))
    written += chart_files
    written.append(render_report(result, charts, out_dir))
    return written


def _remove_stale(folder: Path, keep: set[Path]) -> None:
    """Charts of themes or municipalities no longer scored would otherwise linger from the last run."""
    if not folder.is_dir():
        return
    for path in sorted(folder.iterdir()):
        if path.suffix in FIGURE_SUFFIXES and path not in keep:
            path.unlink()
