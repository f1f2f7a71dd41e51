"""`ivp score` as a library call: data/processed -> reports/, under the lock, swapped in whole."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ivp_pipeline import atomic, store
from ivp_pipeline.problems import IvpError, Problem
from ivp_pipeline.reports import write_outputs
from ivp_pipeline.schemas import POLICE, POPULATION, PROFESSIONAL, SURVEY
from ivp_pipeline.scoring import (
    POLICE_LEVELS,
    Inputs,
    ScoreResult,
    TopRow,
    compute,
    result_themes,
    stable_respondents,
    top_priorities,
    voortgang,
)
from ivp_pipeline.steps import fingerprint, settings
from ivp_pipeline.workspace import Workspace

# (stage shown to the user, done, total): steps report their stages, the CLI draws them.
Progress = Callable[[str, int, int], None]
READ = "Gegevens lezen"
COMPUTE = "Scores berekenen"
PUBLISH = "Rapporten plaatsen"
# Every rank is stored in reports/.fingerprint.json, so an unchanged run can print any --top.
ALL_RANKS = 10_000


def _quiet(_stage: str, _done: int, _total: int) -> None:
    return None


@dataclass(frozen=True)
class ScoreRun:
    result: ScoreResult | None  # None when reports/ was already up to date (`unchanged`)
    profile: str  # the weight profile to show in the terminal
    written: list[Path]
    unchanged: bool = False
    stored: fingerprint.StoredScore | None = field(default=None, repr=False)

    def top(self, n: int) -> list[TopRow]:
        """The top `n` priorities per municipality and for the region, in the shown profile."""
        if self.result is None:
            return self.stored.top(self.profile, n) if self.stored is not None else []
        return top_priorities(self.result, self.profile, n)


def score(
    ws: Workspace,
    *,
    public: bool = False,
    seed: int | None = None,
    draws: int | None = None,
    profile: str | None = None,
    force: bool = False,
    progress: Progress | None = None,
) -> ScoreRun:
    """Compute under the workspace lock, build reports/ in a fresh staging folder, swap it in whole.

    A failure anywhere leaves the previous reports/ untouched. `profile` (default: the configured one)
    must name a weight profile; every profile is computed and written. When reports/ was produced by
    the same processed data, configuration, options and program (steps/fingerprint.py), nothing is
    computed or written (`ScoreRun.unchanged`), unless `force`.
    """
    report = progress or _quiet
    cfg = settings.scoring(ws)
    shown = profile or cfg.default_profile
    if shown not in cfg.all_profiles():
        raise IvpError(
            Problem(
                "unknown-profile",
                "er is geen wegingsprofiel met deze naam",
                column="--profile",
                value=shown,
                hint="kies een van: " + ", ".join(cfg.all_profiles()),
            )
        )
    updates = {k: v for k, v in (("seed", seed), ("draws", draws)) if v is not None}
    if updates:
        cfg = cfg.model_copy(update=updates)
    catalogue = settings.catalogue(ws)
    with atomic.workspace_lock(ws.lock_file):
        key = fingerprint.score_fingerprint(ws, public=public, seed=seed, draws=draws)
        stored = None if force else fingerprint.stored_score(ws.reports, key)
        if stored is not None:
            return ScoreRun(None, shown, [], unchanged=True, stored=stored)
        report(READ, 0, 1)
        inputs = read_inputs(ws)
        report(READ, 1, 1)
        report(COMPUTE, 0, 1)
        result = compute(inputs, cfg, catalogue)
        evaluation = settings.evaluation(ws, result_themes(result))  # [evaluation] of ivp.toml
        if evaluation is not None:
            result.extras["voortgang"] = voortgang(result, evaluation)
        report(COMPUTE, 1, 1)
        atomic.recover(ws.reports)
        stage = ws.reports.parent / f".{ws.reports.name}-staging-{os.getpid()}"
        if stage.exists():
            shutil.rmtree(stage)
        stage.mkdir(parents=True)
        try:
            written = write_outputs(result, stage, public=public, progress=progress)
            tops = {p: top_priorities(result, p, ALL_RANKS) for p in cfg.all_profiles()}
            record = fingerprint.score_record(key, tops, cfg.default_profile, written, stage)
            atomic.write_bytes_atomic(stage / fingerprint.SCORE_FILE, record, fsync=False)
            report(PUBLISH, 0, 1)
            atomic.swap_in(stage, ws.reports)
            report(PUBLISH, 1, 1)
        finally:
            if stage.exists():
                shutil.rmtree(stage, ignore_errors=True)
    return ScoreRun(result, shown, [ws.reports / p.relative_to(stage) for p in written])


def read_inputs(ws: Workspace) -> Inputs:
    """Every partition of the four datasets (police without wijk/buurt rows), as pandas frames."""
    processed = ws.processed
    if not store.has_data(processed):
        raise IvpError(
            Problem(
                "no-processed-data",
                "er zijn nog geen verwerkte gegevens om te scoren",
                file=ws.relative(processed),
                hint="voer eerst ivp ingest uit",
            )
        )
    police_filter = [("area_level", "in", list(POLICE_LEVELS))]  # a national buurt file is big

    return Inputs(
        police=store.read_dataset(processed, POLICE, filters=police_filter).to_pandas(),
        survey=store.read_dataset(processed, SURVEY).to_pandas(),
        professional=stable_respondents(store.read_dataset(processed, PROFESSIONAL).to_pandas()),
        population=store.read_dataset(processed, POPULATION).to_pandas(),
        manifest=store.load_manifest(processed),
    )
