"""`ivp template` as a library call: the workbooks to hand out, written atomically."""

from __future__ import annotations

from pathlib import Path

from ivp_pipeline.atomic import write_bytes_atomic
from ivp_pipeline.problems import IvpError, Problem
from ivp_pipeline.sources import professional_template, survey_template
from ivp_pipeline.steps import settings
from ivp_pipeline.workspace import Workspace

KINDS = ("professional", "survey")


def template(ws: Workspace, kind: str, out: Path, *, force: bool = False) -> Path:
    """Write the empty `kind` workbook to `out` (the professional one lists the workspace's themes)."""
    if kind not in KINDS:
        raise ValueError(f"unknown template kind {kind!r}")  # the CLI offers only KINDS
    if out.exists() and not force:
        raise IvpError(
            Problem(
                "file-exists",
                "the file already exists",
                file=str(out),
                hint="choose another --out or add --force to overwrite it",
            )
        )
    data = professional_template(settings.catalogue(ws)) if kind == "professional" else survey_template()
    out.parent.mkdir(parents=True, exist_ok=True)
    write_bytes_atomic(out, data)
    return out
