"""Every command and subcommand has help, and every top-level command is in README.md."""

from __future__ import annotations

import os
import re
import subprocess
import sys
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
    assert f"Gebruik: ivp {' '.join(path)}".rstrip() in out and "[OPTIES]" in out and "Usage" not in out
    assert description[:60] in out, out


@pytest.mark.parametrize("name", TOP_LEVEL)
def test_every_command_is_in_the_readme(name: str) -> None:
    readme = README.read_text(encoding="utf-8")
    assert re.search(rf"`ivp {re.escape(name)}\b", readme), f"`ivp {name}` is not documented in README.md"


# Words that are English and not Dutch: none may appear in a help text the user sees.
ENGLISH = re.compile(
    r"\b(the|and|with|from|this|that|into|which|when|write|read|show|only|every|default|file|folder)\b",
    re.IGNORECASE,
)


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[" ".join(p) or "ivp" for p, _ in COMMANDS])
def test_every_help_text_is_dutch(path: tuple[str, ...], command: Any) -> None:
    ctx = command.make_context(" ".join(("ivp", *path)), [], resilient_parsing=True)
    texts = {"": command.help or ""}
    texts |= {p.name or "": getattr(p, "help", None) or "" for p in command.get_params(ctx)}
    english = {name: text for name, text in texts.items() if ENGLISH.search(text.replace("--", ""))}
    assert english == {}


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[" ".join(p) or "ivp" for p, _ in COMMANDS])
def test_h_is_help_and_no_option_shows_a_type_tag(
    runner: CliRunner, path: tuple[str, ...], command: Any
) -> None:
    long = runner.invoke(app, [*path, "--help"], terminal_width=200)
    short = runner.invoke(app, [*path, "-h"], terminal_width=200)
    assert short.exit_code == 0 and short.stdout == long.stdout
    assert "<bool>" not in long.stdout and "<str>" not in long.stdout and "<int" not in long.stdout
    assert "Toon deze hulp en stop." in words(long.stdout)


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[" ".join(p) or "ivp" for p, _ in COMMANDS])
def test_every_command_takes_the_workspace(path: tuple[str, ...], command: Any) -> None:
    if getattr(command, "commands", None):  # a group: its subcommands take it
        return
    if path == ("init",):  # init takes the folder to create as its argument
        return
    opts = {o for p in command.params for o in getattr(p, "opts", [])}
    assert {"-w", "--workspace"} <= opts


def test_version(runner: CliRunner) -> None:
    from ivp_pipeline import __version__

    for flag in ("--version", "-V"):
        result = runner.invoke(app, [flag])
        assert result.exit_code == 0 and result.stdout == f"ivp {__version__}\n"


def test_shell_completion_is_offered_and_documented(runner: CliRunner) -> None:
    result = runner.invoke(app, ["--help"], terminal_width=200)
    assert "--install-completion" in result.stdout and "--show-completion" in result.stdout
    readme = README.read_text(encoding="utf-8")
    assert "ivp --install-completion" in readme and "ivp --show-completion" in readme


# Draws a help screen in a fresh process, as `ivp` would: the first argument "fast" takes the quick
# path (exit 9 when it declines), anything else the normal typer path.
SCREEN = """
import sys
sys.argv[0] = "ivp"
from ivp_pipeline import cli
if sys.argv[1:2] == ["fast"]:
    sys.exit(0 if cli.help_screen(sys.argv[2:]) else 9)
cli.app()
"""


def _screen(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "100", "TERM": "dumb", "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-c", SCREEN, *args], capture_output=True, text=True, env=env, check=False
    )


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[" ".join(p) or "ivp" for p, _ in COMMANDS])
def test_the_quick_help_screen_is_the_normal_one(path: tuple[str, ...], command: Any) -> None:
    """`ivp ... --help` skips typer's parsing (main.help_screen); it must draw the very same screen."""
    normal = _screen(*path, "--help")
    quick = _screen("fast", *path, "--help")
    assert normal.returncode == 0 and quick.returncode == 0, (normal.stderr, quick.stderr)
    assert quick.stdout == normal.stdout
    assert f"Gebruik: ivp {' '.join(path)}".rstrip() in words(quick.stdout)


@pytest.mark.parametrize("args", [["scor", "--help"], ["score", "-w", ".", "--help"], ["score"], []])
def test_anything_else_takes_the_normal_path(args: list[str]) -> None:
    assert _screen("fast", *args).returncode == 9
