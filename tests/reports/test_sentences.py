"""The drafted text per theme: fixed templates, Dutch numbers, no claim the numbers do not carry."""

from __future__ import annotations

import math
from dataclasses import replace

from ivp_pipeline.reports.sentences import Figures, change_sentence, count_sentence, p_value, theme_text

NAN = math.nan
BASE = Figures(
    area="Oldenzaal",
    theme="woninginbraak",
    label="Woninginbraak",
    count=123.0,
    rate=3.94,
    rate_low=3.27,
    rate_high=4.70,
    period_end="2026-10-31",
    prev_count=90.0,
    prev_p=0.0123,
    prev_verdict="higher",
    base_label="2023",
    base_rate=2.5,
    base_p=0.2,
    base_verdict="no_clear_change",
)
CMP = {"Overijssel": 2.14, "Nederland": NAN}


def test_a_rise_says_meer_with_its_p_value() -> None:
    assert theme_text(BASE, CMP) == (
        "In Oldenzaal registreerde de politie in de twaalf maanden tot en met oktober 2026 123 "
        "woninginbraken, "
        "3,9 per 1.000 inwoners (Overijssel 2,1). Dat is waarschijnlijk meer dan een jaar eerder "
        "(90; p = 0,01). "
        "Tegenover het basisjaar 2023 (2,5 per 1.000) is er geen duidelijk verschil; het verschil kan toeval "
        "zijn (p = 0,20)."
    )


def test_a_fall_says_minder() -> None:
    fall = replace(BASE, prev_count=180.0, prev_p=0.0004, prev_verdict="lower")
    assert change_sentence(fall) == "Dat is waarschijnlijk minder dan een jaar eerder (180; p < 0,001)."


def test_no_clear_change_never_says_meer_or_minder() -> None:
    flat = replace(BASE, prev_count=110.0, prev_p=0.41, prev_verdict="no_clear_change")
    text = change_sentence(flat)
    assert text == "Een jaar eerder waren het er 110; dat verschil kan toeval zijn (p = 0,41)."
    assert "meer" not in text and "minder" not in text


def test_an_unknown_window_says_so_and_claims_nothing() -> None:
    unknown = replace(BASE, count=NAN, rate=NAN, prev_verdict="unknown", base_verdict="unknown")
    text = theme_text(unknown, CMP)
    assert text == (
        "Voor Oldenzaal is het aantal woninginbraken in de twaalf maanden tot en met oktober 2026 onbekend: "
        "niet elke maand is gepubliceerd (geheimgehouden kleine aantallen of nog niet beschikbaar)."
    )
    previous_unknown = replace(BASE, prev_verdict="unknown", prev_count=NAN)
    assert change_sentence(previous_unknown).startswith(
        "Of dat meer of minder is dan een jaar eerder, is onbekend"
    )


def test_a_tie_is_evenveel() -> None:
    tie = replace(BASE, prev_count=123.0, prev_p=1.0, prev_verdict="same")
    assert change_sentence(tie) == "Dat is evenveel als een jaar eerder (123)."


def test_small_counts_get_their_interval_in_words_and_thousands_a_dot() -> None:
    small = replace(BASE, area="Tubbergen", count=1.0, rate=0.0466, rate_low=0.0012, rate_high=0.26)
    assert count_sentence(small, {}) == (
        "In Tubbergen registreerde de politie in de twaalf maanden tot en met oktober 2026 1 woninginbraak, "
        "0,05 per 1.000 inwoners. Dat is een klein aantal: het cijfer per 1.000 inwoners ligt met 95% "
        "zekerheid tussen 0,00 en 0,26."
    )
    big = replace(BASE, area="Nederland", count=28837.0, rate=1.597)
    assert "28.837 woninginbraken, 1,6 per 1.000" in count_sentence(big, {})
    assert p_value(0.004) == "p = 0,004" and p_value(0.05) == "p = 0,05"


def test_same_figures_same_text() -> None:
    assert theme_text(BASE, CMP) == theme_text(replace(BASE), dict(CMP))
