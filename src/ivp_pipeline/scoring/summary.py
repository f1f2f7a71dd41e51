"""Plain rows for the terminal: the top priorities per municipality and for NOT, one profile."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from ivp_pipeline.topline import TopRow

if TYPE_CHECKING:
    from ivp_pipeline.scoring.result import ScoreResult


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


__all__ = ["TopRow", "top_priorities"]
