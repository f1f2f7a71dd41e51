"""Scoring, pure: frames + configuration + catalogue in, a typed ScoreResult out (no paths, no writes).

The door of the layer: steps use the names below; reports read the ScoreResult contract
(scoring/result.py) and the constants its tables are described by.
"""

from ivp_pipeline.scoring.config import CRITERIA, ScoringConfig, scoring_config
from ivp_pipeline.scoring.evaluation import EvaluationConfig, evaluation_config, result_themes, voortgang
from ivp_pipeline.scoring.inputs import POLICE_LEVELS, Inputs, stable_respondents
from ivp_pipeline.scoring.pipeline import compute
from ivp_pipeline.scoring.result import ScoreResult
from ivp_pipeline.scoring.summary import TopRow, top_priorities

__all__ = [
    "CRITERIA",
    "POLICE_LEVELS",
    "EvaluationConfig",
    "Inputs",
    "ScoreResult",
    "ScoringConfig",
    "TopRow",
    "compute",
    "evaluation_config",
    "result_themes",
    "scoring_config",
    "stable_respondents",
    "top_priorities",
    "voortgang",
]
