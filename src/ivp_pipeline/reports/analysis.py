"""The veiligheidsanalyse as document sections, in the order of the CCV / Kernbeleid Veiligheid method.

samenvatting; gebiedsbeschrijving; one chapter per veiligheidsveld with its themes; prioriteiten
(the region and each municipality); monitoring en evaluatie; methode en bronnen. index.html
(reports/html.py) and veiligheidsanalyse.docx (reports/docx.py) render these same sections.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ivp_pipeline.reports import keytables, labels, numbers, ranking, views
from ivp_pipeline.reports.document import Item, Section, Table
from ivp_pipeline.reports.localfigures import local_items
from ivp_pipeline.reports.methodtext import method_sections
from ivp_pipeline.reports.voices import survey_items, voices_items
from ivp_pipeline.reports.why import why_items
from ivp_pipeline.reports.wijken import wijk_items

if TYPE_CHECKING:
    from ivp_pipeline.reports.chartset import Chart
    from ivp_pipeline.scoring.result import ScoreResult

# The five Kernbeleid Veiligheid fields in the order of the method; a field the catalogue names
# otherwise follows alphabetically.
VELDEN = (
    "Veilige woon- en leefomgeving",
    "Bedrijvigheid en veiligheid",
    "Jeugd en veiligheid",
    "Fysieke veiligheid",
    "Integriteit en veiligheid",
)
NO_POLICE = (
    "De politiecijfers meten dit thema niet (geen misdrijf- of overlastcode in de themacatalogus); "
    "het beeld rust op beleving, professionals en lokale cijfers."
)


def build(result: ScoreResult, charts: list[Chart]) -> list[Section]:
    """Every chapter of the analysis; its figures are the charts of `charts` (the chart set)."""
    profile = views.default_profile(result)
    return [
        summary(result, profile),
        area_description(result),
        *field_chapters(result, charts),
        priorities(result, profile, charts),
        monitoring(result, charts),
        method_chapter(result),
    ]


def summary(result: ScoreResult, profile: str) -> Section:
    items: list[Item] = [
        f"Deze veiligheidsanalyse is de onderbouwing van het Integraal Veiligheidsplan van "
        f"{result.region.name}: de politiecijfers, de beleving van inwoners en het oordeel van professionals "
        f"per thema, geordend naar de vijf veiligheidsvelden van de Kernbeleid Veiligheid. "
        f"Cijfers tot en met {_month(result)}.",
        "De tabel hieronder geeft per gebied de drie thema's met de hoogste score (profiel "
        f"{views.profile_label(result, profile)}), met het onzekerheidsinterval van de score, de kans "
        "dat het "
        "thema in de top 3 staat en de onderbouwing: welk deel van de weging op gegevens rust.",
        ranking.summary_table(result, profile),
    ]
    if result.method.get("windows_apart"):
        from_method = "Let op: de bronnen eindigen meer dan 3 maanden uit elkaar; zie Methode en bronnen."
        items.append(from_method)
    return Section("Samenvatting", items, key="samenvatting")


def _month(result: ScoreResult) -> str:
    until = views.data_until(result)
    if not until:
        return "de laatste beschikbare maand"
    return keytables.sentences.month_year(f"{until}-01")


def area_description(result: ScoreResult) -> Section:
    names = [result.region.label(c) for c in ranking.area_order(result) if c != result.region.code]
    items: list[Item] = [
        f"{result.region.name} bestaat uit de gemeenten {_join(names)}. De cijfers gelden per gemeente en "
        "voor de regio als geheel; een regiocijfer bestaat alleen als alle gemeenten het hebben gepubliceerd."
    ]
    table = keytables.area_table(result)
    if table is not None:
        items.append(table)
    subs = []
    bbv = keytables.bbv_tables(result, halt_rates(result))
    if bbv:
        subs.append(
            Section(
                "Beleidsindicatoren veiligheid (BBV)",
                [
                    "De verplichte beleidsindicatoren veiligheid van het Besluit begroting en verantwoording "
                    "(waarstaatjegemeente.nl), per gemeente met Nederland ernaast.",
                    *bbv,
                ],
                key="bbv",
            )
        )
    region = result.region.code
    subs.append(Section("Veiligheidsbeleving", survey_items(result, region), key="beleving"))
    return Section("Gebiedsbeschrijving", items, subs, key="gebied")


def halt_rates(result: ScoreResult) -> dict[str, float]:
    """Halt referrals per 10,000 young people (12-17) per unit, the latest period supplied.

    From the local figures (result.extras["local_figures"], scoring/localfigures.py, which computes
    the rate); only rates per 10,000 young people count as the BBV indicator. Empty when nothing was
    supplied: the table then says "niet aangeleverd".
    """
    local = result.extras.get("local_figures")
    if local is None or local.empty or not {"figure", "per", "rate"} <= set(local.columns):
        return {}
    halt = local[(local["figure"].astype(str) == "halt") & (local["per"] == 10_000) & local["rate"].notna()]
    halt = halt.sort_values("period_start", kind="stable")
    return {str(m): float(r) for m, r in zip(halt["municipality"], halt["rate"], strict=True)}


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " en " + names[-1]


def field_order(result: ScoreResult) -> list[tuple[str, list[str]]]:
    """(veiligheidsveld, its theme ids by label) in the order of the method."""
    s = result.scores.drop_duplicates("theme")
    by_field: dict[str, list[tuple[str, str]]] = {}
    themes = views.theme_labels(result)
    for theme, veld in zip(s["theme"].astype(str), s["veiligheidsveld"], strict=True):
        name = "Overig" if labels.is_missing(veld) or not str(veld) else str(veld)
        by_field.setdefault(name, []).append((views.theme_label(result, theme, themes), theme))
    known = [v for v in VELDEN if v in by_field]
    rest = sorted(v for v in by_field if v not in VELDEN)
    return [(v, [t for _, t in sorted(by_field[v])]) for v in [*known, *rest]]


def field_chapters(result: ScoreResult, charts: list[Chart] | None = None) -> list[Section]:
    themes = views.theme_labels(result)
    out = []
    for veld, ids in field_order(result):
        names = [views.theme_label(result, t, themes) for t in ids]
        intro = (
            f"Het veiligheidsveld {veld} omvat in deze analyse de thema's {_join(names)}."
            if len(ids) > 1
            else (f"Het veiligheidsveld {veld} omvat in deze analyse het thema {names[0]}.")
        )
        subs = [theme_section(result, t, themes, charts) for t in ids]
        out.append(Section(veld, [intro], subs, key="veld-" + views.slug(veld)))
    return out


def theme_section(
    result: ScoreResult, theme: str, themes: dict[str, str], charts: list[Chart] | None = None
) -> Section:
    """Drafted text and key figures, then where it happens, local figures and what professionals said."""
    items: list[Item] = []
    table = keytables.keyfigure_table(result, theme)
    if table is None:
        items.append(NO_POLICE)
    else:
        items += keytables.theme_texts(result, theme)
        items.append(table)
    areas = ranking.area_order(result)
    municipalities = [c for c in areas if c != result.region.code]
    slug = views.slug(theme)
    subs = []
    wijken = [i for code in municipalities for i in wijk_items(result, theme, code, charts)]
    if wijken:
        subs.append(Section("Waar het gebeurt", wijken, key=f"wijken-{slug}"))
    local = [i for code in areas for i in local_items(result, theme, code)]
    if local:
        subs.append(Section("Lokale cijfers", local, key=f"lokaal-{slug}"))
    voices = voices_items(result, theme, result.region.code)
    subs.append(Section("Wat professionals zeggen", voices, key=f"professionals-{slug}"))
    return Section(views.theme_label(result, theme, themes), items, subs, key="thema-" + slug)


def priorities(result: ScoreResult, profile: str, charts: list[Chart]) -> Section:
    common = [ranking.figure(c) for c in charts if not c.municipality and c.kind != "progress"]
    items: list[Item] = [
        "Per gebied de thema's in volgorde van hun score: eerst de regio, dan elke gemeente met haar "
        "eigen kleuring. Alle thema's krijgen een score van 0 tot 100 uit zes criteria (omvang, ernst, "
        "trend, vergelijking, beleving, professionals); zie Methode en bronnen.",
        *common,
    ]
    subs = []
    for code in ranking.area_order(result):
        why = why_items(result, code, charts)
        subs.append(
            Section(
                result.region.label(code),
                ranking.area_items(result, code, profile, charts),
                [Section("Waarom deze prioriteiten", why, key=f"waarom-{views.slug(code)}")],
                key=f"gebied-{code.lower()}",
            )
        )
    return Section("Prioriteiten", items, subs, key="prioriteiten")


def monitoring(result: ScoreResult, charts: list[Chart]) -> Section:
    items: list[Item] = [
        "Het plan wordt periodiek geëvalueerd: de kerncijfers per thema vergelijken de laatste "
        "twaalf maanden "
        "met de twaalf maanden ervoor en met het basisjaar van de evaluatie ([evaluation] in ivp.toml). "
        "Draai ivp refresh elke maand; een nieuwe maand of een herziene maand verschijnt in de lijst van "
        "wijzigingen."
    ]
    table = progress_table(result)
    if table is not None:
        items.append(table)
    else:
        items.append("Er is geen basisjaar met streefwaarden ingesteld ([evaluation] in ivp.toml).")
    items += [ranking.figure(c) for c in charts if c.kind == "progress"]
    return Section("Monitoring en evaluatie", items, key="monitoring")


def progress_table(result: ScoreResult) -> Table | None:
    frame = result.extras.get("voortgang")
    if frame is None or frame.empty:
        return None
    themes = views.theme_labels(result)
    body = [
        [
            result.region.label(str(rec.get("municipality"))),
            views.theme_label(result, str(rec.get("theme")), themes),
            _text(rec.get("measure")),
            f"{_value(rec.get('baseline_value'))} ({_text(rec.get('baseline_year'))})",
            f"{_value(rec.get('current_value'))} ({_text(rec.get('current_period'))})",
            _value(rec.get("target_value")),
            _change(rec.get("change_pct")),
            _text(rec.get("status")),
        ]
        for rec in frame.to_dict("records")
    ]
    return Table(
        "Voortgang tegen het basisjaar en de streefwaarde",
        ["Gebied", "Thema", "Maatstaf", "Basis", "Nu", "Streefwaarde", "Verandering", "Status"],
        body,
        numeric=frozenset({3, 4, 5, 6}),
    )


def _change(value: Any) -> str:
    if isinstance(value, str):
        return value  # a suppression marker as it is
    if labels.is_missing(value):
        return labels.UNKNOWN
    return numbers.decimal(float(value), 1) + " %"


def _value(value: Any) -> str:
    """Rates per 1,000 are small: two decimals below 10, one above."""
    if isinstance(value, str):
        return value
    if labels.is_missing(value):
        return labels.UNKNOWN  # e.g. a baseline year with a suppressed month: unknown, never 0
    return numbers.decimal(float(value), 2 if abs(float(value)) < 10 else 1)


def _text(value: Any) -> str:
    if labels.is_missing(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def method_chapter(result: ScoreResult) -> Section:
    items, subs = method_sections(result)
    return Section("Methode en bronnen", items, subs, key="methode")
