"""The key-figure tables of the analysis: per theme (region, municipalities, comparison areas) and the
council's BBV indicators per municipality with Nederland alongside, plus the drafted text per theme.

Reads result.extras["keyfigures"|"bbv"|"areas"] (scoring/keyfigures.py); every number is written by
reports/numbers.py. In public mode a count below the threshold and the figures resting on it are
withheld (marker "<5" / "n<5"); a count that disclosure (reports/disclosure.py) hides because it would
give a small one away reads "x", and so does everything computed from it.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ivp_pipeline.regions import municipality_label, unit_order
from ivp_pipeline.reports import numbers, sentences, views
from ivp_pipeline.reports.document import Table
from ivp_pipeline.reports.public import (
    SECONDARY,
    count_marker,
    derived_marker,
    is_suppressed,
    public_threshold,
)
from ivp_pipeline.scoring.result import ScoreResult

NO_PEER_DATA = "geen gegevens van de vergelijkingsgemeenten"
NO_PEERS = (
    "Er zijn geen vergelijkingsgemeenten ingesteld; zet ze in ivp.toml onder [region] peers "
    "(zie docs/configuration.md)."
)
VERDICTS = {
    "higher": "waarschijnlijk meer",
    "lower": "waarschijnlijk minder",
    "no_clear_change": "geen duidelijk verschil",
    "same": "evenveel",
    "unknown": "onbekend",
}
ROLE_NAMES = {"peers": "Vergelijkingsgemeenten"}
COUNT_COLUMNS = ("count", "prev_count", "base_count")
HALT_LABEL = "Verwijzingen naar Halt per 10.000 jongeren (12-17 jaar)"


def frame(result: ScoreResult, name: str) -> pd.DataFrame:
    got = result.extras.get(name)
    return got if got is not None else pd.DataFrame()


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def area_name(result: ScoreResult, unit: str, role: str) -> str:
    if role in ROLE_NAMES:
        return ROLE_NAMES[role]
    labels = result.method.get("region") or {}
    name = str(labels.get(unit) or municipality_label(unit))
    # "Overijssel (PV)": the registry tells the province from the municipality; a sentence needs no tag
    return name.removesuffix(" (PV)")


def ordered(result: ScoreResult, rows: pd.DataFrame) -> pd.DataFrame:
    """Region first, then the municipalities by name, then province, Nederland, peers."""
    units = rows["unit"].astype(str).tolist()
    pairs = dict(zip(units, rows["role"].astype(str), strict=True))
    position = _positions(tuple(sorted(pairs.items())))
    return rows.iloc[sorted(range(len(rows)), key=lambda i: position[units[i]])]


@functools.lru_cache(maxsize=16)
def _positions(pairs: tuple[tuple[str, str], ...]) -> dict[str, int]:
    roles = dict(pairs)
    own = unit_order([u for u, r in pairs if r in ("region", "municipality")])
    region = [u for u in own if roles[u] == "region"]
    munis = [u for u in own if roles[u] != "region"]
    rest = [u for role in ("province", "country", "peers") for u, r in pairs if r == role]
    return {u: i for i, u in enumerate([*region, *munis, *rest])}


class Shown:
    """Formats one key-figure row, withholding small counts in public mode."""

    def __init__(self, result: ScoreResult) -> None:
        self.threshold = public_threshold(result)

    def hidden(self, count: Any) -> bool:
        if isinstance(count, str):
            return is_suppressed(count)  # "<5" or "x": marked by public mode (reports/disclosure.py)
        return self.threshold is not None and not _missing(count) and float(count) < self.threshold

    def marker(self, counts: tuple[Any, ...], value: Any = None) -> str | None:
        """The marker for `value`, built on `counts`: None when all counts are shown; else the marker
        public mode put in the value itself ("x" where disclosure withheld a count, "n<5" for a small
        one), or "n<5" when only this table hides a count."""
        if not any(self.hidden(c) for c in counts):
            return None
        if isinstance(value, str) and is_suppressed(value):
            return value
        return derived_marker(self.threshold or 0)

    def count(self, value: Any) -> str:
        if isinstance(value, str):
            return value  # a public-mode marker: "<5", or "x" so that a hidden count cannot be recovered
        if self.hidden(value):
            return count_marker(self.threshold or 0)
        return numbers.integer(value)

    def protect(self, rows: pd.DataFrame) -> pd.DataFrame:
        """Secondary suppression: when exactly one municipality's count of a theme is hidden and the
        region's is shown, region minus the others would give it away, so the smallest other count
        is withheld too (SECONDARY, "x"), per count column."""
        if self.threshold is None or rows.empty:
            return rows
        out = rows.copy()
        for col in COUNT_COLUMNS:
            out[col] = out[col].astype(object)
            for _, group in out.groupby("theme", sort=False):
                munis = group[group["role"] == "municipality"]
                region = group.loc[group["role"] == "region", col]
                hidden = [i for i, v in munis[col].items() if self.hidden(v)]
                if (
                    len(hidden) != 1
                    or region.empty
                    or _missing(region.iloc[0])
                    or self.hidden(region.iloc[0])
                ):
                    continue
                known = {i: float(v) for i, v in munis[col].items() if i not in hidden and not _missing(v)}
                if known:
                    out.at[min(known, key=lambda i: (known[i], i)), col] = SECONDARY
        return out

    def derived(self, count: Any, text: str) -> str:
        return self.marker((count,)) or text

    def rate(self, count: Any, value: Any) -> str:
        return self.marker((count,), value) or sentences.rate(value)

    def interval(self, count: Any, low: Any, high: Any) -> str:
        got = self.marker((count,), low)
        if got is not None:
            return got
        if _missing(low) or _missing(high):
            return numbers.MISSING
        return f"{sentences.rate(low)} – {sentences.rate(high)}"

    def verdict(self, counts: tuple[Any, Any], verdict: str, p: Any) -> str:
        got = self.marker(counts, verdict)
        if got is not None:
            return got
        words = VERDICTS.get(verdict, verdict)
        if verdict in ("higher", "lower", "no_clear_change") and not _missing(p):
            words += f" ({sentences.p_value(float(p))})"
        return words

    def change(self, counts: tuple[Any, Any], ratio: Any) -> str:
        got = self.marker(counts, ratio)
        if got is not None:
            return got
        if _missing(ratio):
            return numbers.MISSING
        if math.isinf(float(ratio)):
            return "n.v.t. (eerder 0)"
        return numbers.signed_percent(float(ratio) - 1)


def keyfigure_table(result: ScoreResult, theme: str) -> Table | None:
    """One theme: region, municipalities, province, Nederland and the peer group."""
    kf = frame(result, "keyfigures")
    if kf.empty:
        return None
    rows = theme_rows(result, theme)
    if not rows.records or rows.no_counts:
        return None  # no police code measures the theme (or nothing of it was ever published)
    show = Shown(result)
    header = [
        "Gebied",
        "Aantal (12 mnd)",
        "Per 1.000 inwoners",
        "95%-interval",
        "Vorige 12 mnd",
        "Verandering",
        "Toets",
        f"Basis {rows.base_label} per 1.000",
        "Tegenover basis",
    ]
    body = []
    for rec in rows.records:
        name = area_name(result, str(rec["unit"]), str(rec["role"]))
        x1, x0, xb = rec["count"], rec["prev_count"], rec["base_count"]
        if rec["role"] == "peers" and _missing(x1) and _missing(x0):
            body.append([name, NO_PEER_DATA, "", "", "", "", "", "", ""])
            continue
        body.append(
            [
                name,
                show.count(x1),
                show.rate(x1, rec["rate_per_1000"]),
                show.interval(x1, rec["rate_low"], rec["rate_high"]),
                show.count(x0),
                show.change((x1, x0), rec["prev_ratio"]),
                show.verdict((x1, x0), str(rec["prev_verdict"]), rec["prev_p"]),
                show.rate(xb, rec["base_rate"]),
                show.verdict((x1, xb), str(rec["base_verdict"]), rec["base_p"]),
            ]
        )
    note = (
        f"Twaalf maanden tot en met {sentences.month_year(rows.period_end)}. Interval: exact "
        "Poisson-interval (95%). Toets: exacte toets voor twee Poisson-aantallen (binomiaal, "
        'voorwaardelijk op het totaal); "waarschijnlijk meer/minder" bij p < 0,05. Onbekend: niet '
        "elke maand gepubliceerd."
    )
    if not rows.peers:
        note += " " + NO_PEERS
    return Table(
        f"Kerncijfers {theme_label(result, theme)}",
        header,
        body,
        note=note,
        numeric=frozenset({1, 2, 3, 4, 5, 7}),
    )


@dataclass(frozen=True)
class ThemeRows:
    """The key-figure rows of one theme in `ordered` order, `Shown.protect`ed, as records
    (`DataFrame.to_dict("records")`), with what the table says of them as a whole."""

    records: list[dict[str, Any]]
    no_counts: bool = True  # every count unknown (or no row)
    base_label: str = ""  # of the first row
    period_end: str = ""  # of the first row
    peers: bool = False  # a row of the peer group


def theme_rows(result: ScoreResult, theme: str) -> ThemeRows:
    """`ThemeRows` of one theme, made once per theme while the key figures live, for the table and
    the drafted texts (the caller must not change them)."""
    kf = frame(result, "keyfigures")
    threshold = public_threshold(result)
    cache: dict[str, ThemeRows] = views.derived(kf, ("keyfigure_rows", str(threshold)), _no_rows)
    hit = cache.get(theme)
    if hit is None:
        hit = cache[theme] = (
            _theme_rows(result, kf, theme) if threshold is None else _protected(result, kf, theme)
        )
    return hit


def _no_rows(_frame: pd.DataFrame) -> dict[str, ThemeRows]:
    return {}


def _protected(result: ScoreResult, kf: pd.DataFrame, theme: str) -> ThemeRows:
    """Public mode: the theme's rows taken from the frame and protected (secondary suppression)."""
    rows = Shown(result).protect(ordered(result, kf[kf["theme"] == theme]))
    if rows.empty:
        return ThemeRows([])
    return ThemeRows(
        views.records(rows),
        no_counts=bool(rows["count"].isna().all()),
        base_label=str(rows["base_label"].iloc[0]),
        period_end=str(rows["period_end"].iloc[0]),
        peers=bool((rows["role"] == "peers").any()),
    )


