"""Golden end-to-end test: the bundled sample data through `ivp ingest` and `ivp score`.

A fresh workspace in tmp_path gets a copy of the repository's `data/raw` and `ivp.toml`; both
commands run through the CLI (typer's CliRunner) with SOURCE_DATE_EPOCH fixed, and the tables in
`reports/tables/` are compared with the committed copies in `tests/golden/`. A difference fails
with a unified diff of the first lines that differ. A second `ivp score` must give the same bytes
for every file in `reports/` (CSV, xlsx, PNG, SVG, HTML).

Updating the golden files on purpose (after a change that is meant to change the outputs):

    IVP_UPDATE_GOLDEN=1 .venv/bin/python -m pytest -q -p no:cacheprovider tests/test_golden.py
    # or: IVP_UPDATE_GOLDEN=1 make test

This rewrites `tests/golden/*.csv` from the run (the comparisons are then skipped, saying so);
review the change with `git diff tests/golden/` and commit it together with the code that caused it.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ivp_pipeline.cli import app

REPO = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).resolve().parent / "golden"
TABLES = ("scores.csv", "indicators.csv", "criteria.csv", "trends.csv", "sources.csv")
SOURCE_DATE_EPOCH = "1764547200"  # 2025-12-01T00:00:00Z
UPDATE = os.environ.get("IVP_UPDATE_GOLDEN", "") not in ("", "0")
MAX_DIFF_LINES = 40


@dataclass(frozen=True)
class Run:
    exit_codes: dict[str, int]
    errors: dict[str, str]
    first: dict[str, bytes]  # reports/ after the first score, path relative to reports/
    second: dict[str, bytes]  # ... and after a second score on the same workspace


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    ws = tmp_path_factory.mktemp("golden-ws")
    shutil.copytree(REPO / "data" / "raw", ws / "data" / "raw")
    shutil.copy2(REPO / "ivp.toml", ws / "ivp.toml")
    runner = CliRunner()
    codes: dict[str, int] = {}
    errors: dict[str, str] = {}
    snaps: list[dict[str, bytes]] = []
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
        for step in ("ingest", "score", "score again"):
            result = runner.invoke(app, [step.split()[0], "-w", str(ws)])
            codes[step] = result.exit_code
            errors[step] = f"{result.stderr}{result.exception!r}" if result.exit_code else ""
            if step.startswith("score"):
                snaps.append(snapshot(ws / "reports"))
    return Run(codes, errors, *snaps)


def test_ingest_and_score_exit_0(run: Run) -> None:
    assert run.exit_codes == {"ingest": 0, "score": 0, "score again": 0}, run.errors


def golden_diff(expected: bytes, actual: bytes, name: str) -> str:
    """A readable failure: how many lines differ and the first MAX_DIFF_LINES lines of a unified diff.

    A carriage return is shown as a visible \\r, so a change of line endings is not an empty-looking diff.
    """

    def lines(data: bytes) -> list[str]:
        return [line.replace("\r", "\\r") for line in data.decode("utf-8", "replace").split("\n")]

    diff = list(
        difflib.unified_diff(
            lines(expected), lines(actual), f"tests/golden/{name}", f"reports/tables/{name}", n=1, lineterm=""
        )
    )
    changed = sum(1 for line in diff if line[:1] in "+-" and not line.startswith(("+++", "---")))
    shown = diff[:MAX_DIFF_LINES]
    if len(diff) > len(shown):
        shown.append(f"... {len(diff) - len(shown)} more diff lines")
    return "\n".join(
        [
            f"{name} differs from tests/golden/{name} ({changed} lines removed or added).",
            "Intended? Update: IVP_UPDATE_GOLDEN=1 .venv/bin/python -m pytest -q tests/test_golden.py",
            *shown,
        ]
    )


@pytest.mark.parametrize("name", TABLES)
def test_table_matches_golden(run: Run, name: str) -> None:
    assert run.exit_codes["score"] == 0, run.errors
    actual = run.first[f"tables/{name}"]
    expected_path = GOLDEN / name
    if UPDATE:
        GOLDEN.mkdir(exist_ok=True)
        if not expected_path.exists() or expected_path.read_bytes() != actual:
            expected_path.write_bytes(actual)
        pytest.skip(f"IVP_UPDATE_GOLDEN is set: wrote tests/golden/{name}, compared nothing")
    if not expected_path.exists():
        pytest.fail(f"tests/golden/{name} is missing; create it with IVP_UPDATE_GOLDEN=1", pytrace=False)
    expected = expected_path.read_bytes()
    if actual != expected:
        pytest.fail(golden_diff(expected, actual, name), pytrace=False)


def test_second_score_gives_identical_bytes(run: Run) -> None:
    assert run.exit_codes["score again"] == 0, run.errors
    kinds = {Path(p).suffix for p in run.first}
    assert {".csv", ".xlsx", ".png", ".svg", ".html"} <= kinds, sorted(kinds)
    assert sorted(run.second) == sorted(run.first)
    changed = [p for p in run.first if run.first[p] != run.second[p]]
    assert changed == [], {p: hashlib.sha256(run.second[p]).hexdigest()[:12] for p in changed}
