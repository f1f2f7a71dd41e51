"""The sources table: every ingested file with its periods as the readers recorded them."""

from __future__ import annotations

from ivp_pipeline.scoring.tables import sources_frame


def test_periods_of_each_reader_shape_are_shown() -> None:
    manifest = {
        "files": {
            "b.csv": {"sha256": "2", "kind": "police-labels-csv", "dataset": "police", "accepted": 5,
                      "period_first": "2019-01-01", "period_last": "2025-01-01", "period_kinds": ["year"]},
            "a.csv": {"sha256": "1", "kind": "police-bulk-csv", "dataset": "police", "accepted": 9,
                      "period_first": "2019-01-01", "period_last": "2026-10-01",
                      "period_kinds": ["month", "year"], "table_id": "47013NED"},
            "c.csv": {"sha256": "3", "kind": "population", "dataset": "population", "accepted": 2,
                      "years": ["2023", "2024"]},
            "d.xlsx": {"sha256": "4", "kind": "professional", "dataset": "professional", "accepted": 8},
        }
    }  # fmt: skip
    frame = sources_frame(manifest)
    assert frame["file"].tolist() == ["a.csv", "b.csv", "c.csv", "d.xlsx"]
    assert frame["periods"].tolist() == [
        "2019-01 t/m 2026-10 (maanden, jaren)",
        "2019 t/m 2025 (jaren)",
        "2023, 2024",
        "",
    ]
    assert frame["table_id"].tolist() == ["47013NED", "", "", ""]
    assert frame["rows"].tolist() == [9, 5, 2, 8]
