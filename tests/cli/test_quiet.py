"""`--quiet`: only warnings and errors. The monthly job logs stay short; the normal run tells all."""

from __future__ import annotations

from typing import Any

import pytest
from typer.testing import CliRunner

from ivp_pipeline.cli import app
from ivp_pipeline.steps import refresh as refresh_step
from ivp_pipeline.workspace import Workspace
from ops_reader import fake_score, write_raw

JAN = [{"area": "GM1774", "code": "1.1.1", "period": "2024-01-01", "value": 5, "status": "final"}]


@pytest.fixture(autouse=True)
def test_reader_and_score(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("ivp_pipeline.sources.detection.READERS", ("ops_reader",))
    real = refresh_step.refresh

    def with_fake_score(*args: Any, **kwargs: Any) -> Any:
        return real(*args, **kwargs, score=fake_score)

    monkeypatch.setattr(refresh_step, "refresh", with_fake_score)


def test_refresh_tells_the_ingest_and_the_changes(ws: Workspace, runner: CliRunner) -> None:
    write_raw(ws, "a_2024-01.json", JAN)
    result = runner.invoke(app, ["refresh", "-w", str(ws.root)])
    assert result.exit_code == 0, result.output
    assert "ivp ingest" in result.stdout and "Wijzigingen: nieuw ingelezen reeksen 1" in result.stdout
    again = runner.invoke(app, ["refresh", "-w", str(ws.root)])
    assert again.exit_code == 0 and "Niets veranderd.\nWijzigingen: geen\n" in again.stdout


def test_quiet_refresh_prints_nothing_when_all_goes_well(ws: Workspace, runner: CliRunner) -> None:
    write_raw(ws, "a_2024-01.json", JAN)
    result = runner.invoke(app, ["refresh", "-w", str(ws.root), "--quiet"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "" and result.stderr == ""
    assert (ws.reports / "wijzigingen.md").is_file()  # the work was done, only not told
    again = runner.invoke(app, ["refresh", "-w", str(ws.root), "-q"])
    assert again.exit_code == 0 and again.stdout == "" and again.stderr == ""
