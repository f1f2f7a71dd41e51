"""`ivp template` as a library call: the workbooks to hand out, written atomically."""

from __future__ import annotations

from pathlib import Path

from ivp_pipeline.atomic import write_bytes_atomic
from ivp_pipeline.problems import IvpError, Problem
from ivp_pipeline.sources import local_figures_workbook, professional_template, survey_template
from ivp_pipeline.steps import settings
from ivp_pipeline.workspace import Workspace

KINDS = ("professional", "survey", "local_figures")


def template(ws: Workspace, kind: str, out: Path, *, force: bool = False) -> Path:
    """Write the empty `kind` workbook to `out` (the professional one lists the workspace's themes)."""
    if kind not in KINDS:
        raise ValueError(f"unknown template kind {kind!r}")  # the CLI offers only KINDS
    if out.exists() and not force:
        raise IvpError(
            Problem(
                "file-exists",
                "het bestand bestaat al",
                file=str(out),
                hint="kies een andere --out, of voeg --force toe om het te overschrijven",
            )
        )
    region = settings.region(ws)  # the templates list the workspace's municipalities
    if kind == "professional":
        data = professional_template(settings.catalogue(ws), region)
    elif kind == "local_figures":
        data = local_figures_workbook(region, settings.catalogue(ws).labels())
    else:
        data = survey_template(region)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_bytes_atomic(out, data)
    return out
