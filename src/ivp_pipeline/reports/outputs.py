"""write_outputs: a ScoreResult -> tables/*.csv, the workbook, figures/, index.html and
veiligheidsanalyse.docx, in a staging folder the caller swaps in (steps/score.py)."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from ivp_pipeline.forked import Forked
from ivp_pipeline.reports.chartcache import write_index as write_chart_index
from ivp_pipeline.reports.chartset import PendingCharts
from ivp_pipeline.reports.documents import build_sections, draft_documents
from ivp_pipeline.reports.public import for_audience
from ivp_pipeline.reports.sheets import write_workbook
from ivp_pipeline.reports.tables import write_tables
from ivp_pipeline.reports.views import without_empty_scores
from ivp_pipeline.scoring.result import ScoreResult

FIGURE_SUFFIXES = (".png", ".svg")
# (stage shown to the user, done, total)
Progress = Callable[[str, int, int], None]
TABLES = "Tabellen en werkmap schrijven"
CHARTS = "Grafieken tekenen"
HTML = "Rapport (HTML en Word) schrijven"


def write_outputs(
    result: ScoreResult,
    out_dir: Path,
    *,
    public: bool = False,
    progress: Progress | None = None,
    previous: Path | None = None,
    salt: str = "",
    force: bool = False,
    charts: str = "alle",
) -> list[Path]:
    """Write tables/*.csv, tables/ivp-prioriteiten.xlsx, figures/*.png|svg, index.html and
    veiligheidsanalyse.docx under out_dir.

    With public=True small counts are suppressed first (reports/public.py). Returns the files
    written, in a stable order. A chart whose content hash (salted with `salt`, the program) is the
    one in `previous` (the reports/ this run replaces) is copied from there unless `force`; the
    others are drawn by forked children (one per core at most) while the tables are written.
    `charts` is "alle" or "regio" (only the charts about the region as a whole; chartset.CHART_SCOPES).
    `progress(stage, done, total)` hears of each stage.

    Every figure (the chart families, the contribution figures and the wijk maps) is a chart of the
    chart set. Its drawers, when anything is to be drawn, start first and draw while this process
    writes the tables and the workbook, builds the document sections and drafts both documents
    (documents.draft_documents); the charts are collected just before the documents are finished,
    which needs their files (the SVG for the HTML, the PNG for Word).

    With more than one core the CSV tables and the workbook, which need neither the charts nor the
    documents, are written by a forked child of this process (forked.py) while this process
    plans and collects the charts and writes the documents; its errors are raised here as if it
    had run here. The files are the same either way.
    """
    report = progress or _quiet
    result = for_audience(result, public=public)
    tables = out_dir / "tables"
    figures = out_dir / "figures"
    # presentation only: a theme without data has no score rather than a score of 0
    shown = replace(result, scores=without_empty_scores(result.scores))
    workers = chart_workers()
    tables.mkdir(parents=True, exist_ok=True)
    # the tables and the workbook in a forked child (before the chart drawers are forked), the
    # charts and the documents here meanwhile
    tabular = Forked(lambda: _write_tabular(result, shown, tables), parallel=workers > 1)
    try:
        pending = PendingCharts(
            shown, figures, workers, previous=previous, salt=salt, force=force, scope=charts
        )
        try:
            report(TABLES, 0, 1)
            if not tabular.forked:
                written = tabular.result()
            report(TABLES, 1, 1)
            # the sections name the charts' files, drawn or not yet: built while the drawers draw
            sections = build_sections(shown, pending.charts())
            # and the documents but for their pictures, which need the drawn files
            drafts = draft_documents(shown, sections, out_dir)
            chart_list = pending.collect(lambda done, total: report(CHARTS, done, total))
        finally:
            pending.close()
        chart_files = [p for c in chart_list for p in (c.png, c.svg)]
        _remove_stale(figures, set(chart_files))
        write_chart_index(out_dir, pending.index())
        report(HTML, 0, 1)
        documents = drafts.write()  # index.html, veiligheidsanalyse.docx
        if tabular.forked:
            written = tabular.result()
    finally:
        tabular.close()
    written += chart_files
    known = set(written)
    written += [p for p in documents if p not in known]
    report(HTML, 1, 1)
    return written


def _write_tabular(result: ScoreResult, shown: ScoreResult, tables: Path) -> list[Path]:
    """tables/*.csv (of the result as it is) and the workbook (of the result as shown)."""
    written = write_tables(result, tables)
    written.append(write_workbook(shown, tables))
    return written


def chart_workers() -> int:
    """Processes that draw charts: the cores this process may use (IVP_CHART_WORKERS overrides)."""
    configured = os.environ.get("IVP_CHART_WORKERS", "").strip()
    if configured.isdigit():
        return int(configured)
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _quiet(_stage: str, _done: int, _total: int) -> None:
    return None


def _remove_stale(folder: Path, keep: set[Path]) -> None:
    """Charts of themes or municipalities no longer scored would otherwise linger from the last run."""
    if not folder.is_dir():
        return
    for path in sorted(folder.iterdir()):
        if path.suffix in FIGURE_SUFFIXES and path not in keep:
            path.unlink()
