"""Reading the first large new file ahead (sources/readahead.py, steps/readahead.py): the ingest takes
the parse, hash and line count made in the background, and stores exactly what it stores without."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from ivp_pipeline.sources import detection, readahead
from ivp_pipeline.sources.base import digest
from ivp_pipeline.steps.ingest import ingest
from ivp_pipeline.steps.readahead import read_first_file_ahead
from ivp_pipeline.workspace import Workspace
from police_fixtures import BULK, write

# The fixture with what the reader rejects: a cut line (line 9) and an unknown code (line 10).
BAD_LINES = "7;1.1.1 ;GM1774;2024MM02\n8;9.9.9 ;GM1774;2024MM02;       1\n"


@pytest.fixture(autouse=True)
def small_files_too(monkeypatch: pytest.MonkeyPatch) -> None:
    """Read ahead files of any size (only files of 32 MB or more are, outside these tests)."""
    monkeypatch.setattr(detection, "READ_AHEAD_BYTES", 1)
    yield
    readahead.discard()


def _store(ws: Workspace) -> dict[str, bytes]:
    processed = ws.processed
    return {str(p.relative_to(processed)): p.read_bytes() for p in sorted(processed.rglob("*.parquet"))}


def _manifest(ws: Workspace) -> dict:
    files = json.loads((ws.processed / "_manifest.json").read_text(encoding="utf-8"))["files"]
    for entry in files.values():
        entry.pop("ingested_at")
    return files


def test_an_ingest_read_ahead_stores_the_same_bytes_as_one_without(tmp_path: Path) -> None:
    text = BULK + BAD_LINES
    plain, ahead = (Workspace.at(tmp_path / name) for name in ("plain", "ahead"))
    for ws in (plain, ahead):
        write(ws, "47013NED.csv", text)
    assert ingest(plain).committed

    assert read_first_file_ahead(ahead.root) is True
    assert list(readahead._jobs) == [str((ahead.raw / "police" / "47013NED.csv").resolve())]
    report = ingest(ahead)

    assert report.committed and readahead._jobs == {}
    assert _store(ahead) == _store(plain) and len(_store(ahead)) == 5  # GM0168, GM1774, NL01, PV23, RE02
    assert _manifest(ahead) == _manifest(plain)
    entry = _manifest(ahead)["data/raw/police/47013NED.csv"]
    assert entry["sha256"] == hashlib.sha256(text.encode()).hexdigest()
    assert (entry["rows_read"], entry["accepted"], entry["rejected"]) == (9, 7, 2)
    assert [(p["code"], p["row"]) for p in entry["rejects"]] == [("missing-field", 9), ("unknown-code", 10)]


def test_the_parse_is_taken_and_the_hash_and_lines_come_from_it(ws: Workspace) -> None:
    path = write(ws, "47013NED.csv", BULK).resolve()
    assert read_first_file_ahead(ws.root)
    sha, lines = digest(path)
    assert (sha, lines) == (hashlib.sha256(BULK.encode()).hexdigest(), None)  # too small to count
    assert readahead.digest_of(path) == (sha, 8)  # the stream counted the newlines on the way
    table, invalid = readahead.take(path, next(iter(readahead._jobs.values())).token)
    assert table.num_rows == 7 and invalid == [] and readahead._jobs == {}


def test_a_file_changed_after_it_was_read_ahead_is_read_again(ws: Workspace) -> None:
    path = write(ws, "47013NED.csv", BULK)
    assert read_first_file_ahead(ws.root)
    readahead._jobs[str(path.resolve())].parsed.exception()  # the parse is done
    changed = BULK.replace("      14\n", "      15\n")
    path.write_text(changed, encoding="utf-8")
    os.utime(path, ns=(1, 1))  # another modification time, as a new download has

    assert readahead.digest_of(path) is None
    report = ingest(ws)

    assert report.committed
    entry = _manifest(ws)["data/raw/police/47013NED.csv"]
    assert entry["sha256"] == hashlib.sha256(changed.encode()).hexdigest()
    table = pq.read_table(ws.processed / "police" / "municipality=GM1774" / "part-0.parquet")
    assert 15 in table["value"].to_pylist() and 14 not in table["value"].to_pylist()


def test_a_file_with_too_many_lines_is_not_parsed_past_the_limit(ws: Workspace) -> None:
    path = write(ws, "47013NED.csv", BULK)
    parsed: list[int] = []

    def parse(stream: object) -> str:
        while block := stream.read(8):  # type: ignore[attr-defined]
            parsed.append(len(block))
        return "all of it"

    readahead.start(path, "token", parse, line_limit=3)
    job = readahead._jobs[str(path.resolve())]
    assert isinstance(job.parsed.exception(), readahead.TooManyLines)
    assert sum(parsed) < len(BULK.encode())  # stopped at the fourth newline, not at the end
    assert readahead.digest_of(path) is None  # not read to the end: the caller counts itself
    assert readahead.take(path, "token") is None


def test_only_new_files_are_read_ahead(ws: Workspace) -> None:
    write(ws, "47013NED.csv", BULK)
    assert ingest(ws).committed
    assert read_first_file_ahead(ws.root) is False  # known by its name: most likely unchanged
    write(ws, "47013NED_2025.csv", BULK.replace("2024MM01", "2024MM02"))
    assert read_first_file_ahead(ws.root) is True
    assert list(readahead._jobs) == [str((ws.raw / "police" / "47013NED_2025.csv").resolve())]


def test_what_no_reader_reads_ahead_is_left_to_the_ingest(ws: Workspace) -> None:
    (ws.raw / "notes.csv").write_text("a;b\n1;2\n", encoding="utf-8")  # not a police file
    write(ws, "broken.csv", b"\xff\xfe\x00\x00")  # UTF-32: detection refuses it
    assert read_first_file_ahead(ws.root) is False and readahead._jobs == {}
    assert read_first_file_ahead(ws.root / "missing") is False
    shutil.rmtree(ws.raw)
    assert read_first_file_ahead(ws.root) is False


def test_a_parse_that_does_not_ask_for_the_same_options_reads_again(ws: Workspace) -> None:
    path = write(ws, "47013NED.csv", BULK)
    assert read_first_file_ahead(ws.root)
    assert readahead.take(path, "other options") is None
    assert list(readahead._jobs) == [str(path.resolve())]  # still there for the right taker


def test_the_switch_interval_is_short_only_while_a_read_ahead_runs(tmp_path: Path) -> None:
    before = sys.getswitchinterval()
    seen: list[float] = []
    paths = []
    for name in ("a.csv", "b.csv"):
        paths.append(tmp_path / name)
        paths[-1].write_text("x\n", encoding="utf-8")
    readahead.start(paths[0], "a", lambda stream: seen.append(sys.getswitchinterval()), line_limit=10)
    readahead.start(paths[1], "b", lambda stream: seen.append(sys.getswitchinterval()), line_limit=10)
    readahead.discard()
    assert seen == [readahead.SWITCH_INTERVAL] * 2
    assert sys.getswitchinterval() == before


def test_the_read_ahead_sniffs_with_the_readers_own_sniffers_in_detection_order() -> None:
    import importlib

    readers = [reader for reader, *_rest in detection.AHEAD]
    assert readers == list(detection.READERS[: len(readers)])
    for reader, module, sniffer, start in detection.AHEAD:
        light, mod = importlib.import_module(module), importlib.import_module(reader)
        assert mod.sniff is getattr(light, sniffer)
        assert getattr(mod, "read_ahead", None) is (getattr(light, start) if start else None)


def test_the_parse_starts_before_the_readers_and_pydantic_are_loaded(ws: Workspace) -> None:
    import subprocess

    write(ws, "47013NED.csv", BULK)
    code = (
        "import sys\n"
        "from ivp_pipeline.sources import detection, readahead\n"
        "from ivp_pipeline.steps.readahead import read_first_file_ahead\n"
        "detection.READ_AHEAD_BYTES = 1\n"
        f"started = read_first_file_ahead({str(ws.root)!r})\n"
        "loaded = [m for m in ('pydantic', 'ivp_pipeline.regions', 'ivp_pipeline.sources.police.cells',"
        " 'ivp_pipeline.sources.police.odata', 'ivp_pipeline.sources.police.bulk', 'pyarrow.compute')"
        " if m in sys.modules]\n"
        "job = next(iter(readahead._jobs.values()))\n"
        "table, invalid = job.parsed.result()\n"
        "print(started, loaded, table.num_rows, invalid)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    # started on the light module alone (sources/police/early.py): the 7 rows of the fixture parsed
    assert done.stdout.split() == ["True", "[]", "7", "[]"], done.stderr
