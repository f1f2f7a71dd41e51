"""ivp.toml: the user's configuration, read once, each section validated by its own frozen model.

Sections are owned by the features that use them (`[scoring]`, `[themes.*]`, `[fetch]`,
`[evaluation]`, ...); this module only reads the file and turns validation errors into Problems.
"""

from __future__ import annotations

import re
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
                f"geen geldige TOML {_toml_position(exc)}",
                file=str(path),
                hint="controleer aanhalingstekens, haken en '='-tekens op die regel",
            )
        ) from exc
    except UnicodeDecodeError as exc:
        raise IvpError(
            Problem("bad-config", "geen UTF-8-tekst", file=str(path), hint="sla het bestand op als UTF-8")
        ) from exc


def _toml_position(exc: tomllib.TOMLDecodeError) -> str:
    """Where tomllib stopped, in Dutch (its own message is English): 'op regel 3, teken 5'."""
    found = re.search(r"at line (\d+), column (\d+)", str(exc))
    return f"op regel {found[1]}, teken {found[2]}" if found else "(het bestand eindigt te vroeg)"


# pydantic's messages are English: the Dutch line for each error type a section can raise ({ctx} keys
# of the error are filled in); a validator's own ValueError (value_error) is Dutch already.
PYDANTIC_MESSAGES = {
    "missing": "deze sleutel is verplicht",
    "extra_forbidden": "onbekende sleutel",
    "int_type": "geen geheel getal",
    "int_parsing": "geen geheel getal",
    "int_from_float": "geen geheel getal",
    "float_type": "geen getal",
    "float_parsing": "geen getal",
    "finite_number": "geen eindig getal",
    "bool_type": "geen true of false",
    "bool_parsing": "geen true of false",
    "string_type": "geen tekst (zet hem tussen aanhalingstekens)",
    "list_type": "geen lijst (schrijf [..., ...])",
    "tuple_type": "geen lijst (schrijf [..., ...])",
    "set_type": "geen lijst (schrijf [..., ...])",
    "dict_type": "geen tabel",
    "model_type": "geen tabel",
    "model_attributes_type": "geen tabel",
    "greater_than": "moet groter zijn dan {gt}",
    "greater_than_equal": "moet minstens {ge} zijn",
    "less_than": "moet kleiner zijn dan {lt}",
    "less_than_equal": "mag hoogstens {le} zijn",
    "literal_error": "kies een van: {expected}",
    "enum": "kies een van: {expected}",
    "string_too_short": "te kort (minstens {min_length} tekens)",
    "string_too_long": "te lang (hoogstens {max_length} tekens)",
    "too_short": "te weinig waarden (minstens {min_length})",
    "too_long": "te veel waarden (hoogstens {max_length})",
    "string_pattern_mismatch": "heeft niet de verwachte vorm",
    "url_parsing": "geen geldig adres (URL)",
    "url_scheme": "geen geldig adres (URL): begin met http:// of https://",
}


def pydantic_message(err: Any) -> str:
    """One pydantic error in Dutch; a type without a translation says so, with its stable name."""
    kind = str(err.get("type", ""))
    if kind in ("value_error", "assertion_error"):
        return str(err["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
    ctx = {k: str(v).replace(" or ", " of ") for k, v in (err.get("ctx") or {}).items()}
    template = PYDANTIC_MESSAGES.get(kind)
    if template is None:
        return f"ongeldige waarde ({kind})"
    try:
        return template.format(**ctx)
    except KeyError:
        return template.split(":")[0].split(" {")[0]


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
                pydantic_message(err),
                file=file,
                column=column(loc) if column else ".".join([*path, *loc]),
                value="" if err.get("input") is None else str(err.get("input")),
                hint=hint,
            )
        )
    return problems
