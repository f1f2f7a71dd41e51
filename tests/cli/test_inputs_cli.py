"""`ivp template` and an end-to-end ingest of the sample inputs through the CLI."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from ivp_pipeline.cli import app
from ivp_pipeline.schemas import POPULATION, PROFESSIONAL, SURVEY
from ivp_pipeline.store import load_manifest, read_dataset
from ivp_pipeline.workspace import Workspace

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "make_sample_inputs.py"


def test_template_help(runner: CliRunner) -> None:
    result = runner.invoke(app, ["template", "--help"])
    assert result.exit_code == 0
    assert "professional" in result.stdout and "survey" in result.stdout


def test_template_writes_and_refuses_to_overwrite(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "inbreng.xlsx"
    result = runner.invoke(app, ["template", "professional", "--out", str(out), "-w", str(tmp_path)])
    assert result.exit_code == 0 and out.exists()
    assert load_workbook(out).sheetnames == ["Toelichting", "Invoer", "Lijsten"]
    first = out.read_bytes()
    again = runner.invoke(app, ["template", "professional", "--out", str(out), "-w", str(tmp_path)])
    assert again.exit_code == 1 and "[file-exists]" in again.stderr
    forced = runner.invoke(
        app, ["template", "professional", "--out", str(out), "-w", str(tmp_path), "--force"]
    )
    assert forced.exit_code == 0 and out.read_bytes() == first
    survey = tmp_path / "enquete.xlsx"
    assert runner.invoke(app, ["template", "survey", "--out", str(survey)]).exit_code == 0
    assert load_workbook(survey).sheetnames == ["Toelichting", "Resultaten", "Lijsten"]


def test_sample_inputs_ingest_end_to_end(runner: CliRunner, ws: Workspace) -> None:
    spec = importlib.util.spec_from_file_location("make_sample_inputs", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main(ws.root)
    result = runner.invoke(app, ["ingest", "-w", str(ws.root)])
    assert result.exit_code == 0, result.stderr
    kinds = sorted(e["kind"] for e in load_manifest(ws.processed)["files"].values())
    assert kinds == ["local", "population", "population", *["professional"] * 4, "veiligheidsmonitor"]
    assert all(e["rejected"] == 0 for e in load_manifest(ws.processed)["files"].values())
    survey = read_dataset(ws.processed, SURVEY)
    assert set(survey["area_code"].to_pylist()) == {
        "NL01",
        "PV23",
        "BT_NOT",
        "GM1774",
        "GM0168",
        "GM0173",
        "GM0183",
    }
    professional = read_dataset(ws.processed, PROFESSIONAL)
    assert set(professional["organisation_type"].to_pylist()) == {
        "politie",
        "jongerenwerk",
        "woningcorporatie",
        "zorg",
    }
    population = read_dataset(ws.processed, POPULATION).to_pylist()
    losser = [
        r["inhabitants"]
        for r in population
        if (r["area_code"], r["year"], r["age_band"]) == ("GM0168", 2024, "totaal")
    ]
    assert losser == [23385]
