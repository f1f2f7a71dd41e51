"""Text files as analysts have them: UTF-8 with or without BOM, or cp1252 after a re-save in Excel."""

from __future__ import annotations

import codecs
import csv
from pathlib import Path

from ivp_pipeline.problems import IvpError, Problem

SNIFF_BYTES = 64 * 1024


def detect_encoding(raw: bytes, file: str = "") -> str:
    """'utf-8-sig' or 'cp1252'; raises wrong-encoding for UTF-16/32 or bytes neither can decode.

    Only the first `len(raw)` bytes are looked at; a multi-byte UTF-8 character cut at the end of the
    sample is tolerated.
    """
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in raw[:4096]:
        raise IvpError(
            Problem(
                "wrong-encoding",
                "the file is UTF-16 or binary, not a text export in UTF-8 or Windows-1252",
                file=file,
                hint="save it again as 'CSV UTF-8 (door lijstscheidingsteken gescheiden)'",
            )
        )
    try:
        codecs.getincrementaldecoder("utf-8-sig")().decode(raw, final=False)
        return "utf-8-sig"
    except UnicodeDecodeError:
        pass
    try:
        raw.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError as exc:
        raise IvpError(
            Problem(
                "wrong-encoding",
                f"byte 0x{raw[exc.start]:02x} at offset {exc.start} is neither UTF-8 nor Windows-1252",
                file=file,
                hint="save it again as 'CSV UTF-8'",
            )
        ) from exc


def read_head(path: Path, n: int = SNIFF_BYTES) -> bytes:
    with path.open("rb") as fh:
        return fh.read(n)


def decode_head(raw: bytes, file: str = "") -> str:
    """The sniffed sample as text (BOM removed), for detection."""
    enc = detect_encoding(raw, file)
    return codecs.getincrementaldecoder(enc)(errors="replace").decode(raw, final=False)


def sniff_delimiter(first_line: str) -> str:
    """';' (every Dutch export), ',' or tab, by what the header line contains most outside quotes."""
    counts = {d: 0 for d in ";,\t"}
    quoted = False
    for ch in first_line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(counts, key=lambda d: (counts[d], d == ";"))
    return best if counts[best] else ";"


def header_fields(text: str) -> list[str]:
    """The fields of the first line of a CSV sample, delimiter sniffed, whitespace stripped."""
    first = text.splitlines()[0] if text else ""
    row = next(csv.reader([first], delimiter=sniff_delimiter(first)), [])
    return [c.strip() for c in row]


def ends_with_newline(path: Path) -> bool:
    """Whether a text file ends with a line break: a download cut off mid-line does not."""
    with path.open("rb") as fh:
        fh.seek(0, 2)
        if fh.tell() == 0:
            return False
        fh.seek(-1, 2)
        return fh.read(1) in (b"\n", b"\r")
