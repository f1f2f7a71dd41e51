"""ivp.toml: the user's configuration, read once, each section validated by its own frozen model.

Sections are owned by the features that use them (`[scoring]`, `[themes.*]`, `[fetch]`,
`[evaluation]`, ...); this module only reads the file and turns validation errors into Problems.
"""

from __future__ import annotations

import tomllib
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
        problems = [
            Problem(
                "bad-config",
                err["msg"],
                file=file,
                column=".".join([name, *(str(p) for p in err["loc"])]),
                value="" if err.get("input") is None else str(err.get("input"))[:80],
                hint="zie docs/configuration.md voor de toegestane sleutels en waarden",
            )
            for err in exc.errors()
        ]
        raise IvpError(problems[0], problems[1:]) from exc
