"""Issue 11, point 7: the public version has its own folder, reports/openbaar/, and never replaces the
internal reports; a refresh regenerates both once the public one exists; no-ops stay no-ops."""

from __future__ import annotations

from pathlib import Path

import pytest

import scoring_fixtures as f
from ivp_pipeline.schemas import POLICE, POPULATION, PROFESSIONAL
from ivp_pipeline.steps import fingerprint
from ivp_pipeline.steps import score as score_step
from ivp_pipeline.steps.refresh import refresh
from ivp_pipeline.workspace import Workspace


@pytest.fixture
def written(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Path, bool]]:
    """write_outputs replaced by one small file per run; records (folder, public) of each call."""
    calls: list[tuple[Path, bool]] = []

    def write(result, out: Path, public: bool = False, **_: object) -> list[Path]:  # type: ignore[no-untyped-def]
        calls.append((out, public))
        path = out / "tables" / "scores.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("public\n" if public else "internal\n", encoding="utf-8")
        return [path]

    monkeypatch.setattr(score_step, "write_outputs", write)
    # the program's own files are hashed too; pinned, so an edit elsewhere during the test is no change
    monkeypatch.setattr(fingerprint, "program_digest", lambda: "program")
    return calls


@pytest.fixture
def data_ws(ws: Workspace) -> Workspace:
    police, pop = f.synthetic(n_months=36, first="2022-01-01")
    prof = [f.professional_row("NOT", "politie", "r1", "jeugd", "size", 4)]
    f.write_workspace(ws, {POLICE: police, POPULATION: pop, PROFESSIONAL: prof})
    if not ws.config_file.exists():
        ws.config_file.write_text("", encoding="utf-8")  # no [fetch]: a refresh can be a no-op
    return ws


def test_public_goes_to_its_own_folder_and_keeps_the_internal_reports(
    data_ws: Workspace, written: list[tuple[Path, bool]]
) -> None:
    ws = data_ws
    score_step.score(ws, draws=40)
    internal = (ws.reports / "tables" / "scores.csv").stat()
    run = score_step.score(ws, draws=40, public=True)
    assert run.folder == ws.reports / "openbaar" and not run.unchanged
    assert [p for p, public in written] == [p for p, _ in written] and [pub for _, pub in written] == [
        False,
        True,
    ]
    assert (ws.reports / "openbaar" / "tables" / "scores.csv").read_text("utf-8") == "public\n"
    assert (ws.reports / "tables" / "scores.csv").read_text("utf-8") == "internal\n"
    assert (ws.reports / "tables" / "scores.csv").stat().st_ino == internal.st_ino  # untouched
    # a new internal run keeps the public folder
    score_step.score(ws, draws=40, force=True)
    assert (ws.reports / "openbaar" / "tables" / "scores.csv").read_text("utf-8") == "public\n"
    assert (ws.reports / "tables" / "scores.csv").read_text("utf-8") == "internal\n"
    # unchanged public run: recognised, nothing written; --force redraws it
    calls = len(written)
    assert score_step.score(ws, draws=40, public=True).unchanged and len(written) == calls
    assert not score_step.score(ws, draws=40, public=True, force=True).unchanged and len(written) == calls + 1


def test_refresh_regenerates_both_once_the_public_one_exists(
    data_ws: Workspace, written: list[tuple[Path, bool]]
) -> None:
    ws = data_ws
    refresh(ws)
    assert [pub for _, pub in written] == [False]  # no public folder yet: internal only
    assert not fingerprint.public_wanted(ws)
    score_step.score(ws, public=True)
    assert fingerprint.public_wanted(ws)
    f.write_workspace(ws, {PROFESSIONAL: [f.professional_row("NOT", "welzijn", "r2", "jeugd", "size", 2)]})
    written.clear()
    refresh(ws)
    assert [(p.name, pub) for p, pub in written] == [
        (f".reports-staging-{_pid()}", False),
        (f".openbaar-staging-{_pid()}", True),
    ]
    assert (ws.reports / "openbaar" / "tables" / "scores.csv").read_text("utf-8") == "public\n"
    assert (ws.reports / "tables" / "scores.csv").read_text("utf-8") == "internal\n"
    assert fingerprint.unchanged_refresh(ws)  # both up to date: the next refresh is a no-op
    (ws.reports / "openbaar" / "tables" / "scores.csv").unlink()
    assert not fingerprint.unchanged_refresh(ws)  # the public one is missing a file: not a no-op


def _pid() -> int:
    import os

    return os.getpid()
