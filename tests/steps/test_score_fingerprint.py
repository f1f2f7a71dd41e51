"""A score or refresh with nothing new is recognised by its fingerprint and writes nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import scoring_fixtures as f
from ivp_pipeline.cli import app
from ivp_pipeline.schemas import POLICE, POPULATION, PROFESSIONAL
from ivp_pipeline.steps import fingerprint
from ivp_pipeline.steps import score as score_step
from ivp_pipeline.workspace import Workspace

DRAWS = ["--draws", "40"]


@pytest.fixture(scope="module")
def data() -> dict:
    police, pop = f.synthetic(n_months=36, first="2022-01-01")
    prof = [f.professional_row("NOT", "politie", "r1", "jeugd", "size", 4)]
    return {POLICE: police, POPULATION: pop, PROFESSIONAL: prof}


@pytest.fixture
def tables_only(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """write_outputs replaced by one small file per run (the charts have their own tests); returns
    the folders it was called with, so a test sees whether anything was written."""
    calls: list[Path] = []

    def write(result, out: Path, public: bool = False, progress=None, **_charts) -> list[Path]:  # type: ignore[no-untyped-def]
        calls.append(out)
        path = out / "tables" / "scores.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        result.scores.to_csv(path, index=False)
        return [path]

    monkeypatch.setattr(score_step, "write_outputs", write)
    return calls


def test_second_score_is_recognised_and_writes_nothing(
    ws: Workspace, data: dict, tables_only: list[Path]
) -> None:
    f.write_workspace(ws, data)
    first = score_step.score(ws, draws=40)
    assert not first.unchanged and len(tables_only) == 1
    scores = ws.reports / "tables" / "scores.csv"
    stat = scores.stat()
    again = score_step.score(ws, draws=40)
    assert again.unchanged and again.result is None and len(tables_only) == 1
    assert scores.stat().st_ino == stat.st_ino and scores.stat().st_mtime_ns == stat.st_mtime_ns
    # the stored terminal rows are the computed ones, for any --top
    assert [(r.municipality, r.rank, r.theme_label, r.score) for r in again.top(3)] == [
        (r.municipality, r.rank, r.theme_label, r.score) for r in first.top(3)
    ]
    assert len(again.top(1)) == 5  # four municipalities and the region


@pytest.mark.parametrize("change", ["option", "config", "processed", "deleted-output", "force"])
def test_any_input_change_recomputes(ws: Workspace, data: dict, tables_only: list[Path], change: str) -> None:
    f.write_workspace(ws, data)
    score_step.score(ws, draws=40)
    kwargs: dict = {"draws": 40}
    if change == "option":
        kwargs["seed"] = 99
    elif change == "config":
        ws.config_file.write_text("[scoring]\nsmall_number_threshold = 3\n", encoding="utf-8")
    elif change == "processed":
        f.write_workspace(
            ws, {PROFESSIONAL: [f.professional_row("NOT", "welzijn", "r2", "jeugd", "size", 2)]}
        )
    elif change == "deleted-output":
        (ws.reports / "tables" / "scores.csv").unlink()
    else:
        kwargs["force"] = True
    run = score_step.score(ws, **kwargs)
    assert not run.unchanged and len(tables_only) == 2
    assert (ws.reports / "tables" / "scores.csv").exists()


def test_fingerprint_covers_program_and_is_stable(ws: Workspace, data: dict) -> None:
    f.write_workspace(ws, data)
    a = fingerprint.score_fingerprint(ws)
    assert a == fingerprint.score_fingerprint(ws)
    assert a != fingerprint.score_fingerprint(ws, public=True)
    assert len(fingerprint.program_digest()) == 64


def test_cli_no_op_prints_dutch_message_without_importing_the_score_stack(
    ws: Workspace, data: dict, runner: CliRunner
) -> None:
    f.write_workspace(ws, data)
    first = runner.invoke(app, ["score", "-w", str(ws.root), *DRAWS])
    assert first.exit_code == 0, first.stderr
    assert "Grafieken tekenen" in first.stderr and "Klaar in" in first.stderr
    record = json.loads((ws.reports / fingerprint.SCORE_FILE).read_text(encoding="utf-8"))
    assert "index.html" in record["files"] and record["default_profile"] in record["profiles"]
    code = (
        "import sys\n"
        "from ivp_pipeline.cli import app\n"
        f"app(['score', '-w', {str(ws.root)!r}, '--draws', '40', '--top', '2'], standalone_mode=False)\n"
        "heavy = ('pandas', 'matplotlib', 'scipy', 'ivp_pipeline.scoring')\n"
        "print('heavy:', sorted(m for m in heavy if m in sys.modules))\n"
    )
    env = {**os.environ, "COLUMNS": "200"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert "Niets veranderd" in out.stdout and "--force" in out.stdout
    assert "heavy: []" in out.stdout
    assert "Noordoost Twente (NOT)" in out.stdout
    forced = runner.invoke(app, ["score", "-w", str(ws.root), *DRAWS, "--force"])
    assert forced.exit_code == 0 and "Niets veranderd" not in forced.stdout
    assert "Grafieken tekenen" in forced.stderr


def test_unchanged_refresh_needs_a_successful_refresh_and_the_same_raw_files(
    ws: Workspace, data: dict, tables_only: list[Path]
) -> None:
    f.write_workspace(ws, data)
    config = "[scoring]\ndraws = 40\n"  # what refresh scores with: the defaults of ivp.toml
    ws.config_file.write_text(config, encoding="utf-8")
    score_step.score(ws)
    assert not fingerprint.unchanged_refresh(ws)  # no refresh recorded yet
    fingerprint.record_refresh(ws, fingerprint.raw_digest(ws))
    assert fingerprint.unchanged_refresh(ws)
    ws.config_file.write_text(config + "# edited\n", encoding="utf-8")
    assert not fingerprint.unchanged_refresh(ws)
    ws.config_file.write_text(config, encoding="utf-8")
    assert fingerprint.unchanged_refresh(ws)
    assert not fingerprint.unchanged_refresh(ws, base_url="http://localhost:1")  # a download first
    (ws.raw / "new.csv").write_text("x\n", encoding="utf-8")
    assert not fingerprint.unchanged_refresh(ws)
