"""One source each: municipality labels and order, the rank-uncertain rule, offence labels."""

from __future__ import annotations

import pandas as pd
import pytest

from ivp_pipeline.offences import offences
from ivp_pipeline.regions import DEFAULT_REGION, RegionConfig, area_label, municipality_label, unit_order
from ivp_pipeline.reports import views
from ivp_pipeline.scoring.config import (
    RANK_UNCERTAIN_IN_TOP_BELOW,
    RANK_UNCERTAIN_OUTSIDE_ABOVE,
    rank_uncertain,
)
from ivp_pipeline.scoring.tables import _code_label, _unit_order
from outputs_fixtures import make_result


def test_municipality_labels() -> None:
    REGION_NOT = DEFAULT_REGION.code
    assert [municipality_label(c) for c in DEFAULT_REGION.municipalities] == [
        "Dinkelland",
        "Losser",
        "Oldenzaal",
        "Tubbergen",
    ]
    assert municipality_label(REGION_NOT) == "Noordoost Twente"
    assert municipality_label("GM0153") == "Enschede"  # another municipality by its registry name
    assert municipality_label("XX99") == "XX99"
    assert area_label("GM1774") == "Dinkelland" and area_label(REGION_NOT) == "Noordoost Twente"


def test_unit_order_by_name_then_not() -> None:
    REGION_NOT = DEFAULT_REGION.code
    codes = [REGION_NOT, "GM0183", "GM0168", "GM1774", "GM0173", "GM0168"]
    assert unit_order(codes) == ["GM1774", "GM0168", "GM0173", "GM0183", REGION_NOT]
    # another municipality sorts by its name (Enschede) among the four
    assert unit_order(["GM0153", REGION_NOT, "GM0168"]) == ["GM0153", "GM0168", REGION_NOT]
    # another region: its code sorts last and carries its configured name
    nwt = RegionConfig(name="Noordwest Twente", code="NWT", municipalities=("Almelo", "Wierden", "GM1700"))
    assert unit_order(["NWT", "GM1700", "GM0189", "GM0141"], nwt) == ["GM0141", "GM1700", "GM0189", "NWT"]
    assert [municipality_label(c, nwt) for c in nwt.units()] == [
        "Almelo",
        "Twenterand",
        "Wierden",
        "Noordwest Twente",
    ]
    assert municipality_label("NWT") == "NWT"  # without its config a region code is only a code
    key = _unit_order(pd.Series(codes))
    assert list(dict.fromkeys(c for _, c in sorted(zip(key, codes, strict=True)))) == unit_order(codes)


def test_views_use_the_one_order_and_labels() -> None:
    result = make_result(n_themes=2, first_month="2025-01-01")
    assert views.municipalities(result) == unit_order(result.scores["municipality"])
    assert views.municipality_labels(result) == {
        c: municipality_label(c) for c in views.municipalities(result)
    }


@pytest.mark.parametrize(
    ("rank", "p_top3", "uncertain"),
    [(1, 0.95, False), (3, 0.79, True), (3, 0.8, False), (4, 0.2, False), (4, 0.21, True), (5, 0.0, False)],
)
def test_rank_uncertain_rule(rank: int, p_top3: float, uncertain: bool) -> None:
    assert (RANK_UNCERTAIN_IN_TOP_BELOW, RANK_UNCERTAIN_OUTSIDE_ABOVE) == (0.8, 0.2)
    assert rank_uncertain(rank, p_top3, top_n=3) is uncertain


def test_offence_labels_from_the_one_table() -> None:
    assert _code_label("crime", "1.1.1") == "Diefstal/inbraak woning"
    assert _code_label("crime", "1.2.3") == "Diefstal van brom-, snor-, fietsen"
    assert _code_label("overlast", "E38") == "Overlast ivm alcohol/drugs"
    assert _code_label("overlast", "E35") == "Melding overlast jeugd"
    assert _code_label("crime", "9.9.9") == "9.9.9"
    for measure in ("crime", "overlast"):
        for off in offences().codes(measure):
            label = _code_label(measure, off.code)
            assert label and not label.startswith(off.code) and "/ " not in label, (measure, off.code)