def _theme_rows(result: ScoreResult, kf: pd.DataFrame, theme: str) -> ThemeRows:
    """What `_protected` gives without a threshold (nothing to protect), picked from the records of
    the whole frame made once: a frame per theme costs more than its rows."""
    whole: _Whole = views.derived(kf, ("keyfigure_whole",), _whole)
    at = whole.themes.get(theme, [])
    if not at:
        return ThemeRows([])
    # `ordered`, on the theme's rows
    pairs = {whole.units[i]: whole.roles[i] for i in at}
    position = _positions(tuple(sorted(pairs.items())))
    at = [at[j] for j in sorted(range(len(at)), key=lambda j: position[whole.units[at[j]]])]
    first = at[0]
    return ThemeRows(
        [whole.records[i] for i in at],
        no_counts=bool(whole.no_count[at].all()),
        base_label=str(kf["base_label"].iat[first]),
        period_end=str(kf["period_end"].iat[first]),
        peers=bool(whole.peers[at].any()),
    )


@dataclass(frozen=True)
class _Whole:
    records: list[dict[str, Any]]
    themes: dict[str, list[int]]  # theme -> its rows' positions (as `kf["theme"] == theme` selects)
    units: list[str]  # as text
    roles: list[str]  # as text
    no_count: np.ndarray  # count unknown
    peers: np.ndarray  # role "peers" (missing: not)


