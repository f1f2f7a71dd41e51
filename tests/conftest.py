"""Shared fixtures: a fresh workspace and a CLI runner. Area-specific fixtures live beside their tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from ivp_pipeline.workspace import Workspace


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    """An empty project root with data/raw."""
    (tmp_path / "data" / "raw").mkdir(parents=True)
    return Workspace.at(tmp_path)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()
