"""Which charts the report has: builds each figure from the ScoreResult and saves it as PNG and SVG."""

from __future__ import annotations

import math
import multiprocessing
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from ivp_pipeline.regions import REGION_NOT, municipality_label
from ivp_pipeline.reports import figures, labels, views
from ivp_pipeline.reports.charts.funnel import left_out_caption, plot_funnel
from ivp_pipeline.reports.charts.heatmap import plot_heatmap
from ivp_pipeline.reports.charts.matrix import plot_matrix
from ivp_pipeline.reports.charts.priorities import plot_priorities
from ivp_pipeline.reports.charts.progress import plot_progress
from ivp_pipeline.reports.charts.ranks import plot_rank_probabilities
from ivp_pipeline.reports.charts.trends import gap_caption, plot_trend

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ivp_pipeline.scoring.result import ScoreResult

ALL = ("police", "survey", "professional", "population")
POLICE = ("police", "population")


@dataclass(frozen=True)
class Chart:
    key: str  # file stem, e.g. "prioriteiten-losser"
    kind: str  # priorities, trends, matrix, ranks, heatmap, funnel
    municipality: str  # GM code, "NOT", or "" for charts about all of them
    title: str
    caption: str
    png: Path
    svg: Path


def render_all(result: ScoreResult, fig_dir: Path, *, workers: int = 1) -> list[Chart]:
    """Every chart of the report; charts without data are skipped rather than drawn empty."""
    return PendingCharts(result, fig_dir, workers).collect()


# One chart to draw: a _Context method and its arguments; `jobs` lists them in report order.
Job = tuple[str, tuple[str, ...]]
PER_MUNICIPALITY = ("priorities", "ranks", "matrix", "trends")
FOR_ALL = ("heatmap", "funnel", "progress")


def jobs(municipalities: list[str]) -> list[Job]:
    return [(m, (code,)) for code in municipalities for m in PER_MUNICIPALITY] + [(m, ()) for m in FOR_ALL]


class PendingCharts:
    """The charts of a report, drawn while the caller writes the tables.

    With workers > 1 each chart is drawn in a process of a pool (a fork server that imported this
    module once); every figure is built and saved by the same code as in one process, so the bytes
    are the same. With workers <= 1 the charts are drawn in this process by `collect`.
    """

    def __init__(self, result: ScoreResult, fig_dir: Path, workers: int = 1) -> None:
        self._ctx = _Context(result, fig_dir)
        self._jobs = jobs(self._ctx.municipalities)
        self._pool: ProcessPoolExecutor | None = None
        self._futures: list[Future[Chart | None]] = []
        if workers > 1 and len(self._jobs) > 1:
            mp = multiprocessing.get_context("forkserver")
            mp.set_forkserver_preload([__name__])
            self._pool = ProcessPoolExecutor(
                min(workers, len(self._jobs)),
                mp_context=mp,
                initializer=_start_worker,
                initargs=(result, fig_dir),
            )
            self._futures = [self._pool.submit(_draw, job) for job in self._jobs]

    def collect(self, done: Callable[[int, int], None] | None = None) -> list[Chart]:
        """Wait for every chart (in report order); `done(drawn, total)` after each."""
        charts: list[Chart | None] = []
        total = len(self._jobs)
        try:
            if self._pool is None:
                with figures.style():
                    for job in self._jobs:
                        charts.append(_make(self._ctx, job))
                        if done:
                            done(len(charts), total)
            else:
                for future in self._futures:
                    charts.append(future.result())
                    if done:
                        done(len(charts), total)
        finally:
            self.close()
        return [c for c in charts if c is not None]

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None


_worker: _Context | None = None


def _start_worker(result: ScoreResult, fig_dir: Path) -> None:
    global _worker
    _worker = _Context(result, fig_dir)


def _draw(job: Job) -> Chart | None:
    assert _worker is not None, "the pool's initializer sets the context"
    with figures.style():
        return _make(_worker, job)


def _make(ctx: _Context, job: Job) -> Chart | None:
    method, args = job
    make: Callable[..., Chart | None] = getattr(ctx, method)
    return make(*args)


