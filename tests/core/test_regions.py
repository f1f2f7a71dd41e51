"""Region registry: codes and names in the shapes downloads use; ambiguity is never guessed."""

from __future__ import annotations

import pytest

from ivp_pipeline.regions import NOT_MUNICIPALITIES, Region, RegionRegistry, registry


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
        for gm in NOT_MUNICIPALITIES
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
