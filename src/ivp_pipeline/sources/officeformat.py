"""Which office format a file is, from its bytes alone: no openpyxl, so telling a CSV or JSON download
apart from a workbook (detection) does not import it (about 0.3 s of every `ivp ingest`).
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

from ivp_pipeline.problems import IvpError, Problem

# The largest workbook ivp opens (docs/inputs.md, "Limits"), checked before anything parses it.
MAX_WORKBOOK_BYTES = 20 * 1024 * 1024
# What reading a damaged, cut or odd zip can raise: all of it is about the user's bytes.
ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, KeyError, ValueError, NotImplementedError,
              RuntimeError)  # fmt: skip

ZIP_MAGIC = b"PK\x03\x04"  # zip: .xlsx (and .xlsb, .xlsm)
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Compound File: .xls, and encrypted .xlsx
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")


def _refusal(code: str, message: str, file: str, hint: str) -> IvpError:
    return IvpError(Problem(code, message, file=file, hint=hint))


def office_format_problem(raw: bytes, path: Path, file: str) -> IvpError | None:
    """A workbook in a format ivp does not read (old .xls, binary .xlsb, macro .xlsm, password), told
    apart by content, each with its own advice; None for anything else (an .xlsx, or not a workbook)."""
    if raw.startswith(OLE_MAGIC):
        with path.open("rb") as fh:
            ole = fh.read(4 << 20)
        if _ENCRYPTED in ole:
            return _refusal(
                "encrypted-workbook",
                "de werkmap is met een wachtwoord beveiligd en kan niet gelezen worden",
                file,
                "verwijder het wachtwoord (Bestand > Info > Werkmap beveiligen) en sla op als .xlsx",
            )
        return _refusal(
            "xls-workbook",
            "dit is een oude Excel-werkmap (.xls, Excel 97-2003), geen .xlsx",
            file,
            "open het in Excel en sla op als .xlsx (Excel-werkmap)",
        )
    if not raw.startswith(ZIP_MAGIC):
        return None
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
    except ZIP_ERRORS:
        return None
    if "xl/workbook.bin" in names:
        return _refusal(
            "xlsb-workbook",
            "dit is een binaire Excel-werkmap (.xlsb), geen .xlsx",
            file,
            "open het in Excel en sla op als .xlsx (Excel-werkmap)",
        )
    if "xl/vbaProject.bin" in names:
        return _refusal(
            "xlsm-workbook",
            "dit is een werkmap met macro's (.xlsm); ivp leest geen macro's",
            file,
            "open het in Excel en sla op als .xlsx (Excel-werkmap, zonder macro's)",
        )
    return None
