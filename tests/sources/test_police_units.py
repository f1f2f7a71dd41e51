"""Police building blocks: offence codes, periods, count cells and area names (hand-checked examples)."""

from __future__ import annotations

from datetime import date

import pytest

from ivp_pipeline.offences import offences
from ivp_pipeline.problems import Problem
from ivp_pipeline.sources.police.areas import AreaResolver
from ivp_pipeline.sources.police.periods import parse_code, parse_label
from ivp_pipeline.sources.police.values import parse_json_value, parse_value


def test_offence_table_has_the_59_crime_keys_and_9_overlast_codes():
    table = offences()
    crime = [o.code for o in table.codes("crime")]
    assert len(crime) == 59 and crime[0] == "0.0.0" and "2.6.10" in crime and "3.9.3" in crime
    assert [o.code for o in table.codes("overlast")] == [
        "0.0.0", "E33", "E35", "E38", "E41", "F010", "M061", "M062", "M22",
    ]  # fmt: skip
    assert {o.code for o in table.codes("crime") if o.annual_only} == {"1.4.1", "3.2.1", "3.2.2", "3.7.3"}


@pytest.mark.parametrize(
    ("measure", "label", "code"),
    [
        ("crime", "1.1.1 Diefstal/inbraak woning", "1.1.1"),
        ("crime", "Totaal misdrijven", "0.0.0"),
        ("crime", "Misdrijven, totaal", "0.0.0"),
        ("crime", "  1.2.3 Diefstal van brom-, snor-, fietsen ", "1.2.3"),
        ("crime", "2.6.10 Bestrijdingsmiddelen (hernoemd)", "2.6.10"),  # a reworded title keeps its code
        ("crime", "1.1.1\u200b", "1.1.1"),  # zero-width space survives the usual strip
        ("overlast", "Overlast door verward persoon", "E33"),
        ("overlast", "Totaal registraties overlast", "0.0.0"),
        ("overlast", "overlast ivm alcohol/drugs", "E38"),
        ("overlast", "E35", "E35"),
    ],
)
def test_label_to_code(measure, label, code):
    found = offences().from_label(measure, label)
    assert found is not None and found.code == code


@pytest.mark.parametrize(("measure", "label"), [("crime", "9.9.9 Onbekend"), ("crime", "Overlast jeugd"),
                                                ("overlast", "1.1.1 Diefstal/inbraak woning")])  # fmt: skip
def test_unknown_labels_are_not_guessed(measure, label):
    assert offences().from_label(measure, label) is None


def test_padded_codes_and_rollup():
    table = offences()
    total = table.get("crime", "0.0.0 ")
    assert total is not None and total.is_rollup
    e33 = table.get("overlast", "E33   ")
    assert e33 is not None and not e33.is_rollup


@pytest.mark.parametrize(
    ("code", "start", "kind"),
    [
        ("2024MM01", date(2024, 1, 1), "month"),
        ("2024MM12", date(2024, 12, 1), "month"),
        ("2024KW03", date(2024, 7, 1), "quarter"),
        ("2024JJ00", date(2024, 1, 1), "year"),
        (" 2012MM05 ", date(2012, 5, 1), "month"),
    ],
)
def test_period_codes(code, start, kind):
    period = parse_code(code)
    assert period is not None and (period.start, period.kind, period.status) == (start, kind, "unknown")
    assert period.code == code.strip()


@pytest.mark.parametrize("code", ["2024MM13", "2024MM00", "2024KW05", "2024KW00", "2024JJ01", "2024",
                                  "24MM01", "2024mm01", "2024MM1", "0000MM01", "2024X01"])  # fmt: skip
def test_period_codes_rejected_by_pattern(code):
    assert parse_code(code) is None


@pytest.mark.parametrize(
    ("label", "start", "kind", "status"),
    [
        ("2024", date(2024, 1, 1), "year", "final"),
        ("2024*", date(2024, 1, 1), "year", "provisional"),
        ("2024**", date(2024, 1, 1), "year", "further_provisional"),
        ("2024 januari", date(2024, 1, 1), "month", "final"),
        ("2024 december*", date(2024, 12, 1), "month", "provisional"),
        ("2024 1e kwartaal", date(2024, 1, 1), "quarter", "final"),
        ("2024 4e kwartaal **", date(2024, 10, 1), "quarter", "further_provisional"),
    ],
)
def test_period_labels(label, start, kind, status):
    period = parse_label(label)
    assert period is not None and (period.start, period.kind, period.status) == (start, kind, status)


