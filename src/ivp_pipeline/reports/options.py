"""`[report]` of ivp.toml: what the reports contain (validated here, read by steps/settings.py)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ivp_pipeline.config import section


class ReportConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # "alle": every chart; "regio": only the charts about the region as a whole (its priorities,
    # rank probabilities, facts against perception and trends, the funnel and the progress), no
    # charts per municipality: for a run over many municipalities (a whole police unit, the country).
    charts: Literal["alle", "regio"] = Field(default="alle")


def report_config(data: dict[str, Any], file: str = "ivp.toml") -> ReportConfig:
    """The validated `[report]` section of parsed ivp.toml data (defaults when absent)."""
    return section(data, "report", ReportConfig, file=file)
