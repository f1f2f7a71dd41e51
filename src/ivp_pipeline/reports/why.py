"""Why this priority: what lifts each top theme, every weight profile side by side, how firm the top is.

`why_items(result, municipality, figures)` returns the content of the section "Waarom deze
prioriteiten" for one unit (a GM code or "NOT") as document Items, in this order:

1. a paragraph per top theme (the default profile's top n): the criteria that lift it and those that
   hold it down, as points above or below the neutral 50 (weight x (scaled - 50); the points add up
   to score - 50), and the criteria that are unknown (they count as the neutral 50);
2. a small chart of those contributions (figures/waarom-<unit>.png|svg), planned here
   (`contributions_chart`) and drawn by the chart set (reports/chartset.py) with the other charts;
   the items refer to it when it is among the `charts` given;
3. a table of every weight profile side by side (rank and score per theme, profiles from ivp.toml
   included, such as a what-if profile `[scoring.profiles.watals]` or `ivp score --gewicht`), with the
   rank range under changes of at most 0,10 in one weight (scoring/sensitivity.py);
4. a table and a sentence with, per criterion, the smallest decrease and increase of its weight that
   changes the top n (scoring/sensitivity.py).

Texts are Dutch, numbers formatted by reports/numbers.py; the same result gives the same Items.
In the public version a suppressed criterion (small numbers) is said, and the sensitivity view of
that unit is left out, because it would be computed on other numbers than the score.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ivp_pipeline.reports import labels, numbers, views
from ivp_pipeline.reports.document import Figure, Item, Table
from ivp_pipeline.scoring.config import CRITERIA
from ivp_pipeline.scoring.model import NEUTRAL
from ivp_pipeline.scoring.sensitivity import SPREAD, WeightChange, rank_ranges, weight_sensitivity

if TYPE_CHECKING:
    from ivp_pipeline.reports.chartset import Chart
    from ivp_pipeline.scoring.result import ScoreResult

THEME_COLOURS = ("#1f5f8b", "#c98b2b", "#6a9f58", "#8c6bb1", "#b4464b")


def _top_n(result: ScoreResult) -> int:
    return int(result.method.get("top_n") or 3)


def profile_weights(result: ScoreResult, profile: str) -> np.ndarray:
    """The weights of a profile in the order of CRITERIA (from the method facts)."""
    table = result.method.get("profiles") or {}
    w = table.get(profile, {}) if isinstance(table, dict) else {}
    return np.array([float(w.get(c, 0.0)) for c in CRITERIA], dtype=float)


def scaled_matrix(result: ScoreResult, municipality: str, themes: list[str]) -> tuple[np.ndarray, bool]:
    """(T, C) scaled criteria of the unit (NaN = unknown) and whether any value was suppressed.
    Made once per unit and themes while the criteria live (the chart plans and the analysis ask);
    a copy each time."""
    made: dict[tuple[str, tuple[str, ...]], tuple[np.ndarray, bool]] = views.derived(
        result.criteria, ("scaled_matrix",), _nothing_made
    )
    key = (municipality, tuple(themes))
    if key not in made:
        made[key] = _scaled_matrix(result, municipality, themes)
    out, suppressed = made[key]
    return out.copy(), suppressed


def _nothing_made(_frame: pd.DataFrame) -> dict[tuple[str, tuple[str, ...]], tuple[np.ndarray, bool]]:
    return {}


def _scaled_matrix(result: ScoreResult, municipality: str, themes: list[str]) -> tuple[np.ndarray, bool]:
    crit_themes, crit_names = views.values_where(
        result.criteria, ("theme", "criterion"), text=True, municipality=municipality
    )
    (scaled,) = views.values_where(result.criteria, ("scaled",), municipality=municipality)
    out = np.full((len(themes), len(CRITERIA)), np.nan)
    suppressed = False
    row = {t: i for i, t in enumerate(themes)}
    col = {c: j for j, c in enumerate(CRITERIA)}
    for t, c, v in zip(crit_themes, crit_names, scaled, strict=True):
        if t not in row or c not in col:
            continue
        if isinstance(v, str):  # a public-mode marker ("n<5")
            suppressed = True
            continue
        if v is not None and not pd.isna(v):
            out[row[t], col[c]] = float(v)
    return out, suppressed


def _ranked_themes(result: ScoreResult, municipality: str, profile: str) -> pd.DataFrame:
    """The scored, ranked themes of the unit in the profile, by rank."""
    return views.derived(views.scores_for(result, municipality, profile), ("ranked_themes",), _scored)


def _scored(s: pd.DataFrame) -> pd.DataFrame:
    ranked = pd.to_numeric(s["rank"], errors="coerce").notna().to_numpy()
    k = int(ranked.sum())
    if ranked[:k].all():  # the ranked rows first, as the scores usually come: a slice, not a copy
        return views.ranked(s.iloc[:k])
    return views.ranked(s[ranked])


def contributions(weights: np.ndarray, scaled: np.ndarray) -> np.ndarray:
    """Points above (+) or below (-) the neutral 50 per criterion: weight x (scaled - 50), 0 if unknown.

    With weights summing to 1 the points add up to score - 50.
    """
    return np.where(np.isnan(scaled), 0.0, weights * (scaled - NEUTRAL))


def theme_sentence(
    theme_label: str, rank: float, score: float, weights: np.ndarray, scaled: np.ndarray, suppressed: bool
) -> str:
    """'Zorg en veiligheid (rang 1, score 61,0): omhoog door ... ; omlaag door ...; onbekend: ...'."""
    points = contributions(weights, scaled)
    used = weights > 0
    lift = [j for j in np.argsort(-points, kind="stable") if used[j] and points[j] > 0.05]
    drag = [j for j in np.argsort(points, kind="stable") if used[j] and points[j] < -0.05]
    unknown = [j for j in range(len(CRITERIA)) if used[j] and np.isnan(scaled[j])]

    def part(j: int) -> str:
        sign = "+" if points[j] > 0 else "-"
        return (
            f"{labels.criterion(CRITERIA[j]).lower()} ({numbers.decimal(scaled[j], 0)}; "
            f"{sign}{numbers.decimal(abs(points[j]))} punten)"
        )

    text = f"{theme_label} (rang {numbers.integer(rank)}, score {numbers.decimal(score)})"
    pieces = []
    if lift:
        pieces.append("hoger door " + _join([part(j) for j in lift]))
    if drag:
        pieces.append("lager door " + _join([part(j) for j in drag]))
    if not lift and not drag:
        pieces.append("geen criterium wijkt duidelijk af van het neutrale midden (50)")
    sentence = text + ": " + "; ".join(pieces) + "."
    if unknown:
        names = _join([labels.criterion(CRITERIA[j]).lower() for j in unknown])
        verbs = ("telt", "maakt") if len(unknown) == 1 else ("tellen", "maken")
        sentence += f" Onbekend: {names}; {verbs[0]} als neutraal 50 en {verbs[1]} de score onzekerder."
        if suppressed:
            sentence += " In deze openbare versie zijn kleine aantallen afgeschermd."
    return sentence


def _join(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " en " + parts[-1]


def profiles_table(result: ScoreResult, municipality: str, ranges: dict[str, tuple[float, float]]) -> Table:
    """Theme x profile: rank and score per profile, plus the rank range of the default profile."""
    profs = views.profiles(result)
    main = views.default_profile(result)
    order = _ranked_themes(result, municipality, main)["theme"].astype(str).tolist()
    columns = views.values_where(
        result.scores, ("theme", "profile", "rank", "score", "flags"), municipality=municipality
    )
    (shown_themes,) = views.values_where(result.scores, ("theme",), text=True, municipality=municipality)
    rest = sorted(set(shown_themes) - set(order))
    names = views.theme_labels(result)
    by = {(str(t), str(p)): (r, sc, f) for t, p, r, sc, f in zip(*columns, strict=True)}
    header = ["Thema"]
    for p in profs:
        header += [f"{views.profile_label(result, p)}: rang", "score"]
    header.append(f"Rangbereik ({views.profile_label(result, main)}, ±{numbers.decimal(SPREAD, 2)})")
    rows = []
    for t in order + rest:
        row = [views.theme_label(result, t, names)]
        for p in profs:
            r, sc, f = by.get((t, p), (None, None, ""))
            row += [labels.rank(r, f) if not labels.is_missing(r) else "geen rang", _score(sc)]
        lo, hi = ranges.get(t, (np.nan, np.nan))
        if np.isnan(lo):
            row.append("")
        elif lo == hi:
            row.append(numbers.integer(lo))
        else:
            row.append(f"{numbers.integer(lo)}-{numbers.integer(hi)}")
        rows.append(row)
    numeric = frozenset(range(1, len(header)))
    return Table(
        caption=f"Rang en score per wegingsprofiel, {result.region.label(municipality)}",
        header=header,
        rows=rows,
        note=(
            "Elk profiel weegt dezelfde criteria anders; een eigen profiel in ivp.toml "
            "([scoring.profiles.naam]) of ivp score --gewicht verschijnt hier als extra kolommen. "
            "Rangbereik: de beste en slechtste rang als één gewicht tot "
            f"{numbers.decimal(SPREAD, 2)} hoger of lager wordt gezet "
            "(de andere schuiven naar verhouding mee)."
        ),
        numeric=numeric,
    )


def _score(value: object) -> str:
    if isinstance(value, str):
        return value
    return numbers.decimal(value, 1, missing=labels.NO_SCORE)  # type: ignore[arg-type]


def sensitivity_table(
    result: ScoreResult, municipality: str, changes: list[WeightChange], names: dict[str, str]
) -> Table:
    n = _top_n(result)

    def top(themes: tuple[str, ...]) -> str:
        return ", ".join(views.theme_label(result, t, names) for t in themes)

    rows = []
    for ch in changes:
        rows.append(
            [
                labels.criterion(ch.criterion),
                numbers.decimal(ch.weight, 2),
                "geen" if ch.down is None else "-" + numbers.decimal(ch.down, 2),
                top(ch.top_down) if ch.down is not None else "",
                "geen" if ch.up is None else "+" + numbers.decimal(ch.up, 2),
                top(ch.top_up) if ch.up is not None else "",
            ]
        )
    return Table(
        caption=f"Gevoeligheid van de top {n} voor de weging, {result.region.label(municipality)}",
        header=[
            "Criterium",
            "Gewicht",
            f"Kleinste verlaging die de top {n} verandert",
            f"Top {n} daarna",
            f"Kleinste verhoging die de top {n} verandert",
            f"Top {n} daarna",
        ],
        rows=rows,
        note=(
            "Eén gewicht tegelijk verschoven in stappen van 0,01; de andere gewichten schuiven naar "
            "verhouding mee, samen blijft het 1. Geen: geen gewicht tussen 0 en 1 verandert de top."
        ),
        numeric=frozenset({1, 2, 4}),
    )


def sensitivity_sentence(changes: list[WeightChange], n: int) -> str:
    moves = [
        (abs(d), ch.criterion, sign)
        for ch in changes
        for d, sign in ((ch.down, "-"), (ch.up, "+"))
        if d is not None
    ]
    if not moves:
        return f"Geen verschuiving van één gewicht verandert de top {n}: de volgorde bovenaan is stevig."
    size, crit, sign = min(moves, key=lambda m: (m[0], CRITERIA.index(m[1]), m[2]))
    word = "hoger" if sign == "+" else "lager"
    firm = "De top is dus gevoelig voor de weging." if size <= SPREAD else "De top is redelijk stevig."
    return (
        f"De top {n} verandert al als het gewicht van {labels.criterion(crit).lower()} "
        f"{numbers.decimal(size, 2)} {word} wordt gezet. {firm}"
    )


def chart_key(result: ScoreResult, municipality: str) -> str:
    """The file stem of the unit's contribution figure: figures/waarom-<unit>.png|svg."""
    return f"waarom-{views.slug(result.region.label(municipality))}"