@pytest.mark.parametrize("label", ["2024 januarie", "2024 5e kwartaal", "2024***", "januari 2024", ""])
def test_period_labels_rejected(label):
    assert parse_label(label) is None


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("      12", (12, "observed")),
        ("0", (0, "observed")),
        ("       .", (None, "suppressed")),
        ("x", (None, "suppressed")),
        ("null", (None, "suppressed")),
        ("", (None, "not_applicable")),
        ("        ", (None, "not_applicable")),
        ("-", (0, "zero")),
        ("–", (0, "zero")),
    ],
)
def test_value_states(cell, expected):
    assert parse_value(cell) == expected


@pytest.mark.parametrize(
    ("cell", "code"),
    [("-5", "negative-count"), ("12.5", "not-a-number"), ("1.234", "not-a-number"), ("1,234", "not-a-number"),
     ("abc", "not-a-number"), ("١٢", "not-a-number"), ("1_000", "not-a-number")],
)  # fmt: skip
def test_bad_counts(cell, code):
    found = parse_value(cell)
    assert isinstance(found, Problem) and found.code == code


def test_json_counts():
    assert parse_json_value(None) == (None, "suppressed")
    assert parse_json_value(7) == (7, "observed")
    assert parse_json_value("       .") == (None, "suppressed")
    for bad, code in ((-1, "negative-count"), (2.5, "not-a-number"), (True, "not-a-number")):
        found = parse_json_value(bad)
        assert isinstance(found, Problem) and found.code == code


def test_wijken_column_mixes_levels():
    res = AreaResolver("wijken")
    got = {cell: res.resolve(cell) for cell in ("Dinkelland", "Wijk 10 Denekamp", "Ootmarsum Kern",
                                                 "GM1774    ", "WK177410  ", "NL00      ")}  # fmt: skip
    assert {c: (r.code, r.level, r.partition) for c, r in got.items() if not isinstance(r, Problem)} == {
        "Dinkelland": ("GM1774", "gemeente", "GM1774"),
        "Wijk 10 Denekamp": ("WK177410", "wijk", "GM1774"),
        "Ootmarsum Kern": ("BU17741510", "buurt", "GM1774"),
        "GM1774    ": ("GM1774", "gemeente", "GM1774"),
        "WK177410  ": ("WK177410", "wijk", "GM1774"),
        "NL00      ": ("NL01", "land", "NL01"),
    }


def test_wijk_code_outside_not_is_placed_by_its_code():
    region = AreaResolver("wijken").resolve("WK036300  ")
    assert not isinstance(region, Problem)
    assert (region.code, region.level, region.partition) == ("WK036300", "wijk", "GM0363")


def test_regios_comparison_areas_get_their_own_partition():
    res = AreaResolver("regios")
    cases = (("Overijssel (PV)", "PV23"), ("Friesland (PV)", "PV21"), ("Fryslân (PV)", "PV21"),
             ("Oost-Nederland (RE)", "RE02"), ("Nederland", "NL01"), ("RE02  ", "RE02"))  # fmt: skip
    for cell, code in cases:
        region = res.resolve(cell)
        assert not isinstance(region, Problem) and region.partition == code


def test_woonplaatsen():
    res = AreaResolver("plaatsen")
    denekamp = res.resolve("Denekamp")
    amsterdam = res.resolve("Amsterdam")
    oldenzaal = res.resolve("Oldenzaal")
    assert not isinstance(denekamp, Problem) and not isinstance(amsterdam, Problem)
    assert not isinstance(oldenzaal, Problem)
    assert (denekamp.code, denekamp.level, denekamp.partition) == (
        "WP-GM1774-Denekamp",
        "woonplaats",
        "GM1774",
    )
    assert (amsterdam.code, amsterdam.level, amsterdam.partition) == ("WP-GM0363-Amsterdam", "woonplaats",
                                                                      "GM0363")  # fmt: skip
    assert oldenzaal.code == "WP-GM0173-Oldenzaal"


def test_unknown_and_ambiguous_names_are_never_guessed():
    unknown = AreaResolver("wijken").resolve("Wijk 99 Nergens")
    assert isinstance(unknown, Problem) and unknown.code == "unknown-region"
    # Beuningen is a woonplaats in Losser and a municipality (and its woonplaats) in Gelderland.
    ambiguous = AreaResolver("plaatsen").resolve("Beuningen")
    assert isinstance(ambiguous, Problem) and ambiguous.code == "ambiguous-region"
    assert "WP-GM0168-Beuningen" in ambiguous.message
    merged = AreaResolver("regios").resolve("GM0196")  # a code of a municipality merged before 2024
    assert isinstance(merged, Problem) and merged.code == "unknown-region"


def test_soort_regio_hint_restricts_the_level():
    res = AreaResolver("wijken")
    as_gemeente = res.resolve("Dinkelland", "Gemeente")
    assert not isinstance(as_gemeente, Problem) and as_gemeente.code == "GM1774"
    as_wijk = res.resolve("Dinkelland", "Wijk")
    assert isinstance(as_wijk, Problem) and as_wijk.code == "unknown-region"
