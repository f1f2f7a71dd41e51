"""CBS bulk TypedDataSet CSV of police tables (`ID;SoortMisdrijf;RegioS;Perioden;...`).

pyarrow parses the file in blocks, in parallel, as text only, each column dictionary-encoded: a
national file (3.6 M rows) arrives as small integer codes into a few thousand distinct cells. Only
the distinct cells go through Python (resolved once per file, after the blocks' dictionaries are
unified); every row is then a numpy lookup, so the happy path has no per-row Python. Row numbers
are physical lines. The sniffer, plan and parse are in early.py, which the read-ahead uses before
this module is loaded.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ivp_pipeline.problems import IvpError, Problem
from ivp_pipeline.schemas import POLICE
from ivp_pipeline.sources import readahead
from ivp_pipeline.sources.base import ReadContext, Source
from ivp_pipeline.sources.police import early
from ivp_pipeline.sources.police.cells import CodedCells
from ivp_pipeline.sources.police.common import sidecar_period_statuses
from ivp_pipeline.sources.police.table import PoliceTableBuilder
from ivp_pipeline.sources.textio import MAX_LINE_CHARS, encoding_error, ends_with_newline

KIND = "police-bulk-csv"
DATASET = POLICE
FIRST_DATA_LINE = 2
TAKE_THREADS = 2  # for the lookups of every row (`_resolve`): more cores add little to what is memory-bound
# the sniffer and the read-ahead live with the plan and parse (early.py): detection reads ahead with them
sniff = early.sniff_bulk
read_ahead = early.read_ahead_bulk


def read(source: Source, ctx: ReadContext) -> Iterator[pa.Table]:
    plan = early.plan(source)
    ctx.meta["kind_detail"] = "cbs-bulk-csv"
    builder = PoliceTableBuilder(source, plan.layout.measure, plan.table_id, plan.layout.area)
    reader = _BulkReader(source, ctx, plan, builder)
    reader.run()
    already = len(ctx.rejects)
    table = builder.finish(ctx, remap_rows=None if reader.numbered else reader.line_numbers)
    rows = reader.line_numbers(np.array([record for record, _p in reader.pending], np.int64))
    found = [p.at(row=int(r)) for (_rec, p), r in zip(reader.pending, rows, strict=True)]
    found += reader.malformed()
    ctx.rejects[already:] = sorted(ctx.rejects[already:] + found, key=lambda p: p.row or 0)
    if table is not None:
        yield table


class _BulkReader:
    def __init__(
        self, source: Source, ctx: ReadContext, plan: early.Plan, builder: PoliceTableBuilder
    ) -> None:
        self.source, self.ctx, self.plan, self.layout = source, ctx, plan, plan.layout
        self.cells = CodedCells(builder, plan.layout.area_kind, sidecar_period_statuses(source))
        self.builder = builder
        self.width, self.encoding, self.delimiter = len(plan.header), plan.encoding, plan.delimiter
        self.quoted = plan.quoted
        self.records = 0  # records pyarrow delivered (blank lines included, malformed lines not)
        self.numbered = False  # the builder was handed line numbers, not record indices
        self.invalid: list[str] = []
        self.pending: list[tuple[int, Problem]] = []  # rejects by record index, lines fixed at the end
        self._bad_lines: np.ndarray | None = None

    def run(self) -> None:
        try:
            # read ahead while the program started (readahead.py), or now
            taken = readahead.take(self.source.path, self.plan)
            table, self.invalid = taken if taken is not None else early.parse(self.source.path, self.plan)
            self._resolve([_Coded(table.column(n)) for n in self.plan.names])
            del table, taken
            # What the parser held is free now: give it back before the table is built.
            pa.default_memory_pool().release_unused()
        except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
            text = str(exc).splitlines()[0][:200]
            # The encoding was sniffed from the first 64 KB; a stray byte further on shows up here.
            if isinstance(exc, UnicodeDecodeError) or "UTF8" in text:
                raise encoding_error(self.source.path, self.encoding, self.source.name) from exc
            if "straddling" in text:  # one line longer than a parse block, so far above the line limit
                raise IvpError(
                    Problem(
                        "too-large",
                        f"een regel is langer dan de grens van {MAX_LINE_CHARS} tekens",
                        file=self.source.name,
                        hint="controleer het bestand: een echte export heeft zulke lange regels niet",
                    )
                ) from exc
            raise IvpError(
                Problem(
                    "malformed-csv",
                    f"het bestand is niet te lezen als CSV in {self.encoding}",
                    file=self.source.name,
                    hint="download het bestand opnieuw; is het bewerkt, sla het dan op als CSV UTF-8",
                )
            ) from exc

    def _resolve(self, columns: list[_Coded]) -> None:
        """Every row of the file from its four columns, each cell resolved once per distinct text."""
        lookups = (self.cells.offence, self.cells.area, self.cells.period)
        found = [[lookup(v) for v in column.cells] for column, lookup in zip(columns, lookups, strict=False)]
        found_v = [self.cells.value(v) for v in columns[3].cells]
        per_cell = [np.array([f if isinstance(f, int) else -1 for f in cells], np.int32) for cells in found]
        per_cell.append(np.array([f[0] if isinstance(f, tuple) else 0 for f in found_v], np.int64))
        per_cell.append(np.array([f[1] if isinstance(f, tuple) else -1 for f in found_v], np.int8))
        taken = [*columns[:3], columns[3], columns[3]]
        # five lookups over every row, two at a time (numpy lets go of the GIL): ids, value, state
        with ThreadPoolExecutor(max_workers=TAKE_THREADS) as pool:
            *ids, values, states = pool.map(_Coded.take, taken, per_cell)
        n = len(states)
        self.records = n
        if all(isinstance(f, int) for cells in found for f in cells) and all(
            isinstance(f, tuple) for f in found_v
        ):
            # Every distinct cell resolved (an empty one does not: blank lines take the path below),
            # so every row is accepted: no masks, no copies; without malformed lines a row's record
            # index is its line less FIRST_DATA_LINE, so the rows are numbered by their lines here.
            self.ctx.rows_read += n
            self.numbered = not self.invalid
            first = FIRST_DATA_LINE if self.numbered else 0
            rows = np.arange(first, n + first, dtype=np.int64)
            self.builder.add_arrays(ids[1], ids[0], ids[2], values, states, rows)
            return
        records = np.arange(n, dtype=np.int64)
        per_column: list[list[Any]] = [*found, found_v]
        issues = [
            (column.codes(), column.cells, per_cell)
            for column, per_cell in zip(columns, per_column, strict=True)
        ]
        empty = np.ones(n, bool)
        for codes, cells, _found in issues:
            empty &= np.array([v == "" for v in cells], bool)[codes]
        ok = (ids[0] >= 0) & (ids[1] >= 0) & (ids[2] >= 0) & (states >= 0)
        self.ctx.rows_read += int(n - empty.sum())
        for i in np.flatnonzero(~ok & ~empty).tolist():
            self.pending.append((int(records[i]), self._problem(i, issues)))
        self.builder.add_arrays(ids[1][ok], ids[0][ok], ids[2][ok], values[ok], states[ok], records[ok])

    def _problem(self, i: int, issues: list[tuple[np.ndarray, list[str], list[Any]]]) -> Problem:
        for column, (codes, dictionary, found) in zip(self.layout.columns, issues, strict=True):
            issue = found[codes[i]]
            if isinstance(issue, Problem):
                return issue.at(file=self.source.name, row=0, column=column, value=dictionary[codes[i]])
        raise AssertionError("a rejected row without an issue")

    def line_numbers(self, records: np.ndarray) -> np.ndarray:
        """Record index -> physical line, skipping the malformed lines pyarrow dropped."""
        lines = records + FIRST_DATA_LINE
        if not self.invalid:
            return lines
        bad = self._invalid_lines()
        # u_j = valid records before the j-th malformed line; each one at or before shifts by one.
        before = bad - FIRST_DATA_LINE - np.arange(len(bad))
        return lines + np.searchsorted(before, records, side="right")

    def _invalid_lines(self) -> np.ndarray:
        if self._bad_lines is None:
            self._bad_lines = np.array([line for line, _rec, _last in self._scan()], np.int64)
        return self._bad_lines

    def _scan(self) -> list[tuple[int, list[str], bool]]:
        """(line, fields, is the last record) of lines with the wrong number of fields.

        Only run when pyarrow reported such lines (it does not say where they are).
        """
        out = []
        with self.source.path.open(encoding=self.encoding, newline="", errors="replace") as fh:
            reader = csv.reader(fh, delimiter=self.delimiter,
                                quoting=csv.QUOTE_MINIMAL if self.quoted else csv.QUOTE_NONE)  # fmt: skip
            start, last_start = 1, 0
            for rec in reader:
                if start > 1 and rec and len(rec) != self.width:
                    out.append((start, rec))
                last_start, start = start, reader.line_num + 1
        return [(line, rec, line == last_start) for line, rec in out]

    def malformed(self) -> list[Problem]:
        """One reject per line with the wrong number of fields (a cut-off download, a stray ';')."""
        if not self.invalid:
            return []
        scanned = self._scan()
        cut_off = not ends_with_newline(self.source.path)
        out = []
        for line, rec, last in scanned:
            few = len(rec) < self.width
            code = ("truncated-row" if few and cut_off and last
                    else "missing-field" if few else "extra-field")  # fmt: skip
            self.ctx.rows_read += 1
            out.append(Problem(
                code, f"de regel heeft {len(rec)} velden, de kop {self.width}",
                file=self.source.name, row=line, value=self.delimiter.join(rec),
                hint="de download is afgebroken: download het bestand opnieuw" if code == "truncated-row"
                else "elke regel heeft één waarde per kolom van de kop nodig",
            ))  # fmt: skip
        return out


class _Coded:
    """A column pyarrow read dictionary-encoded, block by block (each block its own dictionary): its
    distinct cells over all blocks (`cells`, each resolved once), and per row a lookup into them
    (`take`), block by block into one array, without joining or re-encoding the blocks' codes."""

    def __init__(self, column: pa.ChunkedArray) -> None:
        if not pa.types.is_dictionary(column.type):
            column = pc.dictionary_encode(column)
        self.chunks: list[pa.DictionaryArray] = list(column.chunks)
        self.length = len(column)
        distinct = pc.unique(pa.chunked_array([c.dictionary for c in self.chunks], column.type.value_type))
        # The parser hands over bytes (CELLS): each distinct cell decoded once, which raises
        # UnicodeDecodeError on a byte that is not UTF-8 (the reader then names its line).
        cells = distinct.to_pylist()
        self.cells: list[str] = [c.decode() if isinstance(c, bytes) else c for c in cells]
        # per block: the position in `cells` of each entry of its dictionary
        self._where = [
            pc.index_in(c.dictionary, value_set=distinct).to_numpy(zero_copy_only=False).astype(np.int32)
            for c in self.chunks
        ]

    def take(self, per_cell: np.ndarray) -> np.ndarray:
        """`per_cell[code of the row's cell]` for every row."""
        out = np.empty(self.length, per_cell.dtype)
        start = 0
        for chunk, where in zip(self.chunks, self._where, strict=True):
            end = start + len(chunk)
            codes = chunk.indices.to_numpy(zero_copy_only=False)
            # mode="clip": the codes are within the dictionary, and only so does numpy write to `out` directly
            np.take(per_cell[where], codes, out=out[start:end], mode="clip")
            start = end
        return out

    def codes(self) -> np.ndarray:
        """The position in `cells` of every row's cell."""
        return self.take(np.arange(len(self.cells), dtype=np.int32))
