"""Which charts the report has: plans each figure from the ScoreResult, then has it drawn or copied.

A chart is planned first (`Plan`: the data, labels and size its drawing uses, no figure yet), so its
content hash (reports/chartcache.py) is known before anything is drawn: a chart whose plan did not
change since the previous reports/ is copied from there, the others are drawn, in forked children.
Every figure of the reports is a chart of this set: the seven chart families, the contribution
figures of "Waarom deze prioriteiten" (reports/why.py) and the wijk maps (reports/wijken.py), which
only refer to the charts planned here.

This module does not import matplotlib: the drawing code (reports/drawing.py, `DRAWING`) is loaded
only where something is drawn: in the children that draw, or, with one worker, at `collect`.
"""

from __future__ import annotations

import functools
import importlib
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ivp_pipeline import forked
from ivp_pipeline.forked import Forked
from ivp_pipeline.reports import DRAWER, labels, numbers, views, why, wijken
from ivp_pipeline.reports.chartcache import ChartCache, digest
from ivp_pipeline.reports.charts.captions import MARKERS, gap_caption, left_out_caption

if TYPE_CHECKING:
    from ivp_pipeline.scoring.result import ScoreResult

ALL = ("police", "survey", "professional", "population")
POLICE = ("police", "population")
WHY = ("police", "survey", "professional")
# `[report] charts`: "alle" draws every chart; "regio" only those about the region as a whole (a
# national run of 342 municipalities would otherwise draw five charts and a map per theme for each).
CHART_SCOPES = ("alle", "regio")
# The module that draws (and imports matplotlib); named, not imported, so that a run without
# anything to draw never loads it.
DRAWING = "ivp_pipeline.reports.drawing"
# Charts per drawer at least: a drawer first imports the drawing code (matplotlib, some 0.4 s: about
# two charts), so a few charts are drawn by one child, beside the other work of the run.
PER_DRAWER = 4


@dataclass(frozen=True)
class Chart:
    key: str  # file stem, e.g. "prioriteiten-losser"
    kind: str  # priorities, trends, matrix, ranks, heatmap, funnel, progress, why, wijken
    municipality: str  # GM code, the region code ("NOT"), or "" for charts about all of them
    title: str
    caption: str
    png: Path
    svg: Path
    theme: str = ""  # the theme of a wijk map


@dataclass(frozen=True)
class Plan:
    """One chart before it is drawn: the painter `painter` (reports/drawing.py) draws `data` on a
    figure of `size` (cm) with `grid` subplots; everything the picture shows is in here, so its digest
    names the picture."""

    key: str
    kind: str
    municipality: str
    title: str
    caption: str
    source: str  # the source line under the chart
    size: tuple[float, float]
    painter: str
    data: dict[str, Any]
    grid: dict[str, Any] = field(default_factory=dict)  # nrows, ncols and subplot keywords
    theme: str = ""

    def digest(self, salt: str) -> str:
        return digest(salt, self.kind, self.key, self.source, self.size, self.grid, self.painter, self.data)

    def chart(self, fig_dir: Path) -> Chart:
        stem = fig_dir / self.key
        png, svg = stem.with_suffix(".png"), stem.with_suffix(".svg")
        return Chart(self.key, self.kind, self.municipality, self.title, self.caption, png, svg, self.theme)

    @property
    def cost(self) -> int:
        """A rough drawing cost (panels), to hand the slowest charts out first."""
        return int(self.grid.get("nrows", 1)) * int(self.grid.get("ncols", 1))


# One chart (or a list of them) to plan: a _Context method and its arguments; `jobs` lists them in
# report order.
Job = tuple[str, tuple[str, ...]]
PER_MUNICIPALITY = ("priorities", "ranks", "matrix", "trends", "why")
FOR_ALL = ("heatmap", "funnel", "progress", "wijk_maps")


def jobs(municipalities: list[str], region: str | None = None, scope: str = "alle") -> list[Job]:
    """Report order; with scope "regio" only the region's own charts, the funnel and the progress
    (no heatmap of every municipality, no wijk maps, which are drawn per municipality)."""
    if scope == "regio":
        units = [c for c in municipalities if c == region]
        return [(m, (c,)) for c in units for m in PER_MUNICIPALITY] + [("funnel", ()), ("progress", ())]
    return [(m, (code,)) for code in municipalities for m in PER_MUNICIPALITY] + [(m, ()) for m in FOR_ALL]


