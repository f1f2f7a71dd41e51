"""Outputs for the plan: workbook, charts and the HTML report, rendered from a ScoreResult."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ivp_pipeline.scoring.result import ScoreResult

from ivp_pipeline.reports.chartset import render_all
from ivp_pipeline.reports.html import render_report
from ivp_pipeline.reports.public import DEFAULT_THRESHOLD, apply_public_mode, public_threshold
from ivp_pipeline.reports.sheets import write_workbook
from ivp_pipeline.reports.tables import write_csvs
from ivp_pipeline.reports.views import without_empty_scores

FIGURE_SUFFIXES = (".png", ".svg")


def write_outputs(result: ScoreResult, out_dir: Path, *, public: bool = False) -> list[Path]:
    """Write tables/*.csv, tables/ivp-prioriteiten.xlsx, figures/*.png|svg and index.html under out_dir.

    With public=True small counts are suppressed first (unless the caller already did so with its
    configured threshold). Returns the files written, in a stable order.
    """

    if public and public_threshold(result) is None:
        configured = result.method.get("small_number_threshold")
        result = apply_public_mode(result, int(configured or DEFAULT_THRESHOLD))
    # presentation only: a theme without data has no score rather than a score of 0
    result = replace(result, scores=without_empty_scores(result.scores))
    tables = out_dir / "tables"
    figures = out_dir / "figures"
    written = write_csvs(result, tables)
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
