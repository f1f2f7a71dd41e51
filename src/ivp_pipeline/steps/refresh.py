"""`ivp refresh`: fetch + ingest + score + changes under one lock, all or nothing."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ivp_pipeline import atomic
from ivp_pipeline.problems import IvpError, Problem
from ivp_pipeline.workspace import Workspace

if TYPE_CHECKING:
    from ivp_pipeline.sources.police.fetch.config import FetchConfig
    from ivp_pipeline.sources.police.fetch.download import FetchOutcome
    from ivp_pipeline.steps.ingest import IngestReport

import pandas as pd

from ivp_pipeline.catalogue import load_catalogue
from ivp_pipeline.reports.changes import compare, snapshot_facts, summary, write_changes
from ivp_pipeline.sources.police.fetch.download import fetch_tables
from ivp_pipeline.steps.ingest import ingest
from ivp_pipeline.steps.score import score_workspace
from ivp_pipeline.store import MANIFEST
from ivp_pipeline.store.rollback import Rollback, recover_interrupted

log = logging.getLogger(__name__)

ScoreStep = Callable[[Workspace], Any]
SCORES_CSV = Path("tables") / "scores.csv"


@dataclass
class RefreshReport:
    fetched: list[FetchOutcome] = field(default_factory=list)
    ingest: IngestReport | None = None
    changes: pd.DataFrame | None = None
    change_counts: dict[str, int] = field(default_factory=dict)
    written: list[Path] = field(default_factory=list)


def refresh(
    ws: Workspace,
    fetch_cfg: FetchConfig | None = None,
    *,
    score: ScoreStep | None = None,
    sleep: Callable[[float], None] | None = None,
) -> RefreshReport:
    """Download (when configured), ingest data/raw, score, and write what changed.

    If any step fails, data/processed and reports are put back exactly as they were and the
    error propagates (IvpError for the user's problems, anything else is a bug).
    """

    score = score or default_score
    report = RefreshReport()
    with atomic.workspace_lock(ws.lock_file):
        recover_interrupted(ws)
        if fetch_cfg is not None:
            log.info("fetch: %s from %s", ", ".join(fetch_cfg.tables), fetch_cfg.base_url)
            report.fetched = fetch_tables(ws, fetch_cfg, sleep=sleep)
        else:
            log.info("fetch: not configured; refreshing from what is in %s", ws.relative(ws.raw))
        rollback = Rollback.begin(ws)
        try:
            first_run = not (ws.processed / MANIFEST).exists()
            before = snapshot_facts(ws.processed)
            scores_before = read_scores(ws.reports / SCORES_CSV)
            report.ingest = ingest(ws)
            _log_ingest(report.ingest)
            if report.ingest.failed:
                problems = [p for o in report.ingest.failed for p in o.problems] or [
                    Problem("ingest-failed", "a file could not be read")
                ]
                raise IvpError(problems[0], problems[1:])
            log.info("score: start")
            score(ws)
            log.info("score: reports written to %s", ws.relative(ws.reports))
            changes = compare(
                before, snapshot_facts(ws.processed), scores_before, read_scores(ws.reports / SCORES_CSV)
            )
            report.changes, report.change_counts = changes, summary(changes)
            report.written = write_changes(
                changes, ws.reports, first_run=first_run, theme_labels=_theme_labels(ws)
            )
            log.info("changes: %s", _counts_text(report.change_counts))
        except BaseException:
            log.error("refresh failed; data/processed and reports are restored to their previous state")
            rollback.restore()
            raise
        rollback.discard()
    return report


def default_score(ws: Workspace) -> Any:
    """The score pipeline of `ivp score`, as a library call."""

    return score_workspace(ws)


def _theme_labels(ws: Workspace) -> dict[str, str]:

    return load_catalogue(ws).labels()


def read_scores(path: Path) -> pd.DataFrame | None:
    if not path.exists():
        return None

    return pd.read_csv(path, dtype={"municipality": str, "theme": str, "profile": str})


def _log_ingest(report: IngestReport) -> None:
    by_status: dict[str, int] = {}
    for o in report.outcomes:
        by_status[o.status] = by_status.get(o.status, 0) + 1
        if o.status in ("ingested", "failed"):
            log.info(
                "ingest: %s %s (%d rows accepted, %d rejected, %d replaced)",
                o.status,
                o.file,
                o.accepted,
                o.rejected,
                o.replaced,
            )
    log.info("ingest: %s", _counts_text(by_status) or "no files")


def _counts_text(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "none"
