"""`ivp ingest` reads its first large new file ahead, while the rest of the program starts.

Called by the CLI as soon as the command line says `ivp ingest`, before the command line library,
the settings and the store's writer are loaded (some 0.3-0.5 s with one core): the file's hash, line
count and parse then run meanwhile in threads (sources/readahead.py), and `steps.ingest` takes
them where it would compute them. The pick is the one ingest makes: the files `expand` lists, in
order; a file the manifest knows by its name is skipped (it is most likely unchanged, and then not
read at all), as are the professionals' own files (their names are hashes). Only the first file that
the reader of its kind starts on is read ahead (bulk police CSV of 32 MB or more, `sources.detection`),
so the memory a run holds stays that of one file's parse.

Nothing here may change what an ingest does: any file that cannot be listed or read is left to
`ivp ingest` itself, which reports it.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ivp_pipeline.problems import IvpError
from ivp_pipeline.sources import Source, lean_start, read_ahead
from ivp_pipeline.steps.rawfiles import expand, personal, shown_name
from ivp_pipeline.store import load_manifest
from ivp_pipeline.workspace import Workspace


def read_first_file_ahead(root: Path, paths: Iterable[Path] | None = None) -> bool:
    """Start on the first large new file `ivp ingest -w root [paths]` will read; True when started."""
    lean_start()  # before the parse allocates: no huge pages, no pandas (sources/startup.py)
    ws = Workspace.at(root)
    try:
        targets = [Path(p).resolve() for p in paths] if paths else [ws.raw]
        files = expand(targets) if all(t.exists() for t in targets) else []
        known = load_manifest(ws.processed).get("files", {})
    except (OSError, ValueError, IvpError):
        return False
    for path in files:
        if personal(ws, path):
            continue
        name = shown_name(ws, path)
        if name in known or ws.relative(path) in known:
            continue
        if read_ahead(Source(path=path, name=name, sha256="")):
            return True
    return False
