"""Outputs for the plan: workbook, charts and the HTML report, rendered from a ScoreResult."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ivp_pipeline.scoring.result import ScoreResult


def write_outputs(result: ScoreResult, out_dir: Path, *, public: bool = False) -> list[Path]:
    """Write the workbook, figures and index.html under out_dir; returns the files written.

    Placeholder until the outputs work lands: writes nothing.
    """
    return []
