"""Plain rows for the terminal: the top priorities per municipality and for NOT, one profile."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ivp_pipeline.scoring.result import ScoreResult


@dataclass(frozen=True)
class TopRow:
    municipality: str
    municipality_label: str
    rank: int
    theme_label: str
    score: float
    score_low: float
    score_high: float
    p_top3: float
    coverage: float
    flags: str


def top_priorities(result: ScoreResult, profile: str, n: int = 5) -> list[TopRow]:
    s = result.scores
    s = s[(s["profile"] == profile) & (s["coverage"] > 0) & (s["rank"] <= n)]
    # The scores frame is already in reading order: the municipalities of the scope, then NOT.
    return [
        TopRow(
            str(r["municipality"]),
            str(r["municipality_label"]),
            int(r["rank"]),
            str(r["theme_label"]),
            float(r["score"]),
            _f(r["score_low"]),
            _f(r["score_high"]),
            float(r["p_top3"]),
            float(r["coverage"]),
            str(r["flags"]),
        )
        for r in s.to_dict("records")
    ]


def _f(v: object) -> float:
    return math.nan if v is None else float(v)  # type: ignore[arg-type]
