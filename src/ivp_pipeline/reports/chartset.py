"""Which charts the report has: builds each figure from the ScoreResult and saves it as PNG and SVG."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from ivp_pipeline.regions import REGION_NOT, municipality_label
from ivp_pipeline.reports import figures, labels, views
from ivp_pipeline.reports.charts.funnel import plot_funnel
from ivp_pipeline.reports.charts.heatmap import plot_heatmap
from ivp_pipeline.reports.charts.matrix import plot_matrix
from ivp_pipeline.reports.charts.priorities import plot_priorities
from ivp_pipeline.reports.charts.progress import plot_progress
from ivp_pipeline.reports.charts.ranks import plot_rank_probabilities
from ivp_pipeline.reports.charts.trends import plot_trend

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


def render_all(result: ScoreResult, fig_dir: Path) -> list[Chart]:
    """Every chart of the report; charts without data are skipped rather than drawn empty."""
    ctx = _Context(result, fig_dir)
    charts: list[Chart] = []
    with figures.style():
        for code in ctx.municipalities:
            for make in (ctx.priorities, ctx.ranks, ctx.matrix, ctx.trends):
                chart = make(code)
                if chart is not None:
                    charts.append(chart)
        for chart in (ctx.heatmap(), ctx.funnel(), ctx.progress()):
            if chart is not None:
                charts.append(chart)
    return charts


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
            "Carlo-simulatie, rechts de kans dat het thema in de top 3 staat."
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
            "delicten sindsdien apart geteld)."
        )
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
        caption = "Score 0-100 per thema en gemeente; thema's op volgorde van de score voor Noordoost Twente."
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
            "Een punt buiten de grenzen wijkt meer af dan toeval verklaart."
        )
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
            "op koers, de streep is de streefwaarde uit de configuratie."
        )
        return self._save(fig, "voortgang", "progress", "", title, caption, POLICE)
