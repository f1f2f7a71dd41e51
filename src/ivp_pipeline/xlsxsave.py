"""Workbooks ivp writes (templates, the report workbook): the same content always gives the same bytes."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from openpyxl.styles import Alignment, Font
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation

FIXED_TIME = datetime(2026, 1, 1, 0, 0, 0)


def deterministic_bytes(wb: Workbook, when: datetime = FIXED_TIME) -> bytes:
    """Save a workbook so the same content always gives the same bytes.

    openpyxl stamps docProps/core.xml with the save time and the zip entries carry the wall clock;
    both are replaced by `when` (a fixed date, or one derived from the data).
    """
    wb.properties.creator = "ivp"
    wb.properties.lastModifiedBy = "ivp"
    wb.properties.created = when
    buf = io.BytesIO()
    wb.save(buf)
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>" + stamp + rb"\g<2>",
                    data,
                )
            fixed = zipfile.ZipInfo(info.filename, date_time=max(when, datetime(1980, 1, 1)).timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, data)
    return out.getvalue()


def add_list_validation(ws: Any, formula: str, ref: str, prompt: str = "") -> None:
    """A drop-down list on `ref`, in warning style: people may still type a value; the reader checks
    every value and explains, which is kinder than Excel refusing the cell."""

    v = DataValidation(
        type="list",
        formula1=formula,
        allow_blank=True,
        errorStyle="warning",
        showErrorMessage=True,
        error="Kies een waarde uit de lijst.",
        prompt=prompt or None,
        showInputMessage=bool(prompt),
    )
    ws.add_data_validation(v)
    v.add(ref)


def write_instructions(
    ws: Any, lines: Sequence[str | tuple[str, str]], label_width: int, bold_labels: bool = True
) -> None:
    """The Toelichting sheet of a template: a title, then lines and (label, explanation) pairs."""
    for i, line in enumerate(lines, start=1):
        for c, value in enumerate(line if isinstance(line, tuple) else (line,), start=1):
            ws.cell(i, c, value).alignment = Alignment(wrap_text=True, vertical="top")
        if bold_labels and isinstance(line, tuple):
            ws.cell(i, 1).font = Font(bold=True)
    ws["A1"].font = Font(bold=True, size=14)
    ws.column_dimensions["A"].width = label_width
    ws.column_dimensions["B"].width = 100


def write_lists(ws: Any, columns: Mapping[str, Sequence[Any]]) -> None:
    """The (hidden) sheet behind a template's drop-down lists: column letter -> its choices."""
    for col, values in columns.items():
        for r, v in enumerate(values, start=1):
            ws[f"{col}{r}"] = v
