"""`ivp ingest`: data/raw -> data/processed, one whole transaction, with a manifest and rejects."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from ivp_pipeline import atomic
from ivp_pipeline.catalogue import load_catalogue
from ivp_pipeline.config import load_toml
from ivp_pipeline.problems import IvpError, Problem
from ivp_pipeline.schemas import DATASETS, Dataset
from ivp_pipeline.sources import KEY_FILE, ReadContext, Source, detect, load_key, sha256_of
from ivp_pipeline.store import Transaction
from ivp_pipeline.workspace import Workspace

# Manifest key: the catalogue a file was read with (only for readers that use the theme labels).
CATALOGUE_KEY = "catalogue"
# Files in data/raw that are documentation or provenance, not data.
IGNORED_NAMES = {"README.md", "README.txt", "LEESMIJ.md", ".gitkeep"}
IGNORED_SUFFIXES = (".provenance.json", ".md")
# Files that office programs and file managers leave beside the real ones: skipped with a note.
TEMPORARY_NAMES = {"thumbs.db", "desktop.ini", ".ds_store"}


def is_temporary(name: str) -> bool:
    """Excel's `~$` owner file, LibreOffice's `.~lock.<name>#`, Windows' Thumbs.db and the like."""
    lower = name.lower()
    return (
        lower.startswith("~$")
        or (lower.startswith(".~lock.") and lower.endswith("#"))
        or lower in TEMPORARY_NAMES
        or (lower.startswith("~") and lower.endswith(".tmp"))
    )


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
                    "SOURCE_DATE_EPOCH is not a whole number of seconds since 1970",
                    value=epoch,
                    hint="unset it, or set it to e.g. $(git log -1 --format=%ct)",
                )
            ) from exc
    return datetime.now(UTC).replace(microsecond=0)


def expand(paths: Iterable[Path], temporary: list[Path] | None = None) -> list[Path]:
    """Files under the given paths, sorted (later names win when figures overlap), hidden ones skipped.

    Temporary files (`is_temporary`) are left out too, and collected in `temporary` when given.
    """
    files: set[Path] = set()
    temp: set[Path] = set()
    for p in paths:
        if p.is_dir():
            candidates = [f for f in p.rglob("*") if f.is_file()]
        elif p.exists():
            candidates = [p]
        else:
            raise IvpError(Problem("missing-path", "no such file or folder", file=str(p)))
        for f in candidates:
            if is_temporary(f.name):
                temp.add(f.resolve())
                continue
            rel_parts = f.relative_to(p).parts if p.is_dir() else (f.name,)
            if any(part.startswith(".") for part in rel_parts):
                continue
            if f.name in IGNORED_NAMES or f.name.endswith(IGNORED_SUFFIXES):
                continue
            files.add(f.resolve())
    if temporary is not None:
        temporary.extend(sorted(temp))
    return sorted(files)


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
    temporary: list[Path] = []
    files = expand(list(paths) if paths else [ws.raw], temporary)
    report = IngestReport()
    for path in temporary:
        name = ws.relative(path)
        note = Problem(
            "temporary-file",
            "tijdelijk bestand van Excel, LibreOffice of Windows; overgeslagen",
            file=name,
            hint="niets te doen; het verdwijnt als het programma wordt gesloten",
        )
        report.outcomes.append(FileOutcome(name, "skipped", problems=[note]))
    # the catalogue straight from core (not steps.settings): ingest need not import the scoring
    themes = load_catalogue(load_toml(ws.config_file), ws.relative(ws.config_file)).labels()
    reading = _Reading(ws, themes, _fingerprint(themes), allow_shrink)
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
    catalogue: str  # fingerprint of the theme labels: a reader that uses them re-reads when it changes
    allow_shrink: bool = False  # a file replaced in place may lack observations of its earlier version

    def context(self) -> ReadContext:
        key_file = self.ws.state_dir / KEY_FILE
        return ReadContext(
            themes=self.themes, pseudonym_key=lambda: load_key(key_file, self.ws.relative(key_file))
        )


