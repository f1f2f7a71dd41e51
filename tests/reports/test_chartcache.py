"""The chart digest (reports/chartcache.py): the same content gives the same digest however its frame
was built; any change of a value, of where one text ends and the next begins, or of a type, another."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ivp_pipeline.reports.chartcache import digest


def frame(labels: list[object], values: list[float] | None = None) -> pd.DataFrame:
    return pd.DataFrame({"label": pd.Series(labels, dtype=object), "x": values or [1.0] * len(labels)})


def test_same_content_same_digest() -> None:
    a = frame(["Losser", "Oldenzaal"], [1.5, 2.0])
    b = pd.DataFrame({"label": ["Oldenzaal", "Losser"], "x": [2.0, 1.5]}).iloc[::-1].reset_index(drop=True)
    b["label"] = b["label"].astype(object)
    assert digest("s", {"data": a}) == digest("s", {"data": b})
    assert digest("s", {"data": a[["label"]]}) == digest("s", {"data": a.loc[:, ["label"]].copy()})


def test_text_boundaries_types_and_missing_values_change_the_digest() -> None:
    seen = {
        digest("s", frame(["ab", "c"])),
        digest("s", frame(["a", "bc"])),  # the same characters, split elsewhere
        digest("s", frame(["abc", ""])),
        digest("s", frame(["a", "b,c"])),
        digest("s", frame(["a", None])),  # missing, not a text
        digest("s", frame(["a", ""])),
        digest("s", frame(["a", 1])),  # a number among the texts
        digest("s", frame(["a", "1"])),
        digest("s", frame(["a", "b"], [1.0, 2.0])),
        digest("s", frame(["a", "b"], [1.0, 2.5])),
    }
    assert len(seen) == 10


def test_columns_of_every_kind_are_hashed_by_value() -> None:
    base = pd.DataFrame(
        {
            "when": pd.to_datetime(["2024-01-01", "2024-02-01"]),
            "count": pd.array([1, None], dtype="Int64"),
            "text": pd.array(["a", None], dtype="string"),
            "kind": pd.Categorical(["maand", "jaar"]),
            "n": np.array([1, 2]),
        }
    )
    first = digest("s", base)
    assert digest("s", base.copy()) == first
    for column, other in (
        ("when", pd.to_datetime(["2024-01-01", "2024-03-01"])),
        ("count", pd.array([1, 2], dtype="Int64")),
        ("text", pd.array(["a", "b"], dtype="string")),
        ("kind", pd.Categorical(["maand", "maand"])),
        ("n", np.array([1, 3])),
    ):
        changed = base.copy()
        changed[column] = other
        assert digest("s", changed) != first, column
