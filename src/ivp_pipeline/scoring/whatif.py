"""What-if weights from the command line: `ivp score --gewicht beleving=0,5 --gewicht omvang=0,5`.

`with_what_if(cfg, items)` returns the configuration with one more weight profile, WHAT_IF ("watals",
label "Wat als (opdrachtregel)"), built from CRITERIUM=GEWICHT items: criteria by their Dutch label
(omvang, ernst, trend, vergelijking, beleving, professionals) or id, weights with a decimal comma or
point, criteria not named weigh 0, and the weights must sum to 1. The profile is computed, ranked
and shown beside the others; a profile of the same name in ivp.toml is replaced for this run.
A mistake is a bad-weights problem naming the item.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from ivp_pipeline.problems import IvpError, Problem
from ivp_pipeline.scoring.config import CRITERIA, Profile, ScoringConfig

WHAT_IF = "watals"
WHAT_IF_LABEL = "Wat als (opdrachtregel)"
OPTION = "--gewicht"
NAMES = {
    "omvang": "volume",
    "ernst": "harm",
    "trend": "trend",
    "vergelijking": "comparison",
    "beleving": "perception",
    "professionals": "professionals",
    **{c: c for c in CRITERIA},
}
TOLERANCE = 1e-6


def _bad(message: str, value: str, hint: str = "") -> Problem:
    return Problem("bad-weights", message, column=OPTION, value=value, hint=hint)


def parse_weights(items: Sequence[str]) -> dict[str, float]:
    """['beleving=0,5', 'omvang=0.5'] -> {'perception': 0.5, 'volume': 0.5} (other criteria 0)."""
    problems: list[Problem] = []
    weights = dict.fromkeys(CRITERIA, 0.0)
    seen: set[str] = set()
    names = ", ".join(n for n in NAMES if n not in CRITERIA)
    for item in items:
        name, sep, raw = item.partition("=")
        crit = NAMES.get(name.strip().casefold())
        if not sep or crit is None:
            problems.append(_bad("geen criterium=gewicht", item, f"bv. beleving=0,5; criteria: {names}"))
            continue
        try:
            value = float(raw.strip().replace(",", "."))
        except ValueError:
            problems.append(_bad("het gewicht is geen getal", item, "bv. 0,25"))
            continue
        if math.isnan(value) or value < 0 or value > 1:
            problems.append(_bad("een gewicht ligt tussen 0 en 1", item))
            continue
        if crit in seen:
            problems.append(_bad("dit criterium staat er twee keer in", item))
            continue
        seen.add(crit)
        weights[crit] = value
    total = sum(weights.values())
    if not problems and abs(total - 1.0) > TOLERANCE:
        shown = f"{total:.4g}".replace(".", ",")
        problems.append(_bad(f"de gewichten tellen op tot {shown}, niet tot 1", " ".join(items)))
    if problems:
        raise IvpError(problems[0], problems[1:])
    return weights


def with_what_if(cfg: ScoringConfig, items: Sequence[str]) -> ScoringConfig:
    """cfg with the WHAT_IF profile from `items` (unchanged when there are none)."""
    if not items:
        return cfg
    profile = Profile(**parse_weights(items), label=WHAT_IF_LABEL)
    return cfg.model_copy(update={"profiles": {**cfg.profiles, WHAT_IF: profile}})
