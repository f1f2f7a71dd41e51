"""Scoring, pure: frames + configuration + catalogue in, a typed ScoreResult out (no paths, no writes).

The door of the layer: steps use the names below; reports read the ScoreResult contract
(scoring/result.py) and the constants its tables are described by.

Every name is imported from its module when first used (`__getattr__`): the chart drawer, which
reads only the ScoreResult contract, imports neither scipy nor the Monte Carlo. The type checker and
import-linter see every name through the `TYPE_CHECKING` imports below.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ivp_pipeline.loading import lazy_names

if TYPE_CHECKING:
    from ivp_pipeline.scoring.config import CRITERIA, ScoringConfig, for_region, scoring_config
    from ivp_pipeline.scoring.evaluation import EvaluationConfig, evaluation_config, result_themes, voortgang
    from ivp_pipeline.scoring.inputs import POLICE_LEVELS, WIJK_COLUMNS, Inputs, as_frame, stable_respondents
    from ivp_pipeline.scoring.keyfigures import Comparison
    from ivp_pipeline.scoring.montecarlo import UnitSimulation
    from ivp_pipeline.scoring.pipeline import SideTables, compute
    from ivp_pipeline.scoring.result import ScoreResult
    from ivp_pipeline.scoring.summary import TopRow, top_priorities
    from ivp_pipeline.scoring.whatif import WHAT_IF, with_what_if

# name offered here -> its module
_LAZY = {
    "CRITERIA": "ivp_pipeline.scoring.config",
    "ScoringConfig": "ivp_pipeline.scoring.config",
    "for_region": "ivp_pipeline.scoring.config",
    "scoring_config": "ivp_pipeline.scoring.config",
    "EvaluationConfig": "ivp_pipeline.scoring.evaluation",
    "evaluation_config": "ivp_pipeline.scoring.evaluation",
    "result_themes": "ivp_pipeline.scoring.evaluation",
    "voortgang": "ivp_pipeline.scoring.evaluation",
    "POLICE_LEVELS": "ivp_pipeline.scoring.inputs",
    "WIJK_COLUMNS": "ivp_pipeline.scoring.inputs",
    "Inputs": "ivp_pipeline.scoring.inputs",
    "as_frame": "ivp_pipeline.scoring.inputs",
    "stable_respondents": "ivp_pipeline.scoring.inputs",
    "Comparison": "ivp_pipeline.scoring.keyfigures",
    "UnitSimulation": "ivp_pipeline.scoring.montecarlo",
    "compute": "ivp_pipeline.scoring.pipeline",
    "SideTables": "ivp_pipeline.scoring.pipeline",
    "ScoreResult": "ivp_pipeline.scoring.result",
    "TopRow": "ivp_pipeline.scoring.summary",
    "top_priorities": "ivp_pipeline.scoring.summary",
    "WHAT_IF": "ivp_pipeline.scoring.whatif",
    "with_what_if": "ivp_pipeline.scoring.whatif",
}


__getattr__ = lazy_names(__name__, _LAZY)


__all__ = [
    "CRITERIA",
    "POLICE_LEVELS",
    "WHAT_IF",
    "WIJK_COLUMNS",
    "Comparison",
    "EvaluationConfig",
    "Inputs",
    "ScoreResult",
    "ScoringConfig",
    "SideTables",
    "TopRow",
    "UnitSimulation",
    "as_frame",
    "compute",
    "evaluation_config",
    "for_region",
    "result_themes",
    "scoring_config",
    "stable_respondents",
    "top_priorities",
    "voortgang",
    "with_what_if",
]
