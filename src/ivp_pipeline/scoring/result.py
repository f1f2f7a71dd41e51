"""The scored contract: what `ivp score` computes and every output (tables, charts, HTML) renders.

All frames are pandas DataFrames with exactly these columns (more may follow, never fewer).
`municipality` is a GM code or the code of the region total (`region.code`, "NOT" for Noordoost
Twente); labels are Dutch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ivp_pipeline.regions import DEFAULT_REGION, RegionConfig

if TYPE_CHECKING:
    import pandas as pd

SCORES = (
    "municipality",
    "municipality_label",
    "theme",
    "theme_label",
    "veiligheidsveld",
    "profile",
    "score",
    "score_low",
    "score_high",
    "rank",
    "p_top3",
    "coverage",
    "flags",
)  # one row per municipality x theme x weight profile; score 0-100; coverage 0-1 (share of weight)
CRITERIA = (
    "municipality",
    "theme",
    "criterion",
    "raw",
    "raw_low",
    "raw_high",
    "scaled",
    "unit",
    "n",
    "note",
)  # one row per municipality x theme x criterion (volume, harm, trend, comparison, perception,
#   professionals); raw in its own unit, scaled on the fixed 0-100 scale; NaN when not available
INDICATORS = (
    "municipality",
    "theme",
    "source",
    "offence_code",
    "indicator",
    "label",
    "count",
    "inhabitants",
    "rate_per_1000",
    "rate_low",
    "rate_high",
    "period_start",
    "period_end",
    "small_number",
    "source_files",
)  # police: one row per municipality x theme x offence code x window; survey: one per indicator x year
# Further columns of every indicators frame (after the extras of scoring/tables.py INDICATOR_EXTRAS):
# published_periods of window_periods (int) are the periods of the code's own window with a published
# value, the only ones its exposure counts ("7 van 12 maanden gepubliceerd"); flags holds
# "incomplete_window" when fewer than facts.min_published were published (count, rate, interval NaN).
INDICATOR_COMPLETENESS = ("published_periods", "window_periods", "flags")
TRENDS = (
    "municipality",
    "theme",
    "period_start",
    "count",
    "count_low",
    "count_high",
    "inhabitants",
    "rate_per_1000",
    "period_kind",
    "period_end",
)  # counts per municipality x theme x period: period_kind "month" (monthly figures; "year" when only
#   yearly figures exist) plus, for monthly series, "year" rows = rolling 12-month sums ending at the
#   latest complete month's month (period_start first, period_end last month of the window)
RANK_PROBABILITIES = ("municipality", "profile", "theme", "rank", "probability")
PROFESSIONALS = (
    "municipality",
    "theme",
    "criterion",
    "mean_rating",
    "respondents",
    "organisation_types",
    "agreement",
)  # agreement 0-1 (1 = all ratings equal)
PERCEPTION = (
    "municipality",
    "theme",
    "indicator",
    "label",
    "unit",
    "year",
    "value",
    "ci_low",
    "ci_high",
    "comparison_area",
    "comparison_value",
    "direction",
)
FUNNEL = (
    "municipality",
    "area_code",
    "area_name",
    "theme",
    "count",
    "inhabitants",
    "rate_per_1000",
    "reference_rate_per_1000",
)  # rates of gemeenten (and wijken) against the reference area, for funnel plots
VOORTGANG = (
    "municipality",
    "theme",
    "measure",
    "baseline_year",
    "baseline_value",
    "current_period",
    "current_value",
    "target_value",
    "change_pct",
    "status",
)  # evaluation against the baseline and targets of ivp.toml; result.extras["voortgang"]
SOURCES = (
    "file",
    "sha256",
    "kind",
    "dataset",
    "table_id",
    "periods",
    "rows",
    "ingested_at",
)


@dataclass
class ScoreResult:
    """Everything an output needs, computed once; outputs never recompute a number."""

    scores: pd.DataFrame
    criteria: pd.DataFrame
    indicators: pd.DataFrame
    trends: pd.DataFrame
    rank_probabilities: pd.DataFrame
    professionals: pd.DataFrame
    perception: pd.DataFrame
    funnel: pd.DataFrame
    sources: pd.DataFrame
    # Method facts for the method sheet and report: catalogue version, profiles and weights,
    # thresholds, seed, number of draws, reference area, latest complete month, public mode.
    method: dict[str, Any] = field(default_factory=dict)
    # Optional extras (e.g. evaluation against a baseline, "voortgang"): name -> frame.
    extras: dict[str, pd.DataFrame] = field(default_factory=dict)
    # The region scored (`[region]` of ivp.toml): the code and name of the region total, its
    # municipalities; every output labels and orders units with it.
    region: RegionConfig = field(default_factory=lambda: DEFAULT_REGION)