def draw_plans(plans: Sequence[Plan], fig_dir: Path) -> None:
    """Draw planned charts into fig_dir (in a pool's worker, or in this process)."""
    importlib.import_module(DRAWING).draw_all(list(plans), fig_dir)


def draw(plan: Plan, fig_dir: Path) -> None:
    """Draw one planned chart and write <key>.png and <key>.svg into fig_dir."""
    draw_plans([plan], fig_dir)


class PendingCharts:
    """The charts of a report, drawn while the caller writes the tables and documents.

    Every chart is planned in this process; one whose digest (salted with `salt`, the program) matches
    the previous reports/ (`previous`) is copied from there, unless `force`. With workers > 1 the
    charts that remain are drawn by that many forked children of this process (forked.py;
    fewer for fewer than PER_DRAWER charts each), started here, each with its share of the charts (the slowest
    first, each to the least loaded child): a child is a copy of this process, so it only imports
    the drawing code (matplotlib), where a fresh process would import everything again. With one
    worker they are drawn by `collect` in this process. The same code draws them either way, so the
    bytes are the same.
    """

    def __init__(
        self,
        result: ScoreResult,
        fig_dir: Path,
        workers: int = 1,
        *,
        previous: Path | None = None,
        salt: str = "",
        force: bool = False,
        scope: str = "alle",
    ) -> None:
        ctx = _Context(result, fig_dir)
        planned = [p for job in jobs(ctx.municipalities, result.region.code, scope) for p in _make(ctx, job)]
        self.plans = planned
        self.digests = [p.digest(salt) for p in self.plans]
        self.dir = fig_dir
        cache = ChartCache(None if force else previous)
        self.reused = [
            cache.reuse(p.key, d, fig_dir) is not None for p, d in zip(self.plans, self.digests, strict=True)
        ]
        self._todo = [p for p, hit in zip(self.plans, self.reused, strict=True) if not hit]
        self._drawers: list[tuple[int, Forked[None]]] = []  # (charts, the child drawing them)
        if workers > 1 and self._todo:
            fig_dir.mkdir(parents=True, exist_ok=True)
            # the drawer forked at start-up (steps/drawer.py) has matplotlib loaded already: it takes
            # the first share; the others are drawn by children forked now
            standby = forked.take_standby(DRAWER)
            try:
                for share in shares(self._todo, workers):
                    drawer = standby.send(draw_plans, share, fig_dir) if standby is not None else None
                    standby = None
                    if drawer is None:
                        drawer = Forked(functools.partial(draw_plans, share, fig_dir))
                    self._drawers.append((len(share), drawer))
            except BaseException:
                self.close()
                raise
            finally:
                if standby is not None:
                    standby.close()

    @property
    def drawn(self) -> int:
        """How many charts are drawn (the rest are copied from the previous reports/)."""
        return len(self._todo)

    def collect(self, done: Callable[[int, int], None] | None = None) -> list[Chart]:
        """Wait for every chart; `done(ready, total)` after each (after each child's share when
        children draw them). The charts in report order."""
        total = len(self.plans)
        ready = total - len(self._todo)
        if done:
            done(ready, total)
        try:
            if not self._drawers:
                for plan in self._todo:
                    draw(plan, self.dir)
                    ready += 1
                    if done:
                        done(ready, total)
            else:
                for count, drawer in self._drawers:
                    drawer.result()
                    ready += count
                    if done:
                        done(ready, total)
        finally:
            self.close()
        return [p.chart(self.dir) for p in self.plans]

    def charts(self) -> list[Chart]:
        """The charts of the report in report order, drawn or not yet (their files are known)."""
        return [p.chart(self.dir) for p in self.plans]

    def index(self) -> list[tuple[str, str, list[Path]]]:
        """(key, digest, files) of every chart, for reports/.charts.json."""
        out = []
        for plan, d in zip(self.plans, self.digests, strict=True):
            chart = plan.chart(self.dir)
            out.append((plan.key, d, [chart.png, chart.svg]))
        return out

    def close(self) -> None:
        """Stop the children still drawing (after an error); harmless once collected."""
        for _count, drawer in self._drawers:
            drawer.close()
        self._drawers = []


