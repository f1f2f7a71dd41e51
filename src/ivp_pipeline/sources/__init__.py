"""data/raw -> canonical Arrow tables + problems: one reader per source kind, one folder per data/raw/<kind>/.

The door of the layer: steps use the names below. Readers know nothing downstream (no store, scoring
or reports); what they need from the workspace (theme labels, the pseudonym key) comes in a
ReadContext.

Every name is imported from its module when first used (`__getattr__`): `ivp ingest` of police
files imports neither the download (httpx) nor the workbook templates (openpyxl), and its read-ahead
(steps/readahead.py) starts the parse before the rest of the layer (and pydantic) is loaded. The
type checker and import-linter see every name through the `TYPE_CHECKING` imports below.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ivp_pipeline.loading import lazy_names

if TYPE_CHECKING:
    from ivp_pipeline.sources.base import Head, ReadContext, ReaderModule, Source, digest, sha256_of
    from ivp_pipeline.sources.detection import READERS, detect, read_ahead
    from ivp_pipeline.sources.geo import GEO_FOLDER, wijk_shapes
    from ivp_pipeline.sources.local_figures_template import template_bytes as local_figures_workbook
    from ivp_pipeline.sources.police.fetch.config import FetchConfig, fetch_config
    from ivp_pipeline.sources.police.fetch.download import FetchOutcome, FetchTarget, fetch_tables
    from ivp_pipeline.sources.professional.privacy import KEY_FILE, load_key
    from ivp_pipeline.sources.professional.template import template_bytes as professional_template
    from ivp_pipeline.sources.readahead import discard as forget_read_ahead
    from ivp_pipeline.sources.startup import lean_start
    from ivp_pipeline.sources.survey.template import template_bytes as survey_template

# name offered here -> (module, its name there)
_LAZY = {
    "Head": ("ivp_pipeline.sources.base", "Head"),
    "ReadContext": ("ivp_pipeline.sources.base", "ReadContext"),
    "ReaderModule": ("ivp_pipeline.sources.base", "ReaderModule"),
    "Source": ("ivp_pipeline.sources.base", "Source"),
    "digest": ("ivp_pipeline.sources.base", "digest"),
    "sha256_of": ("ivp_pipeline.sources.base", "sha256_of"),
    "READERS": ("ivp_pipeline.sources.detection", "READERS"),
    "detect": ("ivp_pipeline.sources.detection", "detect"),
    "read_ahead": ("ivp_pipeline.sources.detection", "read_ahead"),
    "GEO_FOLDER": ("ivp_pipeline.sources.geo", "GEO_FOLDER"),
    "wijk_shapes": ("ivp_pipeline.sources.geo", "wijk_shapes"),
    "FetchConfig": ("ivp_pipeline.sources.police.fetch.config", "FetchConfig"),
    "fetch_config": ("ivp_pipeline.sources.police.fetch.config", "fetch_config"),
    "KEY_FILE": ("ivp_pipeline.sources.professional.privacy", "KEY_FILE"),
    "load_key": ("ivp_pipeline.sources.professional.privacy", "load_key"),
    "forget_read_ahead": ("ivp_pipeline.sources.readahead", "discard"),
    "lean_start": ("ivp_pipeline.sources.startup", "lean_start"),
    "FetchOutcome": ("ivp_pipeline.sources.police.fetch.download", "FetchOutcome"),
    "FetchTarget": ("ivp_pipeline.sources.police.fetch.download", "FetchTarget"),
    "fetch_tables": ("ivp_pipeline.sources.police.fetch.download", "fetch_tables"),
    "local_figures_workbook": ("ivp_pipeline.sources.local_figures_template", "template_bytes"),
    "professional_template": ("ivp_pipeline.sources.professional.template", "template_bytes"),
    "survey_template": ("ivp_pipeline.sources.survey.template", "template_bytes"),
}


__getattr__ = lazy_names(__name__, _LAZY)


__all__ = [
    "GEO_FOLDER",
    "KEY_FILE",
    "READERS",
    "FetchConfig",
    "FetchOutcome",
    "FetchTarget",
    "Head",
    "ReadContext",
    "ReaderModule",
    "Source",
    "detect",
    "digest",
    "fetch_config",
    "fetch_tables",
    "forget_read_ahead",
    "lean_start",
    "load_key",
    "local_figures_workbook",
    "professional_template",
    "read_ahead",
    "sha256_of",
    "survey_template",
    "wijk_shapes",
]
