"""CI and the monthly schedule: lint and tests on every push; the monthly run fetches before it
refreshes, logs one timestamped stream and keeps the reports; the repository's ivp.toml has [fetch]."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from ivp_pipeline.steps import settings
from ivp_pipeline.workspace import Workspace

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = ROOT / ".github" / "workflows"


def _step(text: str, name: str) -> str:
    """The text of one step of a workflow, from its `- name:` line to the next step."""
    start = text.index(f"- name: {name}")
    nxt = text.find("\n      - ", start + 1)
    return text[start : nxt if nxt != -1 else len(text)]


def test_the_repository_workspace_fetches_the_sample_region() -> None:
    data = tomllib.loads((ROOT / "ivp.toml").read_text(encoding="utf-8"))
    assert data["fetch"]["tables"] == ["47013NED", "47021NED"]
    ws = Workspace.at(ROOT)
    assert settings.fetch_configured(ws) is True
    cfg = settings.fetch(ws)  # the region's municipalities and comparison areas (Noordoost Twente)
    assert cfg.municipalities == ["GM1774", "GM0168", "GM0173", "GM0183"]
    assert cfg.reference_areas == ["PV23", "NL01"]
    assert cfg.base_url.startswith("https://") and cfg.tables == ["47013NED", "47021NED"]


def test_ci_runs_lint_and_tests_on_every_push() -> None:
    run = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert run.index("make lint") < run.index("make test")
    ci = (WORKFLOWS / "ci.yml").read_text(encoding="utf-8")
    assert re.search(r"^on:\n  push:\n  pull_request:", ci, re.M)
    assert "run: bash .ci/run" in ci
    assert "IVP_WHEEL_TEST" in _step(ci, "The wheel installs in an empty folder")
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    lint = makefile[makefile.index("lint:") : makefile.index("\n\n", makefile.index("lint:"))]
    assert "ruff" in lint and "mypy" in lint and "lint-imports" in lint


def test_the_monthly_run_fetches_refreshes_and_keeps_the_reports() -> None:
    text = (WORKFLOWS / "reports.yml").read_text(encoding="utf-8")
    assert re.search(r'schedule:\n    - cron: "\d+ \d+ \d+ \* \*"', text)  # monthly
    monthly = _step(text, "Monthly refresh")
    assert "if: github.event_name != 'push'" in monthly
    # without [fetch] the scheduled run fails instead of regenerating the same artefact
    assert '"fetch" in tomllib.load' in monthly and "::error" in monthly and "exit 1" in monthly
    # `ivp refresh` downloads first when [fetch] is configured (steps/refresh.py), then ingests and scores
    assert ".venv/bin/ivp refresh 2>&1 | stamp" in monthly
    # one stream, a UTC timestamp on every line, a failing ivp fails the step through the pipe
    assert "set -o pipefail" in monthly
    assert 'printf \'%s %s\\n\' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$line"' in monthly
    keep = _step(text, "Keep the reports")
    assert "if: always()" in keep and "actions/upload-artifact@v4" in keep and "reports/" in keep
    assert 'PYTHONUNBUFFERED: "1"' in text
