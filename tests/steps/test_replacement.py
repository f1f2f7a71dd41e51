"""Issue 11, point 1 and 8: a download saved under another name in place of the old one is a
replacement (refused when it would remove observations, unless --allow-shrink), `ivp refresh` passes
--allow-shrink on, and a refresh that changes nothing keeps the change report of the last real one."""

from __future__ import annotations

import json

import pytest

from ivp_pipeline.cli import app
from ivp_pipeline.problems import IvpError
from ivp_pipeline.schemas import POLICE
from ivp_pipeline.steps.refresh import refresh
from ivp_pipeline.store import read_dataset
from ivp_pipeline.workspace import Workspace
from ops_reader import fake_score
from police_fixtures import BULK, write

OLD = "data/raw/police/47013NED_misdrijven_maand.csv"
NEW = "data/raw/police/47013NED_misdrijven_maand_2026-12.csv"
WITHOUT_DINKELLAND = "".join(ln for ln in BULK.splitlines(keepends=True) if "GM1774" not in ln)


def _state(ws: Workspace) -> dict[str, bytes]:
    return {
        p.relative_to(ws.processed).as_posix(): p.read_bytes()
        for p in sorted(ws.processed.rglob("*"))
        if p.is_file()
    }


def _files(ws: Workspace) -> dict:
    return json.loads((ws.processed / "_manifest.json").read_text("utf-8"))["files"]


def _replace_by_new_name(ws: Workspace, text: str) -> None:
    (ws.root / OLD).unlink()
    write(ws, NEW.rsplit("/", 1)[1], text)


def test_a_new_name_for_the_same_table_that_loses_a_municipality_is_refused(ws, runner) -> None:
    write(ws, OLD.rsplit("/", 1)[1], BULK)
    assert runner.invoke(app, ["ingest", "-w", str(ws.root)]).exit_code == 0
    before = _state(ws)
    _replace_by_new_name(ws, WITHOUT_DINKELLAND)
    result = runner.invoke(app, ["ingest", "-w", str(ws.root)])
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if "[would-remove]" in line]
    assert len(errors) == 1, result.stderr
    assert "mist 3 waarnemingen" in errors[0] and "GM1774: 3 (2024-01-01)" in errors[0]
    assert "47013NED_misdrijven_maand.csv (zelfde tabel, vervangen)" in errors[0]
    assert _state(ws) == before  # byte-identical


def test_allow_shrink_replaces_the_old_file_and_records_the_counts(ws, runner) -> None:
    write(ws, OLD.rsplit("/", 1)[1], BULK)
    assert runner.invoke(app, ["ingest", "-w", str(ws.root)]).exit_code == 0
    _replace_by_new_name(ws, WITHOUT_DINKELLAND.replace("       3\n", "       4\n"))
    result = runner.invoke(app, ["ingest", "--allow-shrink", "-w", str(ws.root)])
    assert result.exit_code == 0, result.stderr
    files = _files(ws)
    assert OLD not in files
    entry = files[NEW]
    assert entry["replaces"] == OLD
    assert (entry["accepted"], entry["replaced"], entry["removed"]) == (4, 4, 3)
    rows = read_dataset(ws.processed, POLICE).to_pylist()
    assert len(rows) == 4 and {r["source_file"] for r in rows} == {NEW}
    assert not any(r["municipality"] == "GM1774" for r in rows)
    revisions = (ws.processed / "_revisions.csv").read_text("utf-8")
    assert "GM0168 crime 2.6.10 2024-01-01 quarter,value,3,4" in revisions


def test_a_new_download_beside_the_old_one_replaces_nothing(ws, runner) -> None:
    write(ws, OLD.rsplit("/", 1)[1], BULK)
    assert runner.invoke(app, ["ingest", "-w", str(ws.root)]).exit_code == 0
    write(ws, NEW.rsplit("/", 1)[1], WITHOUT_DINKELLAND)  # the old file stays in data/raw
    assert runner.invoke(app, ["ingest", "-w", str(ws.root)]).exit_code == 0
    files = _files(ws)
    assert OLD in files and "replaces" not in files[NEW] and files[NEW]["removed"] == 0
    assert sum(r["municipality"] == "GM1774" for r in read_dataset(ws.processed, POLICE).to_pylist()) == 3


def test_refresh_refuses_a_shrinking_replacement_and_passes_allow_shrink(ws) -> None:
    write(ws, OLD.rsplit("/", 1)[1], BULK)
    refresh(ws, score=fake_score)
    before = _state(ws)
    _replace_by_new_name(ws, WITHOUT_DINKELLAND)
    with pytest.raises(IvpError) as err:
        refresh(ws, score=fake_score)
    assert err.value.problems[0].code == "would-remove"
    assert _state(ws) == before
    report = refresh(ws, score=fake_score, allow_shrink=True)
    assert report.ingest is not None and report.ingest.outcomes[0].removed == 3


def test_refresh_cli_has_allow_shrink(ws, runner) -> None:
    result = runner.invoke(app, ["refresh", "--help"])
    assert result.exit_code == 0 and "--allow-shrink" in result.stdout


def test_a_refresh_that_changes_nothing_keeps_the_last_change_report(ws) -> None:
    write(ws, OLD.rsplit("/", 1)[1], BULK)
    refresh(ws, score=fake_score)
    write(ws, "47013NED_misdrijven_2.csv", BULK.replace("2024MM01;       2", "2024MM01;       9"))
    second = refresh(ws, score=fake_score)
    assert second.change_counts.get("revised", 0) >= 1
    md = (ws.reports / "wijzigingen.md").read_bytes()
    table = (ws.reports / "tables" / "wijzigingen.csv").read_bytes()
    assert b"2024" in md and b"revised" in table
    third = refresh(ws, score=fake_score)  # nothing new
    assert third.change_counts == {} and third.written == []
    assert (ws.reports / "wijzigingen.md").read_bytes() == md
    assert (ws.reports / "tables" / "wijzigingen.csv").read_bytes() == table
