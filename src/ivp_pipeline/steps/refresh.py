"""`ivp refresh`: fetch + ingest + score + changes under one lock, all or nothing."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd

from ivp_pipeline import atomic, store
from ivp_pipeline.kinds import FILE_STATUS_LABELS
from ivp_pipeline.problems import IvpError, Problem
from ivp_pipeline.reports import change_summary, compare_changes, write_changes
from ivp_pipeline.sources import FetchConfig, FetchOutcome
from ivp_pipeline.steps import fingerprint, settings
from ivp_pipeline.steps.fetch import fetch
from ivp_pipeline.steps.ingest import IngestReport, ingest
from ivp_pipeline.steps.rollback import Rollback, recover_interrupted
from ivp_pipeline.steps.score import score as score_step
from ivp_pipeline.workspace import Workspace

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
    base_url: str | None = None,
    score: ScoreStep | None = None,
    sleep: Callable[[float], None] | None = None,
    force: bool = False,
    allow_shrink: bool = False,
) -> RefreshReport:
    """Download (when `fetch_cfg` or `base_url` is given or ivp.toml has a `[fetch]` section), ingest
    data/raw, score, and write what changed.

    If any step fails, data/processed and reports are put back exactly as they were and the
    error propagates (IvpError for the user's problems, anything else is a bug). A score whose
    inputs did not change writes nothing (steps/fingerprint.py) unless `force`. On success the digest
    of data/raw read is kept, so `fingerprint.unchanged_refresh` can recognise a refresh with nothing new.
    When reports/openbaar/ exists (made once by `ivp score --public`), the public version is
    regenerated too. `allow_shrink` is passed to ingest (a replaced file may lack observations).
    """

    score = score or (partial(score_step, force=True) if force else default_score)
    if fetch_cfg is None and (base_url or settings.fetch_configured(ws)):
        fetch_cfg = settings.fetch(ws, base_url)
    report = RefreshReport()
    with atomic.workspace_lock(ws.lock_file):
        recover_interrupted(ws)
        if fetch_cfg is not None:
            log.info("ophalen: %s van %s", ", ".join(fetch_cfg.tables), fetch_cfg.base_url)
            report.fetched = fetch(ws, fetch_cfg, sleep=sleep)
        else:
            log.info("ophalen: niet ingesteld; verversen met wat in %s staat", ws.relative(ws.raw))
        raw = fingerprint.raw_digest(ws)  # what this refresh reads (taken before it reads)
        rollback = Rollback.begin(ws)
        try:
            first_run = not (ws.processed / store.MANIFEST).exists()
            before = store.snapshot(ws.processed)
            scores_before = read_scores(ws.reports / SCORES_CSV)
            report.ingest = ingest(ws, allow_shrink=allow_shrink)
            _log_ingest(report.ingest)
            if report.ingest.failed:
                problems = [p for o in report.ingest.failed for p in o.problems] or [
                    Problem("ingest-failed", "een bestand is niet te lezen")
                ]
                raise IvpError(problems[0], problems[1:])
            log.info("scoren: begonnen")
            score(ws)
            log.info("scoren: rapporten geschreven naar %s", ws.relative(ws.reports))
            if fingerprint.public_wanted(ws):
                score_step(ws, public=True, force=force)
                log.info(
                    "scoren: openbare versie geschreven naar %s",
                    ws.relative(fingerprint.report_dir(ws, public=True)),
                )
            found = compare_changes(
                before, store.snapshot(ws.processed), scores_before, read_scores(ws.reports / SCORES_CSV)
            )
            report.changes, report.change_counts = found, change_summary(found)
            report.written = write_changes(
                found, ws.reports, first_run=first_run, theme_labels=_theme_labels(ws)
            )
            log.info("wijzigingen: %s", _counts_text(report.change_counts))
        except BaseException:
            log.error("verversen mislukt; data/processed en reports zijn teruggezet zoals ze waren")
            rollback.restore()
            raise
        rollback.discard()
        fingerprint.record_refresh(ws, raw)
    return report


def default_score(ws: Workspace) -> Any:
    """The score pipeline of `ivp score`, as a library call."""

    return score_step(ws)


def _theme_labels(ws: Workspace) -> dict[str, str]:
    return settings.catalogue(ws).labels()


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
                "inlezen: %s %s (%d rijen geaccepteerd, %d afgewezen, %d vervangen)",
                FILE_STATUS_LABELS.get(o.status, o.status),
                o.file,
                o.accepted,
                o.rejected,
                o.replaced,
            )
    for note in report.notes:
        log.info("inlezen: let op: %s", note.line())
    shown = {FILE_STATUS_LABELS.get(k, k): v for k, v in by_status.items()}
    log.info("inlezen: %s", _counts_text(shown) if shown else "geen bestanden")


def _counts_text(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "geen"
