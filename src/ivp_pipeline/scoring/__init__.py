"""Scoring, pure: frames + configuration + catalogue in, a typed ScoreResult out (no paths, no writes).

The door of the layer: steps use the names below; reports read the ScoreResult contract
(scoring/result.py) and the constants its tables are described by.
"""

from ivp_pipeline.scoring.config import CRITERIA, ScoringConfig, for_region, scoring_config
from ivp_pipeline.scoring.evaluation import EvaluationConfig, evaluation_config, result_themes, voortgang
from ivp_pipeline.scoring.inputs import POLICE_LEVELS, WIJK_COLUMNS, Inputs, as_frame, stable_respondents
from ivp_pipeline.scoring.keyfigures import Comparison
from ivp_pipeline.scoring.montecarlo import UnitSimulation
from ivp_pipeline.scoring.pipeline import compute
from ivp_pipeline.scoring.result import ScoreResult
from ivp_pipeline.scoring.summary import TopRow, top_priorities
from ivp_pipeline.scoring.whatif import WHAT_IF, with_what_if

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
