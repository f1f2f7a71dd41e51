"""write_outputs end to end: the files, the HTML analysis's structure and content, byte-identical reruns."""

from __future__ import annotations

import base64
import re
from dataclasses import replace
from pathlib import Path

import pytest

from ivp_pipeline.reports import write_outputs
from ivp_pipeline.reports.analysis import build
from ivp_pipeline.reports.html import render_report
from ivp_pipeline.reports.ranking import UNSTABLE, area_items
from ivp_pipeline.scoring.config import RANK_UNCERTAIN, rank_uncertain
from ivp_pipeline.scoring.keyfigures import Comparison
from keyfigure_fixtures import compute
from outputs_fixtures import MUNICIPALITIES, make_result

CHAPTERS = [
    "Samenvatting",
    "Gebiedsbeschrijving",
    "Veilige woon- en leefomgeving",
    "Bedrijvigheid en veiligheid",
    "Jeugd en veiligheid",
    "Fysieke veiligheid",
    "Integriteit en veiligheid",
    "Zorg en veiligheid",  # a field the fixture names outside the five: after them
    "Prioriteiten",
    "Monitoring en evaluatie",
    "Methode en bronnen",
]


def with_keyfigures(**kw):  # type: ignore[no-untyped-def]
    """make_result plus the key figures of the small hand-made police fixture (Oldenzaal, Losser)."""
    result = make_result(**kw)
    extra = compute(Comparison(province="PV23", baseline_year=2025))
    return replace(result, extras={**result.extras, **extra})


@pytest.fixture(scope="module")
def written(tmp_path_factory):  # type: ignore[no-untyped-def]
    out = tmp_path_factory.mktemp("reports")
    return out, write_outputs(with_keyfigures(), out)


def test_files_written(written) -> None:  # type: ignore[no-untyped-def]
    out, paths = written
    rel = {p.relative_to(out).as_posix() for p in paths}
    assert {"index.html", "veiligheidsanalyse.docx", "tables/ivp-prioriteiten.xlsx"} <= rel
    for kind in ("prioriteiten", "rangkansen", "feiten-beleving", "trends"):
        for name in ("dinkelland", "losser", "oldenzaal", "tubbergen", "noordoost-twente"):
            assert f"figures/{kind}-{name}.png" in rel and f"figures/{kind}-{name}.svg" in rel
    assert {"figures/heatmap-thema-gemeente.svg", "figures/trechter-referentie.png"} <= rel
    assert all(p.exists() for p in paths)


def test_chapters_follow_the_kernbeleid_method(written) -> None:  # type: ignore[no-untyped-def]
    html = (written[0] / "index.html").read_text(encoding="utf-8")
    assert re.findall(r"<h2>([^<]+)</h2>", html) == CHAPTERS
    # each veiligheidsveld holds its themes (h3), the areas sit under Prioriteiten, region first
    veld = html.index('id="veld-jeugd-en-veiligheid"')
    assert veld < html.index('id="thema-jeugd"') < html.index('id="veld-fysieke-veiligheid"')
    areas = [
        html.index(f'id="gebied-{code.lower()}"') for code in ["NOT", "GM1774", "GM0168", "GM0173", "GM0183"]
    ]
    assert areas == sorted(areas) and areas[0] > html.index('id="prioriteiten"')
    for name in MUNICIPALITIES.values():
        assert f"<h3>{name}</h3>" in html


def test_every_chart_is_embedded_once_with_a_number(written) -> None:  # type: ignore[no-untyped-def]
    out, paths = written
    html = (out / "index.html").read_text(encoding="utf-8")
    charts = sorted({p.stem for p in paths if p.parent.name == "figures"})
    shown = re.findall(r"Bestanden: figures/([^,]+)\.png, figures/\1\.svg\.", html)
    assert sorted(shown) == charts
    numbers = [int(n) for n in re.findall(r"<figcaption>Figuur (\d+):", html)]
    assert numbers == list(range(1, len(charts) + 1))
    svg = (out / "figures" / "heatmap-thema-gemeente.svg").read_bytes()
    assert base64.b64encode(svg).decode("ascii") in html


def test_key_figures_peers_and_drafted_text_in_the_theme(written) -> None:  # type: ignore[no-untyped-def]
    html = (written[0] / "index.html").read_text(encoding="utf-8")
    theme = html[html.index('id="thema-woninginbraak"') :]
    theme = theme[: theme.index("</table>")]
    assert (
        "In Oldenzaal registreerde de politie in de twaalf maanden tot en met oktober 2026 24 woninginbraken"
        in theme
    )
    assert "2,4 per 1.000 inwoners (Overijssel 1,2)" in theme
    assert "Een jaar eerder waren het er 12; dat verschil kan toeval zijn (p = 0,07)." in theme
    assert "Voor Losser is het aantal woninginbraken" in theme and "onbekend" in theme
    assert "Kerncijfers woninginbraak" in theme
    assert '<td class="num">1,5 – 3,6</td>' in theme  # the exact interval, Dutch decimals
    assert "Er zijn geen vergelijkingsgemeenten ingesteld" in html


