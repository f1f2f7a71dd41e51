"""The `[fetch]` section of ivp.toml: which tables, which municipalities, where, and how patiently."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from ivp_pipeline.config import section
from ivp_pipeline.regions import DEFAULT_REGION, Region, resolve_municipality

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
    # Defaults: the municipalities and comparison areas of [region] (fetch_config fills them in;
    # without a [region], those of Noordoost Twente).
    municipalities: list[GemeenteCode] = Field(
        default_factory=lambda: list(DEFAULT_REGION.municipalities), min_length=1
    )
    # Comparison areas, asked for in the tables per gemeente (the wijk/buurt tables have no PV/NL rows
    # beyond NL00, which the benchmarks do not need).
    reference_areas: list[AreaCode] = Field(default_factory=lambda: list(DEFAULT_REGION.comparison_areas))
    # Comparable municipalities ([region] peers): asked for in the tables per gemeente only, for the
    # key figures' peer group; they are ingested like any municipality but never scored as members.
    peers: list[GemeenteCode] = Field(default_factory=list)
    retries: int = Field(default=4, ge=0, le=10)
    backoff_seconds: float = Field(default=1.0, ge=0.0, le=60.0)
    timeout_seconds: float = Field(default=60.0, gt=0.0, le=600.0)
    page_size: int = Field(default=MAX_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)


def fetch_config(
    data: dict[str, Any],
    base_url: str | None = None,
    *,
    file: str = "ivp.toml",
    default_municipalities: Sequence[str] = (),
    default_reference_areas: Sequence[str] = (),
    **overrides: object,
) -> FetchConfig:
    """`[fetch]` of parsed ivp.toml data (defaults when absent), with command-line overrides applied.

    `default_municipalities` and `default_reference_areas` (those of [region]) apply when [fetch]
    names none.
    """
    raw = dict(data.get("fetch", {}))
    if "municipalities" not in raw and default_municipalities:
        raw["municipalities"] = list(default_municipalities)
    if "reference_areas" not in raw and default_reference_areas:
        raw["reference_areas"] = list(default_reference_areas)
    region = data.get("region", {})
    if "peers" not in raw and isinstance(region, dict) and region.get("peers"):
        raw["peers"] = _codes(region["peers"])
    if base_url:
        raw["base_url"] = base_url
    raw.update({k: v for k, v in overrides.items() if v not in (None, [], ())})
    return section({"fetch": raw}, "fetch", FetchConfig, file=file)


def _codes(peers: object) -> object:
    """[region] peers may name municipalities; the download filter needs their codes."""
    if not isinstance(peers, list | tuple):
        return peers  # FetchConfig reports the wrong type
    out: list[object] = []
    for text in peers:
        found = resolve_municipality(text) if isinstance(text, str) else None
        out.append(found.code if isinstance(found, Region) else text)
    return out
