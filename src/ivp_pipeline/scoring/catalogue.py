"""The theme catalogue: shipped default (data/themes.toml) overridden by the user's ivp.toml."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources

from ivp_pipeline.config import load_toml
from ivp_pipeline.workspace import Workspace


@dataclass(frozen=True)
class Theme:
    id: str
    label: str


@dataclass(frozen=True)
class Catalogue:
    version: str
    themes: dict[str, Theme]

    def labels(self) -> dict[str, str]:
        return {t.id: t.label for t in self.themes.values()}


def load_catalogue(ws: Workspace | None = None) -> Catalogue:
    """Default catalogue, with themes from the workspace's ivp.toml `[themes.<id>]` merged over it."""
    text = resources.files("ivp_pipeline").joinpath("data", "themes.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    themes = dict(data.get("themes", {}))
    if ws is not None:
        for tid, spec in load_toml(ws.config_file).get("themes", {}).items():
            themes[tid] = {**themes.get(tid, {}), **spec}
    return Catalogue(
        version=str(data.get("version", "")),
        themes={tid: Theme(tid, str(spec.get("label", tid))) for tid, spec in themes.items()},
    )
