"""Draw only the charts whose data changed: a content hash per chart, kept beside the reports.

Every chart is planned first (reports/chartset.py: the data, labels and sizes its drawing uses); the
sha256 of that plan, salted with the program (code and library versions), names what the picture
shows. `reports/.charts.json` lists the digest of each chart with the sha256 of its PNG and SVG. A
chart whose digest matches the previous reports/ and whose files there are intact is copied instead
of drawn; drawing it again would give the same bytes (the figures are byte-stable).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ivp_pipeline.reports.views import column_arrays

INDEX = ".charts.json"
FORMAT = 3  # 3: text columns as their lengths and characters (2: each value's repr; 1: row hashes)
SUFFIXES = (".png", ".svg")


def digest(*parts: Any) -> str:
    """sha256 of a canonical encoding of plain values, frames, series, arrays and functions."""
    h = hashlib.sha256(f"ivp-chart-{FORMAT}\0".encode())
    for part in parts:
        _feed(h, part)
    return h.hexdigest()


def _feed(h: Any, obj: Any) -> None:
    if obj is None or isinstance(obj, bool | int | float | str | np.generic | date | datetime | pd.Timestamp):
        h.update(f"{type(obj).__name__}:{obj!r}\0".encode())
    elif isinstance(obj, Mapping):
        h.update(f"map:{len(obj)}\0".encode())
        for key, value in obj.items():
            _feed(h, key)
            _feed(h, value)
    elif isinstance(obj, list | tuple):
        h.update(f"seq:{len(obj)}\0".encode())
        for value in obj:
            _feed(h, value)
    elif isinstance(obj, pd.DataFrame):
        h.update(f"frame:{obj.shape}\0".encode())
        _feed(h, [str(c) for c in obj.columns])
        _feed(h, [str(t) for t in obj.dtypes])
        h.update(_values(obj.index))
        for column in column_arrays(obj):
            h.update(_values(column))
    elif isinstance(obj, pd.Series):
        h.update(f"series:{obj.name!r}:{obj.dtype}\0".encode())
        h.update(_values(obj.index))
        h.update(_values(obj))
    elif isinstance(obj, pd.Index):
        h.update(f"index:{obj.dtype}\0".encode())
        h.update(_values(obj))
    elif isinstance(obj, np.ndarray):
        h.update(f"array:{obj.dtype}:{obj.shape}\0".encode())
        if obj.dtype == object:
            _feed(h, obj.tolist())
        else:
            h.update(np.ascontiguousarray(obj).tobytes())
    elif callable(obj) and hasattr(obj, "__qualname__"):
        h.update(f"fn:{obj.__module__}.{obj.__qualname__}\0".encode())
    else:  # an object whose repr could hold a memory address would make every digest unique
        raise TypeError(f"cannot hash {type(obj).__name__} for the chart cache")


def _values(values: Any) -> bytes:
    """The values of a column (a Series, Index or array): the raw bytes of a plain numeric or
    date column; a text column as the lengths and then the characters of its values; else each
    value's type and repr (text, markers such as "<5", missing values), which no memory address
    enters."""
    dtype = values.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in "biufmM":
        array = np.ascontiguousarray(np.asarray(values))
        return f"{array.dtype}:{len(array)}\0".encode() + array.tobytes()
    items = values.tolist()
    if all(type(v) is str for v in items):
        lengths = ",".join(map(str, map(len, items)))
        return f"strs:{len(items)}:{lengths}\0{''.join(items)}\0".encode("utf-8", "surrogatepass")
    parts = [
        "\0" if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and v != v) else _scalar(v)
        for v in items
    ]
    return ("\x1f".join(parts) + f"\0{len(parts)}\0").encode()


def _scalar(v: Any) -> str:
    if isinstance(v, bool | int | float | str | np.generic | date | datetime | pd.Timestamp):
        return f"{type(v).__name__}:{v!r}"
    if isinstance(v, list | tuple | np.ndarray):
        return "[" + ",".join(_scalar(x) for x in (v.tolist() if isinstance(v, np.ndarray) else v)) + "]"
    raise TypeError(f"cannot hash {type(v).__name__} for the chart cache")


def file_sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass(frozen=True)
class Entry:
    digest: str
    files: dict[str, str]  # suffix -> sha256 of the file


class ChartCache:
    """The charts of the previous reports/ (`previous`), by file stem."""

    def __init__(self, previous: Path | None) -> None:
        self.folder = previous / "figures" if previous is not None else None
        self.entries: dict[str, Entry] = {}
        if previous is None:
            return
        try:
            data = json.loads((previous / INDEX).read_text(encoding="utf-8"))
            if data.get("format") == FORMAT:
                self.entries = {k: Entry(v["digest"], dict(v["files"])) for k, v in data["charts"].items()}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            self.entries = {}

    def reuse(self, key: str, chart_digest: str, fig_dir: Path) -> list[Path] | None:
        """Put the previous <key>.png and <key>.svg into fig_dir when they show exactly this chart."""
        entry = self.entries.get(key)
        if self.folder is None or entry is None or entry.digest != chart_digest:
            return None
        sources = [self.folder / f"{key}{s}" for s in SUFFIXES]
        try:
            if any(file_sha(p) != entry.files.get(p.suffix) for p in sources):
                return None  # edited or damaged since: draw it again
            targets = [fig_dir / p.name for p in sources]
            fig_dir.mkdir(parents=True, exist_ok=True)
            for src, dst in zip(sources, targets, strict=True):
                _link_or_copy(src, dst)
        except OSError:
            return None
        return targets


def _link_or_copy(src: Path, dst: Path) -> None:
    """A hard link (files in reports/ are replaced, never changed in place), else a copy."""
    dst.unlink(missing_ok=True)
    try:
        os.link(src, dst)
    except OSError:
        shutil.copyfile(src, dst)


def write_index(out_dir: Path, charts: Iterable[tuple[str, str, list[Path]]]) -> Path:
    """reports/.charts.json: for each chart (key, digest, files) the digest and its files' sha256."""
    data = {
        "format": FORMAT,
        "charts": {
            key: {"digest": d, "files": {p.suffix: file_sha(p) for p in files}}
            for key, d, files in sorted(charts)
        },
    }
    path = out_dir / INDEX
    path.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return path
