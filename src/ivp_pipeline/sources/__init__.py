"""data/raw -> canonical Arrow tables + problems: one reader per source kind, one folder per data/raw/<kind>/.

The door of the layer: steps use the names below. Readers know nothing downstream (no store, scoring
or reports); what they need from the workspace (theme labels, the pseudonym key) comes in a
ReadContext.
"""

from ivp_pipeline.sources.base import Head, ReadContext, ReaderModule, Source, sha256_of
from ivp_pipeline.sources.detection import READERS, detect
from ivp_pipeline.sources.geo import GEO_FOLDER, wijk_shapes
from ivp_pipeline.sources.local_figures_template import template_bytes as local_figures_workbook
from ivp_pipeline.sources.police.fetch.config import FetchConfig, fetch_config
from ivp_pipeline.sources.police.fetch.download import FetchOutcome, FetchTarget, fetch_tables
from ivp_pipeline.sources.professional.privacy import KEY_FILE, load_key
from ivp_pipeline.sources.professional.template import template_bytes as professional_template
from ivp_pipeline.sources.survey.template import template_bytes as survey_template

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
    "fetch_config",
    "fetch_tables",
    "load_key",
    "local_figures_workbook",
    "professional_template",
    "sha256_of",
    "survey_template",
    "wijk_shapes",
]
