"""`compute`: the processed datasets as frames -> ScoreResult (criteria, scores, uncertainty, tables)."""

from __future__ import annotations

import functools
from collections.abc import Callable, MutableMapping

import numpy as np
import pandas as pd

from ivp_pipeline.catalogue import Catalogue
from ivp_pipeline.forked import Forked
from ivp_pipeline.problems import IvpError, Problem
from ivp_pipeline.regions import DEFAULT_REGION, RegionConfig, municipality_label, unit_order
from ivp_pipeline.scoring import facts, scales, tables
from ivp_pipeline.scoring.config import CRITERIA, ScoringConfig, for_region
from ivp_pipeline.scoring.criteria import criteria_frame
from ivp_pipeline.scoring.inputs import Inputs
from ivp_pipeline.scoring.keyfigures import Comparison, key_figures
from ivp_pipeline.scoring.localfigures import local_figures_table, volume_inputs
from ivp_pipeline.scoring.model import Model, criteria_arrays, ranks, stack, weighted_scores
from ivp_pipeline.scoring.montecarlo import Simulation, UnitSimulation, simulate
from ivp_pipeline.scoring.perception import perception_table
from ivp_pipeline.scoring.police import (
    WindowSums,
    inhabitants_at,
    population_lookup,
    published,
    theme_codes,
    theme_table,
)
from ivp_pipeline.scoring.professionals import professional_tables
from ivp_pipeline.scoring.result import ScoreResult
from ivp_pipeline.scoring.voices import voices_extras
from ivp_pipeline.scoring.wijken import wijk_table