class _Context:
    def __init__(self, result: ScoreResult, fig_dir: Path) -> None:
        self.r = result
        self.dir = fig_dir
        self.profile = views.default_profile(result)
        self.profile_label = views.profile_label(result, self.profile)
        self.municipalities = views.municipalities(result)
        self.names = views.municipality_labels(result)
        self.themes = views.theme_labels(result)

    def _save(
        self,
        fig: Figure,
        key: str,
        kind: str,
        code: str,
        title: str,
        caption: str,
        datasets: tuple[str, ...],
    ) -> Chart:
        figures.source_line(fig, views.source_line(self.r, datasets))
        png, svg = figures.save(fig, self.dir / key)
        return Chart(key, kind, code, title, caption, png, svg)

    def _ordered(self, code: str) -> pd.DataFrame:
        return views.scores_for(self.r, code, self.profile).sort_values(["rank", "theme"])

    def priorities(self, code: str) -> Chart | None:
        data = self._ordered(code)
        if data.empty:
            return None
        name = self.names[code]
        title = f"Prioriteiten {name} (profiel {self.profile_label})"
        fig, axes = figures.new_figure(17, 3 + 0.55 * len(data))
        level = self.r.method.get("interval_level")
        interval = f"{float(level) * 100:.0f}%-interval" if level else "onzekerheidsinterval"
        plot_priorities(axes[0, 0], data, title=title, xlabel=f"Score (0-100); lijn = {interval}")
        caption = (
            f"Thema's van {name} op volgorde van score; de lijn is het {interval} uit de Monte "
            "Carlo-simulatie, rechts de kans dat het thema in de top 3 staat en de onderbouwing (het deel "
            'van de weging dat op gegevens rust; "laag" onder 50 %). "2 (gelijk)": gedeelde rang bij gelijke '
            "score; thema's zonder score staan onderaan, zonder rang."
        )
        return self._save(fig, f"prioriteiten-{views.slug(name)}", "priorities", code, title, caption, ALL)

    def ranks(self, code: str) -> Chart | None:
        rp = self.r.rank_probabilities
        data = rp[(rp["municipality"].astype(str) == code) & (rp["profile"].astype(str) == self.profile)]
        order = [str(t) for t in self._ordered(code)["theme"]]
        if data.empty or not order:
            return None
        name = self.names[code]
        title = f"Kans op elke rang: {name} (profiel {self.profile_label})"
        fig, axes = figures.new_figure(17, 3 + 0.5 * len(order))
        plot_rank_probabilities(axes[0, 0], data, order, self.themes, title=title)
        caption = (
            "Hoe vaak elk thema in de simulatie op elke rang uitkomt. Een brede spreiding betekent "
            "dat de volgorde onder kleine veranderingen kan omslaan."
        )
        return self._save(fig, f"rangkansen-{views.slug(name)}", "ranks", code, title, caption, ALL)

    def matrix(self, code: str) -> Chart | None:
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
        fig, axes = figures.new_figure(17, 13)
        plot_matrix(
            axes[0, 0],
            frame,
            title=title,
            xlabel=f"Score profiel {views.profile_label(self.r, views.FACTS_PROFILE)} (0-100)",
            ylabel=f"Score profiel {views.profile_label(self.r, views.PERCEPTION_PROFILE)} (0-100)",
        )
        caption = (
            "Rechtsboven: thema's die zowel in de registraties als in beleving en het oordeel van "
            "professionals hoog scoren."
        )
        return self._save(fig, f"feiten-beleving-{views.slug(name)}", "matrix", code, title, caption, ALL)

    def trends(self, code: str) -> Chart | None:
        tr = self.r.trends
        data = tr[tr["municipality"].astype(str) == code]
        if data.empty:
            return None
        present = set(data["theme"].astype(str))
        order = [t for t in self._ordered(code)["theme"].astype(str) if t in present]
        order += sorted(present - set(order))
        ncols = 3
        nrows = math.ceil(len(order) / ncols)
        name = self.names[code]
        title = f"Ontwikkeling per thema: {name}"
        fig, axes = figures.new_figure(17, 1.5 + 4.2 * nrows, nrows, ncols, sharex=True)
        fig.suptitle(title, x=0.0, ha="left", fontweight="bold", fontsize=10)
        flat = list(axes.ravel())
        for ax, theme in zip(flat, order, strict=False):
            plot_trend(
                ax,
                data[data["theme"].astype(str) == theme],
                title=views.theme_label(self.r, theme, self.themes),
                series_break=views.series_break(self.r),
            )
        figures.hide_unused(flat[len(order) :])
        caption = (
            "Geregistreerde aantallen met 95%-interval (exacte Poisson); bij maandcijfers per 12 maanden "
            "(punt op de laatste maand van elke periode), de losse maanden lichtgrijs op de achtergrond. "
            "Valt juli 2018 binnen de reeks, dan markeert een stippellijn de trendbreuk (samenloop van "
            "delicten sindsdien apart geteld). "
            + gap_caption(
                {
                    views.theme_label(self.r, t, self.themes): data[data["theme"].astype(str) == t]
                    for t in order
                }
            )
        ).strip()
        return self._save(fig, f"trends-{views.slug(name)}", "trends", code, title, caption, POLICE)

    def heatmap(self) -> Chart | None:
        s = self.r.scores
        data = s[s["profile"].astype(str) == self.profile]
        if data.empty:
            return None
        wide = data.pivot_table(index="theme", columns="municipality", values="score", aggfunc="first")
        cols = [c for c in self.municipalities if c in wide.columns]
        anchor = REGION_NOT if REGION_NOT in cols else cols[-1]
        wide = wide[cols].sort_values(anchor, ascending=False)
        wide.index = [views.theme_label(self.r, str(t), self.themes) for t in wide.index]
        wide.columns = [self.names[c] for c in cols]
        title = f"Scores per thema en gemeente (profiel {self.profile_label})"
        fig, axes = figures.new_figure(17, 3 + 0.6 * len(wide))
        plot_heatmap(axes[0, 0], wide, title=title)
        caption = (
            "Score 0-100 per thema en gemeente; thema's op volgorde van de score voor Noordoost Twente. "
            "– = geen score (geen gegevens), niet 0."
        )
        return self._save(fig, "heatmap-thema-gemeente", "heatmap", "", title, caption, ALL)

    def funnel(self) -> Chart | None:
        fu = self.r.funnel
        if fu.empty:
            return None
        themes = list(dict.fromkeys(fu["theme"].astype(str)))
        ncols = 3
        nrows = math.ceil(len(themes) / ncols)
        ref = str(self.r.method.get("reference_area") or "het referentiegebied")
        ref_name = labels.area(ref)
        title = f"Trechterdiagrammen: gemeenten tegen {ref_name}"
        # an extra thin row holds the shared legend, so it never covers a title or the source line
        fig, axes = figures.new_figure(
            17, 2.5 + 5 * nrows, nrows + 1, ncols, gridspec_kw={"height_ratios": [1.0] * nrows + [0.2]}
        )
        fig.suptitle(title, x=0.0, ha="left", fontweight="bold", fontsize=10)
        flat = list(axes[:nrows].ravel())
        highlight = {c: self.names[c] for c in self.municipalities if c != REGION_NOT}
        for ax, theme in zip(flat, themes, strict=False):
            plot_funnel(
                ax,
                fu[fu["theme"].astype(str) == theme],
                highlight=highlight,
                title=views.theme_label(self.r, theme, self.themes),
                ylabel="Per 1.000 inwoners",
            )
        figures.hide_unused(flat[len(themes) :] + list(axes[nrows]))
        handles, names = flat[0].get_legend_handles_labels()
        legend = axes[nrows, ncols // 2].legend(handles, names, loc="center", ncols=4, fontsize=7)
        legend.set_in_layout(False)  # wider than its cell; the cells beside it are empty
        caption = (
            f"Aantal per 1.000 inwoners (laatste 12 maanden) tegen het aantal inwoners; de horizontale "
            f"lijn is {ref_name}, de stippellijnen zijn exacte Poisson-grenzen (95 % en 99,8 %). "
            "Een punt buiten de grenzen wijkt meer af dan toeval verklaart. "
            + left_out_caption(fu, highlight, {t: views.theme_label(self.r, t, self.themes) for t in themes})
        ).strip()
        return self._save(fig, "trechter-referentie", "funnel", "", title, caption, POLICE)

    def progress(self) -> Chart | None:
        vg = self.r.extras.get("voortgang")
        if vg is None or vg.empty:
            return None
        frame = vg.copy()
        frame["label"] = [municipality_label(str(m)) for m in frame["municipality"]]
        frame["label"] += [": " + views.theme_label(self.r, str(t), self.themes) for t in frame["theme"]]
        title = "Voortgang ten opzichte van het basisjaar"
        fig, axes = figures.new_figure(17, 3 + 0.6 * len(frame))
        plot_progress(axes[0, 0], frame, title=title)
        caption = (
            "Verandering van het cijfer ten opzichte van het basisjaar; groen = op koers, oranje = niet "
            "op koers, de streep is de streefwaarde uit de configuratie. Zonder balk: de basiswaarde of "
            "de huidige waarde is onbekend (maanden niet gepubliceerd of geheimgehouden), niet 0."
        )
        return self._save(fig, "voortgang", "progress", "", title, caption, POLICE)