def _fingerprint(themes: dict[str, str]) -> str:
    text = json.dumps(sorted(themes.items()), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _unchanged(previous: dict[str, Any] | None, sha: str, catalogue: str) -> bool:
    """Same content, and (for readers that use the theme catalogue) the same catalogue."""
    if not previous or previous["sha256"] != sha:
        return False
    return previous.get(CATALOGUE_KEY, catalogue) == catalogue


def _ingest_file(
    tx: Transaction, reading: _Reading, path: Path, entries: dict[str, Any], by_sha: dict[str, str]
) -> FileOutcome:
    name = reading.ws.relative(path)
    sha = sha256_of(path)
    previous = entries.get(name)
    if previous and _unchanged(previous, sha, reading.catalogue):
        return FileOutcome(name, "unchanged", previous.get("kind", ""), previous.get("dataset", ""))
    if sha in by_sha and by_sha[sha] != name:
        return FileOutcome(
            name,
            "duplicate",
            problems=[
                Problem("duplicate-file", f"same content as {by_sha[sha]}, already ingested", file=name)
            ],
        )
    source = Source(path=path, name=name, sha256=sha)
    ctx = reading.context()
    try:
        reader = detect(source)
        parts = _collect(reader.read(source, ctx))
    except IvpError as exc:
        return FileOutcome(name, "failed", problems=exc.problems)
    dataset = reader.DATASET
    if ctx.rows_read == 0:
        return FileOutcome(name, "failed", reader.KIND, dataset.name, problems=[_empty(name)])
    removed = 0
    if previous:  # the file changed in place: its old rows go, its new rows come
        old_dataset = DATASETS[previous["dataset"]]
        lost = tx.lost_rows(old_dataset, name, parts if old_dataset == dataset else {})
        if lost and not reading.allow_shrink:
            return FileOutcome(
                name, "failed", reader.KIND, dataset.name, ctx.rows_read, problems=[_shrink(name, lost)]
            )
    accepted = sum(t.num_rows for t in parts.values())
    # The new version replaces its old rows by key (revised values go to the revisions table); what
    # is left of the old version afterwards is what it lacks.
    replaced = _upsert_all(tx, dataset, parts)
    if previous:
        removed = tx.drop_source(DATASETS[previous["dataset"]], name, previous["sha256"])
    entries[name] = {
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
    )


def _empty(name: str) -> Problem:
    return Problem(
        "empty-file",
        "het bestand heeft geen gegevensregels (alleen een kop, of een lege sjabloon)",
        file=name,
        hint="download of exporteer het opnieuw met gegevens, of haal het uit data/raw",
    )


PERIOD_COLUMNS = ("period_start", "year")


def _shrink(name: str, lost: dict[str, pa.Table]) -> Problem:
    """would-remove: what replacing the file would take out of the store, per partition and period."""
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
    return Problem(
        "would-remove",
        f"deze nieuwe versie mist {total} waarnemingen die de vorige versie van dit bestand had: {shown}",
        file=name,
        hint="controleer de download (alle gemeenten en perioden geselecteerd?); is het zo bedoeld, "
        "gebruik dan ivp ingest --allow-shrink",
    )


def _upsert_all(tx: Transaction, dataset: Dataset, parts: dict[str, pa.Table]) -> int:
    """Merge and write each partition; partitions are independent, and pyarrow releases the GIL."""
    items = sorted(parts.items())
    if len(items) < 8:
        return sum(tx.upsert(dataset, code, table) for code, table in items)

    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        return sum(pool.map(lambda item: tx.upsert(dataset, *item), items))


def _collect(chunks: Iterable[pa.Table]) -> dict[str, pa.Table]:
    """Group canonical chunks by municipality partition: one sort, then zero-copy slices."""

    tables = [c for c in chunks if c.num_rows]
    if not tables:
        return {}
    table = pa.concat_tables(tables)
    muni = table["municipality"]
    # Readers that already group rows by partition (the police bulk reader) skip the sort.
    if table.num_rows > 1 and not pc.all(pc.greater_equal(muni[1:], muni[:-1])).as_py():
        table = table.take(pc.sort_indices(muni))
    counts = pc.value_counts(table["municipality"])
    out: dict[str, pa.Table] = {}
    offset = 0
    for item in sorted(counts.to_pylist(), key=lambda d: d["values"]):
        out[item["values"]] = table.slice(offset, item["counts"])
        offset += item["counts"]
    return out
