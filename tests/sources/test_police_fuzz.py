"""Property: whatever bytes arrive, detection and the police readers fail only with IvpError."""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ivp_pipeline.problems import IvpError
from ivp_pipeline.sources.base import ReadContext, Source
from ivp_pipeline.sources.detection import detect
from police_fixtures import BULK, PORTAL, STATLINE, odata_text

SEEDS = [s.encode("utf-8") for s in (BULK, PORTAL, STATLINE, odata_text())]


@st.composite
def damaged(draw: st.DrawFn) -> bytes:
    """A real-shaped file with a cut, an insertion or a byte flip, or plain random bytes."""
    if draw(st.booleans()):
        return draw(st.binary(max_size=400))
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 4))):
        pos = draw(st.integers(0, len(data)))
        op = draw(st.sampled_from(["cut", "insert", "flip"]))
        if op == "cut":
            data = data[:pos]
        elif op == "insert":
            data[pos:pos] = draw(
                st.binary(min_size=1, max_size=8)
                | st.sampled_from(
                    [b";", b'"', b"\n", b"\r", b"\x00", b"\xff\xfe", b"-7", b"2024MM13", b"{", b"]"]
                )
            )
        elif pos < len(data):
            data[pos] = draw(st.integers(0, 255))
    return bytes(data)


def _ingest_one(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "data" / "raw" / "f.csv"
        path.parent.mkdir(parents=True)
        path.write_bytes(data)
        source = Source(path, "data/raw/f.csv", hashlib.sha256(data).hexdigest())
        try:
            reader = detect(source)
            for _table in reader.read(source, ReadContext()):
                pass
        except IvpError as exc:
            assert exc.problems and all(p.code for p in exc.problems)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged())
def test_damaged_files_fail_only_with_ivp_errors(data: bytes) -> None:
    _ingest_one(data)


def test_known_nasty_inputs():
    for data in (b"\xef\xbb\xbf", b"ID;SoortMisdrijf;RegioS;Perioden;GeregistreerdeMisdrijven_1",
                 b"[]", b"[{}]", b'{"value": 5}', b'{"value": [1, 2]}', b'{"value": []}',
                 b'"Perioden";"Soort misdrijf"\n', b"\x00\x01\x02"):  # fmt: skip
        _ingest_one(data)
