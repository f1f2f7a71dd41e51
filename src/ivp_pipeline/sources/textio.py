"""Text files as analysts have them: UTF-8 with or without BOM, or cp1252 after a re-save in Excel."""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import TextIO

from ivp_pipeline.problems import IvpError, Problem

SNIFF_BYTES = 64 * 1024
# Limits of what a text input may hold (docs/inputs.md, "Limits"), checked before or while reading,
# never after: a longer line is refused (too-large), not copied into memory, messages or rejects.
MAX_TEXT_BYTES = 2 * 1024**3  # a national police bulk CSV (3.6 M rows) is about 250 MB
MAX_LINE_CHARS = 65_536  # the longest genuine line (a StatLine header) is a few thousand characters
# Lines of one text file: every Dutch municipality, wijk and buurt x 60 offence codes x 12 years of
# months is about 25 M rows of a police bulk CSV; a file with more is refused before it is parsed.
MAX_TEXT_ROWS = 50_000_000
_MIN_LINE_BYTES = 2  # "x\n": a file smaller than MAX_TEXT_ROWS x this cannot have too many lines


def may_pass_row_limit(size: int, limit: int | None = None) -> bool:
    """Whether a file of `size` bytes could have more lines than the limit (else it is not counted)."""
    return size > (MAX_TEXT_ROWS if limit is None else limit) * _MIN_LINE_BYTES


def check_row_limit(path: Path, file: str, limit: int | None = None, lines: int | None = None) -> None:
    """Refuse (too-large) a text file with more than `limit` (MAX_TEXT_ROWS) lines, counted in raw
    bytes before any parsing, stopping as soon as the limit is passed; small files are not scanned.
    `lines`: the file's newlines when they were counted already (`base.digest`)."""
    limit = MAX_TEXT_ROWS if limit is None else limit
    if not may_pass_row_limit(path.stat().st_size, limit):
        return
    if lines is None:
        lines = 0
        with path.open("rb") as fh:
            while lines <= limit and (chunk := fh.read(1 << 22)):
                lines += chunk.count(b"\n")
    if lines > limit:
        shown = f"{limit:_}".replace("_", ".")  # 50.000.000, as Dutch readers write it
        raise IvpError(
            Problem(
                "too-large",
                f"het bestand heeft meer dan {shown} regels, de grens voor een tekstbestand",
                file=file,
                hint="splits het bestand, of lever alleen de gemeenten en perioden die nodig zijn",
            )
        )


