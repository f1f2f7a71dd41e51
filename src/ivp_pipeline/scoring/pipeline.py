"""`compute`: the processed datasets as frames -> ScoreResult (criteria, scores, uncertainty, tables)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ivp_pipeline.catalogue import Catalogue
from ivp_pipeline.problems import IvpError, Problem
from ivp_pipeline.regions import REGION_NOT, municipality_label, unit_order
from ivp_pipeline.scoring import facts, scales, tables
from ivp_pipeline.scoring.config import CRITERIA, ScoringConfig
from ivp_pipeline.scoring.criteria import criteria_frame
from ivp_pipeline.scoring.inputs import Inputs
from ivp_pipeline.scoring.model import Model, criteria_arrays, ranks, stack, weighted_scores
from ivp_pipeline.scoring.montecarlo import interval, rank_distribution, simulate
from ivp_pipeline.scoring.perception import perception_table
from ivp_pipeline.scoring.police import inhabitants_at, population_lookup, theme_codes, theme_table
from ivp_pipeline.scoring.professionals import professional_tables
from ivp_pipeline.scoring.result import ScoreResult


def compute(inputs: Inputs, cfg: ScoringConfig, cat: Catalogue) -> ScoreResult:
    """Score every theme for each municipality in scope and for Noordoost Twente as a whole."""
    clean = facts.clean_police(inputs.police)
    scope = list(cfg.municipalities)
    _require_police(clean, scope)
    kind = facts.period_kind(clean, scope)
    avail = facts.available_periods(clean, kind)
    w = facts.choose_windows(avail, scope, kind, cfg.baseline_years, cfg.series_break)
    # the one reading order of every table: municipalities by name, then the region (regions.unit_order)
    units: dict[str, tuple[str, ...]] = {m: (m,) for m in unit_order(scope)}
    units[REGION_NOT] = tuple(scope)
    ref = _reference(clean, inputs.population, kind, cfg)
    all_units = {**units, **({ref: (ref,)} if ref else {})}
    series = facts.unit_series(clean, avail, all_units, kind)
    periods = {u: facts.unit_periods(avail, a) for u, a in all_units.items()}
    inh = _inhabitants(inputs.population, all_units, w, scope)
    theme_tab, code_tab = theme_table(series, theme_codes(cat), w, periods, inh)

    theme_ids = sorted(cat.themes)
    pairs = pd.DataFrame([(u, t) for u in units for t in theme_ids], columns=["unit", "theme"])
    perception = perception_table(inputs.survey, cat, units, cfg)
    prof_tab, prof_groups = professional_tables(inputs.professional, list(units), theme_ids)
    m = _model(pairs, theme_tab, code_tab, perception, prof_groups, ref)

    point = criteria_arrays(
        m, m.code_x[None, :], m.x0[None, :], m.ind_value[None, :], m.prof_point()[None, :]
    )
    s_point = stack(point)
    profiles = {n: np.array([p.weights()[c] for c in CRITERIA]) for n, p in cfg.all_profiles().items()}
    groups = [np.flatnonzero(pairs["unit"].to_numpy() == u) for u in units]
    sim = simulate(m, profiles, groups, cfg.seed, cfg.draws, cfg.weight_concentration)

    score_rows, rank_rows = [], []
    for name, wts in profiles.items():
        sc, cov = weighted_scores(s_point, wts[None, :])
        rk = ranks(sc, groups)[0]
        low, high = interval(sim.scores[name])
        dist = rank_distribution(sim.ranks[name], len(theme_ids))
        p_top = dist[:, : cfg.top_n].sum(axis=1)
        frame = pairs.copy()
        frame["profile"] = name
        frame["score"], frame["score_low"], frame["score_high"] = sc[0], low, high
        frame["rank"], frame["p_top3"], frame["coverage"] = rk, p_top, cov[0]
        score_rows.append(frame)
        pair_list = list(zip(pairs["unit"], pairs["theme"], strict=True))
        for p, (unit, theme) in enumerate(pair_list):
            rank_rows += [(unit, name, theme, r + 1, float(dist[p, r])) for r in range(len(theme_ids))]

    criteria = criteria_frame(m, theme_tab, perception, prof_tab, point, w.label("baseline"), ref or "")
    # The professionals' interval comes from the bootstrap (there is no closed form).
    p_low, p_high = interval(sim.professionals)
    is_prof = (criteria["criterion"] == "professionals").to_numpy()
    criteria.loc[is_prof, "raw_low"] = np.where(np.isnan(criteria.loc[is_prof, "raw"]), np.nan, p_low)
    criteria.loc[is_prof, "raw_high"] = np.where(np.isnan(criteria.loc[is_prof, "raw"]), np.nan, p_high)
    scores = tables.scores_frame(
        pd.concat(score_rows, ignore_index=True), cat, cfg, theme_tab, perception, kind
    )
    return ScoreResult(
        scores=scores,
        criteria=criteria,
        indicators=tables.indicators_frame(
            clean, avail, code_tab, series, w, all_units, inh, perception, cfg, list(units)
        ),
        trends=tables.trends_frame(
            series, theme_codes(cat), inputs.population, all_units, list(units), w.kind, w.latest_end
        ),
        rank_probabilities=pd.DataFrame(
            rank_rows, columns=["municipality", "profile", "theme", "rank", "probability"]
        ),
        professionals=prof_tab,
        perception=tables.perception_frame(perception),
        funnel=tables.funnel_frame(clean, avail, inputs.population, cat, w, ref, list(units)),
        sources=tables.sources_frame(inputs.manifest),
        method=_method(cfg, cat, w, ref),
    )


def _require_police(clean: pd.DataFrame, scope: list[str]) -> None:
    have = set(clean.loc[clean["counted"], "area_code"])
    missing = [m for m in scope if m not in have]
    if missing:
        raise IvpError(
            *_problems(
                "no-police-data",
                "no police figures for this municipality",
                missing,
                "run ivp ingest first, with police files for every municipality",
            )
        )


def _problems(code: str, msg: str, values: list[str], hint: str) -> tuple[Problem, list[Problem]]:
    probs = [Problem(code, f"{msg}: {municipality_label(v)}", value=v, hint=hint) for v in values]
    return probs[0], probs[1:]


def _reference(clean: pd.DataFrame, population: pd.DataFrame, kind: str, cfg: ScoringConfig) -> str | None:
    """The configured reference area when it has police figures and population, else the fallback."""
    for area in (cfg.reference_area, cfg.fallback_reference_area):
        has_police = bool(
            ((clean["area_code"] == area) & clean["counted"] & (clean["period_kind"] == kind)).any()
        )
        if has_police and bool((population["area_code"] == area).any()):
            return area
    return None


def _inhabitants(
    population: pd.DataFrame, units: dict[str, tuple[str, ...]], w: facts.Windows, scope: list[str]
) -> dict[str, tuple[float, float]]:
    missing = [m for m in scope if not bool((population["area_code"] == m).any())]
    if missing:
        raise IvpError(
            *_problems(
                "no-population",
                "no population figures for this municipality",
                missing,
                "ingest a population file (CBS 03759ned or 85984NED) for it",
            )
        )
    lookup = population_lookup(population)
    year1 = int(w.latest_end.year)
    year0 = year1
    if w.baseline_start is not None and w.baseline_end is not None:
        year0 = int((w.baseline_start + (w.baseline_end - w.baseline_start) / 2).year)
    return {u: (inhabitants_at(lookup, a, year1), inhabitants_at(lookup, a, year0)) for u, a in units.items()}


def _model(
    pairs: pd.DataFrame,
    theme_tab: pd.DataFrame,
    code_tab: pd.DataFrame,
    perception: pd.DataFrame,
    prof_groups: dict[tuple[str, str], list[np.ndarray]],
    ref: str | None,
) -> Model:
    index = {(u, t): i for i, (u, t) in enumerate(zip(pairs["unit"], pairs["theme"], strict=True))}

    def pair_of(frame: pd.DataFrame) -> np.ndarray:
        """The row of `pairs` (unit x theme) each row of `frame` belongs to."""
        keys = zip(frame["unit"], frame["theme"], strict=True)
        return np.array([index[k] for k in keys], dtype=np.int64)

    codes = code_tab[code_tab["count"].notna()]
    codes = codes[[(u, t) in index for u, t in zip(codes["unit"], codes["theme"], strict=True)]]
    t = pairs.merge(theme_tab, on=["unit", "theme"], how="left")
    refs = theme_tab[theme_tab["unit"] == ref].set_index("theme") if ref else None
    ref_x = np.array(
        [refs.at[th, "x1"] if refs is not None and th in refs.index else np.nan for th in pairs["theme"]],
        dtype=float,
    )
    ref_py = np.array(
        [refs.at[th, "py1"] if refs is not None and th in refs.index else np.nan for th in pairs["theme"]],
        dtype=float,
    )
    ind = perception[perception["comparison_value"].notna()]
    return Model(
        pairs=pairs,
        code_pair=pair_of(codes),
        code_x=codes["count"].to_numpy(float),
        code_w=codes["harm_weight"].to_numpy(float),
        x0=t["x0"].to_numpy(float),
        py1=t["py1"].to_numpy(float),
        py0=t["py0"].to_numpy(float),
        ref_x=ref_x,
        ref_py=ref_py,
        ind_pair=pair_of(ind),
        ind_value=ind["value"].to_numpy(float),
        ind_comp=ind["comparison_value"].to_numpy(float),
        ind_margin=ind["margin"].to_numpy(float),
        ind_sign=np.where(ind["direction"] == "higher_worse", 1.0, -1.0),
        prof_groups={index[k]: [g.astype(float) for g in v] for k, v in prof_groups.items() if k in index},
    )


def _method(cfg: ScoringConfig, cat: Catalogue, w: facts.Windows, ref: str | None) -> dict[str, object]:

    return {
        "catalogue_version": cat.version,
        "profiles": {n: p.weights() for n, p in cfg.all_profiles().items()},
        "profile_labels": {n: p.label or n for n, p in cfg.all_profiles().items()},
        "default_profile": cfg.default_profile,
        "small_number_threshold": cfg.small_number_threshold,
        "reference_area": ref or "",
        "reference_area_configured": cfg.reference_area,
        "period_kind": w.kind,
        "latest_window": w.label("latest"),
        "latest_complete_period": str(w.latest_end.date()),
        "baseline_window": w.label("baseline"),
        "series_break": cfg.series_break,
        "seed": cfg.seed,
        "draws": cfg.draws,
        "weight_concentration": cfg.weight_concentration,
        "top_n": cfg.top_n,
        "municipalities": list(cfg.municipalities),
        "region": {REGION_NOT: municipality_label(REGION_NOT)},
        "scales": {
            "volume": scales.VOLUME_ANCHORS,
            "harm": scales.HARM_ANCHORS,
            "ratio_span": scales.RATIO_SPAN,
            "perception_span": scales.PERCEPTION_SPAN,
        },
        "interval_level": 0.95,
        "public": False,
    }
