"""The GitHub workflows: lint and tests on push; the monthly run refreshes (fetching when configured)
with one ordered, timestamped log stream; and the order of a merged log is what ivp writes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / ".github" / "workflows"


def text(name: str) -> str:
    return (WORKFLOWS / name).read_text(encoding="utf-8")


def test_ci_runs_lint_and_tests_on_push() -> None:
    ci = text("ci.yml")
    assert "\non:\n  push:\n  pull_request:\n" in ci
    assert "run: bash .ci/run\n" in ci
    assert "make lint" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "IVP_WHEEL_TEST" in ci


def test_the_monthly_run_refreshes_with_one_timestamped_stream() -> None:
    reports = text("reports.yml")
    assert '- cron: "17 5 3 * *"' in reports
    assert 'PYTHONUNBUFFERED: "1"' in reports
    monthly = reports[reports.index("- name: Monthly refresh") :]
    monthly = monthly[: monthly.index("- name:", 10)]
    assert "if: github.event_name != 'push'" in monthly
    assert "set -o pipefail" in monthly and ".venv/bin/ivp refresh 2>&1 | stamp" in monthly
    assert '"fetch" in tomllib.load' in monthly  # warns when ivp.toml configures no download
    keep = reports[reports.index("- name: Keep the reports") :]
    assert "if: always()" in keep and "reports/" in keep


def test_a_merged_unbuffered_stream_keeps_the_order_of_writing(tmp_path: Path) -> None:
    """What the workflow relies on: stdout and stderr lines interleave as written."""
    code = "import sys\nfor i in range(3):\n    print(f'out {i}')\n    print(f'err {i}', file=sys.stderr)\n"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    done = subprocess.run(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, text=True
    )
    assert done.stdout.splitlines() == ["out 0", "err 0", "out 1", "err 1", "out 2", "err 2"]