def detect_encoding(raw: bytes, file: str = "") -> str:
    """'utf-8-sig' or 'cp1252'; raises wrong-encoding for UTF-16/32 or bytes neither can decode.

    Only the first `len(raw)` bytes are looked at; a multi-byte UTF-8 character cut at the end of the
    sample is tolerated.
    """
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in raw[:4096]:
        raise IvpError(
            Problem(
                "wrong-encoding",
                "het bestand is UTF-16 of binair, geen tekstexport in UTF-8 of Windows-1252",
                file=file,
                hint="sla het opnieuw op als 'CSV UTF-8 (door lijstscheidingsteken gescheiden)'",
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
                f"byte 0x{raw[exc.start]:02x} op positie {exc.start} is geen UTF-8 en geen Windows-1252",
                file=file,
                hint="sla het opnieuw op als 'CSV UTF-8'",
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


def ends_inside_quotes(path: Path, tail: int = 1 << 16) -> bool:
    """Whether the last line of a file (cut off: no line break at the end) opens a quote it does not
    close: the download stopped inside a quoted field, which csv would read as a complete value."""
    with path.open("rb") as fh:
        fh.seek(0, 2)
        size = fh.tell()
        fh.seek(max(0, size - tail))
        last = fh.read().rsplit(b"\n", 1)[-1]
    return last.count(b'"') % 2 == 1


def encoding_error(path: Path, encoding: str, file: str) -> IvpError:
    """The wrong-encoding problem of a text file that failed to decode further on, naming the line.

    The encoding is sniffed from the first 64 KB; a stray byte after that (one cp1252 character in a
    UTF-8 file, a damaged block) only shows up while reading, without a position: this finds it.
    """
    codec = "utf-8" if encoding == "utf-8-sig" else encoding
    with path.open("rb") as fh:
        for line, raw in enumerate(fh, start=1):
            try:
                raw.decode(codec)
            except UnicodeDecodeError as exc:
                byte = raw[exc.start]
                return IvpError(
                    Problem(
                        "wrong-encoding",
                        f"byte 0x{byte:02x} (teken {exc.start + 1} van de regel) is geen geldige "
                        f"{'UTF-8' if codec == 'utf-8' else 'Windows-1252'}; de rest van het bestand wel",
                        file=file,
                        row=line,
                        value=raw[max(0, exc.start - 20) : exc.start + 1].decode(codec, errors="replace"),
                        hint="sla het bestand opnieuw op als 'CSV UTF-8' of download het opnieuw",
                    )
                )
    return IvpError(
        Problem(
            "wrong-encoding",
            f"het bestand is geen geldige {encoding}-tekst",
            file=file,
            hint="sla het bestand opnieuw op als 'CSV UTF-8' of download het opnieuw",
        )
    )


class TextFile:
    """A text file opened for csv (newline=""), whose decoding errors become a coded problem naming the
    line (`encoding_error`) instead of a UnicodeDecodeError traceback."""

    def __init__(self, path: Path, encoding: str, file: str) -> None:
        self.path, self.encoding, self.file = path, encoding, file
        self._fh: TextIO = path.open(encoding=encoding, newline="")
        self.line = 0  # physical lines handed out

    def __enter__(self) -> TextFile:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self._fh.close()

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        try:
            line = self._fh.readline(MAX_LINE_CHARS + 1)
        except UnicodeDecodeError as exc:
            raise encoding_error(self.path, self.encoding, self.file) from exc
        if not line:
            raise StopIteration
        return self._checked(line)

    def readline(self) -> str:
        try:
            return self._checked(self._fh.readline(MAX_LINE_CHARS + 1))
        except UnicodeDecodeError as exc:
            raise encoding_error(self.path, self.encoding, self.file) from exc

    def _checked(self, line: str) -> str:
        self.line += 1
        if len(line) > MAX_LINE_CHARS:
            raise IvpError(
                Problem(
                    "too-large",
                    f"de regel is langer dan de grens van {MAX_LINE_CHARS} tekens",
                    file=self.file,
                    row=self.line,
                    value=line[:40],
                    hint="controleer het bestand: een echte export heeft zulke lange regels niet",
                )
            )
        if "\x00" in line:  # a damaged block, or a binary file with a text start: never a value
            raise IvpError(
                Problem(
                    "wrong-encoding",
                    f"de regel bevat een NUL-byte (teken {line.index(chr(0)) + 1}): het bestand is stuk",
                    file=self.file,
                    row=self.line,
                    hint="download het bestand opnieuw, of sla het opnieuw op als 'CSV UTF-8'",
                )
            )
        return line

    def seek(self, offset: int) -> int:
        if offset == 0:
            self.line = 0
        return self._fh.seek(offset)


def csv_records(fh: TextFile, delimiter: str) -> Iterator[list[str]]:
    """csv.reader over a TextFile whose parse errors (a quoted field longer than csv's limit, spanning
    lines) become a coded problem naming the line."""
    reader = csv.reader(fh, delimiter=delimiter)
    while True:
        try:
            rec = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise IvpError(
                Problem(
                    "malformed-csv",
                    f"de regel is geen leesbare CSV ({csv_reason(exc)})",
                    file=fh.file,
                    row=fh.line,
                    hint="controleer de aanhalingstekens, of exporteer het bestand opnieuw als CSV UTF-8",
                )
            ) from exc
        yield rec


# What csv.Error says (English), in the user's words; the rest is "onleesbare CSV" as it stands.
CSV_REASONS = (
    ("field larger than field limit", "een veld is langer dan de grens"),
    ("line contains nul", "een NUL-byte"),
    ("new-line character seen in unquoted field", "een regeleinde in een veld zonder aanhalingstekens"),
    ("expected after", "een aanhalingsteken op een verkeerde plek"),
    ("unexpected end of data", "het bestand eindigt midden in een veld"),
)


def csv_reason(exc: csv.Error) -> str:
    """The reason of a csv.Error in Dutch (the module's own messages are English)."""
    text = str(exc).lower()
    return next((dutch for english, dutch in CSV_REASONS if english in text), "onbekende CSV-fout")


def open_text(path: Path, encoding: str, file: str) -> TextFile:
    return TextFile(path, encoding, file)
