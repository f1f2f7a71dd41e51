"""What-if weights: `ivp score --gewicht` (scoring/whatif.py) adds the profile "watals"."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

import scoring_fixtures as f
from ivp_pipeline.cli import app
from ivp_pipeline.problems import IvpError
from ivp_pipeline.schemas import POLICE, POPULATION
from ivp_pipeline.scoring.config import ScoringConfig
from ivp_pipeline.scoring.whatif import WHAT_IF, parse_weights, with_what_if
from ivp_pipeline.workspace import Workspace


def test_parse_dutch_names_and_decimal_commas() -> None:
    w = parse_weights(["beleving=0,5", "Omvang=0.3", "professionals=0,2"])
    assert w == {
        "volume": 0.3,
        "harm": 0.0,
        "trend": 0.0,
        "comparison": 0.0,
        "perception": 0.5,
        "professionals": 0.2,
    }
    cfg = with_what_if(ScoringConfig(), ["beleving=0,5", "omvang=0,5"])
    prof = cfg.all_profiles()[WHAT_IF]
    assert (prof.label, prof.perception, prof.volume) == ("Wat als (opdrachtregel)", 0.5, 0.5)
    assert with_what_if(ScoringConfig(), []) == ScoringConfig()


@pytest.mark.parametrize(
    ("items", "message", "value"),
    [
        (["beleving"], "geen criterium=gewicht", "beleving"),
        (["geluk=1"], "geen criterium=gewicht", "geluk=1"),
        (["beleving=veel"], "het gewicht is geen getal", "beleving=veel"),
        (["beleving=1,5"], "een gewicht ligt tussen 0 en 1", "beleving=1,5"),
        (["beleving=0,5", "beleving=0,5"], "dit criterium staat er twee keer in", "beleving=0,5"),
        (
            ["beleving=0,5", "omvang=0,4"],
            "de gewichten tellen op tot 0,9, niet tot 1",
            "beleving=0,5 omvang=0,4",
        ),
    ],
)
def test_mistakes_are_bad_weights(items: list[str], message: str, value: str) -> None:
    with pytest.raises(IvpError) as err:
        parse_weights(items)
    p = err.value.problem
    assert (p.code, p.message, p.column, p.value) == ("bad-weights", message, "--gewicht", value)


def test_cli_what_if_profile_is_shown_and_written(ws: Workspace, runner: CliRunner, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    police, pop = f.synthetic(n_months=48, first="2021-01-01")
    f.write_workspace(ws, {POLICE: police, POPULATION: pop})
    import ivp_pipeline.steps.score

    written: dict = {}

    def keep(result, out, public=False, **_kw):  # type: ignore[no-untyped-def]
        written["result"] = result
        return []

    # the name steps/score.py calls (bound at its import, so patch it there)
    monkeypatch.setattr(ivp_pipeline.steps.score, "write_outputs", keep)
    args = ["score", "-w", str(ws.root), "--draws", "60", "--gewicht", "omvang=0,5", "--gewicht", "ernst=0,5"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.stderr
    assert "profiel watals" in result.stdout
    scores = written["result"].scores
    assert WHAT_IF in set(scores["profile"]) and "evenwichtig" in set(scores["profile"])
    assert written["result"].method["profile_labels"][WHAT_IF] == "Wat als (opdrachtregel)"
    # the same weights again: nothing changed; without them the reports are stale, so it recomputes
    again = runner.invoke(app, args)
    assert again.exit_code == 0 and "Niets veranderd" in again.stdout
    plain = runner.invoke(app, ["score", "-w", str(ws.root), "--draws", "60"])
    assert plain.exit_code == 0 and "Niets veranderd" not in plain.stdout
    assert WHAT_IF not in set(written["result"].scores["profile"])
    bad = runner.invoke(app, ["score", "-w", str(ws.root), "--gewicht", "omvang=2"])
    assert bad.exit_code == 2 and "[bad-weights]" in bad.stderr  # a wrong command line
