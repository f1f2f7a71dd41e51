"""What professionals said and what residents report: Items for a theme's section and the survey table.

- `voices_items(result, theme, municipality)`: the professionals' ratings of the theme by organisation
  type (respondents, mean 1-5, the middle half of the ratings as agreement within the type, share
  rating it (zeer) groot) with a sentence on their agreement overall, then their remarks grouped by
  organisation type (scrubbed on the way in, pseudonymous: "respondent 3"). Reads
  result.extras["professionals_by_type"] and ["professional_remarks"] (scoring/voices.py) and the
  overall row of result.professionals.
- `survey_items(result, municipality)`: the Veiligheidsmonitor and local survey results of the unit,
  one row per indicator with its value, 95 % interval (margin) and the comparison area, and in
  words whether the difference is beyond the margin.

Public mode (result.method public_threshold t): an organisation type with fewer than t respondents
shows "<t" and no mean, spread or remarks; a theme with fewer than t respondents in all shows no
remarks at all, so no one can be recognised by their words. The respondents per type are registered in
reports/disclosure.py (the types of a theme sum to its respondents): a count withheld there reads "x"
with its mean, spread and share, and its remarks are left out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from ivp_pipeline.reports import labels, numbers, views
from ivp_pipeline.reports.document import Item, Table
from ivp_pipeline.reports.public import SECONDARY, public_threshold

if TYPE_CHECKING:
    from ivp_pipeline.scoring.result import ScoreResult

ORGANISATION_LABELS = {
    "politie": "Politie",
    "gemeente": "Gemeente",
    "welzijn": "Welzijn",
    "jongerenwerk": "Jongerenwerk",
    "woningcorporatie": "Woningcorporatie",
    "onderwijs": "Onderwijs",
    "zorg": "Zorg",
    "overig": "Overig",
}
UNITS = {"percent": "%", "rapportcijfer": "rapportcijfer", "schaalscore": "schaalscore"}


def organisation(code: str) -> str:
    return ORGANISATION_LABELS.get(code, code.capitalize())


def _frame(result: ScoreResult, name: str, municipality: str, theme: str | None = None) -> pd.DataFrame:
    frame = result.extras.get(name)
    if frame is None or frame.empty:
        return pd.DataFrame()
    if theme is None:
        return views.rows_where(frame, municipality=municipality)
    return views.rows_where(frame, municipality=municipality, theme=theme)


def _agreement_sentence(result: ScoreResult, theme: str, municipality: str) -> str:
    p = result.professionals
    row = views.rows_where(p, municipality=municipality, theme=theme, criterion="overall")
    if row.empty:
        return ""
    r = row.iloc[0]
    if isinstance(r["respondents"], str):  # a public-mode marker
        return f"Het oordeel rust op {r['respondents']} respondenten."
    agreement = r["agreement"]
    if labels.is_missing(agreement):
        words = "met één respondent is er geen maat voor overeenstemming"
    elif float(agreement) >= 0.75:
        words = "de professionals zijn het in grote lijnen eens"
    elif float(agreement) >= 0.5:
        words = "de meningen lopen enigszins uiteen"
    else:
        words = "de meningen lopen sterk uiteen"
    return (
        f"Gemiddeld oordeel {numbers.decimal(r['mean_rating'])} op 1-5 (elk type organisatie weegt even "
        f"zwaar), van {numbers.integer(r['respondents'])} respondenten uit "
        f"{numbers.integer(r['organisation_types'])} soorten organisaties; {words}"
        + (f" (overeenstemming {numbers.percent(agreement)})." if not labels.is_missing(agreement) else ".")
    )


def voices_items(result: ScoreResult, theme: str, municipality: str) -> list[Item]:
    """The professionals' ratings by organisation type and their remarks for one theme and unit."""
    t = public_threshold(result)
    by_type = _frame(result, "professionals_by_type", municipality, theme)
    name = views.theme_label(result, theme)
    if by_type.empty:
        where = result.region.label(municipality)
        return [f"Voor {name} in {where} hebben geen professionals een oordeel gegeven."]
    rows: list[list[str]] = []
    shown_types: set[str] = set()
    for org, n, mean, q1, q3, high in zip(
        by_type["organisation_type"].astype(str),
        by_type["respondents"],
        by_type["mean_rating"],
        by_type["q1"],
        by_type["q3"],
        by_type["share_high"],
        strict=True,
    ):
        if isinstance(n, str):  # marked by public mode: "<t", or "x" (it would give a small count away)
            derived = SECONDARY if n == SECONDARY else f"n<{t}"
            rows.append([organisation(org), n, derived, derived, derived])
            continue
        if t is not None and int(n) < t:
            rows.append([organisation(org), f"<{t}", f"n<{t}", f"n<{t}", f"n<{t}"])
            continue
        shown_types.add(org)
        spread = numbers.decimal(q1) if q1 == q3 else f"{numbers.decimal(q1)}-{numbers.decimal(q3)}"
        rows.append(
            [organisation(org), numbers.integer(n), numbers.decimal(mean), spread, numbers.percent(high)]
        )
    items: list[Item] = []
    sentence = _agreement_sentence(result, theme, municipality)
    if sentence:
        items.append(sentence)
    items.append(
        Table(
            caption=f"Oordeel van professionals over {name.lower()} per soort organisatie, "
            f"{result.region.label(municipality)}",
            header=[
                "Organisatie",
                "Respondenten",
                "Gemiddeld (1-5)",
                "Middelste helft",
                "Aandeel (zeer) groot",
            ],
            rows=rows,
            note=(
                "Per respondent het gemiddelde over omvang, ernst, ontwikkeling en urgentie; middelste "
                "helft: de helft van de respondenten zit hiertussen (smal = eensgezind); aandeel (zeer) "
                "groot: respondenten met gemiddeld 4 of hoger."
            ),
            numeric=frozenset({1, 2, 4}),
        )
    )
    items += _remarks(result, theme, municipality, shown_types, by_type, t)
    return items


