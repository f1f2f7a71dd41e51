"""`score_workspace`: the whole `ivp score` as a library call (used by the CLI and by `ivp refresh`)."""

from __future__ import annotations

import os
import shutil
from typing import TYPE_CHECKING

from ivp_pipeline import atomic
from ivp_pipeline.workspace import Workspace

if TYPE_CHECKING:
    from ivp_pipeline.scoring.result import ScoreResult

from ivp_pipeline.catalogue import load_catalogue
from ivp_pipeline.reports import write_outputs
from ivp_pipeline.reports.export import write_tables
from ivp_pipeline.reports.public import apply_public_mode
from ivp_pipeline.scoring.config import load_scoring_config
from ivp_pipeline.scoring.evaluation import voortgang_for
from ivp_pipeline.scoring.pipeline import compute


def score_workspace(
    ws: Workspace, *, public: bool = False, seed: int | None = None, draws: int | None = None
) -> ScoreResult:
    """Compute under the workspace lock, build reports/ in a fresh staging folder, swap it in whole.

    A failure anywhere leaves the previous reports/ untouched.
    """

    cfg = load_scoring_config(ws)
    updates = {k: v for k, v in (("seed", seed), ("draws", draws)) if v is not None}
    if updates:
        cfg = cfg.model_copy(update=updates)
    with atomic.workspace_lock(ws.lock_file):
        result = compute(ws, cfg, load_catalogue(ws))
        voortgang = voortgang_for(ws, result)  # evaluation against [evaluation] of ivp.toml
        if voortgang is not None:
            result.extras["voortgang"] = voortgang
        result.method["public"] = public
        if public:
            result = apply_public_mode(result, cfg.small_number_threshold)
        atomic.recover(ws.reports)
        stage = ws.reports.parent / f".{ws.reports.name}-staging-{os.getpid()}"
        if stage.exists():
            shutil.rmtree(stage)
        stage.mkdir(parents=True)
        try:
            write_tables(result, stage / "tables")
            write_outputs(result, stage, public=public)
            atomic.swap_in(stage, ws.reports)
        finally:
            if stage.exists():
                shutil.rmtree(stage, ignore_errors=True)
    return result
