"""Which files of data/raw an ingest reads, and the names under which they are shown and stored.

Shared by `ivp ingest`, its read-ahead (steps/readahead.py, which must pick the files ingest will
read, and imports nothing ingest does not need before it starts reading) and `ivp status`.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ivp_pipeline.problems import IvpError, Problem
from ivp_pipeline.sources import GEO_FOLDER, sha256_of
from ivp_pipeline.workspace import Workspace

# Files in data/raw that are documentation or provenance, not data.
IGNORED_NAMES = {"README.md", "README.txt", "LEESMIJ.md", ".gitkeep"}
IGNORED_SUFFIXES = (".provenance.json", ".md")
# Folders of data/raw that `ivp score` reads itself, not ingest: the wijk boundaries (maps).
IGNORED_FOLDERS = {GEO_FOLDER}
# Files that office programs and file managers leave beside the real ones: skipped with a note.
TEMPORARY_NAMES = {"thumbs.db", "desktop.ini", ".ds_store"}


def is_temporary(name: str) -> bool:
    """Excel's `~$` owner file, LibreOffice's `.~lock.<name>#`, Windows' Thumbs.db and the like."""
    lower = name.lower()
    return (
        lower.startswith("~$")
        or (lower.startswith(".~lock.") and lower.endswith("#"))
        or lower in TEMPORARY_NAMES
        or (lower.startswith("~") and lower.endswith(".tmp"))
    )


def expand(paths: Iterable[Path], temporary: list[Path] | None = None) -> list[Path]:
    """Files under the given paths, sorted (later names win when figures overlap), hidden ones skipped.

    Temporary files (`is_temporary`) are left out too, and collected in `temporary` when given.
    """
    files: set[Path] = set()
    temp: set[Path] = set()
    for p in paths:
        if p.is_dir():
            candidates = [f for f in p.rglob("*") if f.is_file()]
        elif p.exists():
            candidates = [p]
        else:
            raise IvpError(Problem("missing-path", "dit bestand of deze map bestaat niet", file=str(p)))
        for f in candidates:
            if is_temporary(f.name):
                temp.add(f.resolve())
                continue
            rel_parts = f.relative_to(p).parts if p.is_dir() else (f.name,)
            if any(part.startswith(".") for part in rel_parts):
                continue
            if p.is_dir() and rel_parts[0] in IGNORED_FOLDERS and len(rel_parts) > 1:
                continue
            if f.name in IGNORED_NAMES or f.name.endswith(IGNORED_SUFFIXES):
                continue
            files.add(f.resolve())
    if temporary is not None:
        temporary.extend(sorted(temp))
    return sorted(files)


# Files in data/raw/<PERSONAL_FOLDER>/ are the professionals' own workbooks, often named after the
# person ("inbreng_jan_jansen.xlsx"), and so is any workbook outside the folders of downloads:
# everywhere ivp writes or shows a file name they are called by their content's hash instead
# (docs/inputs.md, "What is and is not scrubbed"). Downloads (police, population, survey) keep their
# names: CBS and data.politie.nl name them after the table and the date.
PERSONAL_FOLDER = "professional"
DOWNLOAD_FOLDERS = ("police", "population", "survey", "geo")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
SHOWN_HASH_CHARS = 12


def personal(ws: Workspace, path: Path) -> bool:
    try:
        parts = path.resolve().relative_to(ws.raw.resolve()).parts
    except ValueError:  # a file given on the command line outside data/raw
        parts = ()
    if parts[:1] == (PERSONAL_FOLDER,):
        return True
    return path.suffix.lower() in WORKBOOK_SUFFIXES and (not parts or parts[0] not in DOWNLOAD_FOLDERS)


def _pseudonymous(ws: Workspace, path: Path, sha: str | None = None) -> str:
    """data/raw/professional/bestand-<first 12 of the sha256>.xlsx: the folder and the extension kept,
    the name (perhaps a respondent's) replaced by the file's hash (`sha256sum` finds the file)."""
    folder = ws.relative(path.parent)
    digest = (sha or sha256_of(path))[:SHOWN_HASH_CHARS]
    return f"{folder}/bestand-{digest}{path.suffix.lower()}"


def shown_name(ws: Workspace, path: Path, sha: str | None = None) -> str:
    """The name under which a file appears in the manifest, the store, every report and the terminal."""
    return _pseudonymous(ws, path, sha) if personal(ws, path) else ws.relative(path)