def _remarks(
    result: ScoreResult,
    theme: str,
    municipality: str,
    shown_types: set[str],
    by_type: pd.DataFrame,
    t: int | None,
) -> list[Item]:
    remarks = _frame(result, "professional_remarks", municipality, theme)
    if remarks.empty:
        return ["Bij dit thema zijn geen toelichtingen gegeven."]
    shown = pd.to_numeric(by_type["respondents"], errors="coerce").sum()
    if t is not None and shown < t:
        return [f"De toelichtingen staan niet in de openbare versie (minder dan {t} respondenten)."]
    order = {r: i for i, r in enumerate(dict.fromkeys(sorted(remarks["respondent"].astype(str))), start=1)}
    items: list[Item] = ["Wat professionals erbij schreven (namen en contactgegevens verwijderd):"]
    for org, g in remarks.groupby("organisation_type", sort=True):
        if t is not None and str(org) not in shown_types:
            continue
        lines = [
            f"respondent {order[str(r)]}: {x}" for r, x in zip(g["respondent"], g["remark"], strict=True)
        ]
        items.append(f"{organisation(str(org))}: " + " | ".join(lines))
    return items


def _unit(code: Any) -> str:
    return UNITS.get(str(code), str(code))


def _value(value: Any, unit: Any) -> str:
    """'14,5%' for a percentage, 'rapportcijfer 7,5' or 'schaalscore 3,1' otherwise."""
    if str(unit) == "percent":
        return numbers.decimal(value) + ("" if labels.is_missing(value) else "%")
    return f"{_unit(unit)} {numbers.decimal(value)}".strip()


def _difference(value: Any, low: Any, high: Any, comp: Any, direction: Any) -> str:
    if any(labels.is_missing(v) for v in (value, low, high, comp)):
        return "geen vergelijking" if labels.is_missing(comp) else "marge onbekend"
    if float(low) <= float(comp) <= float(high):
        return "binnen de marge"
    higher = float(value) > float(comp)
    word = "hoger" if higher else "lager"
    if str(direction) == "higher_worse":
        return f"{word} ({'ongunstig' if higher else 'gunstig'})"
    if str(direction) == "higher_better":
        return f"{word} ({'gunstig' if higher else 'ongunstig'})"
    return word


def survey_items(result: ScoreResult, municipality: str) -> list[Item]:
    """The survey results of the unit (value, interval, comparison) as one table."""
    p = result.perception
    sub = views.rows_where(p, municipality=municipality)
    if sub.empty:
        return [f"Voor {result.region.label(municipality)} zijn geen enquêteresultaten ingelezen."]
    sub = sub.sort_values(["theme", "indicator", "year"], kind="stable")
    names = views.theme_labels(result)
    rows = []
    for rec in sub.to_dict("records"):
        low, high = rec.get("ci_low"), rec.get("ci_high")
        interval = (
            "onbekend"
            if labels.is_missing(low) or labels.is_missing(high)
            else f"{numbers.decimal(low)}-{numbers.decimal(high)}"
        )
        area = rec.get("comparison_area")
        comp = rec.get("comparison_value")
        rows.append(
            [
                views.theme_label(result, str(rec["theme"]), names),
                str(rec["label"]),
                str(rec["year"]),
                _value(rec["value"], rec["unit"]),
                interval,
                "" if labels.is_missing(area) else labels.area(str(area)),
                numbers.decimal(comp, missing=""),
                _difference(rec["value"], low, high, comp, rec.get("direction")),
            ]
        )
    return [
        Table(
            caption=f"Veiligheidsmonitor en eigen enquêtes, {result.region.label(municipality)}",
            header=[
                "Thema",
                "Indicator",
                "Jaar",
                "Waarde",
                "95%-interval",
                "Vergelijking",
                "Waarde",
                "Verschil",
            ],
            rows=rows,
            note=(
                "Interval: de waarde met haar foutmarge (95 %). Verschil: of de vergelijkingswaarde buiten "
                "die marge valt; binnen de marge is er geen aantoonbaar verschil."
            ),
            numeric=frozenset({3, 4, 6}),
        )
    ]
