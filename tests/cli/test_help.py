"""Every command and subcommand has help, and every top-level command is in README.md."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer.main
from typer.testing import CliRunner

from ivp_pipeline.cli import app

README = Path(__file__).resolve().parents[2] / "README.md"
ROOT = typer.main.get_command(app)


def walk(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """The command and, for a group, all its subcommands, depth first."""
    yield path, command
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        yield from walk(sub, (*path, name))


COMMANDS = list(walk(ROOT))
TOP_LEVEL = sorted(getattr(ROOT, "commands", {}))


def words(text: str) -> str:
    return " ".join(text.split())


def test_the_walk_finds_the_commands() -> None:
    names = {" ".join(path) for path, _ in COMMANDS}
    assert {"", "ingest", "score", "template", "template professional", "template survey"} <= names


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[" ".join(p) or "ivp" for p, _ in COMMANDS])
def test_help_exits_0_and_describes_the_command(
    runner: CliRunner, path: tuple[str, ...], command: Any
) -> None:
    description = words((command.help or "").split("\n\n")[0])
    assert description, f"ivp {' '.join(path)} has no help text (a docstring or help=)"
    result = runner.invoke(app, [*path, "--help"])
    assert result.exit_code == 0, result.output
    out = words(result.stdout)
    assert "Usage:" in out
    assert description[:60] in out, out


@pytest.mark.parametrize("name", TOP_LEVEL)
def test_every_command_is_in_the_readme(name: str) -> None:
    readme = README.read_text(encoding="utf-8")
    assert re.search(rf"`ivp {re.escape(name)}\b", readme), f"`ivp {name}` is not documented in README.md"
