"""Chart functions, one module per kind: each draws onto an Axes it is given and returns its artists."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from ivp_pipeline.reports.public import is_suppressed

if TYPE_CHECKING:
    import numpy as np

# Colour-blind safe (Okabe-Ito based); NOT in a darker tone so it stands out among its municipalities.
BLUE = "#0072B2"
ORANGE = "#D55E00"
GREEN = "#009E73"
GREY = "#7F7F7F"
LIGHT = "#BFBFBF"
DARK = "#222222"


def numeric(values: Any) -> np.ndarray:
    """Floats for plotting; suppressed markers ("<5", "n<5") and missing values become NaN."""

    return pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").to_numpy(dtype=float)


def hidden_note(ax: Any, values: pd.Series, what: str) -> Any:
    """In public mode, say in the corner how many points are hidden ("3 perioden verborgen: kleine
    aantallen en wat daaruit terug te rekenen is"): a point is hidden when its count is small
    (primary) or would give a small one away (secondary, "x"), so the note does not say "<5"."""
    hidden = suppressed_count(values)
    if not hidden:
        return None
    text = f"{hidden} {what} verborgen: kleine aantallen en wat daaruit terug te rekenen is"
    return ax.text(0.99, 0.98, text, transform=ax.transAxes, ha="right", va="top", fontsize=6, color=GREY)


def suppressed_count(values: pd.Series) -> int:

    return int(sum(1 for v in values if is_suppressed(v)))
