"""The tables of a score built from the inputs alone, kept between runs of `ivp score` in
`.ivp/side-tables.zip`.

Key figures, voices, local figures, wijken, trends and funnel (scoring `SideTables`) need neither the
model nor the Monte Carlo, nor the survey: they depend on the other processed datasets, ivp.toml and
the program (steps/fingerprint.py `side_key`). A run after a survey figure changed (the run people
wait for) takes them from here instead of building them again: about 0.65 s of CPU on the sample.
Each frame is an Arrow IPC file in a zip, read without pickle, with its text columns' pandas storage
noted beside it; the tables are kept only when every frame reads back equal to the one built (values,
dtypes, index and columns), so a kept table is the table a full run builds. An unreadable or
foreign file counts as empty: it only costs the time of building them again. The file holds what
data/processed holds already (the professionals' remarks are scrubbed on the way in).
"""

from __future__ import annotations

import io
import json
import zipfile

import numpy as np
import pandas as pd
import pyarrow as pa

from ivp_pipeline import atomic
from ivp_pipeline.scoring import SideTables
from ivp_pipeline.workspace import Workspace

FILE = "side-tables.zip"
KEY, NAMES, KINDS = "key", "names.json", b"ivp-text-storage"
TRENDS, FUNNEL = "trends", "funnel"


def load(ws: Workspace, key: str) -> SideTables | None:
    """The kept tables when they were built from the inputs `key` names; else None."""
    try:
        with zipfile.ZipFile(ws.state_dir / FILE) as z:
            if z.read(KEY).decode("utf-8") != key:
                return None
            names = json.loads(z.read(NAMES))
            frames = {name: _frame(z.read(f"{i}.arrow")) for i, name in enumerate(names)}
    except (OSError, KeyError, ValueError, TypeError, zipfile.BadZipFile, pa.ArrowException):
        return None
    if TRENDS not in frames or FUNNEL not in frames:
        return None
    trends, funnel = frames.pop(TRENDS), frames.pop(FUNNEL)
    return {name.removeprefix("extras/"): f for name, f in frames.items()}, trends, funnel


def save(ws: Workspace, key: str, tables: SideTables) -> None:
    """Keep `tables` for runs with the inputs `key` names (nothing is kept when a frame would not
    read back as it is: the next run builds them again)."""
    extras, trends, funnel = tables
    frames = {**{f"extras/{k}": v for k, v in extras.items()}, TRENDS: trends, FUNNEL: funnel}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as z:
        z.writestr(KEY, key)
        z.writestr(NAMES, json.dumps(list(frames)))
        for i, frame in enumerate(frames.values()):
            data = _bytes(frame) if isinstance(frame, pd.DataFrame) else None
            if data is None:
                return
            z.writestr(f"{i}.arrow", data)
    atomic.write_bytes_atomic(ws.state_dir / FILE, buffer.getvalue(), fsync=False)  # a cache


def _bytes(frame: pd.DataFrame) -> bytes | None:
    """The frame as an Arrow IPC file, or None when it would not read back equal."""
    if not all(isinstance(c, str) for c in frame.columns):
        return None
    try:
        table = pa.Table.from_pandas(frame, preserve_index=None)
    except (pa.ArrowException, TypeError, ValueError):
        return None
    storage = {}
    for column in frame.columns:
        dtype = frame[column].dtype
        if isinstance(dtype, pd.StringDtype):
            storage[column] = [dtype.storage, "nan" if dtype.na_value is np.nan else "NA"]
    table = table.replace_schema_metadata(
        {**(table.schema.metadata or {}), KINDS: json.dumps(storage).encode()}
    )
    sink = pa.BufferOutputStream()
    with pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    data: bytes = sink.getvalue().to_pybytes()
    return data if _same(frame, _frame(data)) else None


def _frame(data: bytes) -> pd.DataFrame:
    table = pa.ipc.open_file(pa.py_buffer(data)).read_all()
    storage = json.loads((table.schema.metadata or {}).get(KINDS, b"{}"))
    frame = table.to_pandas()
    for column, (kind, na) in storage.items():
        frame[column] = frame[column].astype(pd.StringDtype(kind, na_value=np.nan if na == "nan" else pd.NA))
    return frame


def _same(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    """Equal values (NaN where NaN), the same dtypes (text storage included), index and columns."""
    return (
        list(a.columns) == list(b.columns)
        and [repr(t) for t in a.dtypes] == [repr(t) for t in b.dtypes]
        and type(a.index) is type(b.index)
        and a.index.equals(b.index)
        and a.equals(b)
    )