def shares(plans: Sequence[Plan], workers: int) -> list[list[Plan]]:
    """The plans split over at most `workers` drawers, one per PER_DRAWER charts: the slowest first,
    each to the drawer with the least work so far (`Plan.cost`); a share keeps report order among
    its charts of equal cost."""
    n = max(1, min(workers, -(-len(plans) // PER_DRAWER)))
    out: list[list[Plan]] = [[] for _ in range(n)]
    load = [0] * n
    for plan in sorted(plans, key=lambda p: -p.cost):  # stable: report order among equals
        k = load.index(min(load))
        out[k].append(plan)
        load[k] += max(plan.cost, 1)
    return [share for share in out if share]


def _split(frame: pd.DataFrame, keys: pd.Series, order: list[str]) -> list[tuple[str, pd.DataFrame]]:
    """The rows of each key in `order`, in their own order: one stable sort and slices of it (a
    boolean mask per key costs a copy of every column each time)."""
    codes = keys.to_numpy(dtype=object).astype(str)
    by = np.argsort(codes, kind="stable")
    rows, codes = frame.take(by), codes[by]
    out = []
    for key in order:
        start, end = np.searchsorted(codes, key, "left"), np.searchsorted(codes, key, "right")
        out.append((key, rows.iloc[start:end]))
    return out


def _make(ctx: _Context, job: Job) -> list[Plan]:
    method, args = job
    make: Callable[..., Plan | list[Plan] | None] = getattr(ctx, method)
    made = make(*args)
    if made is None:
        return []
    return made if isinstance(made, list) else [made]


class _Context:
    def __init__(self, result: ScoreResult, fig_dir: Path) -> None:
        self.r = result
        self.dir = fig_dir
        self.profile = views.default_profile(result)
        self.profile_label = views.profile_label(result, self.profile)
        self.municipalities = views.municipalities(result)
        self.names = views.municipality_labels(result)
        self.themes = views.theme_labels(result)
        self._sources: dict[tuple[str, ...], str] = {}
        self._by_rank: dict[str, pd.DataFrame] = {}

    def _plan(
        self,
        key: str,
        kind: str,
        code: str,
        title: str,
        caption: str,
        datasets: tuple[str, ...],
        size: tuple[float, float],
        data: dict[str, Any],
        *,
        theme: str = "",
        source: str = "",
        **grid: Any,
    ) -> Plan:
        """A chart drawn by the painter named like its kind (reports/drawing.py, PAINTERS)."""
        if datasets not in self._sources:
            self._sources[datasets] = views.source_line(self.r, datasets)
        line = self._sources[datasets] + source
        return Plan(key, kind, code, title, caption, line, size, kind, data, grid, theme)

    def _single(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        return {"args": args, "kwargs": kwargs}

    def _ordered(self, code: str) -> pd.DataFrame:
        """The unit's scores of the default profile by rank and theme (three charts ask; made once,
        the caller must not change it)."""
        found = self._by_rank.get(code)
        if found is None:
            found = self._by_rank[code] = views.scores_for(self.r, code, self.profile).sort_values(
                ["rank", "theme"]
            )
        return found

    def priorities(self, code: str) -> Plan | None:
        data = self._ordered(code)
        if data.empty:
            return None
        name = self.names[code]
        title = f"Prioriteiten {name} (profiel {self.profile_label})"
        level = self.r.method.get("interval_level")
        interval = f"{numbers.percent(float(level))}-interval" if level else "onzekerheidsinterval"
        caption = (
            f"Thema's van {name} op volgorde van score; de lijn is het {interval} uit de Monte "
            "Carlo-simulatie, rechts de kans dat het thema in de top 3 staat en de onderbouwing (het deel "
            'van de weging dat op gegevens rust; "laag" onder 50 %). "2 (gelijk)": gedeelde rang bij gelijke '
            "score; thema's zonder score staan onderaan, zonder rang."
        )
        cols = [
            c
            for c in (
                "rank",
                "theme",
                "theme_label",
                "score",
                "score_low",
                "score_high",
                "p_top3",
                "coverage",
                "flags",
            )
            if c in data.columns
        ]
        return self._plan(
            f"prioriteiten-{views.slug(name)}", "priorities", code, title, caption, ALL,
            (17, 3 + 0.55 * len(data)),
            self._single(
                data[cols], title=title, xlabel=f"Score (0-100); lijn = {interval}"
            ),
        )  # fmt: skip

    def ranks(self, code: str) -> Plan | None:
        rp = self.r.rank_probabilities
        data = rp[(rp["municipality"].astype(str) == code) & (rp["profile"].astype(str) == self.profile)]
        order = [str(t) for t in self._ordered(code)["theme"]]
        if data.empty or not order:
            return None
        name = self.names[code]
        title = f"Kans op elke rang: {name} (profiel {self.profile_label})"
        caption = (
            "Hoe vaak elk thema in de simulatie op elke rang uitkomt. Een brede spreiding betekent "
            "dat de volgorde onder kleine veranderingen kan omslaan."
        )
        shown = {t: self.themes[t] for t in order if t in self.themes}
        return self._plan(
            f"rangkansen-{views.slug(name)}", "ranks", code, title, caption, ALL,
            (17, 3 + 0.5 * len(order)),
            self._single(
                data[["theme", "rank", "probability"]], order, shown, title=title
            ),
        )  # fmt: skip

    def matrix(self, code: str) -> Plan | None:
        facts = views.scores_for(self.r, code, views.FACTS_PROFILE).set_index("theme")["score"]
        perc = views.scores_for(self.r, code, views.PERCEPTION_PROFILE).set_index("theme")["score"]
        if facts.empty or perc.empty:
            return None

        themes = [t for t in facts.index if t in perc.index]
        frame = pd.DataFrame(
            {
                "label": [views.theme_label(self.r, str(t), self.themes) for t in themes],
                "x": [facts[t] for t in themes],
                "y": [perc[t] for t in themes],
            }
        )
        name = self.names[code]
        title = f"Feiten en beleving: {name}"
        caption = (
            "Rechtsboven: thema's die zowel in de registraties als in beleving en het oordeel van "
            "professionals hoog scoren."
        )
        return self._plan(
            f"feiten-beleving-{views.slug(name)}", "matrix", code, title, caption, ALL,
            (17, 13),
            self._single(
                frame, title=title,
                xlabel=f"Score profiel {views.profile_label(self.r, views.FACTS_PROFILE)} (0-100)",
                ylabel=f"Score profiel {views.profile_label(self.r, views.PERCEPTION_PROFILE)} (0-100)",
            ),
        )  # fmt: skip

    def trends(self, code: str) -> Plan | None:
        tr = self.r.trends
        data = tr[tr["municipality"].astype(str) == code]
        if data.empty:
            return None
        themes = data["theme"].astype(str)
        present = set(themes)
        order = [t for t in self._ordered(code)["theme"].astype(str) if t in present]
        order += sorted(present - set(order))
        ncols = 3
        nrows = math.ceil(len(order) / ncols)
        name = self.names[code]
        title = f"Ontwikkeling per thema: {name}"
        panels = [
            (views.theme_label(self.r, t, self.themes), rows) for t, rows in _split(data, themes, order)
        ]
        caption = (
            "Geregistreerde aantallen met 95%-interval (exacte Poisson); bij maandcijfers per 12 maanden "
            "(punt op de laatste maand van elke periode), de losse maanden lichtgrijs op de achtergrond. "
            "Valt juli 2018 binnen de reeks, dan markeert een stippellijn de trendbreuk (samenloop van "
            "delicten sindsdien apart geteld). " + gap_caption(dict(panels))
        ).strip()
        return self._plan(
            f"trends-{views.slug(name)}", "trends", code, title, caption, POLICE,
            (17, 1.5 + 4.2 * nrows),
            {"title": title, "panels": panels, "series_break": views.series_break(self.r)},
            nrows=nrows, ncols=ncols,
        )  # fmt: skip

    def heatmap(self) -> Plan | None:
        s = self.r.scores
        data = s[s["profile"].astype(str) == self.profile]
        if data.empty:
            return None
        wide = data.pivot_table(index="theme", columns="municipality", values="score", aggfunc="first")
        cols = [c for c in self.municipalities if c in wide.columns]
        region = self.r.region
        anchor = region.code if region.code in cols else cols[-1]
        wide = wide[cols].sort_values(anchor, ascending=False)
        wide.index = [views.theme_label(self.r, str(t), self.themes) for t in wide.index]
        wide.columns = [self.names[c] for c in cols]
        title = f"Scores per thema en gemeente (profiel {self.profile_label})"
        caption = (
            f"Score 0-100 per thema en gemeente; thema's op volgorde van de score voor "
            f"{self.names.get(anchor, region.name)}. "
            "– = geen score (geen gegevens), niet 0."
        )
        return self._plan(
            "heatmap-thema-gemeente", "heatmap", "", title, caption, ALL, (17, 3 + 0.6 * len(wide)),
            self._single(wide, title=title),
        )  # fmt: skip

    def funnel(self) -> Plan | None:
        fu = self.r.funnel
        if fu.empty:
            return None
        theme_of = fu["theme"].astype(str)
        themes = list(dict.fromkeys(theme_of))
        nrows = math.ceil(len(themes) / 3)
        ref = str(self.r.method.get("reference_area") or "het referentiegebied")
        ref_name = labels.area(ref)
        title = f"Trechterdiagrammen: gemeenten tegen {ref_name}"
        highlight = {c: self.names[c] for c in self.municipalities if c != self.r.region.code}
        if len(highlight) > len(MARKERS):
            highlight = {}  # a marker and legend entry each only while they stay distinguishable
        theme_names = {t: views.theme_label(self.r, t, self.themes) for t in themes}
        panels = [(theme_names[t], rows) for t, rows in _split(fu, theme_of, themes)]
        caption = (
            f"Aantal per 1.000 inwoners (laatste 12 maanden) tegen het aantal inwoners; de horizontale "
            f"lijn is {ref_name}, de stippellijnen zijn exacte Poisson-grenzen (95 % en 99,8 %). "
            "Een punt buiten de grenzen wijkt meer af dan toeval verklaart. "
            + left_out_caption(fu, highlight, theme_names)
        ).strip()
        return self._plan(
            "trechter-referentie", "funnel", "", title, caption, POLICE, (17, 2.5 + 5 * nrows),
            {"title": title, "panels": panels, "highlight": highlight},
            nrows=nrows + 1, ncols=3,
        )  # fmt: skip

    def progress(self) -> Plan | None:
        vg = self.r.extras.get("voortgang")
        if vg is None or vg.empty:
            return None
        frame = vg.copy()
        frame["label"] = [self.r.region.label(str(m)) for m in frame["municipality"]]
        frame["label"] += [": " + views.theme_label(self.r, str(t), self.themes) for t in frame["theme"]]
        title = "Voortgang ten opzichte van het basisjaar"
        caption = (
            "Verandering van het cijfer ten opzichte van het basisjaar; groen = op koers, oranje = niet "
            "op koers, de streep is de streefwaarde uit de configuratie. Zonder balk: de basiswaarde of "
            "de huidige waarde is onbekend (maanden niet gepubliceerd of geheimgehouden), niet 0."
        )
        return self._plan(
            "voortgang", "progress", "", title, caption, POLICE, (17, 3 + 0.6 * len(frame)),
            self._single(frame, title=title),
        )  # fmt: skip

    def why(self, code: str) -> Plan | None:
        """The contributions of the criteria to the unit's top themes (reports/why.py)."""
        chart = why.contributions_chart(self.r, code)
        if chart is None:
            return None
        key, caption, data = chart
        return self._plan(key, "why", code, "", caption, WHY, (17.0, 7.5), data)

    def wijk_maps(self) -> list[Plan]:
        """A map per theme and municipality whose wijken have boundaries (reports/wijken.py)."""
        out = []
        for theme in wijken.map_themes(self.r):
            for code in self.municipalities:
                if code == self.r.region.code:
                    continue
                chart = wijken.map_chart(self.r, theme, code)
                if chart is not None:
                    key, title, caption, data = chart
                    out.append(
                        self._plan(
                            key, "wijken", code, title, caption, ("police",), (12.0, 10.0), data,
                            theme=theme, source=wijken.MAP_SOURCE,
                        )
                    )  # fmt: skip
        return out
