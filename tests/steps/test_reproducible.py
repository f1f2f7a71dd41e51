"""Same inputs, same bytes across workspaces: ingestion time and pseudonyms must not leak into order."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import pytest

from ivp_pipeline.problems import IvpError
from ivp_pipeline.scoring.inputs import stable_respondents
from ivp_pipeline.steps.ingest import ingestion_time


def test_ingestion_time_follows_source_date_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1780000000")
    assert ingestion_time() == datetime.fromtimestamp(1780000000, UTC)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "gisteren")
    with pytest.raises(IvpError) as info:
        ingestion_time()
    assert info.value.problem.code == "bad-environment"
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert abs((ingestion_time() - datetime.now(UTC)).total_seconds()) < 5


def _ratings(pseudonyms: tuple[str, str]) -> pd.DataFrame:
    a, b = pseudonyms
    return pd.DataFrame(
        {
            "respondent": [b, a, b, a],
            "source_file": ["z.xlsx", "a.xlsx", "z.xlsx", "a.xlsx"],
            "source_row": [8, 8, 9, 9],
            "theme": ["jeugd", "jeugd", "geweld", "geweld"],
            "criterion": ["size"] * 4,
            "rating": [2, 5, 3, 4],
        }
    )


def test_respondents_are_ordered_by_file_and_row_not_by_their_keyed_hash() -> None:
    # The same two people under two workspaces' keys: hashes sort differently, ordinals do not.
    one = stable_respondents(_ratings(("r-aaaa", "r-ffff")))
    two = stable_respondents(_ratings(("r-ffff", "r-aaaa")))
    pd.testing.assert_frame_equal(one, two)
    assert one["respondent"].tolist() == ["r0001", "r0001", "r0002", "r0002"]
    assert one["rating"].tolist() == [5, 4, 2, 3]
