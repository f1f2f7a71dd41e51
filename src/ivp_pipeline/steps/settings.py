"""The sections of a workspace's ivp.toml, each validated by the model of the layer that uses it."""

from __future__ import annotations

from typing import Any

from ivp_pipeline.catalogue import Catalogue, load_catalogue
from ivp_pipeline.config import load_toml
from ivp_pipeline.regions import RegionConfig, region_config
from ivp_pipeline.reports import ReportConfig, report_config
from ivp_pipeline.scoring import (
    Comparison,
    EvaluationConfig,
    ScoringConfig,
    evaluation_config,
    for_region,
    scoring_config,
)
from ivp_pipeline.sources import FetchConfig, fetch_config
from ivp_pipeline.workspace import Workspace


def _data(ws: Workspace) -> tuple[dict[str, Any], str]:
    return load_toml(ws.config_file), ws.relative(ws.config_file)


def catalogue(ws: Workspace) -> Catalogue:
    """The shipped theme catalogue with the workspace's `[themes.<id>]` merged over it."""
    data, file = _data(ws)
    return load_catalogue(data, file)


def region(ws: Workspace) -> RegionConfig:
    """`[region]`: the municipalities, name, code, basisteam and comparison areas (defaults: NOT)."""
    data, file = _data(ws)
    return region_config(data, file)


def scoring(ws: Workspace) -> ScoringConfig:
    """`[scoring]`, with what it leaves empty (municipalities, reference areas) taken from [region]."""
    data, file = _data(ws)
    return for_region(scoring_config(data, file), region_config(data, file))


def report(ws: Workspace) -> ReportConfig:
    """`[report]`: what the reports contain (`charts = "regio"`: no charts per municipality)."""
    data, file = _data(ws)
    return report_config(data, file)


def evaluation(ws: Workspace, themes: set[str] | None = None) -> EvaluationConfig | None:
    data, file = _data(ws)
    return evaluation_config(data, themes, file)


def comparison(ws: Workspace) -> Comparison:
    """What the key figures compare with besides the province and Nederland (the scoring's reference
    areas, scoring/pipeline.py): `[region] peers` and the evaluation baseline."""
    data, file = _data(ws)
    evaluation = evaluation_config(data, None, file)
    return Comparison(
        peers=region_config(data, file).peers,
        baseline_year=evaluation.baseline_year if evaluation is not None else None,
    )


def fetch_configured(ws: Workspace) -> bool:
    """True when ivp.toml has a `[fetch]` section (then `ivp refresh` downloads first)."""
    return "fetch" in load_toml(ws.config_file)


def fetch(ws: Workspace, base_url: str | None = None, **overrides: object) -> FetchConfig:
    """`[fetch]`; its municipalities and reference areas default to those of [region]."""
    data, file = _data(ws)
    reg = region_config(data, file)
    return fetch_config(
        data,
        base_url,
        file=file,
        default_municipalities=reg.municipalities,
        default_reference_areas=reg.comparison_areas,
        **overrides,
    )
