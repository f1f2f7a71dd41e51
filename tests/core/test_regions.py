"""Region registry: codes and names in the shapes downloads use; ambiguity is never guessed."""

from __future__ import annotations

import pytest

from ivp_pipeline.regions import DEFAULT_REGION, Region, RegionRegistry, registry, wijken


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Dinkelland", "GM1774"),
        ("GM1774    ", "GM1774"),
        ("gm0168", "GM0168"),
        ("Overijssel (PV)", "PV23"),
        ("Groningen", "GM0014"),
        ("Groningen (PV)", "PV20"),
        ("Fryslan (PV)", "PV21"),
        ("Nederland", "NL01"),
        ("NL00", "NL01"),
        ("Wijk 10 Denekamp", "WK177410"),
        ("Oost-Nederland (RE)", "RE02"),
        ("Noordoost-Twente", "BT_NOT"),
        ("Dinkel\u200bland", "GM1774"),
        ("  losser ", "GM0168"),
    ],
)
def test_resolves_names_and_codes(text: str, code: str) -> None:
    region = registry().resolve(text)
    assert region is not None
    assert region.code == code


def test_every_not_municipality_has_its_wijken() -> None:
    reg = registry()
    counts = {
        gm: sum(1 for r in reg.regions if r.level == "wijk" and r.municipality == gm)
        for gm in DEFAULT_REGION.municipalities
    }
    assert counts == {"GM1774": 12, "GM0168": 5, "GM0173": 14, "GM0183": 13}
    assert len(reg.municipalities()) >= 340


def test_unknown_and_ambiguous_names_are_not_guessed() -> None:
    reg = RegionRegistry(
        [
            Region("BU1", "Centrum", "buurt", "GM1"),
            Region("BU2", "Centrum", "buurt", "GM2"),
        ]
    )
    assert reg.resolve("Centrum") is None
    assert len(reg.candidates("Centrum")) == 2
    assert registry().resolve("Atlantis") is None


def test_partition_of_comparison_areas_is_their_own_code() -> None:
    reg = registry()
    assert reg.resolve("Overijssel (PV)").partition == "PV23"  # type: ignore[union-attr]
    assert reg.resolve("Wijk 10 Denekamp").partition == "GM1774"  # type: ignore[union-attr]


def test_region_config_defaults_are_noordoost_twente() -> None:
    from ivp_pipeline.regions import RegionConfig, region_config

    region = region_config({})
    assert region == DEFAULT_REGION == RegionConfig()
    assert (region.name, region.code, region.basisteam) == ("Noordoost Twente", "NOT", "BT_NOT")
    assert region.labels() == {
        "GM1774": "Dinkelland",
        "GM0168": "Losser",
        "GM0173": "Oldenzaal",
        "GM0183": "Tubbergen",
        "NOT": "Noordoost Twente",
    }
    assert (region.reference_area, region.fallback_reference_area) == ("PV23", "NL01")


def test_region_config_from_names_labels_and_orders_another_region() -> None:
    from ivp_pipeline.regions import area_label, region_config

    data = {
        "region": {
            "name": "  Noordwest   Twente ",
            "code": "NWT",
            "municipalities": ["Wierden", "GM0141", "twenterand", "Almelo"],
            "basisteam": "",
            "comparison_areas": ["Overijssel (PV)", "Nederland"],
        }
    }
    region = region_config(data)
    assert region.name == "Noordwest Twente"
    assert region.municipalities == ("GM0189", "GM0141", "GM1700")  # names resolved, each once
    assert region.comparison_areas == ("PV23", "NL01")
    assert region.units() == ["GM0141", "GM1700", "GM0189", "NWT"]  # by name, then the total
    assert region.label("NWT") == "Noordwest Twente" and region.label("GM1700") == "Twenterand"
    assert region.municipality_names() == ["Almelo", "Twenterand", "Wierden"]
    assert [w.code for w in region.wijken()][:2] == ["WK018900", "WK018901"]  # Wierden first, as given
    assert {w.municipality for w in region.wijken()} == {"GM0141", "GM0189", "GM1700"}
    assert area_label("NWT", region) == "Noordwest Twente" and area_label("NWT") == "NWT"
    # a wijk outside Noordoost Twente is named by the shipped list (looked up by code)
    assert wijken("GM0141")[0].code == "WK014110" and area_label("WK014110") == "Binnenstad (wijk)"


@pytest.mark.parametrize(
    ("section", "column"),
    [
        ({"code": "GM0141"}, "region.code"),
        ({"code": "nt"}, "region.code"),
        ({"municipalities": ["Atlantis"]}, "region.municipalities"),
        ({"municipalities": ["Overijssel (PV)"]}, "region.municipalities"),
        ({"municipalities": []}, "region.municipalities"),
        ({"comparison_areas": ["GM0141"]}, "region.comparison_areas"),
        ({"basisteam": "NOT"}, "region.basisteam"),
        ({"name": "   "}, "region.name"),
    ],
)
def test_a_bad_region_section_is_a_configuration_problem(section: dict[str, object], column: str) -> None:
    from ivp_pipeline.problems import IvpError
    from ivp_pipeline.regions import region_config

    with pytest.raises(IvpError) as exc:
        region_config({"region": section})
    assert [(p.code, p.column) for p in exc.value.problems] == [("bad-config", column)]