def compute(
    inputs: Inputs,
    cfg: ScoringConfig,
    cat: Catalogue,
    comparison: Comparison | None = None,
    region: RegionConfig = DEFAULT_REGION,
    memo: MutableMapping[str, UnitSimulation] | None = None,
    meanwhile: Callable[[], object] | None = None,
    side_tables: SideTables | None = None,
) -> ScoreResult:
    """Score every theme for each municipality in scope and for the region as a whole.

    `comparison` (peers, evaluation baseline year) shapes the key figures (scoring/keyfigures.py).
    `region` (the `[region]` of ivp.toml) gives the region total its code and name, the basisteam and
    the defaults of the scope and the reference areas. `memo` keeps the Monte Carlo of each unit
    between runs (scoring/montecarlo.py `simulate`): a unit whose inputs did not change is not
    simulated again, with the same numbers. `meanwhile` is called once this process has done its
    own part, while the forked children still compute (work of the caller's that would otherwise
    wait: `ivp score` imports its report writers). `side_tables`: the tables made from the inputs
    alone (`_side_tables`), kept from a run with the same inputs except the survey (steps/sidecache.py):
    taken as they are instead of made again.
    """
    cfg = for_region(cfg, region)
    clean = facts.clean_police(inputs.police)
    scope = list(cfg.municipalities)
    _require_police(clean, scope)
    kind = facts.period_kind(clean, scope)
    avail = facts.available_periods(clean, kind)
    # Each police table keeps its own windows: a short overlast file never moves the crime window.
    windows = facts.measure_windows(avail, scope, kind, cfg.baseline_years, cfg.series_break)
    w = windows.get("crime") or next(iter(windows.values()))
    # the one reading order of every table: municipalities by name, then the region (regions.unit_order)
    units: dict[str, tuple[str, ...]] = {m: (m,) for m in unit_order(scope)}
    units[region.code] = tuple(scope)
    ref = _reference(clean, inputs.population, kind, cfg)
    all_units = {**units, **({ref: (ref,)} if ref else {})}
    series = facts.unit_series(clean, all_units, kind)
    theme_ids = sorted(cat.themes)
    # the province and Nederland are the scoring's reference areas; peers and baseline as configured
    given = comparison or Comparison()
    comparison = Comparison(cfg.reference_area, cfg.fallback_reference_area, given.peers, given.baseline_year)
    # The tables made from the inputs alone (key figures, trends, funnel, voices, local figures,
    # wijken) are made beside the model and the Monte Carlo, in a forked child (forked.py).
    side = None if side_tables is not None else Forked(
        functools.partial(
            _side_tables, inputs, cat, clean, series, units, all_units, windows, kind, ref,
            comparison, region.code,
        )
    )  # fmt: skip
    try:
        inh = _inhabitants(inputs.population, all_units, w, scope)
        # read once: theme_table and indicators_frame share it (by numpy when the series allows)
        sums = WindowSums.of(series, windows)
        pub = None if sums is not None else published(series, windows)
        theme_tab, code_tab = theme_table(pub, theme_codes(cat), windows, inh, sums)

        pairs = pd.DataFrame([(u, t) for u in units for t in theme_ids], columns=["unit", "theme"])
        perception = perception_table(inputs.survey, cat, units, cfg, region.basisteam)
        prof_tab, prof_groups = professional_tables(inputs.professional, list(units), theme_ids, region.code)
        m = _model(pairs, theme_tab, code_tab, perception, prof_groups, ref)
        # local figures feed the volume criterion only where the catalogue names them (docs/method.md 7b)
        local_in = volume_inputs(inputs.local_figures, inputs.population, units, cat)
        if len(local_in):
            index = {(u, t): i for i, (u, t) in enumerate(zip(pairs["unit"], pairs["theme"], strict=True))}
            m.local_pair = np.array([index[k] for k in zip(local_in["unit"], local_in["theme"], strict=True)])
            m.local_scaled = scales.volume(local_in["rate"].to_numpy(float))

        point = criteria_arrays(
            m, m.code_x[None, :], m.x0[None, :], m.ind_value[None, :], m.prof_point()[None, :]
        )
        s_point = stack(point)
        profiles = {n: np.array([p.weights()[c] for c in CRITERIA]) for n, p in cfg.all_profiles().items()}
        # Composite themes (ranked = false in the catalogue) are scored but not ranked against their parts.
        ranked = pairs["theme"].map({t.id: t.ranked for t in cat.themes.values()}).to_numpy(bool)
        groups = [np.flatnonzero((pairs["unit"].to_numpy() == u) & ranked) for u in units]
        # The Monte Carlo runs beside the tables that do not need it (a forked child too), from the
        # model as it is now; the kept units come back with its result.
        running = Forked(
            functools.partial(
                _simulate_kept,
                m,
                profiles,
                groups,
                cfg.seed,
                cfg.draws,
                cfg.weight_concentration,
                cfg.top_n,
                None if memo is None else dict(memo),
            )
        )
        try:
            criteria = criteria_frame(
                m, theme_tab, perception, prof_tab, point, w.label("baseline"), ref or ""
            )
            criteria = _local_notes(criteria, local_in)
            indicators = tables.indicators_frame(
                clean, code_tab, pub, windows, all_units, inh, perception, cfg, list(units), sums
            )
            if meanwhile is not None:
                meanwhile()
            sim, kept = running.result()
        finally:
            running.close()
        if side is not None:
            extras, trends, funnel = side.result()
        else:
            assert side_tables is not None
            extras, trends, funnel = dict(side_tables[0]), side_tables[1], side_tables[2]
    finally:
        if side is not None:
            side.close()
    if memo is not None:
        memo.clear()
        memo.update(kept)

    score_rows, rank_rows = [], []
    for name, wts in profiles.items():
        sc, cov = weighted_scores(s_point, wts[None, :])
        rk = ranks(sc, groups)[0]
        low, high = sim.low[name], sim.high[name]
        dist = np.full((len(pairs), len(theme_ids)), np.nan)
        dist[:, : sim.rank_dist[name].shape[1]] = sim.rank_dist[name]
        dist[~np.isnan(dist[:, 0]), sim.rank_dist[name].shape[1] :] = 0.0
        p_top = np.where(np.isnan(rk), np.nan, dist[:, : cfg.top_n].sum(axis=1))
        frame = pairs.copy()
        frame["profile"] = name
        frame["score"], frame["score_low"], frame["score_high"] = sc[0], low, high
        frame["rank"], frame["p_top3"], frame["coverage"] = rk, p_top, cov[0]
        score_rows.append(frame)
        pair_list = list(zip(pairs["unit"], pairs["theme"], strict=True))
        for p, (unit, theme) in enumerate(pair_list):
            rank_rows += [(unit, name, theme, r + 1, float(dist[p, r])) for r in range(len(theme_ids))]

    # The professionals' interval comes from the bootstrap (there is no closed form).
    p_low, p_high = sim.professionals
    is_prof = (criteria["criterion"] == "professionals").to_numpy()
    criteria.loc[is_prof, "raw_low"] = np.where(np.isnan(criteria.loc[is_prof, "raw"]), np.nan, p_low)
    criteria.loc[is_prof, "raw_high"] = np.where(np.isnan(criteria.loc[is_prof, "raw"]), np.nan, p_high)
    scores = tables.scores_frame(
        pd.concat(score_rows, ignore_index=True), cat, cfg, theme_tab, perception, kind, region
    )
    scores = _local_flags(scores, local_in)
    return ScoreResult(
        scores=scores,
        criteria=criteria,
        indicators=indicators,
        trends=trends,
        rank_probabilities=pd.DataFrame(
            rank_rows, columns=["municipality", "profile", "theme", "rank", "probability"]
        ),
        professionals=prof_tab,
        perception=tables.perception_frame(perception),
        funnel=funnel,
        sources=tables.sources_frame(inputs.manifest),
        method={
            **_method(cfg, cat, w, ref, windows, perception),
            "draws": sim.draws,
            "region": {region.code: region.name},
            "peers": list(comparison.peers),
        },
        extras=extras,
        region=region,
    )


