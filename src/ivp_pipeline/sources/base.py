"""What every reader gets and gives: the source file, a sniffing sample, and a context for rejects."""

from __future__ import annotations

import hashlib
import importlib
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ivp_pipeline.problems import Problem
from ivp_pipeline.schemas import Dataset
from ivp_pipeline.sources import readahead
from ivp_pipeline.sources.textio import may_pass_row_limit

if TYPE_CHECKING:
    import pyarrow as pa

    from ivp_pipeline.regions import RegionConfig


def sha256_of(path: Path) -> str:
    """The content hash that identifies a received file (provenance, unchanged-file detection)."""

    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def digest(path: Path, *, count: bool = True) -> tuple[str, int | None]:
    """The content hash and, for a file large enough for the row limit to matter (textio), its
    newlines, in one read: the hash in a helper thread (hashlib lets go of the GIL) while this one
    counts, so the count of a national file (0.1 s) costs no time of its own. `count=False`: the
    hash alone (a file that is probably unchanged need not be counted). A file read ahead
    (readahead.py) was hashed and counted while it was parsed."""
    ahead = readahead.digest_of(path)
    if ahead is not None:
        return ahead[0], ahead[1] if count and may_pass_row_limit(path.stat().st_size) else None
    if not count or not may_pass_row_limit(path.stat().st_size):
        return sha256_of(path), None
    h = hashlib.sha256()
    lines = 0
    with path.open("rb") as fh, ThreadPoolExecutor(max_workers=1) as pool:
        pending: Future[None] | None = None
        while block := fh.read(4 << 20):
            if pending is not None:
                pending.result()
            pending = pool.submit(h.update, block)
            lines += block.count(b"\n")
        if pending is not None:
            pending.result()
    return h.hexdigest(), lines


@dataclass(frozen=True)
class Source:
    """A received file: where it is, how it is named in provenance, and its content hash."""

    path: Path
    name: str  # relative to the workspace root, posix; stored as source_file
    sha256: str
    lines: int | None = None  # newlines, when counted with the hash (`digest`)


@dataclass(frozen=True)
class Head:
    """What detection looks at: the first bytes, and the decoded text if it is a text file."""

    source: Source
    raw: bytes
    text: str | None  # None for binary files (xlsx, zip) or undecodable text
    is_zip: bool  # xlsx workbooks are zip files


def missing_column(label: str, file: str, hint: str, sheet: str = "", row: int | None = 1) -> Problem:
    """missing-column: a column of a layout that the header row lacks, by its name there."""
    return Problem(
        "missing-column",
        f"de kolom {label!r} ontbreekt",
        file=file,
        sheet=sheet,
        row=row,
        column=label,
        hint=hint,
    )


def _default_region() -> RegionConfig:
    """The default [region] (loaded when a context is made: regions imports pydantic, which a police
    file's read-ahead must not wait for)."""
    region: RegionConfig = importlib.import_module("ivp_pipeline.regions").DEFAULT_REGION
    return region


def _no_key() -> bytes:
    raise RuntimeError("this read has no pseudonym key (a bug: the caller must pass one)")


@dataclass
class ReadContext:
    """What a reader is given (theme labels, the pseudonym key) and fills per file: rows read,
    rejected rows, and facts for the manifest."""

    themes: Mapping[str, str] = field(default_factory=dict)  # theme id -> Dutch label (the catalogue)
    pseudonym_key: Callable[[], bytes] = _no_key  # the workspace's key, created when first needed
    # The workspace's [region]: which municipalities and region name the professional reader accepts.
    region: RegionConfig = field(default_factory=_default_region)
    rows_read: int = 0
    rejects: list[Problem] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)  # e.g. table_id, periods, measure

    def reject(self, problem: Problem) -> None:
        self.rejects.append(problem)


class ReaderModule(Protocol):
    KIND: str
    DATASET: Dataset

    def sniff(self, head: Head) -> bool: ...

    def read(self, source: Source, ctx: ReadContext) -> Iterator[pa.Table]: ...
