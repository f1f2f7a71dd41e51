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
from ivp_pipeline.store import Transaction, load_manifest, merge, partition_path, partitions, read_dataset
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


# --- appending a part instead of rewriting a partition (issue 13, point 4) -------------------------


def _parts(ws: Workspace, code: str = "GM1774") -> list[str]:
    folder = partition_path(ws.processed, POLICE, code).parent
    return sorted(p.name for p in folder.glob("part-*.parquet"))


def test_a_new_month_is_added_as_a_part_and_the_stored_file_is_left_alone(ws: Workspace) -> None:
    tx = Transaction(ws.processed)
    tx.upsert(POLICE, "GM1774", police_rows([1, 2, 3], month=1, file="jan.csv"))
    tx.commit()
    before = partition_path(ws.processed, POLICE, "GM1774").read_bytes()
    tx = Transaction(ws.processed)
    assert tx.upsert(POLICE, "GM1774", police_rows([4, None], month=2, file="feb.csv")) == 0
    tx.commit()
    assert _parts(ws) == ["part-0.parquet", "part-1.parquet"]
    assert partition_path(ws.processed, POLICE, "GM1774").read_bytes() == before
    table = read_dataset(ws.processed, POLICE)
    assert table.schema == POLICE.schema
    assert table["value"].to_pylist() == [1, 2, 3, 4, None]
    assert [d.month for d in table["period_start"].to_pylist()] == [1, 1, 1, 2, 2]
    assert table["value_state"].to_pylist()[-1] == "suppressed"
    assert partitions(ws.processed, POLICE) == ["GM1774"]  # one partition, however many parts
    import pyarrow.dataset as pads

    hive = pads.dataset(ws.processed / "police", format="parquet", partitioning="hive").to_table()
    assert hive.num_rows == 5 and set(hive["municipality"].to_pylist()) == {"GM1774"}


def test_rows_that_may_share_a_key_merge_and_fold_the_parts_into_one(ws: Workspace) -> None:
    tx = Transaction(ws.processed)
    tx.upsert(POLICE, "GM1774", police_rows([1, 2, 3], month=1, file="jan.csv"))
    tx.commit()
    tx = Transaction(ws.processed)
    tx.upsert(POLICE, "GM1774", police_rows([4, 5], month=2, file="feb.csv"))
    tx.commit()
    tx = Transaction(ws.processed)
    # January again, revised: the key ranges overlap part-0, so the whole partition is merged.
    assert tx.upsert(POLICE, "GM1774", police_rows([10], month=1, file="jan-v2.csv")) == 1
    tx.commit()
    assert _parts(ws) == ["part-0.parquet"]
    table = read_dataset(ws.processed, POLICE)
    assert table["value"].to_pylist() == [10, 4, 2, 5, 3]  # one file again, in key order
    assert table["source_file"].to_pylist() == ["jan-v2.csv", "feb.csv", "jan.csv", "feb.csv", "jan.csv"]
    assert [r[3:6] for r in tx.revisions] == [["value", "1", "10"]]


def test_the_files_of_one_run_share_one_new_part(ws: Workspace) -> None:
    tx = Transaction(ws.processed)
    tx.upsert(POLICE, "GM1774", police_rows([1], month=1))
    tx.commit()
    tx = Transaction(ws.processed)
    tx.upsert(POLICE, "GM1774", police_rows([2], month=2, file="feb.csv"))
    tx.upsert(POLICE, "GM1774", police_rows([3], month=3, file="mar.csv"))
    tx.upsert(POLICE, "GM1774", police_rows([30], month=3, file="mar-v2.csv"))  # later file wins
    tx.commit()
    assert _parts(ws) == ["part-0.parquet", "part-1.parquet"]
    import pyarrow.parquet as pq

    new = pq.read_table(partition_path(ws.processed, POLICE, "GM1774", 1))
    assert new["value"].to_pylist() == [2, 30]
    assert read_dataset(ws.processed, POLICE)["value"].to_pylist() == [1, 2, 30]


