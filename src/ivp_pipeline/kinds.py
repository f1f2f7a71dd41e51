"""The Dutch name of each kind of input file (a reader's KIND code), for the terminal and the reports,
and of what `ivp ingest` did with a file (its status), for the terminal and the log.

The manifest and sources.csv keep the stable codes; what a person reads says what the file is.
"""

from __future__ import annotations

KIND_LABELS: dict[str, str] = {
    "police-bulk-csv": "politie, CBS bulk-CSV",
    "police-labels-csv": "politie, portaal-CSV",
    "police-odata-json": "politie, OData-JSON",
    "veiligheidsmonitor": "Veiligheidsmonitor",
    "local": "lokale enquête",
    "professional": "professionals",
    "population": "bevolking",
    "local_figures": "lokale cijfers",
}

FILE_STATUS_LABELS: dict[str, str] = {
    "ingested": "ingelezen",
    "unchanged": "ongewijzigd",
    "failed": "mislukt",
    "skipped": "overgeslagen",
    "duplicate": "dubbel",
}


def kind_label(code: str) -> str:
    """'police-bulk-csv' -> 'politie, CBS bulk-CSV'; an unknown code is shown as it is."""
    return KIND_LABELS.get(code, code)
