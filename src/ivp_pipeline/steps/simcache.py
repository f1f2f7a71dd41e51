"""The Monte Carlo of each unit, kept between runs of `ivp score` in `.ivp/montecarlo.npz`.

A unit's simulation depends only on its own inputs, the scoring options and the random scheme
(scoring/montecarlo.py `unit_key` names them); the file is salted with the program (code and library
versions, steps/fingerprint.py `program_digest`), so other code never reads it. A run after one input
changed simulates only the units whose inputs changed, with the numbers a full run gives. The file
holds numbers only (intervals, rank shares, draws: no respondent, no text) and is read without
pickle; an unreadable or foreign file counts as empty: it only costs the time of simulating again.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping

import numpy as np

from ivp_pipeline import atomic
from ivp_pipeline.scoring import UnitSimulation
from ivp_pipeline.workspace import Workspace

FILE = "montecarlo.npz"


def load(ws: Workspace, salt: str) -> dict[str, UnitSimulation]:
    """The kept simulations by unit key; empty when there are none, or they are from other code."""
    try:
        raw = (ws.state_dir / FILE).read_bytes()
    except OSError:  # none kept (or unreadable: simulate again)
        return {}
    try:
        with np.load(io.BytesIO(raw), allow_pickle=False) as data:
            if str(data["salt"]) != salt:
                return {}
            return _entries({name: data[name] for name in data.files if name != "salt"})
    except (ValueError, TypeError, KeyError, IndexError, EOFError, zipfile.BadZipFile):
        return {}


def save(ws: Workspace, salt: str, memo: Mapping[str, UnitSimulation]) -> None:
    """Keep `memo` (the units of this run) for the next run, replacing what was kept."""
    arrays: dict[str, np.ndarray] = {"salt": np.array(salt)}
    for i, (key, sim) in enumerate(sorted(memo.items())):
        arrays[f"{i}:key"] = np.array(key)
        arrays[f"{i}:draws"] = np.array(sim.draws, dtype=np.int64)
        arrays[f"{i}:professionals_low"], arrays[f"{i}:professionals_high"] = sim.professionals
        for name in sim.low:
            arrays[f"{i}:low:{name}"] = sim.low[name]
            arrays[f"{i}:high:{name}"] = sim.high[name]
            arrays[f"{i}:rank_dist:{name}"] = sim.rank_dist[name]
    buffer = io.BytesIO()
    np.savez(buffer, allow_pickle=False, **arrays)
    atomic.write_bytes_atomic(ws.state_dir / FILE, buffer.getvalue(), fsync=False)  # a cache


def _entries(arrays: dict[str, np.ndarray]) -> dict[str, UnitSimulation]:
    parts: dict[str, dict[str, np.ndarray]] = {}
    for name, value in arrays.items():
        index, field = name.split(":", 1)
        parts.setdefault(index, {})[field] = value
    out = {}
    for part in parts.values():
        by = {kind: {} for kind in ("low", "high", "rank_dist")}  # type: dict[str, dict[str, np.ndarray]]
        for field, value in part.items():
            kind, _, profile = field.partition(":")
            if kind in by and profile:
                by[kind][profile] = value
        out[str(part["key"])] = UnitSimulation(
            low=by["low"],
            high=by["high"],
            rank_dist=by["rank_dist"],
            professionals=(part["professionals_low"], part["professionals_high"]),
            draws=int(part["draws"]),
        )
    return out