# (extras, trends, funnel): what `_side_tables` makes
SideTables = tuple[dict[str, pd.DataFrame], pd.DataFrame, pd.DataFrame]


def _side_tables(
    inputs: Inputs,
    cat: Catalogue,
    clean: pd.DataFrame,
    series: pd.DataFrame,
    units: dict[str, tuple[str, ...]],
    all_units: dict[str, tuple[str, ...]],
    windows: dict[str, facts.Windows],
    kind: str,
    ref: str | None,
    comparison: Comparison,
    region_code: str,
) -> SideTables:
    """(extras, trends, funnel): the tables of the result that need neither the model nor the Monte
    Carlo (run in the background)."""
    w = windows.get("crime") or next(iter(windows.values()))
    codes = theme_codes(cat)
    theme_ids = sorted(cat.themes)
    extras = {
        **key_figures(clean, inputs.population, cat, units, windows, kind, comparison, (series, all_units)),
        **voices_extras(inputs.professional, list(units), theme_ids, region_code),
        "local_figures": local_figures_table(inputs.local_figures, inputs.population, units),
        "wijken": wijk_table(inputs.wijken, inputs.population, codes),
    }
    trends = tables.trends_frame(
        series, codes, inputs.population, all_units, list(units), w.kind, w.latest_end
    )
    funnel = tables.funnel_frame(
        clean, inputs.population, cat, windows, ref, list(units), (series, all_units)
    )
    return extras, trends, funnel


def _simulate_kept(
    m: Model,
    profiles: dict[str, np.ndarray],
    groups: list[np.ndarray],
    seed: int,
    draws: int,
    concentration: float,
    top_n: int,
    memo: dict[str, UnitSimulation] | None,
) -> tuple[Simulation, dict[str, UnitSimulation]]:
    """`simulate`, and the units it kept (run in the background: the memo comes back by value)."""
    sim = simulate(m, profiles, groups, seed, draws, concentration, top_n, memo)
    return sim, memo if memo is not None else {}


LOCAL_UNKNOWN = "local_figure_unknown"


def _local_notes(criteria: pd.DataFrame, local_in: pd.DataFrame) -> pd.DataFrame:
    """The volume row's note names each local figure it uses: count, rate, scaled value and source."""
    if local_in.empty:
        return criteria
    notes: dict[tuple[str, str], list[str]] = {}
    for r in local_in.to_dict("records"):
        start = pd.Timestamp(r["period_start"])
        period = (
            "geen periode"
            if pd.isna(start)
            else str(start.year if r["period_kind"] == "year" else start.date())
        )
        if np.isnan(r["rate"]):
            text = f"lokaal cijfer {r['figure']} {period}: onbekend (telt als de politie-omvang)"
        else:
            text = (
                f"lokaal cijfer {r['figure']} {period}: {r['value']:.0f} = {r['rate']:.2f} per 1.000 "
                f"-> {float(scales.volume(r['rate'])):.1f} ({r['source']})"
            )
        notes.setdefault((str(r["unit"]), str(r["theme"])), []).append(text)
    out = criteria.copy()
    vol = out["criterion"] == "volume"
    for i in out.index[vol]:
        extra = notes.get((str(out.at[i, "municipality"]), str(out.at[i, "theme"])))
        if extra:
            out.at[i, "note"] = "; ".join([str(out.at[i, "note"]), *extra]).lstrip("; ")
    return out