def _whole(kf: pd.DataFrame) -> _Whole:
    themes: dict[str, list[int]] = {}
    for i, t in enumerate(kf["theme"].tolist()):
        if isinstance(t, str):
            themes.setdefault(t, []).append(i)
    return _Whole(
        views.records(kf),
        themes,
        kf["unit"].astype(str).tolist(),
        kf["role"].astype(str).tolist(),
        kf["count"].isna().to_numpy(dtype=bool),
        (kf["role"] == "peers").fillna(False).to_numpy(dtype=bool),
    )


def theme_label(result: ScoreResult, theme: str) -> str:
    kf = frame(result, "keyfigures")
    if kf.empty:
        return theme
    first: dict[str, int] = views.derived(kf, ("keyfigure_labels",), _first_rows)
    return str(kf["label"].iat[first[theme]]).lower() if theme in first else theme


def _first_rows(kf: pd.DataFrame) -> dict[str, int]:
    """Theme -> the position of its first row."""
    out: dict[str, int] = {}
    for i, theme in enumerate(kf["theme"].tolist()):
        if isinstance(theme, str):
            out.setdefault(theme, i)
    return out


COMPARISON_ROLES = frozenset({"province", "country", "peers"})
OWN_ROLES = frozenset({"region", "municipality"})


def comparison_rates(result: ScoreResult, rows: pd.DataFrame | list[dict[str, Any]]) -> dict[str, float]:
    """{"Overijssel": 2.1, "Nederland": 1.6, "vergelijkingsgemeenten": 1.2} for one theme (its rows
    or their records)."""
    out: dict[str, float] = {}
    show = Shown(result)
    records = rows if isinstance(rows, list) else views.records(rows)
    for rec in records:
        if rec["role"] not in COMPARISON_ROLES:
            continue
        if show.hidden(rec["count"]):
            continue
        name = area_name(result, str(rec["unit"]), str(rec["role"]))
        out[name if rec["role"] != "peers" else name.lower()] = rec["rate_per_1000"]
    return out


