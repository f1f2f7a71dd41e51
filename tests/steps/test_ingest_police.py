"""`ivp ingest` end to end on police files: the CLI, the processed layout, re-runs and overlaps."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from ivp_pipeline.cli import app
from ivp_pipeline.schemas import POLICE
from ivp_pipeline.steps.ingest import ingest
from ivp_pipeline.store import read_dataset
from police_fixtures import BULK, CBS_OWN, PORTAL, STATLINE, odata_text, write

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "raw" / "police"
SAMPLE_FILES = ("47013NED_misdrijven_maand.csv", "47021NED_overlast_maand.json",
                "Misdrijven__wijken_28112026_101500.csv")  # fmt: skip


def _copy_sample(ws) -> None:
    target = ws.raw / "police"
    target.mkdir(parents=True)
    for name in SAMPLE_FILES:
        shutil.copy(SAMPLE / name, target / name)


def _hashes(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*.parquet"))}  # fmt: skip


def test_cli_ingests_the_sample_shapes(ws, runner):
    _copy_sample(ws)
    result = runner.invoke(app, ["ingest", "-w", str(ws.root)])
    assert result.exit_code == 0, result.stderr
    processed = ws.processed
    part = pq.read_table(processed / "police" / "municipality=GM1774" / "part-0.parquet")
    assert part.column_names == [n for n in POLICE.schema.names if n != "municipality"]
    by_file: dict[str, int] = {}
    for name in part["source_file"].to_pylist():
        by_file[name] = by_file.get(name, 0) + 1
    assert by_file == {
        "data/raw/police/47013NED_misdrijven_maand.csv": 59 * 94,  # 59 codes x 2019-01..2026-10
        "data/raw/police/47021NED_overlast_maand.json": 9 * 94,
        "data/raw/police/Misdrijven__wijken_28112026_101500.csv": 16 * 7 * 13,  # gemeente + 12 wijken
    }
    # The builder's presorted output must be exactly the order the store's own sort would give.
    key = [(k, "ascending") for k in (*POLICE.key, "source_row")]
    assert part.equals(part.sort_by(key))
    rollups = {r["offence_code"] for r in part.filter(part["is_rollup"]).select(["offence_code"]).to_pylist()}
    assert rollups == {"0.0.0"}
    assert sorted(p.name for p in (processed / "police").iterdir()) == [
        f"municipality={c}" for c in ("GM0168", "GM0173", "GM0183", "GM1774", "NL01", "PV23")
    ]
    manifest = json.loads((processed / "_manifest.json").read_text(encoding="utf-8"))
    entries = manifest["files"]
    assert {k: (e["kind"], e["rejected"], e["measure"]) for k, e in entries.items()} == {
        "data/raw/police/47013NED_misdrijven_maand.csv": ("police-bulk-csv", 0, "crime"),
        "data/raw/police/47021NED_overlast_maand.json": ("police-odata-json", 0, "overlast"),
        "data/raw/police/Misdrijven__wijken_28112026_101500.csv": ("police-labels-csv", 0, "crime"),
    }
    assert entries["data/raw/police/47021NED_overlast_maand.json"]["table_id"] == "47021NED"
    assert (processed / "_rejects.csv").read_text(encoding="utf-8").splitlines() == [
        "code,file,sheet,row,column,value,message,hint"
    ]
    years = [r for r in read_dataset(processed, POLICE, ["GM0173"]).to_pylist() if r["period_kind"] == "year"]
    statuses = {(r["period_start"].year, r["period_status"]) for r in years}
    assert (2025, "provisional") in statuses and (2024, "final") in statuses


def test_second_run_is_unchanged_and_keeps_the_bytes(ws, runner):
    _copy_sample(ws)
    assert runner.invoke(app, ["ingest", "-w", str(ws.root)]).exit_code == 0
    before = _hashes(ws.processed)
    manifest_before = (ws.processed / "_manifest.json").read_bytes()
    report = ingest(ws)
    assert [o.status for o in report.outcomes] == ["unchanged"] * 3 and not report.committed
    assert _hashes(ws.processed) == before
    assert (ws.processed / "_manifest.json").read_bytes() == manifest_before


def test_newer_download_replaces_overlapping_months(ws):
    head = "ID;SoortMisdrijf;RegioS;Perioden;GeregistreerdeMisdrijven_1\n"
    write(
        ws,
        "a_2024-04.csv",
        head
        + "".join(
            f"{i};1.1.1 ;GM1774;2024MM0{m};{v:>8}\n" for i, (m, v) in enumerate([(1, 3), (2, 4), (3, 5)])
        ),
    )
    assert ingest(ws).committed
    write(
        ws,
        "b_2024-05.csv",
        head
        + "".join(
            f"{i};1.1.1 ;GM1774;2024MM0{m};{v:>8}\n" for i, (m, v) in enumerate([(2, 6), (3, 5), (4, 1)])
        ),
    )
    report = ingest(ws)
    assert [(o.file.rsplit("/", 1)[1], o.status, o.replaced) for o in report.outcomes] == [
        ("a_2024-04.csv", "unchanged", 0), ("b_2024-05.csv", "ingested", 2)]  # fmt: skip
    table = read_dataset(ws.processed, POLICE, ["GM1774"])
    got = sorted((r["period_start"].month, r["value"], r["source_file"].rsplit("/", 1)[1])
                 for r in table.to_pylist())  # fmt: skip
    assert got == [(1, 3, "a_2024-04.csv"), (2, 6, "b_2024-05.csv"), (3, 5, "b_2024-05.csv"),
                   (4, 1, "b_2024-05.csv")]  # fmt: skip


def test_unreadable_file_exits_1_and_writes_nothing(ws, runner):
    write(ws, "bulk.csv", BULK)
    write(ws, "odata.json", '{"odata.metadata": "https://x/OData/47013NED/$metadata", "value": [{"ID": 0,')
    result = runner.invoke(app, ["ingest", "-w", str(ws.root)])
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if line.startswith("Fout:")]
    assert lines == [
        "Fout: data/raw/police/odata.json, rij 1: [truncated-file] de JSON eindigt te vroeg (teken 77 van "
        "de regel); de download is afgebroken: download het bestand opnieuw"
    ]
    assert not (ws.processed / "police").exists()


def test_rejected_rows_are_listed_and_the_rest_is_written(ws, runner):
    write(ws, "bulk.csv", BULK + "7;1.1.1 ;GM1774;2024MM02;     abc\n")
    result = runner.invoke(app, ["ingest", "-w", str(ws.root)])
    assert result.exit_code == 3  # written, with rejected rows
    with (ws.processed / "_rejects.csv").open(encoding="utf-8") as fh:
        rejects = list(csv.DictReader(fh))
    assert [(r["code"], r["file"], r["row"], r["column"], r["value"]) for r in rejects] == [
        ("not-a-number", "data/raw/police/bulk.csv", "9", "GeregistreerdeMisdrijven_1", "     abc")
    ]
    assert read_dataset(ws.processed, POLICE).num_rows == 7


def test_help_does_not_import_heavy_libraries():
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from ivp_pipeline.cli import app\n"
        "for args in (['--help'], ['ingest', '--help']):\n"
        "    assert CliRunner().invoke(app, args).exit_code == 0\n"
        "print(sorted(m for m in ('pandas', 'pyarrow', 'numpy', 'matplotlib', 'openpyxl', 'scipy')"
        " if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_presorted_partition_matches_the_store_order(ws):
    # One file into empty partitions takes the store's no-sort path: the order must still be the key's.
    text = PORTAL + '"2024";"Wijk 11 Lattrop-Breklenkamp";"       1";"Totaal misdrijven"\r\n'
    write(ws, "portal.csv", text)
    assert ingest(ws).committed
    part = pq.read_table(ws.processed / "police" / "municipality=GM1774" / "part-0.parquet")
    assert part.num_rows == 5
    key = [(k, "ascending") for k in (*POLICE.key, "source_row")]
    assert part.equals(part.sort_by(key))
    assert part["area_code"].to_pylist()[0] == "BU17741510"


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("notes.csv", b"naam;telefoon\nJan;0612345678\n", "unrecognised-file"),
        ("utf16.csv", STATLINE.encode("utf-16"), "wrong-encoding"),
        ("cols.csv", b"ID;SoortMisdrijf;RegioS;Perioden\n0;0.0.0 ;GM1774;2024MM01\n", "missing-column"),
        ("cbs.csv", CBS_OWN.encode("utf-8"), "not-a-police-table"),
        ("cut.json", odata_text()[:150].encode("utf-8"), "truncated-file"),
    ],
)
def test_files_that_cannot_be_read_exit_1(ws, runner, name, data, code):
    write(ws, "good.csv", BULK)
    write(ws, name, data)
    result = runner.invoke(app, ["ingest", "-w", str(ws.root)])
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("Fout:")]
    assert len(errors) == 1 and errors[0].startswith(f"Fout: data/raw/police/{name}")
    assert f"[{code}]" in errors[0]
    assert not (ws.processed / "police").exists()  # nothing is written unless --keep-going


# --- issue 11: replacement is explicit, empty files, temporary files, the lock wait message ---------


def _state(ws) -> dict[str, bytes]:
    """Every file under data/processed, by relative path: to assert a refusal left it byte-identical."""
    return {p.relative_to(ws.processed).as_posix(): p.read_bytes()
            for p in sorted(ws.processed.rglob("*")) if p.is_file()}  # fmt: skip


def _manifest_entry(ws, name: str) -> dict:
    return json.loads((ws.processed / "_manifest.json").read_text("utf-8"))["files"][name]


BULK_LINES = BULK.splitlines(keepends=True)


@pytest.mark.parametrize(
    ("kept", "lost"),
    [
        (BULK_LINES[:1], "GM0168: 1 (2024-01-01); GM1774: 2 (2024-01-01)"),  # header only
        (BULK_LINES[:3] + BULK_LINES[5:], "GM1774: 1 (2024-01-01); PV23: 1 (2024-01-01)"),  # rows gone
        ([ln for ln in BULK_LINES if "GM1774" not in ln], "GM1774: 3 (2024-01-01)"),  # a municipality gone
    ],
)
def test_a_file_replaced_in_place_that_loses_observations_is_refused(ws, runner, kept, lost):
    path = write(ws, "47013NED_misdrijven_maand.csv", BULK)
    assert runner.invoke(app, ["ingest", "-w", str(ws.root)]).exit_code == 0
    before = _state(ws)
    path.write_text("".join(kept), encoding="utf-8")
    result = runner.invoke(app, ["ingest", "-w", str(ws.root)])
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("Fout:")]
    code = "empty-file" if len(kept) == 1 else "would-remove"
    assert len(errors) == 1 and f"[{code}]" in errors[0], result.stderr
    if code == "would-remove":
        assert lost in errors[0] and "--allow-shrink" in errors[0]
    assert _state(ws) == before  # byte-identical


def test_allow_shrink_removes_and_counts_in_the_manifest(ws, runner):
    name = "data/raw/police/bulk.csv"
    path = write(ws, "bulk.csv", BULK)
    assert runner.invoke(app, ["ingest", "-w", str(ws.root)]).exit_code == 0
    path.write_text("".join(BULK_LINES[:3] + BULK_LINES[5:]), encoding="utf-8")
    result = runner.invoke(app, ["ingest", "--allow-shrink", "-w", str(ws.root)])
    assert result.exit_code == 0, result.stderr
    entry = _manifest_entry(ws, name)
    assert (entry["accepted"], entry["replaced"], entry["removed"]) == (5, 5, 2)
    assert read_dataset(ws.processed, POLICE).num_rows == 5


def test_revised_cells_go_to_the_revisions_table(ws):
    path = write(ws, "bulk.csv", BULK)
    assert ingest(ws).committed
    path.write_text(BULK.replace("      14\n", "      15\n").replace("       2\n", "       .\n"), "utf-8")
    report = ingest(ws)
    assert report.committed and report.outcomes[0].replaced == 7 and report.outcomes[0].removed == 0
    with (ws.processed / "_revisions.csv").open(encoding="utf-8") as fh:
        revisions = [
            (r["municipality"], r["key"], r["column"], r["old"], r["new"]) for r in csv.DictReader(fh)
        ]
    assert revisions == [
        ("GM1774", "GM1774 crime 0.0.0 2024-01-01 month", "value", "14", "15"),
        ("GM1774", "GM1774 crime 1.1.1 2024-01-01 month", "value", "2", ""),
        ("GM1774", "GM1774 crime 1.1.1 2024-01-01 month", "value_state", "observed", "suppressed"),
    ]
    # a later download under another name that revises a cell again appends to the table
    write(ws, "bulk_2.csv", BULK.replace("      14\n", "      16\n"))
    assert ingest(ws).committed
    text = (ws.processed / "_revisions.csv").read_text("utf-8")
    assert (
        text.count("dataset,") == 1 and ",15,16,data/raw/police/bulk.csv,data/raw/police/bulk_2.csv" in text
    )


@pytest.mark.parametrize("name", ["header.csv", "header.json"])
def test_a_file_without_data_rows_is_refused(ws, runner, name):
    data = BULK_LINES[0] if name.endswith(".csv") else odata_text([])
    write(ws, name, data)
    result = runner.invoke(app, ["ingest", "-w", str(ws.root)])
    assert result.exit_code == 1
    assert "[empty-file]" in result.stderr and f"data/raw/police/{name}" in result.stderr
    assert not ws.processed.exists() or not (ws.processed / "police").exists()


@pytest.mark.parametrize("name", ["~$inbreng.xlsx", ".~lock.inbreng.xlsx#", "Thumbs.db", "~WRL0001.tmp"])
def test_temporary_files_are_skipped_with_a_note(ws, runner, name):
    write(ws, "bulk.csv", BULK)
    (ws.raw / "police" / name).write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00 owner lock")
    report = ingest(ws)
    skipped = [o for o in report.outcomes if o.status == "skipped"]
    assert [(o.file, [p.code for p in o.problems]) for o in skipped] == [
        (f"data/raw/police/{name}", ["temporary-file"])
    ]
    assert report.committed and not report.failed


def test_a_run_waiting_for_the_lock_says_so_once(ws, caplog):
    import logging
    import threading

    from ivp_pipeline import atomic

    write(ws, "bulk.csv", BULK)
    release = threading.Event()
    held = threading.Event()

    def holder() -> None:
        script = (
            "import sys, time\nfrom pathlib import Path\nfrom ivp_pipeline import atomic\n"
            "with atomic.workspace_lock(Path(sys.argv[1])):\n    print('held', flush=True)\n"
            "    sys.stdin.readline()\n"
        )
        proc = subprocess.Popen([sys.executable, "-c", script, str(ws.lock_file)],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)  # fmt: skip
        assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
        held.set()
        release.wait(30)
        proc.communicate("\n", timeout=30)

    thread = threading.Thread(target=holder)
    thread.start()
    assert held.wait(30)
    timer = threading.Timer(1.0, release.set)
    timer.start()
    with caplog.at_level(logging.WARNING, logger="ivp_pipeline.atomic"):
        assert ingest(ws).committed
    thread.join(30)
    waits = [r.getMessage() for r in caplog.records if r.name == "ivp_pipeline.atomic"]
    assert len(waits) == 1 and waits[0].startswith(f"wacht op {ws.lock_file} sinds "), waits
    assert atomic  # the module whose message this is


def test_ingest_of_a_police_file_imports_no_workbook_dataframe_or_download_library(tmp_path):
    # The readers of workbooks (openpyxl), the download (httpx) and pandas (which pyarrow would pull
    # in on its first conversion) cost a third of a second that a police CSV does not need.
    (tmp_path / "data" / "raw").mkdir(parents=True)
    (tmp_path / "data" / "raw" / "bulk.csv").write_text(BULK, encoding="utf-8", newline="")
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from ivp_pipeline.steps.ingest import ingest\n"
        "from ivp_pipeline.workspace import Workspace\n"
        f"report = ingest(Workspace.at(Path({str(tmp_path)!r})))\n"
        "print([o.status for o in report.outcomes])\n"
        "print(sorted(m for m in ('pandas', 'openpyxl', 'httpx', 'matplotlib', 'scipy', 'docx')"
        " if m in sys.modules))\n"
        "import pandas as pd, pyarrow as pa\n"  # imported later, pyarrow converts pandas as always
        "print(pa.array(pd.Series(pd.Categorical(['a', 'b', 'a']))).type)\n"
        "print(pa.table(pd.DataFrame({'x': [1, 2]})).num_rows)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines() == [
        "['ingested']",
        "[]",
        "dictionary<values=large_string, indices=int8, ordered=0>",
        "2",
    ]
    assert read_dataset(tmp_path / "data" / "processed", POLICE).num_rows == 7


@pytest.mark.parametrize("coded", [False, True])
def test_chunks_are_grouped_by_partition_in_code_order_whatever_their_encoding(coded):
    import pyarrow as pa

    from ivp_pipeline.steps.ingest import _collect

    def chunk(codes: list[str], rows: list[int]) -> pa.Table:
        column = pa.array(codes)
        return pa.table({"municipality": column.dictionary_encode() if coded else column, "row": rows})

    first, second = chunk(["GM0173", "GM0168", "GM0173"], [1, 2, 3]), chunk(["GM1774", "GM0168"], [4, 5])
    if coded:  # one reader's chunks share one schema: here, their dictionaries differ
        second = second.cast(first.schema)
    whole, parts = _collect([first, first.slice(0, 0), second])
    assert list(parts) == ["GM0168", "GM0173", "GM1774"]
    # a stable sort: within a partition the rows keep the order in which the reader gave them
    assert {k: t["row"].to_pylist() for k, t in parts.items()} == {
        "GM0168": [2, 5],
        "GM0173": [1, 3],
        "GM1774": [4],
    }
    assert whole is not None and whole["row"].to_pylist() == [2, 5, 1, 3, 4]
    assert _collect([]) == (None, {})


def test_grouped_rows_are_not_sorted_again():
    import pyarrow as pa

    from ivp_pipeline.steps.ingest import _collect

    grouped = pa.table({"municipality": ["GM0168", "GM0168", "GM1774"], "row": [3, 1, 2]})
    whole, parts = _collect([grouped])
    assert whole is not None and whole["row"].to_pylist() == [3, 1, 2]
    assert [(k, t.num_rows) for k, t in parts.items()] == [("GM0168", 2), ("GM1774", 1)]


@pytest.mark.parametrize("seed", range(40))
def test_collect_groups_like_a_stable_sort_by_partition_whatever_the_runs(seed: int) -> None:
    """Chunks grouped already (also across chunk boundaries), codes that come back, out of order, a
    null: the partitions and their rows are those of a stable sort by code with the null last."""
    import random

    import pyarrow as pa

    from ivp_pipeline.steps.ingest import _collect

    rng = random.Random(seed)
    pool = ["GM0168", "GM0173", "GM1774", "GM0183"][: rng.randint(1, 4)] + ([None] if seed % 5 == 0 else [])
    grouped = seed % 2 == 0  # half of the cases: in code order already, as the police readers give them
    codes: list[str | None] = []
    for code in sorted(pool, key=lambda c: (c is None, c or "")) if grouped else pool:
        codes += [code] * rng.randint(1, 4)
    if not grouped:
        rng.shuffle(codes)
    coded = seed % 3 != 0
    chunks, row = [], 0
    while row < len(codes):
        size = rng.randint(0, 4)
        part = codes[row : row + size]
        column = pa.array(part, pa.string())
        chunks.append(
            pa.table(
                {
                    "municipality": column.dictionary_encode() if coded else column,
                    "row": pa.array(range(row, row + len(part)), pa.int64()),
                }
            )
        )
        row += len(part)
    if coded:  # one reader's chunks share one schema (their dictionaries differ)
        chunks = [c.cast(chunks[0].schema) for c in chunks]
    whole, parts = _collect(chunks)
    order = sorted(range(len(codes)), key=lambda i: (codes[i] is None, codes[i] or ""))  # stable
    expected: dict[str | None, list[int]] = {}
    for i in order:
        expected.setdefault(codes[i], []).append(i)
    assert list(parts) == list(expected)
    assert {k: t["row"].to_pylist() for k, t in parts.items()} == expected
    assert whole is not None and whole["row"].to_pylist() == order
    if grouped:
        assert whole["row"].to_pylist() == list(range(len(codes)))  # not sorted again: the same rows
