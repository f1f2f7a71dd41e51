"""One row of the terminal priority table: made by scoring, stored beside reports/, printed by the CLI.

Core (no layer) so that a no-op `ivp score` can print the stored rows without importing the scoring.
"""

from __future__ import annotations

from dataclasses import dataclass


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
