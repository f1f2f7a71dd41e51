"""ivp.toml: the user's configuration, read once, each section validated by its own frozen model.

Sections are owned by the features that use them (`[scoring]`, `[themes.*]`, `[fetch]`,
`[evaluation]`, ...); this module only reads the file and turns validation errors into Problems.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ivp_pipeline.problems import IvpError, Problem

M = TypeVar("M", bound=BaseModel)


def load_toml(path: Path) -> dict[str, Any]:
    """The parsed file, or {} when there is none; a syntax error is the user's to fix."""
    if not path.exists():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise IvpError(
            Problem(
                "bad-config",
                f"geen geldige TOML: {exc}",
                file=str(path),
                hint="controleer aanhalingstekens, haken en '='-tekens op die regel",
            )
        ) from exc
    except UnicodeDecodeError as exc:
        raise IvpError(
            Problem("bad-config", "geen UTF-8-tekst", file=str(path), hint="sla het bestand op als UTF-8")
        ) from exc


def section(data: dict[str, Any], name: str, model: type[M], file: str = "ivp.toml") -> M:
    """Validate one section; every field error becomes a Problem naming the key path and value."""
    raw = data.get(name, {})
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        problems = validation_problems(
            exc,
            file=file,
            path=(name,),
            hint="zie docs/configuration.md voor de toegestane sleutels en waarden",
        )
        raise IvpError(problems[0], problems[1:]) from exc


def validation_problems(
    exc: ValidationError,
    *,
    file: str = "",
    path: tuple[str, ...] = (),
    hint: str = "",
    column: Callable[[tuple[str, ...]], str] | None = None,
) -> list[Problem]:
    """Every field error of a pydantic validation as a `bad-config` Problem naming the key and value.

    The column is the dotted key path below `path`, or what `column` makes of the error's location
    (e.g. the command-line option that set it). The value is cut by Problem itself.
    """
    problems = []
    for err in exc.errors():
        loc = tuple(str(p) for p in err["loc"])
        problems.append(
            Problem(
                "bad-config",
                str(err["msg"]).removeprefix("Value error, "),
                file=file,
                column=column(loc) if column else ".".join([*path, *loc]),
                value="" if err.get("input") is None else str(err.get("input")),
                hint=hint,
            )
        )
    return problems
