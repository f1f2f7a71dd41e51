"""The police offence and overlast codes a theme may name (typed from the police code lists)."""

from __future__ import annotations

# INP2013 level-3 crime codes of the police tables 47013/47018/47022NED, plus the roll-up 0.0.0.
CRIME_CODES: dict[str, str] = {
    "0.0.0": "Totaal misdrijven",
    "1.1.1": "Diefstal/inbraak woning",
    "1.1.2": "Diefstal/inbraak box/garage/schuur",
    "1.2.1": "Diefstal uit/vanaf motorvoertuigen",
    "1.2.2": "Diefstal van motorvoertuigen",
    "1.2.3": "Diefstal van brom-, snor-, fietsen",
    "1.2.4": "Zakkenrollerij",
    "1.2.5": "Diefstal af/uit/van ov. voertuigen",
    "1.3.1": "Ongevallen (weg)",
    "1.4.1": "Zedenmisdrijf",
    "1.4.2": "Moord, doodslag",
    "1.4.3": "Openlijk geweld (persoon)",
    "1.4.4": "Bedreiging",
    "1.4.5": "Mishandeling",
    "1.4.6": "Straatroof",
    "1.4.7": "Overval",
    "1.5.2": "Diefstallen (water)",
    "1.6.1": "Brand/ontploffing",
    "1.6.2": "Overige vermogensdelicten",
    "1.6.3": "Mensenhandel",
    "2.1.1": "Drugs/drankoverlast",
    "2.2.1": "Vernieling cq. zaakbeschadiging",
    "2.4.1": "Burengerucht (relatieproblemen)",
    "2.4.2": "Huisvredebreuk",
    "2.5.1": "Diefstal/inbraak bedrijven enz.",
    "2.5.2": "Winkeldiefstal",
    "2.6.1": "Inrichting Wet Milieubeheer",
    "2.6.2": "Bodem",
    "2.6.3": "Water",
    "2.6.4": "Afval",
    "2.6.5": "Bouwstoffen",
    "2.6.7": "Mest",
    "2.6.8": "Transport gevaarlijke stoffen",
    "2.6.9": "Vuurwerk",
    "2.6.10": "Bestrijdingsmiddelen",
    "2.6.11": "Natuur en landschap",
    "2.6.12": "Ruimtelijke ordening",
    "2.6.13": "Dieren",
    "2.6.14": "Voedselveiligheid",
    "2.7.2": "Bijzondere wetten",
    "2.7.3": "Leefbaarheid (overig)",
    "3.1.1": "Drugshandel",
    "3.1.2": "Mensensmokkel",
    "3.1.3": "Wapenhandel",
    "3.2.1": "Kinderporno",
    "3.2.2": "Kinderprostitutie",
    "3.3.2": "Onder invloed (lucht)",
    "3.3.5": "Lucht (overig)",
    "3.4.2": "Onder invloed (water)",
    "3.5.2": "Onder invloed (weg)",
    "3.5.5": "Weg (overig)",
    "3.6.4": "Aantasting openbare orde",
    "3.7.1": "Discriminatie",
    "3.7.2": "Vreemdelingenzorg",
    "3.7.3": "Maatsch. integriteit (overig)",
    "3.7.4": "Cybercrime",
    "3.9.1": "Horizontale fraude",
    "3.9.2": "Verticale fraude",
    "3.9.3": "Fraude (overig)",
}

# Overlast (nuisance incident) codes of 47021/47024NED.
OVERLAST_CODES: dict[str, str] = {
    "0.0.0": "Totaal registraties overlast",
    "E33": "Overlast door verward persoon",
    "E35": "Melding overlast jeugd",
    "E38": "Overlast ivm alcohol/drugs",
    "E41": "Overlast zwervers",
    "F010": "Openbare dronkenschap",
    "M061": "Geluidshinder horeca",
    "M062": "Geluidshinder evenement",
    "M22": "Geluidshinder overig",
}

# Published only per year (and not per wijk/buurt): monthly details never contain them.
ANNUAL_ONLY: frozenset[str] = frozenset({"1.4.1", "3.2.1", "3.2.2", "3.7.3"})

CODES_BY_MEASURE: dict[str, dict[str, str]] = {"crime": CRIME_CODES, "overlast": OVERLAST_CODES}
ROLLUP = "0.0.0"
