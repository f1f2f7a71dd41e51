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
MAX_COLLEAGUES = 200  # distinct respondent names of one workbook scrubbed from every remark
REMOVED = "[verwijderd]"

EMAIL = re.compile(r"[\w.+\-]+\s*(?:@|\[at\]|\(at\))\s*[\w\-]+(?:\.[\w\-]+)+", re.IGNORECASE)
# Dutch numbers: 0 + 9 digits (06-12345678, 053-1234567, (053) 123 45 67) or +31 / 0031 + 9 digits
# (+31 6 12345678, +31(0)6-12345678, 0031 6 12345678); separators: spaces, dashes, dots, brackets.
PHONE = re.compile(
    r"(?<![\d+])(?:(?:\+|00)\s*31[\s\-.]*(?:\(\s*0\s*\)[\s\-.]*)?|\(?0)(?:[\s\-.()/]*\d){9}(?!\d)"
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# IBAN: two letters, two check digits, then 11-30 letters/digits, in groups of four or not
# (NL91 ABNA 0417 1643 00, NL91ABNA0417164300, DE89 3704 0044 0532 0130 00).
IBAN = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]){11,30}(?![A-Za-z0-9])")
# A BSN-like number: 9 digits (or 8, the leading zero dropped), optionally grouped by spaces or dots;
# replaced only when it passes the 11-proef, so counts and dates stay.
BSN_CANDIDATE = re.compile(
    r"(?<![\d.\-])(?:\d{3}[ .]?\d{3}[ .]?\d{3}|\d{4}[ .]\d{2}[ .]\d{3}|\d{8})(?![\d\-]|[.,]\d)"
)
# Addresses: a Dutch postcode with a house number (7631 AB 12), and a street name with a house number
# (Hoofdstraat 12, Kerkplein 3a, Oude Markt 7-II).
POSTCODE = re.compile(r"(?<!\w)[1-9]\d{3}[ ]?(?!SA|SD|SS)[A-Z]{2}(?!\w)[ ,]+\d{1,5}(?:[ -]?[A-Za-z]{1,3}\b)?")
# The postcode after a removed street address ("Hoofdstraat 12, 7631 AB"); a postcode alone stays
# (it names a few streets, and is how a hotspot is described).
_POSTCODE_AFTER = re.compile(r"\[verwijderd\],?\s+[1-9]\d{3}[ ]?[A-Z]{2}(?!\w)")
_STREETS = (
    "straat|weg|laan|plein|steeg|dijk|kade|singel|gracht|pad|hof|markt|dreef|erf|park|baan|veld|"
    "brink|esch|wal|allee|boulevard|dam|kamp|hoek|ring|schans|vaart|zijde"
)
STREET = re.compile(
    rf"(?<!\w)(?:[A-Z][\w'\-]*\s+)?[A-Z][\w'\-]*(?:{_STREETS})\s+\d{{1,5}}"
    r"(?:[ -]?[A-Za-z]{1,3}\b|-[IVX]+\b)?"
)


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
                "de pseudoniemsleutel is beschadigd",
                file=shown_as,
                hint="zet hem terug uit een back-up; weggooien geeft elke respondent een nieuw nummer",
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


def elfproef(digits: str) -> bool:
    """The 11-proef of a BSN: 9 digits d1..d9 with 9*d1 + 8*d2 + ... + 2*d8 - d9 divisible by 11."""
    d = [int(c) for c in digits.zfill(9)]
    total = sum(w * x for w, x in zip(range(9, 1, -1), d[:8], strict=True)) - d[8]
    return len(d) == 9 and total % 11 == 0 and total > 0


def _bsn(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    return REMOVED if elfproef(digits) else match.group(0)


def scrub(text: str, names: Sequence[re.Pattern[str]] = ()) -> str:
    """Remove e-mail addresses, IBANs, phone numbers, BSN-like numbers (11-proef), addresses
    (postcode + house number, street + house number) and the given names from free text."""
    out = _CONTROL.sub(" ", text)
    out = EMAIL.sub(REMOVED, out)
    out = IBAN.sub(REMOVED, out)
    out = PHONE.sub(REMOVED, out)
    out = BSN_CANDIDATE.sub(_bsn, out)
    out = POSTCODE.sub(REMOVED, out)
    out = STREET.sub(REMOVED, out)
    out = _POSTCODE_AFTER.sub(REMOVED, out)
    for pat in names:
        out = pat.sub(REMOVED, out)
    return out.strip()
