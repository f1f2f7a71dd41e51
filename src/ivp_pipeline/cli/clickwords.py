"""Typer's own words in Dutch: the usage line and the usage errors (click's and pydantic's English)."""

from __future__ import annotations

import re
from typing import Any

USAGE_PREFIX = "Gebruik: "
OPTIONS_METAVAR = "[OPTIES]"
SUBCOMMAND_METAVAR = "OPDRACHT [ARGUMENTEN]..."

# What typer's copy of click says about a wrong command line, tried in order on the whole message.
_ERRORS = (
    (r"No such option: (\S+) \(Possible options: (.+)\)", r"Onbekende optie: \1 (bedoelt u: \2?)"),
    (r"No such option: (\S+)", r"Onbekende optie: \1"),
    (r"No such command '(.+?)'\. Did you mean (.+)\?", r"Onbekende opdracht '\1'. Bedoelt u \2?"),
    (r"No such command '(.+?)'\.", r"Onbekende opdracht '\1'."),
    (r"Missing command\.", "Geef een opdracht."),
    (r"Option '(.+?)' requires an argument\.", r"Optie '\1' heeft een waarde nodig."),
    (r"Option '(.+?)' requires (\d+) arguments\.", r"Optie '\1' heeft \2 waarden nodig."),
    (r"Option '(.+?)' does not take a value\.", r"Optie '\1' neemt geen waarde."),
    (r"Got unexpected extra arguments? ?(?:\(s\))? \((.*)\)", r"Onverwacht extra argument: \1"),
    (r"Missing argument (.+?)\.(?: Choose from:(.*))?", r"Argument \1 ontbreekt.\2"),
    (r"Missing option (.+?)\.(?: Choose from:(.*))?", r"Optie \1 ontbreekt.\2"),
    (r"Missing parameter:? ?(.*?)\.?", r"Parameter \1 ontbreekt."),
    (r"Invalid value for (.+?): (.*)", r"Ongeldige waarde voor \1: \2"),
    (r"Invalid value: (.*)", r"Ongeldige waarde: \1"),
)
# Typer's checks of a path (after "Invalid value for ...:"); its kind first.
_PATHS = (
    (r"(\w+) (.+) does not exist\.", r"\1 \2 bestaat niet."),
    (r"(\w+) (.+) is a file\.", r"\1 \2 is een bestand, geen map."),
    (r"(\w+) (.+) is a directory\.", r"\1 \2 is een map, geen bestand."),
    (r"(\w+) (.+) is not readable\.", r"\1 \2 is niet leesbaar."),
    (r"(\w+) (.+) is not writable\.", r"\1 \2 is niet schrijfbaar."),
    (r"Value (.+) is not a valid (\w+)\.", r"\1 is geen geldige waarde."),
)
_KINDS = {"file": "bestand", "directory": "map", "dir": "map", "path": "pad"}


def dutch_error(exc: Any) -> str:
    """The message of a click usage error in Dutch; a message without a translation stays as it is."""
    cause = exc.__cause__
    if cause is not None and hasattr(cause, "errors") and hasattr(exc, "message"):
        from ivp_pipeline.config import pydantic_message  # the option's value failed pydantic's check

        errors = cause.errors()
        if errors:
            exc.message = pydantic_message(errors[0])
    text = " ".join(str(exc.format_message()).split())
    for pattern, dutch in _ERRORS:
        found = re.fullmatch(pattern, text)
        if found:
            text = found.expand(dutch).replace("Choose from:", "Kies uit:")
            break
    head, sep, value = text.partition(": ")
    for pattern, dutch in _PATHS:
        found = re.fullmatch(pattern, value)
        if sep and found:
            kind = _KINDS.get(found[1].lower(), found[1])
            return head + sep + found.expand(dutch).replace(found[1], kind, 1)
    return text


def install(ru: Any) -> None:
    """Let typer print its usage errors through `dutch_error` (typer calls rich_format_error of
    `ru`, typer.rich_utils)."""
    original = ru.rich_format_error
    if getattr(original, "dutch", False):
        return

    def rich_format_error(exc: Any) -> None:
        text = dutch_error(exc)
        exc.format_message = lambda: text
        original(exc)

    setattr(rich_format_error, "dutch", True)  # noqa: B010 (a mark on a function)
    setattr(ru, "rich_format_error", rich_format_error)  # noqa: B010 (typed for typer's own ClickException)


def format_usage(command: Any, ctx: Any, formatter: Any) -> None:
    """The usage line: 'Gebruik: ivp score [OPTIES]' (click writes 'Usage:')."""
    pieces = command.collect_usage_pieces(ctx)
    formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=USAGE_PREFIX)
