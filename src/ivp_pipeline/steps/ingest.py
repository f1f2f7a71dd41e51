"""`ivp ingest`: data/raw -> data/processed, one whole transaction, with a manifest and rejects."""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ivp_pipeline import atomic
from ivp_pipeline.catalogue import load_catalogue
from ivp_pipeline.config import load_toml
from ivp_pipeline.problems import IvpError, Problem
from ivp_pipeline.regions import RegionConfig, region_config
from ivp_pipeline.schemas import DATASETS, Dataset
from ivp_pipeline.sources import (
    KEY_FILE,
    ReadContext,
    Source,
    detect,
    digest,
    forget_read_ahead,
    lean_start,
    load_key,
)
from ivp_pipeline.steps.rawfiles import expand, personal, shown_name
from ivp_pipeline.store import Slices, Transaction
from ivp_pipeline.workspace import Workspace

# Manifest key: the catalogue a file was read with (only for readers that use the theme labels).
CATALOGUE_KEY = "catalogue"


@dataclass
class FileOutcome:
    file: str
    status: str  # ingested | unchanged | duplicate | skipped | failed
    kind: str = ""
    dataset: str = ""
    rows_read: int = 0
    accepted: int = 0
    rejected: int = 0
    replaced: int = 0
    problems: list[Problem] = field(default_factory=list)
    removed: int = 0  # observations of an earlier version of the file that the new one lacks
    notes: list[Problem] = field(default_factory=list)  # told to the user, not rejects (hidden-sheet...)


@dataclass
class IngestReport:
    outcomes: list[FileOutcome] = field(default_factory=list)
    committed: bool = False

    @property
    def failed(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == "failed"]

    @property
    def rejects(self) -> list[Problem]:
        return [p for o in self.outcomes if o.status == "ingested" for p in o.problems]

    @property
    def notes(self) -> list[Problem]:
        """What the user should know but did not cause a reject: skipped temporary files, hidden
        sheets that were not read, hidden rows that were."""
        skipped = [p for o in self.outcomes if o.status == "skipped" for p in o.problems]
        return skipped + [p for o in self.outcomes for p in o.notes]


