"""The `[scoring]` section of ivp.toml: weight profiles, thresholds, reference area, Monte Carlo."""

from __future__ import annotations

import math
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ivp_pipeline.config import section
from ivp_pipeline.problems import IvpError, Problem
from ivp_pipeline.regions import RegionConfig

CRITERIA = ("volume", "harm", "trend", "comparison", "perception", "professionals")

# Flag `rank_uncertain` ("rang onzeker"): a theme ranked in the top n with p_top3 below the first
# cut-off, or outside it with p_top3 above the second, could flip under small changes (docs/method.md).
RANK_UNCERTAIN = "rank_uncertain"
RANK_UNCERTAIN_IN_TOP_BELOW = 0.8
RANK_UNCERTAIN_OUTSIDE_ABOVE = 0.2


def rank_uncertain(rank: float, p_top3: float, top_n: int) -> bool:
    """True when the theme's place in or out of the top n is uncertain (the one rule of the flag)."""
    if rank <= top_n:
        return p_top3 < RANK_UNCERTAIN_IN_TOP_BELOW
    return p_top3 > RANK_UNCERTAIN_OUTSIDE_ABOVE


DEFAULT_PROFILES: dict[str, dict[str, float]] = {
    # Facts, perception and professional judgement each about a third (CCV guidance: combine them).
    "evenwichtig": {
        "volume": 0.15,
        "harm": 0.15,
        "trend": 0.05,
        "comparison": 0.05,
        "perception": 0.3,
        "professionals": 0.3,
    },
    # Registered facts only.
    "feiten": {
        "volume": 0.3,
        "harm": 0.3,
        "trend": 0.2,
        "comparison": 0.2,
        "perception": 0.0,
        "professionals": 0.0,
    },
    # What residents feel and professionals see.
    "beleving_professionals": {
        "volume": 0.0,
        "harm": 0.0,
        "trend": 0.0,
        "comparison": 0.0,
        "perception": 0.5,
        "professionals": 0.5,
    },
}
PROFILE_LABELS = {
    "evenwichtig": "Evenwichtig",
    "feiten": "Feiten (politiecijfers)",
    "beleving_professionals": "Beleving en professionals",
}


class Profile(BaseModel):
    """Weights per criterion, each >= 0, summing to 1 (checked with a clear message in ScoringConfig)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    volume: float = 0.0
    harm: float = 0.0
    trend: float = 0.0
    comparison: float = 0.0
    perception: float = 0.0
    professionals: float = 0.0
    label: str = ""

    def weights(self) -> dict[str, float]:
        return {c: float(getattr(self, c)) for c in CRITERIA}


class ScoringConfig(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    default_profile: str = "evenwichtig"
    profiles: dict[str, Profile] = Field(default_factory=dict)
    small_number_threshold: int = Field(default=5, ge=0)
    # Empty: the first and the last comparison area of [region] (for NOT: PV23 Overijssel, NL01).
    reference_area: str = ""
    fallback_reference_area: str = ""
    # Baseline: this many 12-month periods right before the latest 12 months (never before 2018-07).
    baseline_years: int = Field(default=3, ge=1, le=10)
    series_break: str = "2018-07-01"
    seed: int = 20270101
    # The most Monte Carlo draws; the run stops earlier once P(top 3) is precise (scoring/montecarlo.py).
    draws: int = Field(default=100_000, ge=10, le=200_000)
    weight_concentration: float = Field(default=50.0, gt=0)
    # Empty: the municipalities of [region] (for_region fills it in).
    municipalities: tuple[str, ...] = ()
    top_n: int = Field(default=3, ge=1)
    # Below this share of the profile's weight a score rests on too little evidence to stand alone.
    low_coverage_threshold: float = Field(default=0.5, ge=0.0, le=1.0)
    # Used when a survey row has neither a margin nor an interval nor respondents (flagged).
    default_margin: dict[str, float] = Field(
        default_factory=lambda: {"percent": 3.0, "rapportcijfer": 0.2, "schaalscore": 0.3}
    )

    @field_validator("municipalities")
    @classmethod
    def _gm(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        for code in v:
            if not (len(code) == 6 and code.startswith("GM") and code[2:].isdigit()):
                raise ValueError(f"geen gemeentecode: {code!r} (verwacht GMxxxx)")
        if not v:
            raise ValueError("minstens één gemeente")
        return tuple(v)

    def all_profiles(self) -> dict[str, Profile]:
        base = {k: Profile(**v, label=PROFILE_LABELS.get(k, k)) for k, v in DEFAULT_PROFILES.items()}
        return {**base, **self.profiles}


def for_region(cfg: ScoringConfig, region: RegionConfig) -> ScoringConfig:
    """The settings with what [scoring] leaves empty taken from [region]: the municipalities scored,
    the reference area (the region's first comparison area) and its fallback (the last)."""
    update = {
        "municipalities": cfg.municipalities or region.municipalities,
        "reference_area": cfg.reference_area or region.reference_area,
        "fallback_reference_area": cfg.fallback_reference_area or region.fallback_reference_area,
    }
    return cfg.model_copy(update=update)


def validate_weights(cfg: ScoringConfig, file: str = "ivp.toml") -> None:
    problems: list[Problem] = []
    for name, prof in cfg.all_profiles().items():
        w = prof.weights()
        for crit, value in w.items():
            if value < 0 or math.isnan(value):
                problems.append(
                    Problem(
                        "bad-weights",
                        "een gewicht moet >= 0 zijn",
                        file=file,
                        column=f"scoring.profiles.{name}.{crit}",
                        value=str(value),
                    )
                )
        total = sum(w.values())
        if abs(total - 1.0) > 1e-6:
            problems.append(
                Problem(
                    "bad-weights",
                    "de gewichten van een profiel moeten samen 1 zijn",
                    file=file,
                    column=f"scoring.profiles.{name}",
                    value=f"{total:g}",
                    hint="bv. volume = 0.2, harm = 0.2, ... samen 1.0",
                )
            )
    if cfg.default_profile not in cfg.all_profiles():
        problems.append(
            Problem(
                "bad-config",
                "default_profile is geen bestaand profiel",
                file=file,
                column="scoring.default_profile",
                value=cfg.default_profile,
            )
        )
    if problems:
        raise IvpError(problems[0], problems[1:])


def scoring_config(data: dict[str, Any], file: str = "ivp.toml") -> ScoringConfig:
    """The validated `[scoring]` section of parsed ivp.toml data (defaults when absent)."""
    cfg = section(data, "scoring", ScoringConfig, file=file)
    validate_weights(cfg, file)
    return cfg
