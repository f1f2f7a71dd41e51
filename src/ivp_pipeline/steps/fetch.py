"""`ivp fetch` as a library call: the configured police tables into data/raw/police/, under the lock."""

from __future__ import annotations

from collections.abc import Callable

from ivp_pipeline import atomic
from ivp_pipeline.sources import FetchConfig, FetchOutcome, FetchTarget, fetch_tables
from ivp_pipeline.steps import settings
from ivp_pipeline.workspace import Workspace

STATE_FILE = "fetch-state.json"


def fetch(
    ws: Workspace,
    cfg: FetchConfig | None = None,
    *,
    base_url: str | None = None,
    tables: list[str] | None = None,
    municipalities: list[str] | None = None,
    sleep: Callable[[float], None] | None = None,
) -> list[FetchOutcome]:
    """Download each table unless unchanged; `cfg` defaults to `[fetch]` of ivp.toml with overrides."""
    if cfg is None:
        cfg = settings.fetch(ws, base_url, tables=tables, municipalities=municipalities)
    target = FetchTarget(root=ws.root, folder=ws.raw / "police", state_file=ws.state_dir / STATE_FILE)
    with atomic.workspace_lock(ws.lock_file):
        return fetch_tables(target, cfg, sleep=sleep)
