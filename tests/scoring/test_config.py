"""The theme catalogue and the [scoring] section: defaults, overrides, and bad configuration."""

from __future__ import annotations

import pytest

from ivp_pipeline.catalogue import build_catalogue, default_data, load_catalogue
from ivp_pipeline.problems import IvpError
from ivp_pipeline.regions import DEFAULT_REGION
from ivp_pipeline.scoring.config import for_region, scoring_config
from ivp_pipeline.steps import settings
from ivp_pipeline.workspace import Workspace


def test_default_catalogue_covers_the_plan() -> None:
    cat = load_catalogue(None)
    assert len(cat.themes) >= 12
    assert cat.version
    for tid in (
        "ondermijning",
        "jeugd",
        "zorg_veiligheid",
        "digitale_criminaliteit",
        "woninginbraak",
        "high_impact_crime",
        "geweld",
        "huiselijk_geweld",
        "leefbaarheid",
        "verkeer",
        "drugs_alcohol",
    ):
        assert tid in cat.themes
    assert {t.veiligheidsveld for t in cat.themes.values()} == {
        "woon_leefomgeving",
        "bedrijvigheid",
        "jeugd",
        "fysieke_veiligheid",
        "integriteit",
    }
    hg = cat.themes["huiselijk_geweld"]
    assert hg.codes() == [] and hg.survey  # survey and professionals only
    assert cat.themes["woninginbraak"].harm_weight("crime", "1.1.1") == 8
    assert cat.themes["jeugd"].codes() == [("overlast", "E35")]
    assert cat.labels()["jeugd"] == "Jeugdoverlast en -criminaliteit"


def test_survey_rules_match_label_or_last_id_part() -> None:
    cat = load_catalogue(None)
    hic = cat.themes["high_impact_crime"]
    jeugd = cat.themes["jeugd"]
    iid = "onveiligheidsbeleving.buurt.onveiligheidsgevoelens.onveilig_op_plekken_waar_jongeren_rondhangen"
    label = "Onveilig op plekken waar jongeren rondhangen"
    assert any(r.matches(iid, label) for r in jeugd.survey)
    assert not any(r.matches(iid, label) for r in hic.survey)  # the topic prefix does not count
    rc = [r for r in hic.survey if r.matches("x.rapportcijfer_veiligheid_in_buurt", "")]
    assert [r.direction for r in rc] == ["higher_better"]


def test_user_overrides_a_theme_and_adds_one(ws: Workspace) -> None:
    ws.config_file.write_text(
        '[themes.woninginbraak]\nlabel = "Inbraak"\nharm = { "1.1.1" = 12 }\n'
        '[themes.fietsen]\nlabel = "Fietsendiefstal"\nveiligheidsveld = "woon_leefomgeving"\n'
        'crime = ["1.2.3"]\n',
        encoding="utf-8",
    )
    cat = settings.catalogue(ws)
    assert cat.themes["woninginbraak"].label == "Inbraak"
    assert cat.themes["woninginbraak"].crime == ("1.1.1",)  # kept from the default
    assert cat.themes["woninginbraak"].harm_weight("crime", "1.1.1") == 12
    assert cat.themes["fietsen"].harm_weight("crime", "1.2.3") == 1  # from the default harm table


def _problems(exc: pytest.ExceptionInfo[IvpError]) -> list[tuple[str, str, str]]:
    return [(p.code, p.column, p.value) for p in exc.value.problems]


def test_unknown_police_code() -> None:
    user = {"themes": {"geweld": {"crime": ["1.4.5", "9.9.9"]}, "jeugd": {"overlast": ["E99", "0.0.0"]}}}
    with pytest.raises(IvpError) as exc:
        build_catalogue(default_data(), user)
    assert _problems(exc) == [
        ("unknown-code", "themes.geweld.crime", "9.9.9"),
        ("unknown-code", "themes.jeugd.overlast", "E99"),
        ("unknown-code", "themes.jeugd.overlast", "0.0.0"),
    ]


def test_bad_theme_keys() -> None:
    user = {
        "themes": {
            "x": {
                "label": "X",
                "veiligheidsveld": "nergens",
                "crime": ["1.1.1"],
                "survey": [{"match": "a", "direction": "sideways"}],
            },
            "y": {"label": "Y", "veiligheidsveld": "jeugd", "colour": "red"},
        }
    }
    with pytest.raises(IvpError) as exc:
        build_catalogue(default_data(), user)
    got = _problems(exc)
    assert ("bad-config", "themes.x.survey.0.direction", "sideways") in got
    assert ("bad-config", "themes.y.colour", "red") in got


def test_default_scoring_config() -> None:
    assert scoring_config({}).municipalities == ()  # empty: those of [region]
    cfg = for_region(scoring_config({}), DEFAULT_REGION)
    assert cfg.small_number_threshold == 5
    assert (cfg.reference_area, cfg.fallback_reference_area) == ("PV23", "NL01")
    assert cfg.draws == 100_000  # the cap: the Monte Carlo stops once P(top 3) is precise
    assert cfg.municipalities == ("GM1774", "GM0168", "GM0173", "GM0183")
    profiles = cfg.all_profiles()
    assert {"evenwichtig", "feiten", "beleving_professionals"} <= set(profiles)
    for p in profiles.values():
        assert sum(p.weights().values()) == pytest.approx(1.0)


def test_weights_must_sum_to_one_and_be_positive() -> None:
    data = {
        "scoring": {
            "profiles": {
                "mijn": {"volume": 0.5, "harm": 0.6},
                "neg": {"volume": 1.2, "perception": -0.2},
            }
        }
    }
    with pytest.raises(IvpError) as exc:
        scoring_config(data)
    assert _problems(exc) == [
        ("bad-weights", "scoring.profiles.mijn", "1.1"),
        ("bad-weights", "scoring.profiles.neg.perception", "-0.2"),
    ]


def test_bad_scoring_keys() -> None:
    with pytest.raises(IvpError) as exc:
        scoring_config({"scoring": {"draws": 3, "municipalities": ["Losser"], "treshold": 5}})
    got = {(c, col) for c, col, _ in _problems(exc)}
    assert got == {
        ("bad-config", "scoring.draws"),
        ("bad-config", "scoring.municipalities"),
        ("bad-config", "scoring.treshold"),
    }
    with pytest.raises(IvpError) as exc:
        scoring_config({"scoring": {"default_profile": "onbekend"}})
    assert _problems(exc) == [("bad-config", "scoring.default_profile", "onbekend")]


@pytest.mark.parametrize(
    ("label", "theme"),
    [
        ("Slachtoffer woninginbraak", "woninginbraak"),
        ("Slachtoffer fietsdiefstal", "vermogen"),
        ("Slachtoffer vermogensdelicten", "vermogen"),
        ("Overlast door verwarde personen", "zorg_veiligheid"),
        ("Drugsoverlast", "drugs_alcohol"),
        ("Slachtoffer online oplichting en fraude", "digitale_criminaliteit"),
    ],
)
def test_local_survey_labels_find_their_theme(label: str, theme: str) -> None:
    cat = load_catalogue(None)
    hits = [t.id for t in cat.themes.values() if any(r.matches("", label) for r in t.survey)]
    assert hits == [theme]
