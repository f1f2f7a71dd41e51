"""The chapter "Methode en bronnen": how the scores and key figures are made, settings and sources."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from ivp_pipeline.offences import BBV
from ivp_pipeline.regions import DEFAULT_REGION
from ivp_pipeline.reports import labels, numbers, views
from ivp_pipeline.reports.document import Item, Section, Table
from ivp_pipeline.reports.method import WINDOWS_APART_WARNING, method_rows, weights, windows, windows_apart
from ivp_pipeline.reports.public import public_threshold
from ivp_pipeline.reports.sheets import public_text

if TYPE_CHECKING:
    from ivp_pipeline.scoring.result import ScoreResult

HASH_SHOWN = 12  # hex digits of the SHA-256 in the report; the workbook's sheet Bronnen has all 64
CRITERIA_TEXT = (
    "Omvang: geregistreerde misdrijven en overlast per 1.000 inwoners, laatste 12 volledige maanden.",
    "Ernst: hetzelfde, gewogen naar de schade per soort delict.",
    "Trend: laatste periode tegen een basisperiode, met een toets die ook bij kleine aantallen klopt. "
    "Sinds juli 2018 telt de politie samenloop van delicten apart (trendbreuk); de grafieken "
    "markeren dat moment.",
    "Vergelijking: het cijfer tegen het referentiegebied (trechterdiagram, exacte Poisson-grenzen).",
    "Beleving: enquête-uitkomsten tegen hun vergelijkingswaarde en marge.",
    "Professionals: gemiddeld oordeel, elk type organisatie even zwaar, met hun overeenstemming.",
)
KEYFIGURES_TEXT = (
    "De kerncijfers per thema tellen de misdrijven en overlastmeldingen van de codes van het thema over "
    "de laatste twaalf volledige maanden. Ontbreekt één maand (geheimgehouden klein aantal, nog niet "
    "gepubliceerd of niet ingelezen), dan is het aantal van dat venster onbekend: nooit 0 en nooit een "
    "gedeeltelijke som. Het cijfer per 1.000 inwoners gebruikt het inwonertal op 1 januari; het interval "
    "is het exacte Poisson-interval (95%) van het aantal. Een verandering is de verhouding van twee "
    "cijfers per 1.000 inwoners met de exacte toets voor twee Poisson-aantallen (binomiaal, voorwaardelijk "
    'op het totaal): bij p < 0,05 staat er "waarschijnlijk meer" of "waarschijnlijk minder", anders '
    '"geen duidelijk verschil"; evenveel als een jaar eerder heet "evenveel". De basis is het basisjaar '
    "van de evaluatie ([evaluation] baseline_year), anders de basisperiode van de trend."
)
PEERS_TEXT = (
    "Vergelijkingsgemeenten ([region] peers in ivp.toml) zijn gemeenten die op de regio lijken: ongeveer "
    "even groot (20.000 tot 40.000 inwoners), dezelfde stedelijkheid volgens het CBS (weinig of niet "
    "stedelijk) en bij voorkeur in dezelfde provincie, zodat registratie en politie-eenheid gelijk zijn. "
    "{example}Hun politiecijfers worden met ivp fetch mee opgehaald; ze tellen nooit mee als gemeente van "
    "de regio."
)
# The example for the default region only: another region gets no Twente names in its report.
PEERS_EXAMPLE_NOT = (
    "Voor Noordoost Twente liggen Hof van Twente, Twenterand, Wierden en Haaksbergen voor de hand. "
)


def method_sections(result: ScoreResult) -> tuple[list[Item], list[Section]]:
    """(the chapter's own items, its sections)."""
    profiles = ", ".join(views.profile_label(result, p) for p in views.profiles(result))
    low = numbers.percent(labels.LOW_COVERAGE)
    items: list[Item] = [
        "Per thema en gemeente worden zes criteria bepaald, elk op een vaste schaal van 0 tot 100, zodat een "
        "thema toevoegen of weglaten de volgorde van de andere niet verandert:",
        *CRITERIA_TEXT,
        "De score is een gewogen som van de criteria. Ontbreekt een criterium, dan telt het als "
        "onbekend, niet "
        "als het gemiddelde van de andere: het maakt het interval breder en de kans op de top 3 "
        "onzekerder, maar "
        "tilt een thema nooit boven thema's met meer gegevens uit. Onderbouwing is het deel van de "
        "weging dat op "
        f"gegevens rust; onder {low} staat er lage onderbouwing bij. Een Monte Carlo-simulatie (toeval in de "
        "aantallen, marges van enquêtes, steekproef van professionals, kleine variaties in de "
        "gewichten) geeft "
        f"elk thema een interval en een kans op een plaats in de top 3. Profielen naast elkaar: {profiles}.",
    ]
    subs = [
        Section("Kerncijfers en toetsen", [KEYFIGURES_TEXT, peers_text(result)], key="methode-kerncijfers"),
        Section("Beleidsindicatoren (BBV)", [bbv_text(), bbv_table()], key="methode-bbv"),
    ]
    win = windows(result)
    if win:
        own: list[Item] = [
            "Elk criterium gebruikt de laatste volledige 12 maanden (of het laatste jaar) van zijn "
            "eigen bron:",
            Table("Vensters per bron", ["Bron", "Venster"], [list(w) for w in win]),
        ]
        if windows_apart(result):
            own.append(WINDOWS_APART_WARNING)
        subs.append(Section("Vensters per bron", own, key="methode-vensters"))
    crits, table = weights(result)
    if table:
        rows = [[name, *(numbers.percent(w) for w in values)] for name, values in table]
        subs.append(
            Section(
                "Gewichten per profiel",
                [
                    Table(
                        "Gewichten per profiel",
                        ["Profiel", *(labels.criterion(c) for c in crits)],
                        rows,
                        numeric=frozenset(range(1, len(crits) + 1)),
                    )
                ],
                key="methode-gewichten",
            )
        )
    settings = [[k, str(v)] for k, v in method_rows(result, nested=False, with_windows=False)]
    subs.append(
        Section(
            "Instellingen", [Table("Instellingen", ["Instelling", "Waarde"], settings)], key="instellingen"
        )
    )
    threshold = public_threshold(result)
    small = (
        public_text(threshold) + " Dat geldt voor de tabellen, de werkmap, de grafieken en dit rapport."
        if threshold is not None
        else "Dit is de volledige (niet-openbare) versie: kleine aantallen zijn zichtbaar en gemarkeerd. "
        "Maak voor publicatie de openbare versie met ivp score --public; die laat aantallen onder de "
        "drempel weg."
    )
    subs.append(Section("Kleine aantallen", [small], key="kleine-aantallen"))
    subs.append(Section("Bronnen", sources_items(result), key="bronnen"))
    return items, subs


def peers_text(result: ScoreResult) -> str:
    peers = [str(p) for p in result.method.get("peers") or []]
    text = PEERS_TEXT.format(example=PEERS_EXAMPLE_NOT if result.region == DEFAULT_REGION else "")
    if not peers:
        return text + " In deze analyse zijn geen vergelijkingsgemeenten ingesteld."
    names = ", ".join(result.region.label(p) for p in peers)
    return text + f" In deze analyse: {names}."


def bbv_text() -> str:
    return (
        "De beleidsindicatoren veiligheid van het BBV (waarstaatjegemeente.nl) gebruiken de door de politie "
        "geregistreerde misdrijven. ivp telt ze met deze politiecodes; zedenmisdrijven (1.4.1) publiceert de "
        "politie alleen per jaar, dus een venster van twaalf maanden telt 1.4.2 tot en met 1.4.7. "
        "Verwijzingen "
        "naar Halt komen uit de lokale cijfers, per 10.000 jongeren van 12 tot en met 17 jaar."
    )


def bbv_table() -> Table:
    rows = [[label, ", ".join(codes)] for label, codes in BBV.values()]
    return Table("Koppeling BBV-indicatoren aan politiecodes", ["Indicator", "Politiecodes"], rows)


def sources_items(result: ScoreResult) -> list[Item]:
    intro = (
        "Elk ingelezen bestand, met het begin van zijn vingerafdruk (SHA-256, eerste 12 tekens), zodat elk "
        "cijfer naar een bestand te herleiden is; de volledige vingerafdruk staat in de werkmap "
        "(ivp-prioriteiten.xlsx, blad Bronnen) en in tables/sources.csv."
    )
    rows = []
    for rec in result.sources.to_dict("records"):
        row = {str(k): "" if labels.is_missing(v) else str(v) for k, v in rec.items()}
        rows.append(
            [
                row.get("file", ""),
                labels.DATASETS.get(row.get("dataset", ""), row.get("dataset", "")),
                row.get("table_id", ""),
                row.get("periods", ""),
                numbers.integer(_int(row.get("rows", ""))),
                _when(row.get("ingested_at", "")),
                row.get("sha256", "")[:HASH_SHOWN],
            ]
        )
    table = Table(
        "Ingelezen bestanden",
        ["Bestand", "Soort", "Tabel", "Perioden", "Rijen", "Ingelezen op", "SHA-256 (begin)"],
        rows,
        numeric=frozenset({4}),
    )
    return [intro, table]


def _int(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _when(text: str) -> str:
    """'2026-01-15T09:30:00+00:00' -> '15-01-2026 09:30 UTC' (text that is no timestamp stays as is)."""
    stamp = pd.to_datetime(text, errors="coerce", utc=True) if text else pd.NaT
    return text if pd.isna(stamp) else stamp.strftime("%d-%m-%Y %H:%M UTC")
