"""The theme catalogue: shipped default (data/themes.toml) overridden by the user's ivp.toml."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ivp_pipeline.config import validation_problems
from ivp_pipeline.offences import offences
from ivp_pipeline.problems import IvpError, Problem

Direction = Literal["higher_worse", "higher_better"]
DEFAULT_HARM = 1.0
_WORD = re.compile(r"[a-z0-9]+")


def words(text: str) -> tuple[str, ...]:
    """Lower-case words of an indicator id, label or match rule (punctuation and case ignored)."""
    return tuple(_WORD.findall(text.casefold()))


class SurveyRule(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    match: str = Field(min_length=1)
    direction: Direction

    def matches(self, indicator: str, label: str) -> bool:
        """Every word of `match` begins a word of the label or of the last part of the indicator id.

        Only the last id part counts: every Veiligheidsmonitor id starts with a topic such as
        'onveiligheidsbeleving', which would otherwise match 'onveilig' everywhere.
        """
        want = words(self.match)
        have = words(label) + words(indicator.rsplit(".", 1)[-1])
        return bool(want) and all(any(h.startswith(w) for h in have) for w in want)


class ThemeSpec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    label: str = Field(min_length=1)
    veiligheidsveld: str
    crime: tuple[str, ...] = ()
    overlast: tuple[str, ...] = ()
    survey: tuple[SurveyRule, ...] = ()
    harm: dict[str, float] = Field(default_factory=dict)
    description: str = ""
    # false: a composite of other themes (e.g. high impact crime): scored and shown, never ranked
    # against its own parts (docs/method.md)
    ranked: bool = True
    # local figure codes (halt, riec, bibob, woonoverlast, jongerenwerk or an own short name, as in
    # the cijfer column of a local figures file) whose rate per 1,000 inhabitants also feeds this
    # theme's volume (omvang) criterion; empty (the default): local figures are shown, not scored
    local_figures: tuple[str, ...] = ()


@dataclass(frozen=True)
class Theme:
    id: str
    label: str
    veiligheidsveld: str = ""
    veiligheidsveld_label: str = ""
    crime: tuple[str, ...] = ()
    overlast: tuple[str, ...] = ()
    survey: tuple[SurveyRule, ...] = ()
    harm: dict[str, float] = field(default_factory=dict)  # code -> weight, for every code of the theme
    ranked: bool = True  # False: a composite, scored but not ranked against its parts
    local_figures: tuple[str, ...] = ()  # local figure codes feeding the volume criterion (docs/method.md)

    def codes(self) -> list[tuple[str, str]]:
        """(measure, offence code) pairs measured by this theme."""
        return [("crime", c) for c in self.crime] + [("overlast", c) for c in self.overlast]

    def harm_weight(self, measure: str, code: str) -> float:
        return self.harm.get(f"{measure}:{code}", DEFAULT_HARM)


@dataclass(frozen=True)
class Catalogue:
    version: str
    themes: dict[str, Theme]
    veiligheidsvelden: dict[str, str] = field(default_factory=dict)

    def labels(self) -> dict[str, str]:
        return {t.id: t.label for t in self.themes.values()}


def default_data() -> dict[str, Any]:
    text = resources.files("ivp_pipeline").joinpath("data", "themes.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def load_catalogue(user: dict[str, Any] | None = None, file: str = "ivp.toml") -> Catalogue:
    """Default catalogue, with the themes of parsed ivp.toml data (`[themes.<id>]`) merged over it."""
    return build_catalogue(default_data(), user or {}, file=file)


def build_catalogue(default: dict[str, Any], user: dict[str, Any], file: str = "ivp.toml") -> Catalogue:
    """Merge user themes (key by key) over the default and validate all of it; problems name the key."""
    themes: dict[str, dict[str, Any]] = {k: dict(v) for k, v in default.get("themes", {}).items()}
    for tid, spec in user.get("themes", {}).items():
        if not isinstance(spec, dict):
            raise IvpError(
                Problem(
                    "bad-config",
                    "een thema moet een tabel zijn ([themes.<id>])",
                    file=file,
                    column=f"themes.{tid}",
                    value=str(spec),
                )
            )
        themes[tid] = {**themes.get(tid, {}), **spec}
    velden = {**default.get("veiligheidsvelden", {}), **user.get("veiligheidsvelden", {})}
    harm_table = {**default.get("harm", {}), **user.get("harm", {})}
    version = str(user.get("catalogue_version", default.get("version", "")))
    problems: list[Problem] = []
    out: dict[str, Theme] = {}
    for tid in sorted(themes):
        theme = _theme(tid, themes[tid], velden, harm_table, file, problems)
        if theme is not None:
            out[tid] = theme
    for code, w in harm_table.items():
        if not isinstance(w, int | float) or w < 0:
            problems.append(
                Problem(
                    "bad-config",
                    "een schadegewicht moet een getal >= 0 zijn",
                    file=file,
                    column=f"harm.{code}",
                    value=str(w),
                )
            )
    if problems:
        raise IvpError(problems[0], problems[1:])
    return Catalogue(version, out, velden)


def _theme(
    tid: str,
    raw: dict[str, Any],
    velden: dict[str, str],
    harm_table: dict[str, Any],
    file: str,
    problems: list[Problem],
) -> Theme | None:
    if not re.fullmatch(r"[a-z][a-z0-9_]*", tid):
        problems.append(
            Problem(
                "bad-config",
                "een thema-id bestaat uit kleine letters, cijfers en _",
                file=file,
                column=f"themes.{tid}",
                value=tid,
            )
        )
        return None
    try:
        spec = ThemeSpec.model_validate(raw)
    except ValidationError as exc:
        problems.extend(
            validation_problems(
                exc, file=file, path=("themes", tid), hint="zie docs/method.md voor de sleutels van een thema"
            )
        )
        return None
    if spec.veiligheidsveld not in velden:
        problems.append(
            Problem(
                "bad-config",
                "onbekend veiligheidsveld",
                file=file,
                column=f"themes.{tid}.veiligheidsveld",
                value=spec.veiligheidsveld,
                hint="kies een van: " + ", ".join(sorted(velden)),
            )
        )
    harm: dict[str, float] = {}
    for measure, codes in (("crime", spec.crime), ("overlast", spec.overlast)):
        known = {o.code for o in offences().codes(measure) if not o.is_rollup}
        for code in codes:
            if code not in known:
                problems.append(
                    Problem(
                        "unknown-code",
                        f"geen {'misdrijf' if measure == 'crime' else 'overlast'}code uit de "
                        "politiecodelijst, of een totaalcode",
                        file=file,
                        column=f"themes.{tid}.{measure}",
                        value=code,
                        hint="gebruik de detailcodes van de politiecodelijst, bv. 1.1.1 of E35",
                    )
                )
                continue
            w = spec.harm.get(code, harm_table.get(code, DEFAULT_HARM))
            harm[f"{measure}:{code}"] = float(w)
    for figure in spec.local_figures:
        if not re.fullmatch(r"[a-z][a-z0-9_]*", figure):
            problems.append(
                Problem(
                    "bad-config",
                    "een lokaal cijfer heet zoals in de kolom cijfer: kleine letters, cijfers en _",
                    file=file,
                    column=f"themes.{tid}.local_figures",
                    value=figure,
                    hint="bv. halt, riec, bibob, woonoverlast of jongerenwerk",
                )
            )
    for code, w in spec.harm.items():
        if code not in spec.crime and code not in spec.overlast:
            problems.append(
                Problem(
                    "unknown-code",
                    "schadegewicht voor een code die het thema niet meet",
                    file=file,
                    column=f"themes.{tid}.harm",
                    value=code,
                )
            )
        if w < 0:
            problems.append(
                Problem(
                    "bad-config",
                    "een schadegewicht moet >= 0 zijn",
                    file=file,
                    column=f"themes.{tid}.harm.{code}",
                    value=str(w),
                )
            )
    return Theme(
        tid,
        spec.label,
        spec.veiligheidsveld,
        velden.get(spec.veiligheidsveld, ""),
        spec.crime,
        spec.overlast,
        spec.survey,
        harm,
        spec.ranked,
        spec.local_figures,
    )
