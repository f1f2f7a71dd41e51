"""The sections of a workspace's ivp.toml, each validated by the model of the layer that uses it."""

from __future__ import annotations

from typing import Any

from ivp_pipeline.catalogue import Catalogue, load_catalogue
from ivp_pipeline.config import load_toml
from ivp_pipeline.scoring import EvaluationConfig, ScoringConfig, evaluation_config, scoring_config
from ivp_pipeline.sources import FetchConfig, fetch_config
from ivp_pipeline.workspace import Workspace


def _data(ws: Workspace) -> tuple[dict[str, Any], str]:
    return load_toml(ws.config_file), ws.relative(ws.config_file)


def catalogue(ws: Workspace) -> Catalogue:
    """The shipped theme catalogue with the workspace's `[themes.<id>]` merged over it."""
    data, file = _data(ws)
    return load_catalogue(data, file)


def scoring(ws: Workspace) -> ScoringConfig:
    data, file = _data(ws)
    return scoring_config(data, file)


def evaluation(ws: Workspace, themes: set[str] | None = None) -> EvaluationConfig | None:
    data, file = _data(ws)
    return evaluation_config(data, themes, file)


def fetch_configured(ws: Workspace) -> bool:
    """True when ivp.toml has a `[fetch]` section (then `ivp refresh` downloads first)."""
    return "fetch" in load_toml(ws.config_file)


def fetch(ws: Workspace, base_url: str | None = None, **overrides: object) -> FetchConfig:
    data, file = _data(ws)
    return fetch_config(data, base_url, file=file, **overrides)