def _basis(
    result: ScoreResult, municipality: str
) -> tuple[pd.DataFrame, list[str], np.ndarray, np.ndarray, bool]:
    """(ranked themes, their ids, the default profile's weights, the scaled criteria, suppressed)."""
    ranked = _ranked_themes(result, municipality, views.default_profile(result))
    themes = ranked["theme"].astype(str).tolist()
    weights = profile_weights(result, views.default_profile(result))
    scaled, suppressed = scaled_matrix(result, municipality, themes)
    return ranked, themes, weights, scaled, suppressed


def _in_top(ranked: pd.DataFrame, n: int) -> list[bool]:
    """Per row of the ranked themes whether it is in the top n (the rows a mask of the frame keeps)."""
    kept: list[bool] = (pd.to_numeric(ranked["rank"]) <= n).tolist()
    return kept


def contributions_chart(result: ScoreResult, municipality: str) -> tuple[str, str, dict[str, Any]] | None:
    """(key, caption, data) of the contribution figure, for the chart set (reports/chartset.py), or
    None without a ranked theme. The data: per top theme its label and, per criterion, the points
    above (+) or below (-) the neutral 50 and whether the criterion is unknown; one axes, the themes
    side by side (reports/drawing.py, paint_contributions)."""
    ranked, themes, weights, scaled, _suppressed = _basis(result, municipality)
    kept = _in_top(ranked, _top_n(result)) if len(ranked) else []
    shown = [str(t) for t, keep in zip(ranked["theme"].tolist(), kept, strict=True) if keep]
    if not shown:
        return None
    names = views.theme_labels(result)
    rows = [scaled[themes.index(t)] for t in shown]
    data = {
        "themes": [views.theme_label(result, t, names) for t in shown],
        "points": [contributions(weights, row) for row in rows],
        "unknown": [(weights > 0) & np.isnan(row) for row in rows],
        "criteria": [labels.criterion(c) for c in CRITERIA],
        "colours": [THEME_COLOURS[k % len(THEME_COLOURS)] for k in range(len(shown))],
    }
    caption = (
        f"Wat de top {len(shown)} van {result.region.label(municipality)} optilt: per criterium de "
        "punten boven of onder het neutrale midden, per thema"
    )
    return chart_key(result, municipality), caption, data


