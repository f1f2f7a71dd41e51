"""Small police, population and catalogue frames for the key figures (scoring/keyfigures.py)."""

from __future__ import annotations

import math

import pandas as pd

from ivp_pipeline.catalogue import build_catalogue
from ivp_pipeline.scoring.facts import Windows
from ivp_pipeline.scoring.keyfigures import Comparison, key_figures

CATALOGUE = build_catalogue(
    {
        "version": "t",
        "veiligheidsvelden": {"woon": "Veilige woon- en leefomgeving"},
        "themes": {
            "woninginbraak": {"label": "Woninginbraak", "veiligheidsveld": "woon", "crime": ["1.1.1"]}
        },
    },
    {},
)
WINDOWS = {
    "crime": Windows("month", pd.Timestamp("2025-11-01"), pd.Timestamp("2026-10-01"), None, None),
}
MONTHS = pd.date_range("2024-11-01", "2026-10-01", freq="MS")  # 24 months: previous + latest window


def police(counts: dict[str, list[float | None]], code: str = "1.1.1") -> pd.DataFrame:
    """The columns of facts.clean_police; None = a suppressed month (not counted)."""
    rows = []
    for area, values in counts.items():
        for month, value in zip(MONTHS, values, strict=True):
            counted = value is not None
            rows.append((area, "crime", code, month, "month", float(value) if counted else math.nan, counted))
    cols = ["area_code", "measure", "offence_code", "period", "period_kind", "value", "counted"]
    return pd.DataFrame(rows, columns=cols)


def population(inhabitants: dict[str, float]) -> pd.DataFrame:
    rows = [(a, y, "totaal", n) for a, n in inhabitants.items() for y in (2025, 2026)]
    rows += [("GM0173", 2026, "12-17", 700.0)]
    return pd.DataFrame(rows, columns=["area_code", "year", "age_band", "inhabitants"])


OLDENZAAL = [1.0] * 12 + [2.0] * 12  # 12 in the previous 12 months, 24 in the latest
LOSSER = [1.0] * 12 + [1.0] * 11 + [None]  # October 2026 suppressed
UNITS = {"GM0173": ("GM0173",), "GM0168": ("GM0168",), "NOT": ("GM0168", "GM0173")}
INHABITANTS = {"GM0173": 10_000.0, "GM0168": 5_000.0, "GM1735": 30_000.0, "GM0189": 20_000.0, "PV23": 1e6}


def compute(
    comparison: Comparison, extra: dict[str, list[float | None]] | None = None
) -> dict[str, pd.DataFrame]:
    counts = {"GM0173": OLDENZAAL, "GM0168": LOSSER, "PV23": [100.0] * 24, **(extra or {})}
    return key_figures(
        police(counts), population(INHABITANTS), CATALOGUE, UNITS, WINDOWS, "month", comparison
    )
