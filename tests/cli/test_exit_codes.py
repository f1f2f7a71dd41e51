"""The exit codes of README.md: 0 all accepted and written, 3 written but rows rejected, 1 nothing
written, 2 a wrong command line (an unknown option or profile, a missing --out folder)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from ivp_pipeline.cli import app
from ivp_pipeline.cli.common import EXIT_OK, EXIT_PROBLEM, EXIT_REJECTED, EXIT_USAGE
from ivp_pipeline.workspace import Workspace

README = Path(__file__).resolve().parents[2] / "README.md"
GOOD = "gemeente;jaar;inwoners\nGM1774;2024;26000\nGM0168;2024;22000\n"
ONE_BAD_ROW = "gemeente;jaar;inwoners\nGM1774;2024;26000\nGM0168;2024;veel\n"


def put(ws: Workspace, name: str, text: str) -> Path:
    path = ws.raw / "population" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_the_codes_are_the_documented_ones() -> None:
    assert (EXIT_OK, EXIT_PROBLEM, EXIT_USAGE, EXIT_REJECTED) == (0, 1, 2, 3)
    readme = README.read_text(encoding="utf-8")
    for code in ("`0`", "`1`", "`2`", "`3`"):
        assert code in readme


def test_0_when_every_row_is_accepted(ws: Workspace, runner: CliRunner) -> None:
    put(ws, "b.csv", GOOD)
    result = runner.invoke(app, ["ingest", "-w", str(ws.root)])
    assert result.exit_code == 0, result.output
    assert "Geschreven naar data/processed/" in result.stdout and "afgewezen;" not in result.stdout


def test_3_when_written_but_a_row_is_rejected(ws: Workspace, runner: CliRunner) -> None:
    put(ws, "b.csv", ONE_BAD_ROW)
    result = runner.invoke(app, ["ingest", "-w", str(ws.root)])
    assert result.exit_code == 3, result.output
    assert "1 rij afgewezen" in result.stdout and "rij 3" in result.stdout
    assert "\nnot-a-number,data/raw/population/b.csv,,3,inwoners,veel," in (
        ws.processed / "_rejects.csv"
    ).read_text(encoding="utf-8")
    assert (ws.processed / "_manifest.json").is_file()


def test_1_when_a_file_cannot_be_read_and_the_hint_names_keep_going(ws: Workspace, runner: CliRunner) -> None:
    put(ws, "b.csv", GOOD)
    put(ws, "x.csv", "dit is geen tabel\n")
    result = runner.invoke(app, ["ingest", "-w", str(ws.root)])
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines()[-1] == (
        "Niets geschreven: herstel of verwijder de bestanden hierboven (of gebruik --keep-going)."
    )
    assert not ws.processed.exists()


def test_keep_going_writes_the_readable_files_exits_3_and_does_not_suggest_itself(
    ws: Workspace, runner: CliRunner
) -> None:
    put(ws, "b.csv", GOOD)
    put(ws, "x.csv", "dit is geen tabel\n")
    result = runner.invoke(app, ["ingest", "-w", str(ws.root), "--keep-going"])
    assert result.exit_code == 3, result.output
    assert "--keep-going" not in result.stderr and "[unrecognised-file]" in result.stderr
    assert "Geschreven naar data/processed/" in result.stdout


def test_keep_going_with_nothing_readable_exits_1_without_the_hint(ws: Workspace, runner: CliRunner) -> None:
    put(ws, "x.csv", "dit is geen tabel\n")
    result = runner.invoke(app, ["ingest", "-w", str(ws.root), "--keep-going"])
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines()[-1] == "Niets geschreven: herstel of verwijder de bestanden hierboven."


def test_2_for_an_unknown_profile(ws: Workspace, runner: CliRunner) -> None:
    result = runner.invoke(app, ["score", "-w", str(ws.root), "--profile", "foo"])
    assert result.exit_code == 2, result.output
    lines = [line for line in result.stderr.splitlines() if line.startswith("Fout:")]
    assert len(lines) == 1 and "[unknown-profile]" in lines[0] and "'foo'" in lines[0]


@pytest.mark.parametrize(
    "args",
    [["score", "--no-such-option"], ["score", "--draws", "3"], ["template"], ["ingest", "-w"]],
    ids=["unknown-option", "out-of-range", "no-subcommand", "missing-value"],
)
def test_2_for_a_wrong_command_line(runner: CliRunner, args: list[str]) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output


def test_out_refuses_a_missing_folder_unless_mkdir(tmp_path: Path, runner: CliRunner) -> None:
    out = tmp_path / "nieuw" / "map" / "enquete.xlsx"
    refused = runner.invoke(app, ["template", "survey", "-w", str(tmp_path), "--out", str(out)])
    assert refused.exit_code == 2, refused.output
    assert "[missing-folder]" in refused.stderr and "--mkdir" in refused.stderr
    assert not out.parent.exists()
    made = runner.invoke(app, ["template", "survey", "-w", str(tmp_path), "--out", str(out), "--mkdir"])
    assert made.exit_code == 0, made.output
    assert out.read_bytes()[:2] == b"PK" and f"Geschreven: {out}" in made.stderr
    again = runner.invoke(app, ["template", "survey", "-w", str(tmp_path), "--out", str(out)])
    assert again.exit_code == 1 and "[file-exists]" in again.stderr


def test_template_survey_takes_the_workspace(tmp_path: Path, runner: CliRunner) -> None:
    out = tmp_path / "enquete.xlsx"
    result = runner.invoke(app, ["template", "survey", "-w", str(tmp_path / "elders"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.is_file()
