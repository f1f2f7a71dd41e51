"""write_outputs end to end: the files, the HTML report's content and byte-identical reruns."""

from __future__ import annotations

import base64
import re
from dataclasses import replace
from pathlib import Path

import pytest

from ivp_pipeline.reports import write_outputs
from ivp_pipeline.reports.html import context, render_report
from ivp_pipeline.scoring.config import RANK_UNCERTAIN, rank_uncertain
from outputs_fixtures import MUNICIPALITIES, make_result


@pytest.fixture(scope="module")
def written(tmp_path_factory):  # type: ignore[no-untyped-def]
    out = tmp_path_factory.mktemp("reports")
    return out, write_outputs(make_result(), out)


def test_files_written(written) -> None:  # type: ignore[no-untyped-def]
    out, paths = written
    rel = {p.relative_to(out).as_posix() for p in paths}
    assert "index.html" in rel and "tables/ivp-prioriteiten.xlsx" in rel
    for kind in ("prioriteiten", "rangkansen", "feiten-beleving", "trends"):
        for name in ("dinkelland", "losser", "oldenzaal", "tubbergen", "noordoost-twente"):
            assert f"figures/{kind}-{name}.png" in rel and f"figures/{kind}-{name}.svg" in rel
    assert {"figures/heatmap-thema-gemeente.svg", "figures/trechter-referentie.png"} <= rel
    assert all(p.exists() for p in paths)


def test_report_has_every_municipality_and_chart(written) -> None:  # type: ignore[no-untyped-def]
    out, paths = written
    html = (out / "index.html").read_text(encoding="utf-8")
    for code, name in MUNICIPALITIES.items():
        assert f'id="gebied-{code.lower()}"' in html
        assert f"<h2>{name}</h2>" in html
    charts = sorted({p.stem for p in paths if p.parent.name == "figures"})
    shown = re.findall(r'<figure data-chart="([^"]+)">\s*<img src="data:image/svg\+xml;base64,([^"]+)"', html)
    assert sorted(k for k, _ in shown) == charts
    svg = dict(shown)["heatmap-thema-gemeente"]
    assert base64.b64decode(svg) == (out / "figures" / "heatmap-thema-gemeente.svg").read_bytes()
    for section in ("Samenvatting", "Methode", "Bronnen", "Voortgang", "Vergelijking tussen gemeenten"):
        assert f"<h2>{section}</h2>" in html
    assert "a" * 64 in html  # sources with their sha256
    assert "@media print" in html and "break-before: page" in html


def test_report_is_self_contained(written) -> None:  # type: ignore[no-untyped-def]
    html = (written[0] / "index.html").read_text(encoding="utf-8")
    assert "<script" not in html
    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert "<link" not in html


def test_text_from_inputs_is_escaped(tmp_path: Path) -> None:
    result = make_result(n_themes=2, first_month="2025-01-01")
    scores = result.scores.copy()
    scores.loc[scores.theme == "woninginbraak", "flags"] = "<script>alert(1)</script>"
    ctx = context(replace(result, scores=scores), [])
    assert any(r["flags"] == "<script>alert(1)</script>" for s in ctx["sections"] for r in s.rows)
    html = render_report(replace(result, scores=scores), [], tmp_path).read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_unstable_top_three_is_flagged(tmp_path: Path) -> None:
    result = make_result(n_themes=4, first_month="2025-01-01")
    scores = result.scores.copy()
    third = (scores.municipality == "GM0183") & (scores["rank"] == 3)
    scores.loc[third, "p_top3"] = 0.41
    scores.loc[third, "flags"] = RANK_UNCERTAIN  # what the scoring sets for a top-3 rank this unlikely
    assert rank_uncertain(3, 0.41, 3)
    sections = {s.code: s for s in context(replace(result, scores=scores), [])["sections"]}
    assert sections["GM0183"].unstable and not sections["GM0168"].unstable


def test_byte_identical_reruns(written, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    first, a = written
    b = write_outputs(make_result(), tmp_path)
    rel_a = [p.relative_to(first) for p in a]
    assert rel_a == [p.relative_to(tmp_path) for p in b]
    assert {p.suffix for p in a} == {".csv", ".xlsx", ".png", ".svg", ".html"}
    for ra in rel_a:
        assert (first / ra).read_bytes() == (tmp_path / ra).read_bytes(), ra


def test_pool_and_serial_drawing_give_the_same_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The charts drawn in a process pool are byte for byte those drawn one after another here."""
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
    charts = [p for p in a if p.suffix in (".png", ".svg")]
    assert len(charts) >= 20
    for path in a:
        rel = path.relative_to(one)
        assert path.read_bytes() == (two / rel).read_bytes(), rel
    # each run reports every chart it drew (or skipped for want of data), in order, to the end
    drawn = stages["Grafieken tekenen"]
    total = drawn[-1][1]
    assert total >= len(charts) // 2
    assert [d for d, _ in drawn] == list(range(1, total + 1)) * 2
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
    assert 'id="voortgang"' not in html