def chart_figure(
    charts: Sequence[Chart] | None, kind: str, municipality: str, theme: str = ""
) -> Figure | None:
    """The document figure of a chart of the chart set, or None when the set has no such chart."""
    for c in charts or ():
        if c.kind == kind and c.municipality == municipality and c.theme == theme:
            return Figure(caption=c.caption, png=c.png, svg=c.svg)
    return None


def why_items(result: ScoreResult, municipality: str, charts: Sequence[Chart] | None = None) -> list[Item]:
    """The section "Waarom deze prioriteiten" for one unit (see the module docstring); the figure is
    the unit's "why" chart among `charts` (the chart set draws it), when there is one."""
    main = views.default_profile(result)
    top_n = _top_n(result)
    ranked, themes, weights, scaled, suppressed = _basis(result, municipality)
    if ranked.empty:
        return [f"Voor {result.region.label(municipality)} is geen thema gescoord, dus er is geen rangorde."]
    names = views.theme_labels(result)
    kept = _in_top(ranked, top_n)
    top = [
        (t, r, sc)
        for t, r, sc, keep in zip(
            themes, ranked["rank"].tolist(), ranked["score"].tolist(), kept, strict=True
        )
        if keep
    ]
    items: list[Item] = [
        f"Waarom staan deze thema's bovenaan in {result.region.label(municipality)} "
        f"(profiel {views.profile_label(result, main)})? Per thema de criteria die de score boven of "
        "onder het neutrale midden (50) brengen; tussen haakjes de waarde van het criterium op de "
        "schaal 0-100 en wat het bijdraagt aan de score, in punten."
    ]
    for t, r, sc in top:
        items.append(
            theme_sentence(
                views.theme_label(result, t, names),
                float(r),
                float(sc),
                weights,
                scaled[themes.index(t)],
                suppressed,
            )
        )
    figure = chart_figure(charts, "why", municipality)
    if figure is not None:
        items.append(figure)
    ranges: dict[str, tuple[float, float]] = {}
    if not suppressed:
        _now, best, worst = rank_ranges(scaled, weights)
        ranges = {t: (float(b), float(w)) for t, b, w in zip(themes, best, worst, strict=True)}
    items.append(profiles_table(result, municipality, ranges))
    if suppressed:
        items.append(
            "De gevoeligheid voor de weging staat niet in deze openbare versie: een deel van de "
            "criteria rust op kleine aantallen en is afgeschermd."
        )
        return items
    changes = weight_sensitivity(scaled, weights, themes, list(CRITERIA), top_n)
    items.append(sensitivity_sentence(changes, top_n))
    items.append(sensitivity_table(result, municipality, changes, names))
    return items