def theme_texts(result: ScoreResult, theme: str) -> list[str]:
    """The drafted paragraph per area (region first) for one theme; none in public mode for hidden
    counts (the sentence would name them)."""
    kf = frame(result, "keyfigures")
    if kf.empty:
        return []
    show = Shown(result)
    records = theme_rows(result, theme).records
    cmp = comparison_rates(result, records)
    out = []
    for rec in records:
        if rec["role"] not in OWN_ROLES:
            continue
        counts = [rec[c] for c in COUNT_COLUMNS]
        if any(show.hidden(c) for c in counts):
            name = area_name(result, str(rec["unit"]), str(rec["role"]))
            small = any(show.hidden(c) and c != SECONDARY for c in counts)
            why = "is het aantal klein" if small else "zou het aantal een klein aantal elders verraden"
            out.append(f"Voor {name} {why} en daarom is de tekst in deze openbare versie weggelaten.")
            continue
        out.append(sentences.theme_text(figures(result, {str(k): v for k, v in rec.items()}), cmp))
    return out


def figures(result: ScoreResult, rec: dict[str, Any]) -> sentences.Figures:
    return sentences.Figures(
        area=area_name(result, str(rec["unit"]), str(rec["role"])),
        theme=str(rec["theme"]),
        label=str(rec["label"]),
        count=float(rec["count"]),
        rate=float(rec["rate_per_1000"]),
        rate_low=float(rec["rate_low"]),
        rate_high=float(rec["rate_high"]),
        period_end=str(rec["period_end"]),
        prev_count=float(rec["prev_count"]),
        prev_p=float(rec["prev_p"]),
        prev_verdict=str(rec["prev_verdict"]),
        base_label=str(rec["base_label"]),
        base_rate=float(rec["base_rate"]),
        base_p=float(rec["base_p"]),
        base_verdict=str(rec["base_verdict"]),
    )


