"""What every command shares: the --workspace option, error reporting and exit codes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup

from ivp_pipeline.cli import clickwords
from ivp_pipeline.importhook import after_import
from ivp_pipeline.problems import IvpError, Problem

# The exit codes of every command (README.md, "Exit codes"; tests/cli/test_exit_codes.py).
EXIT_OK = 0  # everything read was accepted and the outputs are written
EXIT_PROBLEM = 1  # nothing written: a problem with the input, the configuration or the service
EXIT_USAGE = 2  # a wrong command line (click uses 2 for its own usage errors as well)
EXIT_REJECTED = 3  # written, but some rows were rejected (listed in data/processed/_rejects.csv)

WorkspaceOpt = Annotated[
    Path,
    typer.Option(
        "--workspace",
        "-w",
        metavar="MAP",
        help="Werkruimte: de map met data/raw, data/processed, reports en ivp.toml "
        "(standaard: de huidige map).",
        file_okay=False,
        resolve_path=True,
        show_default=False,
    ),
]
QuietOpt = Annotated[
    bool, typer.Option("--quiet", "-q", metavar="", help="Alleen waarschuwingen en fouten tonen.")
]


def err_echo(text: str) -> None:
    typer.echo(text, err=True)


def report_problems(problems: list[Problem], limit: int = 50) -> None:
    for p in problems[:limit]:
        err_echo(f"Fout: {p.line()}")
    if len(problems) > limit:
        err_echo(f"... en nog {len(problems) - limit} problemen")


def is_usage_problem(problem: Problem) -> bool:
    """A problem with the command line itself: it names an option (e.g. an unknown --profile)."""
    return problem.column.startswith("--")


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn the project's own errors into one line each on stderr and an exit code; bugs propagate.

    Exit code 2 when every problem is about an option of the command line, else 1.
    """
    try:
        yield
    except IvpError as exc:
        report_problems(exc.problems)
        usage = all(is_usage_problem(p) for p in exc.problems)
        raise typer.Exit(EXIT_USAGE if usage else EXIT_PROBLEM) from None


# `-h` beside `--help` on every command (given to the app, inherited by every subcommand).
CONTEXT: dict[str, Any] = {"help_option_names": ["-h", "--help"]}
_HELP = "Toon deze hulp en stop."
_COMPLETION = {
    "install_completion": "Installeer het aanvullen met Tab voor de huidige shell (bash, zsh, fish).",
    "show_completion": "Toon het script voor het aanvullen met Tab, om het zelf te installeren.",
}


# Typer carries its own copy of click, so its parameter classes are typed loosely here.
def _dutch(option: Any) -> Any:
    if option is not None:
        option.help = _HELP
        option.metavar = ""
    return option


def _no_type_tag(params: Any) -> Any:
    """A flag takes no value, so its help shows none (typer would print `<bool>`)."""
    for param in params:
        if getattr(param, "is_flag", False) and param.metavar is None:
            param.metavar = ""
    return params


class Command(TyperCommand):
    """A typer command whose --help/-h option and usage line speak Dutch and whose flags show no `<bool>`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.options_metavar = clickwords.OPTIONS_METAVAR

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        clickwords.format_usage(self, ctx, formatter)

    def get_params(self, ctx: Any) -> Any:
        return _no_type_tag(super().get_params(ctx))

    def get_help_option(self, ctx: Any) -> Any:
        return _dutch(super().get_help_option(ctx))


class Group(TyperGroup):
    """The same for groups (ivp, ivp template), plus the shell-completion options in Dutch."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.options_metavar = clickwords.OPTIONS_METAVAR
        self.subcommand_metavar = clickwords.SUBCOMMAND_METAVAR

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        clickwords.format_usage(self, ctx, formatter)

    def get_params(self, ctx: Any) -> Any:
        params = super().get_params(ctx)
        for param in params:  # typer appends the completion options after building the group
            if param.name in _COMPLETION:
                setattr(param, "help", _COMPLETION[param.name])  # noqa: B010 (an Option, typed as Parameter)
                param.metavar = ""
        return _no_type_tag(params)

    def get_help_option(self, ctx: Any) -> Any:
        return _dutch(super().get_help_option(ctx))


RICH_UTILS = "typer.rich_utils"


def dutch_help_panels() -> None:
    """The headings of the help screens and the usage errors in Dutch (typer reads these names when it
    draws the help; its errors pass through clickwords), set when typer loads `typer.rich_utils`:
    only for a help screen or an error. A command that runs without either never loads it, nor the
    markdown and syntax highlighting of rich it brings (some 0.1 s of `ivp ingest`)."""
    after_import(RICH_UTILS, _dutch_rich_utils)


def _dutch_rich_utils(ru: Any) -> None:
    clickwords.install(ru)
    ru.ARGUMENTS_PANEL_TITLE = "Argumenten"
    ru.OPTIONS_PANEL_TITLE = "Opties"
    ru.COMMANDS_PANEL_TITLE = "Opdrachten"
    ru.ERRORS_PANEL_TITLE = "Fout"
    ru.ABORTED_TEXT = "Afgebroken."
    ru.DEFAULT_STRING = "[standaard: {}]"
    ru.REQUIRED_LONG_STRING = "[verplicht]"
    ru.RICH_HELP = "Zie [blue]'{command_path} {help_option}'[/] voor hulp."