def test_parts_are_folded_into_one_after_compact_at(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    from ivp_pipeline.store import transaction

    monkeypatch.setattr(transaction, "COMPACT_AT", 3)
    for month in (1, 2, 3):
        tx = Transaction(ws.processed)
        tx.upsert(POLICE, "GM1774", police_rows([month], month=month, file=f"m{month}.csv"))
        tx.commit()
    assert _parts(ws) == ["part-0.parquet", "part-1.parquet", "part-2.parquet"]
    tx = Transaction(ws.processed)
    assert tx.upsert(POLICE, "GM1774", police_rows([4], month=4, file="m4.csv")) == 0  # disjoint, yet merged
    tx.commit()
    assert _parts(ws) == ["part-0.parquet"]
    assert read_dataset(ws.processed, POLICE)["value"].to_pylist() == [1, 2, 3, 4]


def test_drop_source_reaches_rows_in_every_part(ws: Workspace) -> None:
    tx = Transaction(ws.processed)
    tx.upsert(POLICE, "GM1774", police_rows([1, 2], month=1, file="jan.csv"))
    tx.commit()
    tx = Transaction(ws.processed)
    tx.upsert(POLICE, "GM1774", police_rows([3], month=2, file="feb.csv"))
    tx.commit()
    tx = Transaction(ws.processed)
    assert tx.drop_source(POLICE, "feb.csv") == 1
    tx.commit()
    assert _parts(ws) == ["part-0.parquet"]
    assert read_dataset(ws.processed, POLICE)["value"].to_pylist() == [1, 2]


def test_stored_files_hold_plain_parquet_text_without_an_arrow_schema(ws: Workspace) -> None:
    import pyarrow.parquet as pq

    rows = police_rows([1, 2])
    states = pa.DictionaryArray.from_arrays(pa.array([0, 0], pa.int32()), pa.array(["observed"]))
    rows = rows.set_column(rows.schema.get_field_index("value_state"), "value_state", states)
    tx = Transaction(ws.processed)
    tx.upsert(POLICE, "GM1774", rows)
    tx.commit()
    path = partition_path(ws.processed, POLICE, "GM1774")
    assert pq.read_metadata(path).metadata is None or b"ARROW:schema" not in pq.read_metadata(path).metadata
    back = pq.read_table(path)
    assert back.schema.field("value_state").type == pa.string()
    assert back["value_state"].to_pylist() == ["observed", "observed"]
    assert not back.schema.field("area_code").nullable and back.schema.field("area_name").nullable


def test_the_next_staging_copy_is_made_from_the_spare_of_the_last_swap(ws: Workspace) -> None:
    tx = Transaction(ws.processed)
    tx.upsert(POLICE, "GM1774", police_rows([1], month=1))
    tx.upsert(POLICE, "GM0168", police_rows([2], month=1))
    tx.commit()
    spare = atomic.spare_dir(ws.processed)
    assert not spare.exists()  # there was no state before the first swap
    tx = Transaction(ws.processed)
    tx.upsert(POLICE, "GM1774", police_rows([3], month=2, file="feb.csv"))
    tx.commit()
    # The spare now holds the previous state: GM1774 without its new part; data/processed the new one.
    assert sorted(p.name for p in (spare / "police" / "municipality=GM1774").iterdir()) == ["part-0.parquet"]
    assert _parts(ws) == ["part-0.parquet", "part-1.parquet"]
    tx = Transaction(ws.processed)
    stage = tx.stage  # made from the spare, brought up to date
    assert not spare.exists()
    live = sorted(p.relative_to(ws.processed) for p in ws.processed.rglob("*"))
    assert sorted(p.relative_to(stage) for p in stage.rglob("*")) == live
    for rel in live:
        if (ws.processed / rel).is_file():
            assert (stage / rel).stat().st_ino == (ws.processed / rel).stat().st_ino
    tx.abort()
    assert read_dataset(ws.processed, POLICE)["value"].to_pylist() == [2, 1, 3]


def test_a_spare_that_drifted_is_mirrored_exactly(tmp_path: Path) -> None:
    target = tmp_path / "processed"
    (target / "a").mkdir(parents=True)
    (target / "a" / "x").write_text("new")
    (target / "b").write_text("b")
    spare = atomic.spare_dir(target)
    (spare / "a").mkdir(parents=True)
    (spare / "a" / "x").write_text("old")  # same name, other file
    (spare / "a" / "gone").write_text("g")
    (spare / "c").mkdir()  # a folder the target no longer has
    (spare / "b").mkdir()  # a folder where the target has a file
    stage = atomic.staging_dir(target)
    assert sorted(str(p.relative_to(stage)) for p in stage.rglob("*")) == ["a", "a/x", "b"]
    assert (stage / "a" / "x").read_text() == "new" and (stage / "b").read_text() == "b"
    assert (stage / "a" / "x").stat().st_ino == (target / "a" / "x").stat().st_ino


# --- a new month told from the manifest, one contract check per file --------------------------------


def _read_no_footer(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Record every footer the transaction reads to decide on appending."""
    from ivp_pipeline.store import transaction

    read: list[Path] = []
    real = transaction.pq.read_metadata

    def spy(path: Path, *args: object, **kwargs: object) -> object:
        read.append(Path(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(transaction.pq, "read_metadata", spy)
    return read


def _with_manifest_entry(tx: Transaction, name: str, last: str | None) -> None:
    tx.manifest.setdefault("files", {})[name] = {"dataset": "police", "sha256": "0" * 64, "period_last": last}


def test_a_month_after_every_stored_one_is_appended_without_reading_a_footer(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    tx = Transaction(ws.processed)
    tx.upsert(POLICE, "GM1774", police_rows([1, 2], month=1, file="jan.csv"))
    _with_manifest_entry(tx, "jan.csv", "2024-01-01")
    tx.commit()
    read = _read_no_footer(monkeypatch)
    tx = Transaction(ws.processed)
    tx.upsert(POLICE, "GM1774", police_rows([3], month=2, file="feb.csv"))
    tx.commit()
    assert read == []  # the manifest says every stored row is of January or before
    assert _parts(ws) == ["part-0.parquet", "part-1.parquet"]
    assert read_dataset(ws.processed, POLICE)["value"].to_pylist() == [1, 2, 3]


@pytest.mark.parametrize("last", ["2024-02-01", None])
def test_without_that_word_of_the_manifest_the_footers_decide(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch, last: str | None
) -> None:
    tx = Transaction(ws.processed)
    tx.upsert(POLICE, "GM1774", police_rows([1, 2], month=2, file="feb.csv"))
    _with_manifest_entry(tx, "feb.csv", last)  # February stored (or the manifest does not say)
    tx.commit()
    read = _read_no_footer(monkeypatch)
    tx = Transaction(ws.processed)
    assert tx.upsert(POLICE, "GM1774", police_rows([20], month=2, file="feb-v2.csv")) == 1
    tx.commit()
    assert [p.name for p in read] == ["part-0.parquet"]
    assert _parts(ws) == ["part-0.parquet"]  # February again: merged, not appended
    assert read_dataset(ws.processed, POLICE)["value"].to_pylist() == [20, 2]


def _month_of(codes: list[str], month: int, values: list[int], file: str) -> dict[str, pa.Table]:
    """One file's rows of a month by partition: `values` in every partition of `codes`."""
    rows = police_rows(values, month=month, file=file)
    return {code: rows.set_column(0, "municipality", pa.array([code] * rows.num_rows)) for code in codes}


@pytest.mark.parametrize("february_only", [True, False])
def test_a_month_of_many_partitions_is_told_new_in_one_look_at_the_whole_file(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch, february_only: bool
) -> None:
    from ivp_pipeline.store import transaction

    codes = ["GM0168", "GM0173", "GM1774"]
    tx = Transaction(ws.processed)
    tx.upsert_all(POLICE, _month_of(codes, 1, [1, 2], "jan.csv"))
    _with_manifest_entry(tx, "jan.csv", "2024-01-01")
    tx.commit()
    looked: list[int] = []  # per call of _after: how many tables it looked at
    real = transaction._after

    def spy(incoming: pa.Table | list[pa.Table], until: dt.date | None) -> bool:
        looked.append(len(incoming) if isinstance(incoming, list) else 1)
        return real(incoming, until)

    monkeypatch.setattr(transaction, "_after", spy)
    feb = _month_of(codes, 2, [3, 4], "feb.csv")
    if not february_only:  # GM0173 brings a January row again: that partition is merged
        feb["GM0173"] = pa.concat_tables([feb["GM0173"], _month_of(["GM0173"], 1, [9], "feb.csv")["GM0173"]])
    tx = Transaction(ws.processed)
    assert tx.upsert_all(POLICE, feb) == (0 if february_only else 1)
    tx.commit()
    # one look at the whole file; only when it is not all new, one per partition as well
    assert looked == ([3] if february_only else [3, 1, 1, 1])
    assert _parts(ws, "GM0168") == _parts(ws, "GM1774") == ["part-0.parquet", "part-1.parquet"]
    assert _parts(ws, "GM0173") == (
        ["part-0.parquet", "part-1.parquet"] if february_only else ["part-0.parquet"]
    )
    values = read_dataset(ws.processed, POLICE, ["GM0173"])["value"].to_pylist()
    assert values == ([1, 2, 3, 4] if february_only else [9, 3, 2, 4])  # in key order: code, period


def test_after_looks_at_every_table_of_a_list() -> None:
    from ivp_pipeline.store.transaction import _after

    jan, feb = police_rows([1], month=1), police_rows([2], month=2)
    assert _after([feb, feb], dt.date(2024, 1, 1))
    assert not _after([feb, jan], dt.date(2024, 1, 1))  # a January row in the second table
    assert not _after([feb], None)  # the manifest does not say what is stored
    assert not _after([], dt.date(2024, 1, 1))


def _two_partitions() -> tuple[pa.Table, dict[str, pa.Table]]:
    rows = pa.concat_tables([police_rows([1, 2], file="x.csv"), police_rows([3], file="x.csv")])
    codes = pa.array(["GM0168", "GM0168", "GM1774"])
    whole = rows.set_column(0, "municipality", codes).combine_chunks()
    return whole, {"GM0168": whole.slice(0, 2), "GM1774": whole.slice(2, 1)}


def test_a_file_cut_into_partitions_is_checked_in_one_piece(ws: Workspace) -> None:
    from ivp_pipeline.store import transaction

    whole, parts = _two_partitions()
    assert transaction._slices_of(whole, [parts["GM0168"], parts["GM1774"]])
    assert not transaction._slices_of(whole, [parts["GM1774"], parts["GM0168"]])  # not in order
    assert not transaction._slices_of(whole, [parts["GM0168"]])  # not all of it
    other = whole.set_column(12, "value", pa.array([7, 8, 9], pa.int64()))
    assert not transaction._slices_of(other, [parts["GM0168"], parts["GM1774"]])  # another table
    tx = Transaction(ws.processed)
    assert tx.upsert_all(POLICE, parts, whole=other) == 0  # not its slices: the parts are written
    tx.commit()
    table = read_dataset(ws.processed, POLICE)
    assert table["municipality"].to_pylist() == ["GM0168", "GM0168", "GM1774"]
    assert table["value"].to_pylist() == [1, 2, 3]


@pytest.mark.parametrize("cut", [True, False])
def test_slices_cut_by_the_store_are_taken_for_slices_without_a_look_at_their_buffers(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch, cut: bool
) -> None:
    from ivp_pipeline.store import Slices, transaction

    whole, plain = _two_partitions()
    parts = Slices(whole, [("GM0168", 0, 2), ("GM1774", 2, 3)]) if cut else plain
    assert dict(parts.items()).keys() == plain.keys() and all(parts[k].equals(plain[k]) for k in plain)
    looked: list[int] = []
    real = transaction._slices_of
    monkeypatch.setattr(
        transaction, "_slices_of", lambda w, tables: looked.append(len(tables)) or real(w, tables)
    )
    tx = Transaction(ws.processed)
    checked: list[int] = []
    real_conform = transaction.conform_stored
    monkeypatch.setattr(
        transaction, "conform_stored", lambda t, d: checked.append(t.num_rows) or real_conform(t, d)
    )
    assert tx.upsert_all(POLICE, parts, whole=whole) == 0
    tx.commit()
    assert looked == ([] if cut else [2])  # the store cut them itself: nothing to compare
    assert checked == [3]  # either way one check of the whole file
    assert read_dataset(ws.processed, POLICE)["value"].to_pylist() == [1, 2, 3]
    other = whole.set_column(12, "value", pa.array([7, 8, 9], pa.int64()))
    tx = Transaction(ws.processed)
    looked.clear()
    tx.upsert_all(POLICE, parts, whole=other)  # slices of another table: compared, and refused
    assert looked == [2]
    tx.abort()


@pytest.mark.parametrize(
    "bounds", [[("GM0168", 0, 2), ("GM1774", 1, 3)], [("GM0168", 0, 2)], [("GM0168", 0, 2), ("GM0168", 2, 3)]]
)
def test_slices_must_cut_the_whole_table_in_consecutive_pieces_once_each(
    bounds: list[tuple[str, int, int]],
) -> None:
    from ivp_pipeline.store import Slices

    whole, _parts = _two_partitions()
    with pytest.raises(ValueError):
        Slices(whole, bounds)


def test_a_new_partition_file_is_written_under_its_name_and_a_stored_one_replaced(ws: Workspace) -> None:
    tx = Transaction(ws.processed)
    tx.upsert(POLICE, "GM1774", police_rows([1], file="a.csv"))
    tx.commit()
    live = partition_path(ws.processed, POLICE, "GM1774")
    before, inode = live.read_bytes(), live.stat().st_ino
    tx = Transaction(ws.processed)
    tx.upsert(POLICE, "GM1774", police_rows([5], file="b.csv"))  # same key: part-0 written anew
    staged = partition_path(tx.stage, POLICE, "GM1774")
    assert live.read_bytes() == before and live.stat().st_ino == inode  # the hard link was replaced
    assert staged.stat().st_ino != inode
    tx.commit()
    assert read_dataset(ws.processed, POLICE)["value"].to_pylist() == [5]


def test_a_partition_file_has_the_bytes_of_the_default_write_batch(
    ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """WRITE_BATCH makes the writer encode more values per step; the file stays byte for byte the one
    pyarrow's default (1024 values a step) writes, for a partition of several thousand rows."""
    from ivp_pipeline.store import transaction

    rows = police_rows([i % 50 or None for i in range(5000)])

    def written(root: Path) -> bytes:
        tx = Transaction(root)
        tx.upsert(POLICE, "GM1774", rows)
        tx.commit()
        return partition_path(root, POLICE, "GM1774").read_bytes()

    ours = written(ws.processed)
    monkeypatch.setattr(transaction, "WRITE_BATCH", 1024)
    assert transaction.WRITE_BATCH < rows.num_rows < 1 << 16
    assert written(tmp_path / "processed") == ours
