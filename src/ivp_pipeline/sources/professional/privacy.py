"""Privacy of respondents: keyed pseudonyms, and contact details removed from free text.

The key lives in the workspace's state folder (.ivp/, git-ignored), never in data/processed: without it
a pseudonym cannot be linked back to a name by trying names. The same person gets the same pseudonym
in every workbook as long as the key is kept.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from collections.abc import Iterable, Sequence
from pathlib import Path

from ivp_pipeline import atomic
from ivp_pipeline.problems import IvpError, Problem
from ivp_pipeline.regions import normalise_name

KEY_FILE = "pseudonym.key"
REMOVED = "[verwijderd]"

EMAIL = re.compile(r"[\w.+\-]+\s*(?:@|\[at\]|\(at\))\s*[\w\-]+(?:\.[\w\-]+)+", re.IGNORECASE)
# Dutch numbers: 0 + 9 digits (06-12345678, 053-1234567, (053) 123 45 67) or +31 / 0031 + 9 digits
# (+31 6 12345678, +31(0)6-12345678, 0031 6 12345678); separators: spaces, dashes, dots, brackets.
PHONE = re.compile(
    r"(?<![\d+])(?:(?:\+|00)\s*31[\s\-.]*(?:\(\s*0\s*\)[\s\-.]*)?|\(?0)(?:[\s\-.()/]*\d){9}(?!\d)"
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def load_key(path: Path, shown_as: str) -> bytes:
    """The workspace's pseudonym key (in `path`), created (random, 256 bits) the first time it is needed.

    `shown_as` names the file in messages (relative to the workspace).
    """
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic.write_bytes_atomic(path, secrets.token_hex(32).encode() + b"\n")
        os.chmod(path, 0o600)
    try:
        key = bytes.fromhex(path.read_text(encoding="ascii").strip())
    except (ValueError, UnicodeDecodeError):
        key = b""
    if len(key) < 16:
        raise IvpError(
            Problem(
                "bad-key",
                "the pseudonym key is damaged",
                file=shown_as,
                hint="restore it from a backup; deleting it gives every respondent a new id",
            )
        )
    return key


def pseudonym(key: bytes, *parts: str) -> str:
    """'r-' + 16 hex characters of HMAC-SHA256 over the normalised identifying fields."""
    message = "\x1f".join(normalise_name(p) for p in parts).encode("utf-8")
    return "r-" + hmac.new(key, message, hashlib.sha256).hexdigest()[:16]


def name_patterns(names: Iterable[str]) -> list[re.Pattern[str]]:
    """Patterns for a person's full name and surname (word-bounded, case- and space-insensitive)."""
    pats: list[re.Pattern[str]] = []
    seen: set[str] = set()
    for name in names:
        words = name.split()
        variants = [" ".join(words)]
        if len(words) > 1:
            variants.append(" ".join(words[1:]))  # "Jan de Voorbeeld" -> also "de Voorbeeld"
            variants.append(words[-1])
        for v in variants:
            key = v.casefold()
            if len(v) < 3 or key in seen:
                continue
            seen.add(key)
            body = r"\s+".join(re.escape(w) for w in v.split())
            pats.append(re.compile(rf"(?<!\w){body}(?!\w)", re.IGNORECASE))
    return sorted(pats, key=lambda p: len(p.pattern), reverse=True)


def scrub(text: str, names: Sequence[re.Pattern[str]] = ()) -> str:
    """Remove e-mail addresses, phone numbers and the given names from free text."""
    out = _CONTROL.sub(" ", text)
    out = EMAIL.sub(REMOVED, out)
    out = PHONE.sub(REMOVED, out)
    for pat in names:
        out = pat.sub(REMOVED, out)
    return out.strip()
