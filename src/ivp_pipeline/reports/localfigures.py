"""Other local figures in a theme's section: Halt, RIEC/ondermijning, Bibob, woonoverlast, jongerenwerk.

`local_items(result, theme, municipality)` returns Items for one theme and unit: a sentence on the
latest figures and a table of every figure and period (count, rate per 1,000 inhabitants or for Halt
per 10,000 young people of 12-17, its exact 95 % interval, supplier). Reads
result.extras["local_figures"] (scoring/localfigures.py). Unknown is said in words: "geheim" for a
suppressed count, "onbekend" for one not known, and for the region "onbekend (3 van 4 gemeenten
geleverd)". An empty list when the unit has no local figures for the theme (the section then says
nothing about them). Public mode: counts under the threshold read "<t" and their rate "n<t"; a count
that reports/disclosure.py withholds (the region is the sum of its municipalities, a year of its
quarters) reads "x", its rate too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

from ivp_pipeline.regions import municipality_label
from ivp_pipeline.reports import labels, numbers, views
from ivp_pipeline.reports.document import Item, Table
from ivp_pipeline.reports.public import SECONDARY, public_threshold

if TYPE_CHECKING:
    from ivp_pipeline.scoring.result import ScoreResult

STATES = {"suppressed": "geheim", "not_published": "onbekend", "not_applicable": "onbekend"}


def period_label(start: Any, kind: str) -> str:
    d = pd.Timestamp(start)
    if kind == "quarter":
        return f"{d.year} K{(d.month - 1) // 3 + 1}"
    if kind == "month":
        return f"{d.year}-{d.month:02d}"
    return str(d.year)


def _count(rec: Mapping[Any, Any], t: int | None) -> str:
    if isinstance(rec["value"], str):  # marked by public mode: "<t", or "x" (disclosure)
        return str(rec["value"])
    if labels.is_missing(rec["value"]):
        state = str(rec["value_state"])
        if state == "incomplete":
            return f"onbekend ({rec['members']} gemeenten geleverd)"
        return STATES.get(state, "onbekend")
    if t is not None and float(rec["value"]) < t:
        return f"<{t}"
    return numbers.integer(rec["value"])


def _small(rec: Mapping[Any, Any], t: int | None) -> bool:
    """Hidden in public mode: below t, or marked (the rate is then withheld with it)."""
    if isinstance(rec["value"], str):
        return True
    return t is not None and not labels.is_missing(rec["value"]) and float(rec["value"]) < t


def _rate_marker(rec: Mapping[Any, Any], t: int | None) -> str:
    return SECONDARY if rec["value"] == SECONDARY else f"n<{t}"


def _per(rec: Mapping[Any, Any]) -> str:
    return "per 10.000 jongeren (12-17)" if int(rec["per"]) == 10_000 else "per 1.000 inwoners"


def local_items(result: ScoreResult, theme: str, municipality: str) -> list[Item]:
    """The local figures of one theme and unit (see the module docstring)."""
    frame = result.extras.get("local_figures")
    if frame is None or frame.empty:
        return []
    found = views.records_where(frame, municipality=municipality, theme=theme)
    if not found:
        return []
    t = public_threshold(result)
    records = _sorted(found)
    rows = []
    for rec in records:
        small = _small(rec, t)
        rate = _rate_marker(rec, t) if small else numbers.decimal(rec["rate"], missing="")
        interval = (
            ""
            if small or labels.is_missing(rec["rate_low"])
            else f"{numbers.decimal(rec['rate_low'])}-{numbers.decimal(rec['rate_high'])}"
        )
        rows.append(
            [
                str(rec["figure_label"]),
                period_label(rec["period_start"], str(rec["period_kind"])),
                _count(rec, t),
                rate,
                interval,
                _per(rec),
                "" if labels.is_missing(rec["supplier"]) else str(rec["supplier"]),
            ]
        )
    items: list[Item] = [s for s in (_sentence(g, t, municipality) for g in _by_figure(records)) if s]
    items.append(
        Table(
            caption=f"Lokale cijfers, {result.region.label(municipality)}",
            header=["Cijfer", "Periode", "Aantal", "Per inwoners", "95%-interval", "Noemer", "Bron"],
            rows=rows,
            note=(
                "Aangeleverd naast de politiecijfers (docs/inputs.md). Geheim: te klein om te delen; "
                "onbekend: niet geleverd. Beide tellen nooit als 0. Interval: exact (Poisson)."
            ),
            numeric=frozenset({2, 3, 4}),
        )
    )
    return items


def _sorted(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The records by figure, then period start, unknown last in each, ties in their order (what a
    stable `sort_values(["figure", "period_start"])` of their frame gives)."""

    def key(rec: dict[str, Any]) -> tuple[bool, Any, bool, Any]:
        figure, start = rec["figure"], rec["period_start"]
        return (labels.is_missing(figure), "" if labels.is_missing(figure) else figure,
                labels.is_missing(start), 0 if labels.is_missing(start) else start)  # fmt: skip

    return sorted(records, key=key)


def _by_figure(records: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """The sorted records of each figure in the figures' order (as `groupby("figure")`, which
    leaves out rows without a figure)."""
    groups: dict[Any, list[dict[str, Any]]] = {}
    for rec in records:
        if not labels.is_missing(rec["figure"]):
            groups.setdefault(rec["figure"], []).append(rec)
    return list(groups.values())


def _sentence(recs: list[dict[str, Any]], t: int | None, municipality: str) -> str:
    """'Halt-verwijzingen in Oldenzaal: 41 in 2025 (2,1 per 10.000 jongeren), 38 in 2024.'"""
    last = recs[-1]
    where = municipality_label(municipality)
    head = f"{last['figure_label']} in {where}: "
    when = period_label(last["period_start"], str(last["period_kind"]))
    if labels.is_missing(last["value"]) or _small(last, t):
        text = head + f"{_count(last, t)} in {when}"
    else:
        text = head + f"{_count(last, t)} in {when} ({numbers.decimal(last['rate'])} {_per(last)})"
    if len(recs) > 1:
        prev = recs[-2]
        text += f", tegen {_count(prev, t)} in {period_label(prev['period_start'], str(prev['period_kind']))}"
    return text + "."