def bbv_tables(result: ScoreResult, halt: dict[str, float] | None = None) -> list[Table]:
    """One table per unit of the region (region first): the BBV indicators with Nederland alongside.

    `halt`: Halt referrals per 10,000 young people (12-17) per unit, when supplied as local figures.
    """
    bbv = frame(result, "bbv")
    if bbv.empty:
        return []
    show = Shown(result)
    bbv = show.protect(bbv)
    country = bbv[bbv["role"] == "country"].set_index("theme")
    units = ordered(result, bbv[bbv["role"].isin(["region", "municipality"])])["unit"].drop_duplicates()
    end = str(bbv["period_end"].iloc[0])
    out = []
    by_unit: dict[Any, list[dict[str, Any]]] = {}  # one pass, not one per unit
    for rec in views.records(bbv):
        if not _missing(rec["unit"]):  # as groupby, which leaves rows without a unit out
            by_unit.setdefault(rec["unit"], []).append(rec)
    # Nederland's rate per theme, looked up once (not one .loc per row of every unit)
    nl_rates = dict(zip(country.index, country["rate_per_1000"], strict=True))
    if not country.index.is_unique:
        nl_rates = {t: country.loc[t]["rate_per_1000"] for t in country.index}
    for unit in units:
        rows = by_unit[unit]
        name = area_name(result, str(unit), str(rows[0]["role"]))
        body = []
        for rec in rows:
            body.append(
                [
                    f"{rec['label']} per 1.000 inwoners",
                    show.count(rec["count"]),
                    show.rate(rec["count"], rec["rate_per_1000"]),
                    show.interval(rec["count"], rec["rate_low"], rec["rate_high"]),
                    sentences.rate(nl_rates[rec["theme"]]) if rec["theme"] in nl_rates else numbers.MISSING,
                ]
            )
        value = (halt or {}).get(str(unit))
        body.append(
            [
                HALT_LABEL,
                "",
                numbers.decimal(value, 1) if value is not None else "niet aangeleverd",
                "",
                "",
            ]
        )
        out.append(
            Table(
                f"Beleidsindicatoren veiligheid (BBV): {name}",
                ["Indicator", "Aantal (12 mnd)", "Per 1.000", "95%-interval", "Nederland per 1.000"],
                body,
                note=(
                    f"Twaalf maanden tot en met {sentences.month_year(end)}, geregistreerde misdrijven "
                    "(politie). Koppeling aan de politiecodes: zie Methode en bronnen. Halt: lokale cijfers, "
                    "als die zijn aangeleverd."
                ),
                numeric=frozenset({1, 2, 3, 4}),
            )
        )
    return out


def area_table(result: ScoreResult) -> Table | None:
    """Inhabitants and the ingested age bands of the region and its municipalities."""
    areas = frame(result, "areas")
    if areas.empty:
        return None
    rows = ordered(result, areas[areas["role"].isin(["region", "municipality"])])
    bands = [
        (c, h)
        for c, h in (("age_12_17", "12-17 jaar"), ("age_65_plus", "65 jaar en ouder"))
        if rows[c].notna().any()
    ]
    header = ["Gebied", "Inwoners"] + [h for _, h in bands] + [f"Aandeel {h}" for _, h in bands]
    body = []
    for rec in rows.to_dict("records"):
        total = rec["inhabitants"]
        body.append(
            [area_name(result, str(rec["unit"]), str(rec["role"])), numbers.integer(total)]
            + [numbers.integer(rec[c]) for c, _ in bands]
            + [
                numbers.percent(rec[c] / total if not _missing(rec[c]) and total else None, 1)
                for c, _ in bands
            ]
        )
    year = int(rows["year"].iloc[0]) if len(rows) else 0
    return Table(
        f"Inwoners op 1 januari {year}",
        header,
        body,
        note="Bron: CBS-bevolkingscijfers zoals ingelezen; een leeftijdsgroep die niet is ingelezen "
        "ontbreekt.",
        numeric=frozenset(range(1, len(header))),
    )