def ingestion_time() -> datetime:
    """Now, or SOURCE_DATE_EPOCH when set (reproducible builds: CI regenerates identical reports).

    The ingestion time is shown in the sources of every report; a CI run on a fresh clone would
    otherwise change the reports on every run although no input changed.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), UTC)
        except (ValueError, OverflowError, OSError) as exc:
            raise IvpError(
                Problem(
                    "bad-environment",
                    "SOURCE_DATE_EPOCH is geen geheel aantal seconden sinds 1970",
                    value=epoch,
                    hint="haal de variabele weg, of zet hem op bijvoorbeeld $(git log -1 --format=%ct)",
                )
            ) from exc
    return datetime.now(UTC).replace(microsecond=0)


def ingest(
    ws: Workspace,
    paths: Iterable[Path] | None = None,
    *,
    keep_going: bool = False,
    allow_shrink: bool = False,
    on_file: Callable[[FileOutcome], None] | None = None,
) -> IngestReport:
    """Read every file, validate, and apply all of it to data/processed at once.

    If a file cannot be read at all, nothing is written (unless `keep_going`), so data/processed
    only ever changes whole. Rows that cannot be read are rejected and listed, never dropped silently.
    A file replaced in place that lacks observations its earlier version had is refused
    (`would-remove`) unless `allow_shrink`.
    """
    lean_start()  # no pandas, no huge pages (sources/startup.py): a fifth of a national ingest
    try:
        return _ingest(ws, paths, keep_going=keep_going, allow_shrink=allow_shrink, on_file=on_file)
    finally:
        forget_read_ahead()  # what was read ahead (steps/readahead.py) and not taken is not kept


def _ingest(
    ws: Workspace,
    paths: Iterable[Path] | None,
    *,
    keep_going: bool,
    allow_shrink: bool,
    on_file: Callable[[FileOutcome], None] | None,
) -> IngestReport:
    temporary: list[Path] = []
    targets = list(paths) if paths else [ws.raw]
    files = expand(targets, temporary)
    report = IngestReport()
    for path in temporary:
        name = shown_name(ws, path)
        note = Problem(
            "temporary-file",
            "tijdelijk bestand van Excel, LibreOffice of Windows; overgeslagen",
            file=name,
            hint="niets te doen; het verdwijnt als het programma wordt gesloten",
        )
        report.outcomes.append(FileOutcome(name, "skipped", problems=[note]))
    # the catalogue straight from core (not steps.settings): ingest need not import the scoring
    data, file = load_toml(ws.config_file), ws.relative(ws.config_file)
    themes = load_catalogue(data, file).labels()
    region = region_config(data, file)  # the professional reader accepts the region's municipalities
    # the whole of data/raw, walked once more only when ingest was given other paths
    raw_files = files if targets == [ws.raw] else expand([ws.raw]) if ws.raw.is_dir() else []
    present = frozenset(shown_name(ws, f) for f in raw_files if personal(ws, f))
    reading = _Reading(ws, themes, _fingerprint(themes, region), region, allow_shrink, present)
    with atomic.workspace_lock(ws.lock_file):
        tx = Transaction(ws.processed)
        try:
            entries: dict[str, Any] = tx.manifest.setdefault("files", {})
            by_sha = {e["sha256"]: name for name, e in entries.items()}
            for path in files:
                outcome = _ingest_file(tx, reading, path, entries, by_sha)
                report.outcomes.append(outcome)
                if on_file:
                    on_file(outcome)
            changed = any(o.status == "ingested" for o in report.outcomes)
            if report.failed and not keep_going:
                return report
            if changed:
                tx.commit()
                report.committed = True
        finally:
            tx.abort()
    return report


@dataclass(frozen=True)
class _Reading:
    """What every reader may be given, the same for all files of one run."""

    ws: Workspace
    themes: dict[str, str]
    catalogue: str  # fingerprint of the theme labels (and the region): a reader using them re-reads
    region: RegionConfig
    allow_shrink: bool = False  # a file replaced in place may lack observations of its earlier version
    present: frozenset[str] = frozenset()  # the shown names of the professionals' files in data/raw

    def context(self) -> ReadContext:
        key_file = self.ws.state_dir / KEY_FILE
        return ReadContext(
            themes=self.themes,
            pseudonym_key=lambda: load_key(key_file, self.ws.relative(key_file)),
            region=self.region,
        )


def _fingerprint(themes: dict[str, str], region: RegionConfig) -> str:
    """The theme labels and the region's municipalities and code a professional file was read with."""
    text = json.dumps(sorted(themes.items()), ensure_ascii=False)
    if region != RegionConfig():  # the default region (NOT) keeps the fingerprint of earlier versions
        text += json.dumps([region.code, region.name, list(region.municipalities)], ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _unchanged(previous: dict[str, Any] | None, sha: str, catalogue: str) -> bool:
    """Same content, and (for readers that use the theme catalogue) the same catalogue."""
    if not previous or previous["sha256"] != sha:
        return False
    return previous.get(CATALOGUE_KEY, catalogue) == catalogue


def _ingest_file(
    tx: Transaction, reading: _Reading, path: Path, entries: dict[str, Any], by_sha: dict[str, str]
) -> FileOutcome:
    # A file known by its name is hashed alone: most likely it is unchanged and will not be read.
    known = not personal(reading.ws, path) and reading.ws.relative(path) in entries
    sha, lines = digest(path, count=not known)
    name = shown_name(reading.ws, path, sha)
    previous = entries.get(name)
    if previous and _unchanged(previous, sha, reading.catalogue):
        return FileOutcome(name, "unchanged", previous.get("kind", ""), previous.get("dataset", ""))
    if sha in by_sha and by_sha[sha] not in (name, reading.ws.relative(path)):
        return FileOutcome(
            name,
            "duplicate",
            problems=[
                Problem("duplicate-file", f"zelfde inhoud als {by_sha[sha]}, dat al is ingelezen", file=name)
            ],
        )
    source = Source(path=path, name=name, sha256=sha, lines=lines)
    ctx = reading.context()
    try:
        reader = detect(source)
        whole, parts = _collect(reader.read(source, ctx))
    except IvpError as exc:
        return FileOutcome(name, "failed", problems=exc.problems)
    dataset = reader.DATASET
    if ctx.rows_read == 0:
        return FileOutcome(name, "failed", reader.KIND, dataset.name, problems=[_empty(name)])
    removed = 0
    scope = _scope(dataset, reader.KIND, parts, path.name)
    # The earlier version: this file as it was, or a file of the same table and scope that is no
    # longer in data/raw (a new download saved under another name in place of the old one).
    legacy = reading.ws.relative(path)  # the name an earlier version of ivp stored it under
    if previous:
        earlier: str | None = name
    elif legacy != name and legacy in entries:
        earlier = legacy  # the same file, stored under its own name before: renamed, not doubled
    else:
        earlier = _predecessor(reading, entries, name, scope)
    if earlier is not None:
        old = entries[earlier]
        old_dataset = DATASETS[old["dataset"]]
        incoming = _as_version_of(parts, earlier) if old_dataset == dataset else {}
        lost = tx.lost_rows(old_dataset, earlier, incoming)
        if lost and not reading.allow_shrink:
            problem = _shrink(name, lost, None if earlier in (name, legacy) else earlier)
            return FileOutcome(name, "failed", reader.KIND, dataset.name, ctx.rows_read, problems=[problem])
    accepted = sum(t.num_rows for t in parts.values())
    # The new version replaces its old rows by key (revised values go to the revisions table); what
    # is left of the old version afterwards is what it lacks.
    replaced = tx.upsert_all(dataset, parts, whole=whole)
    if earlier is not None:
        old = entries[earlier]
        removed = tx.drop_source(DATASETS[old["dataset"]], earlier, old["sha256"])
        if earlier != name:
            del entries[earlier]
            by_sha.pop(old["sha256"], None)
    entries[name] = {
        **({"replaces": earlier} if earlier is not None and earlier not in (name, legacy) else {}),
        **({"scope": scope} if scope else {}),
        "sha256": sha,
        "kind": reader.KIND,
        "dataset": dataset.name,
        "rows_read": ctx.rows_read,
        "accepted": accepted,
        "rejected": len(ctx.rejects),
        "replaced": replaced,
        "removed": removed,
        "partitions": sorted(parts),
        "ingested_at": ingestion_time().isoformat(),
        **({CATALOGUE_KEY: reading.catalogue} if getattr(reader, "USES_THEMES", False) else {}),
        **{k: v for k, v in ctx.meta.items() if k not in {"rejects"}},
        "rejects": [asdict(p) for p in ctx.rejects],
    }
    notes = _notes(name, ctx.meta)
    if notes:
        entries[name]["notes"] = [asdict(p) for p in notes]
    by_sha[sha] = name
    return FileOutcome(
        name,
        "ingested",
        reader.KIND,
        dataset.name,
        ctx.rows_read,
        accepted,
        len(ctx.rejects),
        replaced,
        list(ctx.rejects),
        removed,
        notes,
    )


def _notes(name: str, meta: dict[str, Any]) -> list[Problem]:
    """Hidden sheets that were not read and hidden rows that were: said to the user, not only kept."""
    notes = []
    hidden_sheets = meta.get("ignored_hidden_sheets") or []
    if hidden_sheets:
        notes.append(
            Problem(
                "hidden-sheet",
                "verborgen blad niet gelezen: " + ", ".join(str(s) for s in hidden_sheets),
                file=name,
                hint="staan daar de bedoelde antwoorden, maak het blad dan zichtbaar of kopieer ze",
            )
        )
    for sheet, rows in sorted((meta.get("hidden_rows") or {}).items()):
        listed = ", ".join(str(r) for r in rows[:10]) + (
            f" en {len(rows) - 10} meer" if len(rows) > 10 else ""
        )
        notes.append(
            Problem(
                "hidden-rows",
                f"verborgen rijen zijn gewoon gelezen: {listed}",
                file=name,
                sheet=str(sheet),
                hint="horen ze er niet bij, verwijder die rijen dan in plaats van ze te verbergen",
            )
        )
    return notes


# Per dataset, the column whose values say which table or source a file holds: a police table id, the
# survey's table id, the pseudonymous respondent of a professional's workbook.
SCOPE_COLUMNS = {"police": "table_id", "survey": "table_id", "professional": "respondent"}
CBS_TABLE_NAME = re.compile(r"^(\d{5}[a-z]{3})(?![a-z])", re.IGNORECASE)


def _scope(dataset: Dataset, kind: str, parts: Mapping[str, pa.Table], file_name: str) -> str | None:
    """What a file is a version of: dataset, reader and the table ids (police, survey) or respondents
    (professional) its rows carry, or the CBS table id its name starts with (`47013NED_...`, as CBS
    names its downloads); None when neither says (no replacement by another name)."""
    column = SCOPE_COLUMNS.get(dataset.name)
    if column is None:
        return None
    values: set[str] = set()
    for table in parts.values():
        if column in table.schema.names:
            values.update(str(v) for v in pc.unique(table[column].drop_null()).to_pylist())
    if not values and column == "table_id" and (m := CBS_TABLE_NAME.match(file_name)):
        values.add(m.group(1).upper())
    if not values:
        return None
    return f"{dataset.name}:{kind}:" + ",".join(sorted(values))


def _predecessor(reading: _Reading, entries: dict[str, Any], name: str, scope: str | None) -> str | None:
    """An ingested file of the same scope that has left data/raw: the one this file replaces."""
    if scope is None:
        return None
    gone = [
        other
        for other, entry in entries.items()
        if other != name
        and entry.get("scope") == scope
        and other not in reading.present
        and not (reading.ws.root / other).exists()
    ]
    return sorted(gone)[-1] if gone else None


def _as_version_of(parts: Mapping[str, pa.Table], earlier: str) -> dict[str, pa.Table]:
    """The incoming rows as if they came from `earlier` (a key that holds the file, as the
    professional one does, then matches the rows of the earlier version)."""
    out = {}
    for code, table in parts.items():
        if "source_file" in table.schema.names:
            i = table.schema.get_field_index("source_file")
            table = table.set_column(i, "source_file", pa.array([earlier] * table.num_rows, pa.string()))
        out[code] = table
    return out


def _empty(name: str) -> Problem:
    return Problem(
        "empty-file",
        "het bestand heeft geen gegevensregels (alleen een kop, of een lege sjabloon)",
        file=name,
        hint="download of exporteer het opnieuw met gegevens, of haal het uit data/raw",
    )


PERIOD_COLUMNS = ("period_start", "year")


def _shrink(name: str, lost: dict[str, pa.Table], replaces: str | None = None) -> Problem:
    """would-remove: what replacing the file (or `replaces`, the file of the same table and scope it
    takes the place of) would take out of the store, per partition and period."""
    parts = []
    for code, table in sorted(lost.items()):
        period = next((c for c in PERIOD_COLUMNS if c in table.schema.names), None)
        span = ""
        if period:
            low, high = pc.min(table[period]).as_py(), pc.max(table[period]).as_py()
            span = f" ({low}" + (f" t/m {high})" if high != low else ")")
        parts.append(f"{code}: {table.num_rows}{span}")
    total = sum(t.num_rows for t in lost.values())
    shown = "; ".join(parts[:6]) + (f"; en {len(parts) - 6} gebieden meer" if len(parts) > 6 else "")
    earlier = (
        "de vorige versie van dit bestand" if replaces is None else f"{replaces} (zelfde tabel, vervangen)"
    )
    return Problem(
        "would-remove",
        f"deze nieuwe versie mist {total} waarnemingen die {earlier} had: {shown}",
        file=name,
        hint="controleer de download (alle gemeenten en perioden geselecteerd?); is het zo bedoeld, "
        "gebruik dan ivp ingest --allow-shrink",
    )


def _collect(chunks: Iterable[pa.Table]) -> tuple[pa.Table | None, Mapping[str, pa.Table]]:
    """Group canonical chunks by municipality partition: (all rows, grouped; zero-copy slices of the
    rows of each partition, as `Slices` of them), sorted by partition first when a reader did not
    group them (the police readers do)."""

    tables = [c for c in chunks if c.num_rows]
    if not tables:
        return None, {}
    table = pa.concat_tables(tables)
    runs = _grouped_runs(table["municipality"])
    if runs is not None:  # grouped in code order already: the runs are the partitions
        firsts, names = runs
        ends = [*firsts[1:], table.num_rows]
        return table, Slices(table, list(zip(names, firsts, ends, strict=True)))
    ranks, codes = _partition_ranks(table["municipality"])
    order = np.argsort(ranks, kind="stable")  # stable: within a partition the rows keep their order
    table, ranks = table.take(pa.array(order)), ranks[order]
    starts = np.flatnonzero(np.diff(ranks)) + 1
    bounds = [0, *starts.tolist(), len(ranks)]
    return table, Slices(table, [(codes[ranks[a]], a, b) for a, b in itertools.pairwise(bounds)])


def _encoded(chunk: pa.Array) -> tuple[np.ndarray, list[Any]]:
    """Per row the position of its code in the list returned (a null: the last entry, None)."""
    encoded = chunk if isinstance(chunk, pa.DictionaryArray) else pc.dictionary_encode(chunk)
    entries = [*encoded.dictionary.to_pylist(), None]
    indices = encoded.indices
    if indices.null_count:
        indices = pc.fill_null(indices, len(entries) - 1)
    return indices.to_numpy(zero_copy_only=False), entries


def _grouped_runs(column: pa.ChunkedArray) -> tuple[list[int], list[Any]] | None:
    """(first row, code) of each run of equal partition codes when the runs are the partitions in
    code order (a null last), as the police readers hand them over; else None. Looks at where the
    codes change (a pass over the rows' dictionary codes), not at millions of strings."""
    starts: list[int] = []
    codes: list[Any] = []
    offset = 0
    for chunk in column.chunks:
        if len(chunk) == 0:
            continue
        indices, entries = _encoded(chunk)
        at = [0, *(np.flatnonzero(indices[1:] != indices[:-1]) + 1).tolist()]
        for start, index in zip(at, indices[at].tolist(), strict=True):
            code = entries[index]
            if codes and codes[-1] == code:
                continue  # the same code across a chunk boundary: one run
            starts.append(offset + start)
            codes.append(code)
        offset += len(chunk)
    named = [c for c in codes if c is not None]
    if len(named) < len(codes) - 1 or (len(named) < len(codes) and codes[-1] is not None):
        return None  # a null is one run, after every code
    if any(b <= a for a, b in itertools.pairwise(named)):
        return None  # a code comes back later, or out of order
    return starts, codes


def _partition_ranks(column: pa.ChunkedArray) -> tuple[np.ndarray, list[Any]]:
    """Per row the rank of its partition code among the sorted distinct codes, and those codes; the
    ranks come from each chunk's dictionary (a few hundred codes), not from millions of strings. A
    null (a reader's bug, which the contract refuses) ranks last."""
    parts = [_encoded(chunk) for chunk in column.chunks]
    codes: list[Any] = sorted({v for _i, entries in parts for v in entries if v is not None})
    rank = {v: i for i, v in enumerate(codes)}
    codes.append(None)
    ranked = [np.array([rank.get(v, len(codes) - 1) for v in entries], np.int32)[i] for i, entries in parts]
    return (ranked[0] if len(ranked) == 1 else np.concatenate(ranked)), codes
