"""Recognise a score or refresh with nothing new, without importing the scoring and report stack.

`ivp score` writes `reports/.fingerprint.json` into the same swap as the reports: a sha256 over what
produced them (every file in data/processed, ivp.toml, the score options, the program: the package's
own files, which include the shipped theme catalogue, and the versions of the libraries that draw and
compute) plus the top priorities of every profile, so an unchanged run can print them and stop.
`ivp refresh` keeps `.ivp/refresh-fingerprint.json`: the digest of data/raw it last read and the score
fingerprint it produced. This module imports only the standard library and core modules, so the
check costs tens of milliseconds.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from ivp_pipeline import atomic
from ivp_pipeline.topline import TopRow
from ivp_pipeline.workspace import Workspace

# data/raw/geo (sources/geo.py GEO_FOLDER, not imported: this module stays light): wijk boundaries
GEO_FOLDER = "geo"

SCORE_FILE = ".fingerprint.json"
PUBLIC_DIR = "openbaar"  # `ivp score --public` writes reports/openbaar/, beside the internal reports
REFRESH_FILE = "refresh-fingerprint.json"
REFRESH_JOURNAL = "refresh-journal.json"  # steps/rollback.py: a refresh that did not finish
FORMAT = 1
# Libraries whose version can change the numbers or the bytes of the outputs.
LIBRARIES = (
    "ivp-pipeline",
    "numpy",
    "pandas",
    "pyarrow",
    "scipy",
    "matplotlib",
    "openpyxl",
    "xlsxwriter",
    "jinja2",
)
_PACKAGE = Path(__file__).resolve().parent.parent
_CHUNK = 1 << 20


@dataclass(frozen=True)
class StoredScore:
    """What an unchanged `reports/` says about itself."""

    profiles: dict[str, list[TopRow]]
    default: str  # the profile the terminal shows without --profile

    def top(self, profile: str, n: int) -> list[TopRow]:
        return [r for r in self.profiles.get(profile, []) if r.rank <= n]


def _hash_tree(h: Any, root: Path, *, skip: Iterable[str] = ()) -> None:
    """Names and contents of every file under root, in sorted order (missing root: nothing)."""
    skipped = set(skip)
    if not root.is_dir():
        h.update(b"<none>\0")
        return
    files: list[tuple[str, str]] = []
    for dirpath, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in names:
            if name in skipped or name.endswith((".pyc", ".tmp")):
                continue
            full = os.path.join(dirpath, name)
            files.append((os.path.relpath(full, root).replace(os.sep, "/"), full))
    for rel, full in sorted(files):
        h.update(rel.encode("utf-8") + b"\0")
        with open(full, "rb") as fh:
            while chunk := fh.read(_CHUNK):
                h.update(chunk)
        h.update(b"\0")


@functools.cache
def program_digest() -> str:
    """The package's own files (code, templates, shipped data) and the library versions; hashed
    once per process (a score needs it twice), as the program does not change while it runs."""
    h = hashlib.sha256(b"ivp-program\0")
    _hash_tree(h, _PACKAGE)
    for lib in LIBRARIES:
        try:
            version = metadata.version(lib)
        except metadata.PackageNotFoundError:
            version = "-"
        h.update(f"{lib}={version}\0".encode())
    return h.hexdigest()


def score_fingerprint(
    ws: Workspace,
    *,
    public: bool = False,
    seed: int | None = None,
    draws: int | None = None,
    weights: Sequence[str] = (),
    processed: Mapping[str, str] | None = None,
) -> str:
    """sha256 of everything `ivp score` reads: processed data, ivp.toml, the options (what-if
    `weights` from --gewicht), the wijk boundaries in data/raw/geo and the program. `processed`:
    `processed_digests(ws)` when the caller has them already (each file is then read once)."""
    h = hashlib.sha256(f"ivp-score-{FORMAT}\0".encode())
    options: dict[str, object] = {"public": public, "seed": seed, "draws": draws}
    if weights:  # only when given, so the fingerprint of a plain run stays what it was
        options["weights"] = list(weights)
    h.update(json.dumps(options, sort_keys=True).encode())
    h.update(b"\0config\0")
    h.update(ws.config_file.read_bytes() if ws.config_file.exists() else b"<none>")
    h.update(b"\0processed\0")
    for name, digest in sorted((processed or processed_digests(ws)).items()):
        h.update(f"{name}\0{digest}\0".encode())
    if (ws.raw / GEO_FOLDER).is_dir():
        h.update(b"\0geo\0")
        _hash_tree(h, ws.raw / GEO_FOLDER)
    h.update(b"\0program\0" + program_digest().encode())
    return h.hexdigest()


def processed_digests(ws: Workspace) -> dict[str, str]:
    """sha256 of each entry of data/processed (names and contents): a dataset's folder as "name/",
    a file beside them (manifest, rejects) by its name. Empty when there is no data/processed."""
    if not ws.processed.is_dir():
        return {}
    out = {}
    for entry in sorted(ws.processed.iterdir()):
        h = hashlib.sha256()
        if entry.is_dir():
            _hash_tree(h, entry)
            out[f"{entry.name}/"] = h.hexdigest()
        elif not entry.name.endswith(".tmp"):
            h.update(entry.read_bytes())
            out[entry.name] = h.hexdigest()
    return out


def side_key(ws: Workspace, without: Iterable[str], processed: Mapping[str, str] | None = None) -> str:
    """sha256 of what the tables made from the inputs alone read (steps/sidecache.py): ivp.toml, the
    processed datasets except `without` (their folders under data/processed; the manifest, which
    names every file, is left out too) and the program. `processed`: as in score_fingerprint."""
    h = hashlib.sha256(f"ivp-side-{FORMAT}\0".encode())
    h.update(ws.config_file.read_bytes() if ws.config_file.exists() else b"<none>")
    skipped = {f"{name}/" for name in without}
    for name, digest in sorted((processed or processed_digests(ws)).items()):
        if name.endswith("/") and name not in skipped:
            h.update(f"\0{name}\0{digest}".encode())
    h.update(b"\0program\0" + program_digest().encode())
    return h.hexdigest()


def report_dir(ws: Workspace, *, public: bool) -> Path:
    """reports/ for the internal version, reports/openbaar/ for the public one."""
    return ws.reports / PUBLIC_DIR if public else ws.reports


def public_wanted(ws: Workspace) -> bool:
    """A refresh regenerates the public version too once it exists (made by `ivp score --public`)."""
    return report_dir(ws, public=True).is_dir()


def raw_digest(ws: Workspace) -> str:
    h = hashlib.sha256(b"ivp-raw\0")
    _hash_tree(h, ws.raw)
    return h.hexdigest()


def score_record(
    fingerprint: str,
    profiles: Mapping[str, Iterable[Any]],
    default: str,
    written: Iterable[Path],
    root: Path,
) -> bytes:
    """The bytes of reports/.fingerprint.json: the fingerprint, each profile's ranked rows (TopRow),
    the default profile and the files written (relative to `root`, the folder that becomes reports/)
    with their sizes."""
    data = {
        "format": FORMAT,
        "default_profile": default,
        "fingerprint": fingerprint,
        "files": {p.relative_to(root).as_posix(): p.stat().st_size for p in sorted(written)},
        "profiles": {name: [asdict(r) for r in rows] for name, rows in sorted(profiles.items())},
    }
    return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


def stored_score(reports: Path, fingerprint: str) -> StoredScore | None:
    """The stored run when reports/ was produced by exactly these inputs and is complete, else None."""
    try:
        data = json.loads((reports / SCORE_FILE).read_text(encoding="utf-8"))
        if data.get("format") != FORMAT or data.get("fingerprint") != fingerprint:
            return None
        for rel, size in data["files"].items():
            if (reports / rel).stat().st_size != size:
                return None
        profiles = {str(name): [TopRow(**row) for row in rows] for name, rows in data["profiles"].items()}
        default = str(data["default_profile"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return StoredScore(profiles, default)


def unchanged_score(
    ws: Workspace,
    *,
    public: bool = False,
    seed: int | None = None,
    draws: int | None = None,
    weights: Sequence[str] = (),
) -> StoredScore | None:
    """Under the workspace lock: the stored run if reports/ is what `ivp score` would write now."""
    target = report_dir(ws, public=public)
    with atomic.workspace_lock(ws.lock_file):
        if not target.is_dir():
            return None
        key = score_fingerprint(ws, public=public, seed=seed, draws=draws, weights=weights)
        return stored_score(target, key)


def _fetch_configured(ws: Workspace) -> bool:
    try:
        with ws.config_file.open("rb") as fh:
            return "fetch" in tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError):
        return True  # unreadable: let the full refresh report it


def unchanged_refresh(ws: Workspace, *, base_url: str | None = None) -> bool:
    """True when `ivp refresh` has nothing to do: no download configured, data/raw as the last
    successful refresh read it, and reports/ still what the score of that refresh wrote."""
    if base_url or _fetch_configured(ws):
        return False
    with atomic.workspace_lock(ws.lock_file):
        if (ws.state_dir / REFRESH_JOURNAL).exists():
            return False  # an interrupted refresh: the full run rolls it back
        try:
            data = json.loads((ws.state_dir / REFRESH_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return False
        if not isinstance(data, dict) or data.get("raw") != raw_digest(ws):
            return False
        fingerprint = score_fingerprint(ws)
        if data.get("score") != fingerprint or stored_score(ws.reports, fingerprint) is None:
            return False
        if public_wanted(ws):
            public = score_fingerprint(ws, public=True)
            return stored_score(report_dir(ws, public=True), public) is not None
        return True


def record_refresh(ws: Workspace, raw: str) -> None:
    """After a successful refresh: what it read (`raw`, taken when it began) and what it produced."""
    text = json.dumps({"raw": raw, "score": score_fingerprint(ws)}, indent=1, sort_keys=True) + "\n"
    atomic.write_bytes_atomic(ws.state_dir / REFRESH_FILE, text.encode("utf-8"))