def test_print_layout_and_compact_sources(written) -> None:  # type: ignore[no-untyped-def]
    html = (written[0] / "index.html").read_text(encoding="utf-8")
    assert "@page { size: A4 portrait" in html
    assert "figure.tabel, figure.grafiek { break-inside: avoid" in html
    assert "thead { display: table-header-group; }" in html
    assert "a" * 12 in html and "a" * 13 not in html  # the short hash; the full one is in the workbook
    assert "blad Bronnen" in html


def test_report_is_self_contained(written) -> None:  # type: ignore[no-untyped-def]
    html = (written[0] / "index.html").read_text(encoding="utf-8")
    assert "<script" not in html
    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert "<link" not in html


def test_text_from_inputs_is_escaped(tmp_path: Path) -> None:
    result = make_result(n_themes=2, first_month="2025-01-01")
    scores = result.scores.copy()
    scores.loc[scores.theme == "woninginbraak", "flags"] = "<script>alert(1)</script>"
    shown = replace(result, scores=scores)
    html = render_report(shown, build(shown, []), tmp_path).read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_unstable_top_three_is_flagged() -> None:
    result = make_result(n_themes=4, first_month="2025-01-01")
    scores = result.scores.copy()
    third = (scores.municipality == "GM0183") & (scores["rank"] == 3)
    scores.loc[third, "p_top3"] = 0.41
    scores.loc[third, "flags"] = RANK_UNCERTAIN  # what the scoring sets for a top-3 rank this unlikely
    assert rank_uncertain(3, 0.41, 3)
    shown = replace(result, scores=scores)
    assert UNSTABLE in area_items(shown, "GM0183", "evenwichtig", [])
    assert UNSTABLE not in area_items(shown, "GM0168", "evenwichtig", [])


def test_byte_identical_reruns(written, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    first, a = written
    b = write_outputs(with_keyfigures(), tmp_path)
    rel_a = [p.relative_to(first) for p in a]
    assert rel_a == [p.relative_to(tmp_path) for p in b]
    assert {p.suffix for p in a} == {".csv", ".xlsx", ".png", ".svg", ".html", ".docx"}
    for ra in rel_a:
        assert (first / ra).read_bytes() == (tmp_path / ra).read_bytes(), ra


def test_forked_and_serial_drawing_give_the_same_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The charts drawn by forked children, and the tables and workbook written by one, are byte for
    byte those written one after another here."""
    result = make_result(n_themes=3, first_month="2024-01-01")
    stages: dict[str, list[tuple[int, int]]] = {}

    def progress(stage: str, done: int, total: int) -> None:
        stages.setdefault(stage, []).append((done, total))

    runs = {}
    for workers in ("1", "2"):
        monkeypatch.setenv("IVP_CHART_WORKERS", workers)
        out = tmp_path / f"workers-{workers}"
        runs[workers] = (out, write_outputs(result, out, progress=progress))
    (one, a), (two, b) = runs["1"], runs["2"]
    assert [p.relative_to(one) for p in a] == [p.relative_to(two) for p in b]
    # the chart families, without the contribution figures (waarom-*) of "Waarom deze prioriteiten"
    charts = [p for p in a if p.suffix in (".png", ".svg") and not p.stem.startswith("waarom-")]
    assert len(charts) >= 20
    for path in a:
        rel = path.relative_to(one)
        assert path.read_bytes() == (two / rel).read_bytes(), rel
    # the serial run reports every chart it drew (or skipped for want of data), in order, to the end;
    # the forked one each child's share (two workers: two children)
    drawn = stages["Grafieken tekenen"]
    total = drawn[-1][1]
    assert total >= len(charts) // 2
    serial, forked = [d for d, _ in drawn[: total + 1]], [d for d, _ in drawn[total + 1 :]]
    assert serial == list(range(0, total + 1))  # 0 first: none reused from a cache
    assert len(forked) == 3 and forked[0] == 0 < forked[1] < forked[2] == total
    assert stages["Tabellen en werkmap schrijven"] == [(0, 1), (1, 1)] * 2


def test_stale_figures_are_removed(tmp_path: Path) -> None:
    (tmp_path / "figures").mkdir()
    old = tmp_path / "figures" / "prioriteiten-oude-gemeente.png"
    old.write_bytes(b"old")
    (tmp_path / "tables").mkdir()
    (tmp_path / "tables" / "voortgang.csv").write_text("old")
    write_outputs(make_result(n_themes=2, first_month="2025-01-01", with_voortgang=False), tmp_path)
    assert not old.exists()
    assert not (tmp_path / "tables" / "voortgang.csv").exists()
    html = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "Er is geen basisjaar met streefwaarden ingesteld" in html
