"""The analysis as a document model: sections of paragraphs, tables and figures.

Content modules build `Section`s from a ScoreResult (texts already in Dutch, numbers already
formatted by reports/numbers.py); renderers write the same sections to index.html and to
veiligheidsanalyse.docx, so both always say the same thing in the same order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Table:
    """A table as shown: header and rows are display text. `numeric` marks right-aligned columns."""

    caption: str
    header: list[str]
    rows: list[list[str]]
    note: str = ""
    numeric: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Figure:
    """A chart already drawn: PNG for Word, SVG for the HTML (when there is one)."""

    caption: str
    png: Path
    svg: Path | None = None


# A section's content in order: a paragraph (str), a table or a figure.
Item = str | Table | Figure


@dataclass
class Section:
    """One heading with its content and its subsections (level 1 = chapter)."""

    title: str
    items: list[Item] = field(default_factory=list)
    subsections: list[Section] = field(default_factory=list)
    key: str = ""  # a stable anchor (html id), e.g. "veld-sociale-veiligheid"
