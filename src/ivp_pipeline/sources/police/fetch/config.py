"""The `[fetch]` section of ivp.toml: which tables, which municipalities, where, and how patiently."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from ivp_pipeline.config import section
from ivp_pipeline.regions import NOT_MUNICIPALITIES

DEFAULT_BASE_URL = "https://dataderden.cbs.nl/ODataApi/OData/"
# The CBS ODataApi answers at most about 10,000 rows per request.
MAX_PAGE_SIZE = 10_000

TableId = Annotated[str, StringConstraints(pattern=r"^\d{5}[A-Z]{3}$")]
GemeenteCode = Annotated[str, StringConstraints(pattern=r"^GM\d{4}$")]
AreaCode = Annotated[str, StringConstraints(pattern=r"^(NL\d\d|LD\d\d|PV\d\d|RE\d\d)$")]


class FetchConfig(BaseModel):
    """What `ivp fetch` downloads; every field has a default so `[fetch]` alone is enough."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    base_url: Annotated[str, StringConstraints(pattern=r"^https?://\S+$")] = DEFAULT_BASE_URL
    tables: list[TableId] = Field(default_factory=lambda: ["47013NED", "47021NED"], min_length=1)
    municipalities: list[GemeenteCode] = Field(default_factory=lambda: list(NOT_MUNICIPALITIES), min_length=1)
    # Comparison areas, asked for in the tables per gemeente (the wijk/buurt tables have no PV/NL rows
    # beyond NL00, which the benchmarks do not need).
    reference_areas: list[AreaCode] = Field(default_factory=lambda: ["PV23", "NL01"])
    retries: int = Field(default=4, ge=0, le=10)
    backoff_seconds: float = Field(default=1.0, ge=0.0, le=60.0)
    timeout_seconds: float = Field(default=60.0, gt=0.0, le=600.0)
    page_size: int = Field(default=MAX_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)


def fetch_config(
    data: dict[str, Any], base_url: str | None = None, *, file: str = "ivp.toml", **overrides: object
) -> FetchConfig:
    """`[fetch]` of parsed ivp.toml data (defaults when absent), with command-line overrides applied."""
    raw = dict(data.get("fetch", {}))
    if base_url:
        raw["base_url"] = base_url
    raw.update({k: v for k, v in overrides.items() if v not in (None, [], ())})
    return section({"fetch": raw}, "fetch", FetchConfig, file=file)