def _local_flags(scores: pd.DataFrame, local_in: pd.DataFrame) -> pd.DataFrame:
    """`local_figure_unknown` on a score whose theme names a local figure the unit lacks."""
    if local_in.empty:
        return scores
    lacking = local_in[local_in["rate"].isna()]
    keys = set(zip(lacking["unit"].astype(str), lacking["theme"].astype(str), strict=True))
    hit = [(str(u), str(t)) in keys for u, t in zip(scores["municipality"], scores["theme"], strict=True)]
    out = scores.copy()
    out.loc[hit, "flags"] = [f"{f};{LOCAL_UNKNOWN}" if f else LOCAL_UNKNOWN for f in out.loc[hit, "flags"]]
    return out


def _require_police(clean: pd.DataFrame, scope: list[str]) -> None:
    have = facts.values_where(clean, "area_code", clean["counted"].to_numpy(dtype=bool))
    missing = [m for m in scope if m not in have]
    if missing:
        raise IvpError(
            *_problems(
                "no-police-data",
                "geen politiecijfers voor deze gemeente",
                missing,
                "voer eerst ivp ingest uit, met politiebestanden voor elke gemeente",
            )
        )


def _problems(code: str, msg: str, values: list[str], hint: str) -> tuple[Problem, list[Problem]]:
    probs = [Problem(code, f"{msg}: {municipality_label(v)}", value=v, hint=hint) for v in values]
    return probs[0], probs[1:]


def _reference(clean: pd.DataFrame, population: pd.DataFrame, kind: str, cfg: ScoringConfig) -> str | None:
    """The configured reference area when it has police figures and population, else the fallback."""
    for area in (cfg.reference_area, cfg.fallback_reference_area):
        has_police = bool(
            (
                facts.rows_with(clean, "area_code", [area])
                & clean["counted"].to_numpy(dtype=bool)
                & facts.rows_with(clean, "period_kind", [kind])
            ).any()
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
                "geen bevolkingscijfers voor deze gemeente",
                missing,
                "lees er een bevolkingsbestand voor in (CBS 03759ned of 85984NED)",
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
    keep = np.array([(u, t) in index for u, t in zip(codes["unit"], codes["theme"], strict=True)], dtype=bool)
    codes = codes[keep]
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


# Sources whose windows end further apart than this are reported (method["windows_apart"]).
WINDOWS_APART_MONTHS = 3


def source_windows(
    windows: dict[str, facts.Windows], perception: pd.DataFrame
) -> tuple[dict[str, str], bool]:
    """({"crime": "2025-11 t/m 2026-10", "overlast": ..., "survey": "2025"}, police tables end > 3
    months apart). The survey year is stated but not compared: surveys are yearly and always lag."""
    out = {m: w.dutch("latest") for m, w in windows.items()}
    years = sorted({int(y) for y in perception["year"]}) if len(perception) else []
    if years:
        out["survey"] = f"{years[0]}" if years[0] == years[-1] else f"{years[0]} t/m {years[-1]}"
    ends = [w.latest_end for w in windows.values()]
    gap = (max(ends).year - min(ends).year) * 12 + max(ends).month - min(ends).month if ends else 0
    return out, gap > WINDOWS_APART_MONTHS


def _method(
    cfg: ScoringConfig,
    cat: Catalogue,
    w: facts.Windows,
    ref: str | None,
    windows: dict[str, facts.Windows],
    perception: pd.DataFrame,
) -> dict[str, object]:
    labels, apart = source_windows(windows, perception)
    return {
        "windows": labels,
        "windows_apart": apart,
        "min_published_share": facts.MIN_PUBLISHED_SHARE,
        "composite_themes": sorted(t.id for t in cat.themes.values() if not t.ranked),
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
        "draws": cfg.draws,  # replaced by the draws made (adaptive stop); the cap is draws_max
        "draws_max": cfg.draws,
        "weight_concentration": cfg.weight_concentration,
        "top_n": cfg.top_n,
        "municipalities": list(cfg.municipalities),
        "scales": {
            "volume": scales.VOLUME_ANCHORS,
            "harm": scales.HARM_ANCHORS,
            "ratio_span": scales.RATIO_SPAN,
            "perception_span": scales.PERCEPTION_SPAN,
        },
        "interval_level": 0.95,
        "public": False,
    }
