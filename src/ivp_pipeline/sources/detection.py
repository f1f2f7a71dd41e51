"""Detect a file's kind from its content (never its name) and pick its reader.

Reader modules are imported when detection reaches them, in order, and not before: a police CSV is
claimed by the second one, so `ivp ingest` of police downloads never imports the workbook readers
(openpyxl) or anything else they need.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import cast

from ivp_pipeline.problems import IvpError, Problem
from ivp_pipeline.sources.base import Head, ReaderModule, Source
from ivp_pipeline.sources.officeformat import MAX_WORKBOOK_BYTES, ZIP_MAGIC, office_format_problem
from ivp_pipeline.sources.textio import MAX_TEXT_BYTES, check_row_limit, decode_head, read_head

# Files smaller than this are not read ahead: their parse is over before a head start would count.
READ_AHEAD_BYTES = 32 << 20

# The reader modules in detection order (most specific first). A reader module defines `KIND`,
# `DATASET`, `sniff(head) -> bool` and `read(source, ctx) -> Iterator[pyarrow.Table]`.
READERS: tuple[str, ...] = (
    "ivp_pipeline.sources.police.odata",
    "ivp_pipeline.sources.police.bulk",
    "ivp_pipeline.sources.police.labels",
    "ivp_pipeline.sources.survey.statline",
    "ivp_pipeline.sources.survey.local",
    "ivp_pipeline.sources.population",
    "ivp_pipeline.sources.local_figures",
    "ivp_pipeline.sources.professional.reader",
)


# What the read-ahead sniffs with: the first readers in detection order, up to the last that can read
# ahead, each as (reader module, the light module holding its sniffer and read-ahead, the sniffer's
# name there, the read-ahead's name or ""). The readers take `sniff` and `read_ahead` from there
# (tests/sources/test_readahead.py checks that they are the same functions, in READERS' order).
AHEAD: tuple[tuple[str, str, str, str], ...] = (
    ("ivp_pipeline.sources.police.odata", "ivp_pipeline.sources.police.early", "sniff_odata", ""),
    (
        "ivp_pipeline.sources.police.bulk",
        "ivp_pipeline.sources.police.early",
        "sniff_bulk",
        "read_ahead_bulk",
    ),
)


def reader_modules() -> list[ReaderModule]:
    """Every reader module (imports them all)."""
    return list(_readers())


def _readers() -> Iterator[ReaderModule]:
    """The reader modules in detection order, each imported when it is reached."""
    for name in READERS:
        try:
            yield cast(ReaderModule, importlib.import_module(name))
        except ModuleNotFoundError as exc:
            if exc.name != name:  # a reader that exists but fails to import is a bug
                raise


def make_head(source: Source) -> Head:
    raw = read_head(source.path)
    refused = office_format_problem(raw, source.path, source.name)
    if refused:
        raise refused
    is_zip = raw.startswith(ZIP_MAGIC)
    text = None if is_zip else decode_head(raw, source.name)
    return Head(source=source, raw=raw, text=text, is_zip=is_zip)


def detect(source: Source) -> ReaderModule:
    """The reader whose sniffer accepts this file; raises unrecognised-file otherwise."""
    if source.path.stat().st_size == 0:
        raise IvpError(
            Problem(
                "empty-file",
                "het bestand is leeg",
                file=source.name,
                hint="download of exporteer het opnieuw",
            )
        )
    size = source.path.stat().st_size
    limit = MAX_WORKBOOK_BYTES if read_head(source.path, 4) == ZIP_MAGIC else MAX_TEXT_BYTES
    if size > limit:
        raise IvpError(
            Problem(
                "too-large",
                f"het bestand is {size // 2**20} MB, meer dan de grens van {limit // 2**20} MB",
                file=source.name,
                hint="splits het bestand, of lever alleen de gemeenten en perioden die nodig zijn",
            )
        )
    if limit == MAX_TEXT_BYTES:
        check_row_limit(source.path, source.name, lines=source.lines)
    head = make_head(source)
    for mod in _readers():
        if mod.sniff(head):
            return mod
    first = (head.text or "").splitlines()[0][:80] if head.text else ("xlsx-werkmap" if head.is_zip else "")
    raise IvpError(
        Problem(
            "unrecognised-file",
            "geen bekend bestand van politie, enquête, professionals, bevolking of lokale cijfers",
            file=source.name,
            value=first,
            hint="zie de README voor de vormen die ivp leest; haal andere bestanden uit data/raw",
        )
    )


def read_ahead(source: Source) -> bool:
    """Have the reader of a large file start on it in the background (sources/readahead.py), if
    that reader can; True when it started. Sniffs with the light modules of AHEAD, in detection
    order, so that the parse starts before the readers' own modules are loaded. Never raises: a file
    that cannot be read, sniffed or planned is left to `detect` and its reader, which say why."""
    try:
        size = source.path.stat().st_size
        if not READ_AHEAD_BYTES <= size <= MAX_TEXT_BYTES or read_head(source.path, 4) == ZIP_MAGIC:
            return False
        head = make_head(source)
        for _reader, module, sniffer, start in AHEAD:
            light = importlib.import_module(module)
            if getattr(light, sniffer)(head):
                return bool(getattr(light, start)(source)) if start else False
    except (IvpError, OSError):
        pass
    return False
