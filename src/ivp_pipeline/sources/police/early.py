"""What `ivp ingest` needs of the police readers before they are loaded: the sniffers of the first
two readers in detection order (OData JSON, bulk CSV) and the bulk CSV's plan and parse.

The read-ahead (steps/readahead.py, `sources.read_ahead`) sniffs the first large new file and starts
its parse with these alone, while the program starts: the readers' own modules load the area and
offence resolvers and, through the region registry, pydantic (some 0.1-0.15 s), which the parse
does not need and the main thread then loads while the parse runs. The readers (`odata.py`,
`bulk.py`) take their `sniff`, plan and parse from here, so a read-ahead sniffs and parses exactly
as detection and the reader do.
"""

from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pyarrow as pa
import pyarrow.csv as pacsv

from ivp_pipeline.sources import readahead
from ivp_pipeline.sources.base import Head, Source
from ivp_pipeline.sources.police.common import CRIME_WORDS, OFFENCE_COLUMNS, sidecar_table_id
from ivp_pipeline.sources.police.layout import CodedLayout, coded_layout
from ivp_pipeline.sources.textio import (
    MAX_TEXT_ROWS,
    decode_head,
    detect_encoding,
    header_fields,
    read_head,
    sniff_delimiter,
)

BLOCK_SIZE = 2 << 20  # bytes per parse block: larger blocks parse no faster and hold more memory
CELLS = pa.dictionary(pa.int32(), pa.binary())  # how the parser hands over a column (see parse)
_ODATA_START = re.compile(r'^\s*(\[\s*)?\{\s*"(odata\.metadata|value|odata\.nextLink)"')


def sniff_odata(head: Head) -> bool:
    """The OData JSON reader's sniffer (`odata.sniff`)."""
    return bool(head.text) and bool(_ODATA_START.match(head.text or ""))


def sniff_bulk(head: Head) -> bool:
    """The bulk CSV reader's sniffer (`bulk.sniff`)."""
    if not head.text:
        return False
    fields = header_fields(head.text)
    if not fields or fields[0] != "ID" or "Perioden" not in fields:
        return False
    if any(f in OFFENCE_COLUMNS for f in fields):
        return True
    # Other CBS crime tables are claimed too, so that they are refused with a clear reason.
    return "Marges" not in fields and any(CRIME_WORDS.search(f) for f in fields)


def read_ahead_bulk(source: Source) -> bool:
    """Start hashing, counting and parsing the file in the background (sources/readahead.py), with
    the options `read` will ask for; raises what planning raises (then nothing is started)."""
    planned = plan(source)
    readahead.start(source.path, planned, functools.partial(parse, plan=planned), MAX_TEXT_ROWS)
    return True


@dataclass(frozen=True)
class Plan:
    """How a bulk CSV is parsed, from its first 64 KB: equal plans parse the same file the same way."""

    encoding: str
    delimiter: str
    quoted: bool
    header: tuple[str, ...]
    layout: CodedLayout
    table_id: str | None

    @property
    def names(self) -> list[str]:
        """The header's own spelling of the four columns read."""
        raw = {h.strip(): h for h in self.header}
        return [raw[c] for c in self.layout.columns]


def plan(source: Source) -> Plan:
    raw = read_head(source.path)
    encoding = detect_encoding(raw, source.name)
    sample = decode_head(raw, source.name)
    first = sample.splitlines()[0]
    delimiter = sniff_delimiter(first)
    header = next(csv.reader([first], delimiter=delimiter))
    table_id = sidecar_table_id(source)
    layout = coded_layout([h.strip() for h in header], source, table_id)
    return Plan(encoding, delimiter, '"' in sample, tuple(header), layout, table_id)


def parse(path: Path | BinaryIO, plan: Plan) -> tuple[pa.Table, list[str]]:
    """The four columns of the file (or of a stream of it), each dictionary-encoded, and the text of
    the lines with the wrong number of fields (skipped). Whole, not streamed: the blocks are parsed
    in parallel threads, and a national file's columns take some 60 MB as codes."""
    invalid: list[str] = []

    def on_invalid(row: pacsv.InvalidRow) -> str:  # from the parsing threads (only its count is used)
        invalid.append(row.text or "")
        return "skip"

    names = plan.names
    table = pacsv.read_csv(
        path,
        read_options=pacsv.ReadOptions(
            block_size=BLOCK_SIZE,
            encoding="utf8" if plan.encoding == "utf-8-sig" else plan.encoding,
        ),
        parse_options=pacsv.ParseOptions(
            delimiter=plan.delimiter,
            # The CBS export has no quotes (one line, one row); a re-export may quote text fields
            # (`0;"0.0.0 ";"NL01  ";...`): quotes are honoured when the first 64 KB hold one.
            quote_char='"' if plan.quoted else False,
            ignore_empty_lines=False,  # keeps line numbers exact; blank lines are skipped below
            invalid_row_handler=on_invalid,
        ),
        convert_options=pacsv.ConvertOptions(
            # Dictionary-encoded while parsing: a column of millions of cells arrives as
            # small integer codes into its few thousand distinct cells. Bytes, not text: the
            # distinct cells are decoded once each (`_Coded`), which checks the encoding of every
            # cell as pyarrow's own check of every row did, at an eighth less of the parse.
            column_types=dict.fromkeys(names, CELLS),
            include_columns=names,
            strings_can_be_null=False,
        ),
    )
    return table, invalid
