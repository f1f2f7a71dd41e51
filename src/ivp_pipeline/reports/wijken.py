"""Where it happens: per municipality and theme the wijken with counts and rates, and a map per theme.

`wijk_items(result, theme, municipality, figures)` returns, for one theme and unit (a GM code, or
"NOT" for every wijk of the region):

1. a sentence naming the wijken with the most registrations (never a claim beyond the counts);
2. a table: wijk, count in the latest period with its exact 95 % interval, the previous period, and
   the rate per 1,000 inhabitants with interval when wijk population is ingested (else the table
   says so and shows counts only);
3. when result.extras["wijk_shapes"] holds boundaries (the CBS wijk- en buurtkaart in data/raw/geo/,
   sources/geo.py): a choropleth map (figures/wijken-<theme>-<unit>.png|svg), coloured by rate (or
   by count without population) in five classes; unknown and suppressed wijken grey, with the reason
   in the legend. It is planned here (`map_chart`) and drawn by the chart set (reports/chartset.py);
   the items refer to it when it is among the `charts` given.

Reads result.extras["wijken"] (scoring/wijken.py). Public mode (threshold t): counts under t read
"<t" with no interval or rate (primary suppression); when only one wijk of a municipality and theme
is hidden, the next smallest is hidden too (secondary suppression), so the hidden count cannot be
recovered from the municipality's total. The counts are also registered in reports/disclosure.py (the
wijken of a municipality sum to its count in the main tables): a count hidden there reads "x".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ivp_pipeline.reports import labels, numbers, views
from ivp_pipeline.reports.document import Item, Table
from ivp_pipeline.reports.public import is_suppressed, public_threshold
from ivp_pipeline.reports.why import chart_figure

if TYPE_CHECKING:
    from ivp_pipeline.reports.chartset import Chart
    from ivp_pipeline.scoring.result import ScoreResult

CLASSES = ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c")  # ColorBrewer Blues, 5 classes
UNKNOWN = "#d9d9d9"
HIDDEN = "#a6a6a6"
TOP = 3
MAP_SOURCE = "; wijkgrenzen CBS/PDOK"  # after the police source line under a map


def hidden_rows(frame: pd.DataFrame, column: str, t: int | None) -> np.ndarray:
    """Rows whose `column` is hidden in public mode: under t (primary), plus the next smallest known
    value in a municipality x theme where exactly one is hidden (secondary)."""
    hide = np.zeros(len(frame), dtype=bool)
    if t is None or frame.empty:
        return hide
    values = pd.to_numeric(frame[column], errors="coerce").to_numpy(float)
    marked = np.array([is_suppressed(v) for v in frame[column]], dtype=bool)  # by disclosure
    hide = marked | (~np.isnan(values) & (values < t))
    groups = frame.groupby(["municipality", "theme"], sort=False).indices
    for idx in groups.values():
        if hide[idx].sum() == 1:
            rest = [i for i in idx if not hide[i] and not np.isnan(values[i])]
            if rest:
                hide[min(rest, key=lambda i: (values[i], str(frame["area_code"].iloc[i])))] = True
    return hide


def _rows(result: ScoreResult, theme: str, municipality: str) -> pd.DataFrame:
    """The wijk rows of one theme and unit (every wijk of the theme for the region), with their
    `hidden` and `previous_hidden` marks, by municipality and wijk name. Made once per theme and
    unit while the wijken frame lives: the analysis and the chart plans ask for each of them."""
    frame = result.extras.get("wijken")
    if frame is None or frame.empty:
        return pd.DataFrame()
    t = public_threshold(result)
    cache: dict[tuple[str, str], pd.DataFrame] = views.derived(frame, ("wijk_rows", str(t)), _no_rows)
    key = (theme, "" if municipality == result.region.code else municipality)
    found = cache.get(key)
    if found is None:
        marked = cache.get((theme, ""))
        if marked is None:  # the theme's rows with their marks, once (secondary suppression looks
            # at every municipality of the theme)
            marked = views.rows_where(frame, theme=theme).reset_index(drop=True)
            marked = marked.assign(
                hidden=hidden_rows(marked, "count", t),
                previous_hidden=hidden_rows(marked, "previous_count", t),
            )
            marked = cache[(theme, "")] = marked.sort_values(["municipality", "area_name"], kind="stable")
        found = cache[key] = marked if not key[1] else views.rows_where(marked, municipality=key[1])
    return found


def _no_rows(_frame: pd.DataFrame) -> dict[tuple[str, str], pd.DataFrame]:
    return {}


@dataclass(frozen=True)
class _Unit:
    """The wijk rows of one theme and unit (`_rows`, not empty) as the analysis reads them: records
    (`DataFrame.to_dict("records")`) and the counts, rates (NaN: unknown or marked) and marks."""

    records: list[dict[str, Any]]
    counts: np.ndarray
    rates: np.ndarray
    hidden: np.ndarray


def _unit(result: ScoreResult, theme: str, municipality: str) -> _Unit:
    """`_Unit` of the theme and unit: the theme's made once, each unit's picked from it (the caller
    must not change it)."""
    frame = result.extras["wijken"]
    t = public_threshold(result)
    cache: dict[str, tuple[_Unit, np.ndarray]] = views.derived(frame, ("wijk_units", str(t)), _no_units)
    region = result.region.code
    whole = cache.get(theme)
    if whole is None:
        marked = _rows(result, theme, region)
        unit = _Unit(
            views.records(marked),
            pd.to_numeric(marked["count"], errors="coerce").to_numpy(float),
            pd.to_numeric(marked["rate_per_1000"], errors="coerce").to_numpy(float),
            marked["hidden"].to_numpy(bool),
        )
        whole = cache[theme] = (unit, marked["municipality"].astype(str).to_numpy(dtype=object))
    unit, units = whole
    if municipality == region:
        return unit
    at = np.flatnonzero(units == municipality)
    return _Unit([unit.records[i] for i in at], unit.counts[at], unit.rates[at], unit.hidden[at])


def _no_units(_frame: pd.DataFrame) -> dict[str, tuple[_Unit, np.ndarray]]:
    return {}


def _first(records: list[dict[str, Any]]) -> dict[str, Any]:
    """The period of the first row (all rows of one theme and unit share the period)."""
    return {c: records[0][c] for c in ("period_start", "period_end", "period_kind")}


def _period(rec: Mapping[Any, Any]) -> str:
    start, end = pd.Timestamp(rec["period_start"]), pd.Timestamp(rec["period_end"])
    if rec["period_kind"] == "year":
        return str(start.year)
    return f"{start.year}-{start.month:02d} t/m {end.year}-{end.month:02d}"


def _interval(low: Any, high: Any) -> str:
    if labels.is_missing(low) or labels.is_missing(high):
        return ""
    return f"{numbers.decimal(low)}-{numbers.decimal(high)}"


def wijk_table(result: ScoreResult, theme: str, municipality: str, unit: _Unit) -> Table:
    t = public_threshold(result)
    has_rate = bool((~np.isnan(unit.rates)).any())
    region = municipality == result.region.code
    records = unit.records
    rows = []
    for rec in records:
        if rec["hidden"]:
            count, interval, rate, rate_iv = _withheld(rec["count"], t), "", "", ""
        else:
            count = numbers.integer(rec["count"])
            interval = _interval(rec["count_low"], rec["count_high"])
            rate = numbers.decimal(rec["rate_per_1000"], missing="")
            rate_iv = _interval(rec["rate_low"], rec["rate_high"])
        if rec["previous_hidden"]:
            previous = _withheld(rec["previous_count"], t)
        else:
            previous = numbers.integer(rec["previous_count"])
        row = [result.region.label(str(rec["municipality"]))] if region else []
        row += [str(rec["area_name"]), count, interval, previous]
        if has_rate:
            row += [rate, rate_iv]
        rows.append(row)
    header = (["Gemeente"] if region else []) + ["Wijk", "Aantal", "95%-interval", "Periode ervoor"]
    if has_rate:
        header += ["Per 1.000 inwoners", "95%-interval"]
    first = _first(records)
    note = (
        f"Geregistreerde misdrijven of meldingen per wijk in {_period(first)}; interval exact (Poisson). "
        "Onbekend: niet gepubliceerd of geheimgehouden, nooit 0."
    )
    if not has_rate:
        note += " Zonder inwoners per wijk (CBS kerncijfers wijken en buurten) alleen aantallen."
    if t is not None:
        note += f" Openbare versie: aantallen onder {t} en wat ze zou verraden zijn afgeschermd."
    offset = 1 if region else 0
    return Table(
        caption=f"{views.theme_label(result, theme)} per wijk, {result.region.label(municipality)}",
        header=header,
        rows=rows,
        note=note,
        numeric=frozenset(range(offset + 1, len(header))),
    )


def _small(value: Any, t: int | None) -> bool:
    if isinstance(value, str):
        return value.startswith("<")
    return t is not None and not labels.is_missing(value) and float(value) < t


def _withheld(value: Any, t: int | None) -> str:
    """The text of a hidden count: "<t" when small, "x" when disclosure withheld it (it would give
    a small count elsewhere away), "afgeschermd" when this table withholds it for its own total."""
    if isinstance(value, str):
        return value
    return f"<{t}" if _small(value, t) else "afgeschermd"


def _sentence(result: ScoreResult, theme: str, municipality: str, unit: _Unit) -> str:
    counts = unit.counts
    keep = ~unit.hidden & ~np.isnan(counts)
    shown = [rec for rec, kept in zip(unit.records, keep, strict=True) if kept]
    name = views.theme_label(result, theme)
    where = result.region.label(municipality)
    if not shown:
        return f"Voor {name.lower()} in {where} zijn geen aantallen per wijk bekend."
    rates = unit.rates[keep]
    key = "rate_per_1000" if (~np.isnan(rates)).any() else "count"
    top = _top(shown, counts[keep] if key == "count" else rates)
    if key == "count":
        parts = [f"{r['area_name']} ({numbers.integer(r['count'])})" for r in top]
        what = "de meeste registraties"
    else:
        parts = [f"{r['area_name']} ({numbers.decimal(r['rate_per_1000'])} per 1.000)" for r in top]
        what = "de hoogste cijfers per inwoner"
    return (
        f"{name} in {where}, {_period(top[0])}: {what} in "
        + ", ".join(parts[:-1])
        + (" en " if len(parts) > 1 else "")
        + parts[-1]
        + ". Bij kleine aantallen zegt een verschil tussen wijken weinig; zie de intervallen."
    )


def _top(rows: list[dict[str, Any]], values: np.ndarray) -> list[dict[str, Any]]:
    """The TOP rows by value, highest first (unknown last), then by wijk name (unknown last); ties
    keep their order: a stable sort of the frame by [value, area_name], descending and ascending."""

    def key(i: int) -> tuple[bool, float, bool, str]:
        v, name = float(values[i]), rows[i]["area_name"]
        return (v != v, 0.0 if v != v else -v, name is None, "" if name is None else str(name))

    return [rows[i] for i in sorted(range(len(rows)), key=key)[:TOP]]


def colours(frame: pd.DataFrame) -> tuple[dict[str, str], list[tuple[str, str]], str]:
    """Wijk code -> fill colour, the legend (colour, text) and what is coloured ("per 1.000
    inwoners" or "aantal"). Five classes of equal width over the known values; unknown and hidden
    wijken grey."""
    rate = pd.to_numeric(frame["rate_per_1000"], errors="coerce")
    use_rate = bool(rate[~frame["hidden"].astype(bool)].notna().any())
    values = rate if use_rate else pd.to_numeric(frame["count"], errors="coerce")
    known = values[~frame["hidden"].astype(bool) & values.notna()]
    lo, hi = (float(known.min()), float(known.max())) if len(known) else (0.0, 0.0)
    edges = np.linspace(lo, hi, len(CLASSES) + 1)
    out: dict[str, str] = {}
    for code, value, hidden in zip(frame["area_code"].astype(str), values, frame["hidden"], strict=True):
        if hidden:
            out[code] = HIDDEN
        elif pd.isna(value):
            out[code] = UNKNOWN
        else:
            k = int(np.searchsorted(edges[1:-1], float(value), side="right")) if hi > lo else 0
            out[code] = CLASSES[k]
    digits = 1 if use_rate else 0
    legend = [
        (CLASSES[k], f"{numbers.decimal(edges[k], digits)}-{numbers.decimal(edges[k + 1], digits)}")
        for k in range(len(CLASSES))
        if hi > lo or k == 0
    ]
    legend += [
        (UNKNOWN, "onbekend"),
        *([(HIDDEN, "afgeschermd (klein aantal)")] if frame["hidden"].any() else []),
    ]
    return out, legend, "per 1.000 inwoners" if use_rate else "aantal"


def chart_key(result: ScoreResult, theme: str, municipality: str) -> str:
    """The file stem of a wijk map: figures/wijken-<theme>-<unit>.png|svg."""
    return f"wijken-{views.slug(theme)}-{views.slug(result.region.label(municipality))}"


def map_themes(result: ScoreResult) -> list[str]:
    """The themes with wijk figures, when the wijk boundaries are known (else no map is drawn)."""
    frame, shapes = result.extras.get("wijken"), result.extras.get("wijk_shapes")
    if frame is None or frame.empty or shapes is None or shapes.empty:
        return []
    return sorted(set(frame["theme"].astype(str)))


def map_chart(
    result: ScoreResult, theme: str, municipality: str
) -> tuple[str, str, str, dict[str, Any]] | None:
    """(key, title, caption, data) of the choropleth of the theme's wijken, for the chart set
    (reports/chartset.py), or None when none of them has a boundary. The data: the outer rings
    with their fill colours, the holes (painted over in the background colour) and the legend."""
    shapes = result.extras.get("wijk_shapes")
    if shapes is None or shapes.empty:
        return None
    frame = _rows(result, theme, municipality)
    if frame.empty:
        return None
    codes = set(frame["area_code"].astype(str))
    shapes = shapes[shapes["area_code"].astype(str).isin(codes)]
    if shapes.empty:
        return None
    fill, legend, what = colours(frame)
    name = views.theme_label(result, theme)
    hole = shapes["hole"].astype(bool)
    outer, holes = shapes[~hole], shapes[hole]
    title = f"{name}, {result.region.label(municipality)} ({what})"
    data: dict[str, Any] = {
        "title": title,
        "outer": _rings(outer),
        "faces": [fill.get(str(c), UNKNOWN) for c in outer["area_code"]],
        "holes": _rings(holes),
        "legend": legend,
    }
    missing = sorted(codes - set(shapes["area_code"].astype(str)))
    when = _period(_first(_unit(result, theme, municipality).records))
    caption = f"{name} per wijk, {result.region.label(municipality)}: {what} in {when}"
    if missing:
        caption += f" ({len(missing)} wijk(en) zonder grens in het kaartbestand niet getekend)"
    return chart_key(result, theme, municipality), title, caption, data


def _rings(frame: pd.DataFrame) -> list[np.ndarray]:
    return [
        np.column_stack([np.asarray(x, dtype=float), np.asarray(y, dtype=float)])
        for x, y in zip(frame["x"], frame["y"], strict=True)
    ]


def wijk_items(
    result: ScoreResult, theme: str, municipality: str, charts: Sequence[Chart] | None = None
) -> list[Item]:
    """The wijk sentence, table and map of one theme and unit; the map is the unit's wijk chart of
    the theme among `charts` (the chart set draws it), when there is one."""
    frame = result.extras.get("wijken")
    if frame is None or frame.empty or _rows(result, theme, result.region.code).empty:
        return []
    unit = _unit(result, theme, municipality)
    if not unit.records:
        return []
    items: list[Item] = [
        _sentence(result, theme, municipality, unit),
        wijk_table(result, theme, municipality, unit),
    ]
    figure = chart_figure(charts, "wijken", municipality, theme)
    if figure is not None:
        items.append(figure)
    return items
