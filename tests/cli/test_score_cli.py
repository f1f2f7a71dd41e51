"""`ivp score` end to end on a small processed workspace built with store.Transaction."""

from __future__ import annotations

import csv
import io

import pytest
from typer.testing import CliRunner

import scoring_fixtures as f
from ivp_pipeline.catalogue import load_catalogue
from ivp_pipeline.cli import app
from ivp_pipeline.schemas import POLICE, POPULATION, PROFESSIONAL, SURVEY
from ivp_pipeline.scoring.result import INDICATORS, SCORES
from ivp_pipeline.workspace import Workspace


@pytest.fixture(scope="module")
def data() -> dict:
    police, pop = f.synthetic(n_months=48, first="2021-01-01")
    survey = [
        f.survey_row(
            "BT_NOT", "overlast_van_groepen_jongeren", "Overlast van groepen jongeren", 9.0, comparison=6.0
        )
    ]
    prof = [
        f.professional_row("NOT", "politie", "r1", "jeugd", "size", 4),
        f.professional_row("GM0168", "welzijn", "r2", "ondermijning", "urgency", 5),
    ]
    return {POLICE: police, POPULATION: pop, SURVEY: survey, PROFESSIONAL: prof}


@pytest.fixture
def no_charts(monkeypatch: pytest.MonkeyPatch) -> None:
    """The charts and workbook are the outputs' own tests; here only the tables matter (and speed)."""
    import ivp_pipeline.reports

    monkeypatch.setattr(ivp_pipeline.reports, "write_outputs", lambda result, out, public=False: [])


def scored(ws: Workspace, runner: CliRunner, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["score", "--workspace", str(ws.root), "--draws", "60", *args])


def test_score_writes_tables_and_prints_priorities(
    ws: Workspace, runner: CliRunner, data: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    f.write_workspace(ws, data)
    result = scored(ws, runner, "--top", "3")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    for name in (
        "Dinkelland (GM1774)",
        "Losser (GM0168)",
        "Oldenzaal (GM0173)",
        "Tubbergen (GM0183)",
        "Noordoost Twente (NOT)",
        "kans top 3",
    ):
        assert name in out
    scores = (ws.reports / "tables" / "scores.csv").read_bytes()
    rows = list(csv.DictReader(io.StringIO(scores.decode("utf-8"))))
    assert list(rows[0])[: len(SCORES)] == list(SCORES)
    n_themes = len(load_catalogue(None).themes)
    assert len(rows) == 5 * n_themes * 3
    assert b"\r" not in scores
    for unit in ("GM1774", "NOT"):
        feiten = {r["theme"]: r for r in rows if r["municipality"] == unit and r["profile"] == "feiten"}
        # no police figures (huiselijk geweld has no code at all) or a composite: no rank, empty
        assert feiten["huiselijk_geweld"]["score"] == "" and feiten["huiselijk_geweld"]["rank"] == ""
        assert feiten["high_impact_crime"]["score"] != "" and feiten["high_impact_crime"]["rank"] == ""
        for r in feiten.values():
            assert (r["rank"] == "") == (r["score"] == "" or r["theme"] == "high_impact_crime")
            assert (r["p_top3"] == "") == (r["rank"] == "")
        ranks = sorted(int(r["rank"]) for r in feiten.values() if r["rank"])
        assert ranks == list(range(1, len(ranks) + 1)) and len(ranks) >= 8
    indicators = (ws.reports / "tables" / "indicators.csv").read_text(encoding="utf-8")
    header = indicators.splitlines()[0].split(",")
    assert header[: len(INDICATORS)] == list(INDICATORS)
    assert (ws.reports / "index.html").exists()  # the outputs were written into the same swap
    # same inputs, same bytes
    import ivp_pipeline.reports

    monkeypatch.setattr(ivp_pipeline.reports, "write_outputs", lambda result, out, public=False: [])
    again = scored(ws, runner)
    assert again.exit_code == 0
    assert (ws.reports / "tables" / "scores.csv").read_bytes() == scores
    assert (ws.reports / "tables" / "indicators.csv").read_text(encoding="utf-8") == indicators


def test_failed_run_keeps_previous_reports(
    ws: Workspace, runner: CliRunner, data: dict, no_charts: None
) -> None:
    f.write_workspace(ws, data)
    assert scored(ws, runner).exit_code == 0
    before = (ws.reports / "tables" / "scores.csv").read_bytes()
    ws.config_file.write_text("[scoring.profiles.evenwichtig]\nvolume = 0.9\nharm = 0.3\n", encoding="utf-8")
    result = scored(ws, runner)
    assert result.exit_code == 1
    assert "[bad-weights]" in result.stderr and "scoring.profiles.evenwichtig" in result.stderr
    assert (ws.reports / "tables" / "scores.csv").read_bytes() == before
    assert not list(ws.root.glob(".reports-staging-*"))


def test_no_processed_data(ws: Workspace, runner: CliRunner) -> None:
    result = scored(ws, runner)
    assert result.exit_code == 1
    assert "[no-processed-data]" in result.stderr and "ivp ingest" in result.stderr
    assert not ws.reports.exists()


def test_no_population_for_a_municipality(
    ws: Workspace, runner: CliRunner, data: dict, no_charts: None
) -> None:
    without = {**data, POPULATION: [r for r in data[POPULATION] if r["area_code"] != "GM0183"]}
    f.write_workspace(ws, without)
    result = scored(ws, runner)
    assert result.exit_code == 1
    assert "[no-population]" in result.stderr and "Tubbergen" in result.stderr


def test_unknown_code_in_config_and_unknown_profile(
    ws: Workspace, runner: CliRunner, data: dict, no_charts: None
) -> None:
    f.write_workspace(ws, data)
    result = scored(ws, runner, "--profile", "streng")
    assert result.exit_code == 2 and "[unknown-profile]" in result.stderr  # a wrong command line
    ws.config_file.write_text('[themes.geweld]\ncrime = ["1.4.9"]\n', encoding="utf-8")
    result = scored(ws, runner)
    assert result.exit_code == 1
    assert "[unknown-code]" in result.stderr and "themes.geweld.crime" in result.stderr


def test_the_elapsed_time_counts_from_the_start_of_the_command(monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    import ivp_pipeline.cli
    from ivp_pipeline.cli.output import StageProgress

    # the process started 12.3 s ago (imports and start-up included): that is what the user waited
    monkeypatch.setattr(ivp_pipeline.cli, "STARTED", time.perf_counter() - 12.3)
    assert StageProgress().elapsed() == "Klaar in 12,3 s."
