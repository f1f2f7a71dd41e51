"""The store: pinned schemas, merge by key, whole-state swaps, recovery after a killed run, the lock."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pytest

from ivp_pipeline import atomic
from ivp_pipeline.problems import IvpError, Problem
from ivp_pipeline.schemas import POLICE
from ivp_pipeline.store import Transaction, load_manifest, merge, partition_path, read_dataset
from ivp_pipeline.workspace import Workspace


def police_rows(values: list[int | None], *, month: int = 1, file: str = "a.csv") -> pa.Table:
    n = len(values)
    return pa.table(
        {
            "municipality": ["GM1774"] * n,
            "area_code": ["GM1774"] * n,
            "area_level": ["gemeente"] * n,
            "area_name": ["Dinkelland"] * n,
            "table_id": ["47013NED"] * n,
            "measure": ["crime"] * n,
            "offence_code": [f"1.1.{i + 1}" for i in range(n)],
            "offence_label": ["x"] * n,
            "is_rollup": [False] * n,
            "period_start": [dt.date(2024, month, 1)] * n,
            "period_kind": ["month"] * n,
            "period_status": ["final"] * n,
            "value": values,
            "value_state": ["observed" if v is not None else "suppressed" for v in values],
            "source_file": [file] * n,
            "source_sha256": ["0" * 64] * n,
            "source_row": list(range(2, n + 2)),
        }
    )


def test_merge_replaces_rows_with_the_same_key_and_keeps_the_rest() -> None:
    old = police_rows([1, 2, 3], file="old.csv")
    new = police_rows([10, None], file="new.csv")  # same keys as the first two old rows
    merged, replaced = merge(old, new, POLICE)
    assert replaced == 2
    assert merged.num_rows == 3
    by_code = dict(zip(merged["offence_code"].to_pylist(), merged["value"].to_pylist(), strict=True))
    assert by_code == {"1.1.1": 10, "1.1.2": None, "1.1.3": 3}


def test_partition_files_omit_the_partition_column_and_read_back_whole(ws: Workspace) -> None:
    tx = Transaction(ws.processed)
    tx.upsert(POLICE, "GM1774", police_rows([4, 5]))
    tx.commit()
    import pyarrow.parquet as pq

    path = partition_path(ws.processed, POLICE, "GM1774")
    assert "municipality" not in pq.read_schema(path).names
    table = read_dataset(ws.processed, POLICE)
    assert table.schema == POLICE.schema
    assert table["municipality"].to_pylist() == ["GM1774", "GM1774"]
    # A hive reader sees the partition column from the folder name.
    import pyarrow.dataset as pads

    hive = pads.dataset(ws.processed / "police", format="parquet", partitioning="hive").to_table()
    assert set(hive["municipality"].to_pylist()) == {"GM1774"}


def test_abort_leaves_the_previous_state(ws: Workspace) -> None:
    tx = Transaction(ws.processed)
    tx.upsert(POLICE, "GM1774", police_rows([1]))
    tx.commit()
    before = partition_path(ws.processed, POLICE, "GM1774").read_bytes()
    tx2 = Transaction(ws.processed)
    tx2.upsert(POLICE, "GM1774", police_rows([99, 98]))
    tx2.abort()
    assert partition_path(ws.processed, POLICE, "GM1774").read_bytes() == before
    assert not list(ws.processed.parent.glob(".processed-staging-*"))


def test_recover_restores_a_state_moved_away_by_a_killed_swap(ws: Workspace) -> None:
    tx = Transaction(ws.processed)
    tx.upsert(POLICE, "GM1774", police_rows([1]))
    tx.commit()
    # Simulate kill -9 between the two renames of the fallback swap.
    old = ws.processed.parent / ".processed-old-12345"
    os.replace(ws.processed, old)
    (ws.processed.parent / ".processed-staging-12345").mkdir()
    atomic.recover(ws.processed)
    assert read_dataset(ws.processed, POLICE).num_rows == 1
    assert not old.exists()
    assert not (ws.processed.parent / ".processed-staging-12345").exists()


def test_manifest_is_written_with_sorted_files(ws: Workspace) -> None:
    tx = Transaction(ws.processed)
    tx.manifest["files"] = {"b.csv": {"sha256": "b"}, "a.csv": {"sha256": "a", "rejects": []}}
    tx.commit()
    manifest = load_manifest(ws.processed)
    assert list(manifest["files"]) == ["a.csv", "b.csv"]
    assert json.loads((ws.processed / "_manifest.json").read_text())["version"] == 1
    assert (ws.processed / "_rejects.csv").read_text().startswith("code,file,sheet,row")


def test_killed_writer_leaves_the_previous_state(ws: Workspace) -> None:
    tx = Transaction(ws.processed)
    tx.upsert(POLICE, "GM1774", police_rows([1]))
    tx.commit()
    before = partition_path(ws.processed, POLICE, "GM1774").read_bytes()
    script = (
        "import os, sys\n"
        "from ivp_pipeline.schemas import POLICE\n"
        "from ivp_pipeline.store import Transaction, read_dataset\n"
        "from ivp_pipeline.workspace import Workspace\n"
        "ws = Workspace.at(sys.argv[1])\n"
        "tx = Transaction(ws.processed)\n"
        "t = read_dataset(ws.processed, POLICE)\n"
        "tx.upsert(POLICE, 'GM1774', t.set_column(12, 'value', __import__('pyarrow').array([7])))\n"
        "os.kill(os.getpid(), 9)\n"
    )
    proc = subprocess.run([sys.executable, "-c", script, str(ws.root)], check=False)
    assert proc.returncode == -9
    assert partition_path(ws.processed, POLICE, "GM1774").read_bytes() == before
    Transaction(ws.processed).abort()  # the next run cleans up what the killed one left
    assert not list(ws.processed.parent.glob(".processed-staging-*"))


def test_lock_is_reentrant_and_excludes_other_processes(tmp_path: Path) -> None:
    lock = tmp_path / "x.lock"
    with atomic.workspace_lock(lock), atomic.workspace_lock(lock):
        script = (
            "import sys\nfrom pathlib import Path\nfrom ivp_pipeline import atomic\n"
            "from ivp_pipeline.problems import IvpError, Problem\n"
            "try:\n    cm = atomic.workspace_lock(Path(sys.argv[1]), timeout=0.2); cm.__enter__()\n"
            "except IvpError as e:\n    print(e.problem.code)\n"
        )
        out = subprocess.run([sys.executable, "-c", script, str(lock)], capture_output=True, text=True)
        assert out.stdout.strip() == "workspace-locked"
    with pytest.raises(IvpError) as info, atomic.workspace_lock(lock):
        raise IvpError(Problem("bad-config", "raised while holding the lock"))
    assert info.value.problem.code == "bad-config"
    with atomic.workspace_lock(lock, timeout=0.2):  # released by the error above
        pass


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("http://x","klik")', '\'=HYPERLINK("http://x","klik")'),
        ("+31 6 1234", "'+31 6 1234"),
        ("-7", "'-7"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\n=1+1"),
        ("\n=1+1", "'\n=1+1"),
        ("Losser", "Losser"),
    ],
)
def test_rejects_csv_neutralises_formula_cells(ws: Workspace, value: str, written: str) -> None:
    import csv

    tx = Transaction(ws.processed)
    problem = Problem("not-a-number", "not a count", file="=cmd|' /C calc'!A0", row=3, value=value)
    tx.manifest.setdefault("files", {})["a.csv"] = {"sha256": "0", "rejects": [problem.__dict__]}
    tx.commit()
    with (ws.processed / "_rejects.csv").open(encoding="utf-8", newline="") as fh:
        (row,) = list(csv.DictReader(fh))
    assert row["value"] == written
    assert row["file"] == "'=cmd|' /C calc'!A0" and row["row"] == "3"  # a true number stays a number


def test_one_cell_rule_for_reports_and_rejects() -> None:
    from ivp_pipeline import csvsafe
    from ivp_pipeline.reports import sanitise

    assert sanitise.csv_text is csvsafe.csv_text and sanitise.clean_text is csvsafe.clean_text
    assert csvsafe.csv_cell(-3) == "-3" and csvsafe.csv_cell("-3") == "'-3" and csvsafe.csv_cell(None) == ""


def test_lost_rows_are_the_old_keys_the_new_version_lacks(ws: Workspace) -> None:
    tx = Transaction(ws.processed)
    tx.upsert(POLICE, "GM1774", police_rows([1, 2, 3], file="a.csv"))
    tx.commit()
    tx = Transaction(ws.processed)
    try:
        lost = tx.lost_rows(POLICE, "a.csv", {"GM1774": police_rows([5, 6], file="a.csv")})
        assert {k: t["offence_code"].to_pylist() for k, t in lost.items()} == {"GM1774": ["1.1.3"]}
        assert tx.lost_rows(POLICE, "a.csv", {"GM1774": police_rows([5, 6, 7], file="a.csv")}) == {}
        assert tx.lost_rows(POLICE, "b.csv", {}) == {}
    finally:
        tx.abort()
