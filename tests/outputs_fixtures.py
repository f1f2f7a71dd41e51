"""A synthetic ScoreResult for the output tests: four NOT municipalities plus NOT, 12 themes, 3 profiles.

Numbers are made up but shaped like the real thing (small counts, Poisson intervals, rank
probabilities that sum to one); two text cells carry formula-injection payloads.

`gaps=True` adds the missing-evidence cases of the scoring contract (issue 10), see GAPS below.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ivp_pipeline.regions import DEFAULT_REGION
from ivp_pipeline.scoring import result as R
from ivp_pipeline.scoring.result import ScoreResult
from ivp_pipeline.scoring.stats import poisson_ci
from ivp_pipeline.scoring.tables import rolling_years

MUNICIPALITIES = DEFAULT_REGION.labels()  # the four NOT municipalities, then NOT
INHABITANTS = {"GM1774": 26735, "GM0168": 23385, "GM0173": 31780, "GM0183": 21390}
INHABITANTS["NOT"] = sum(INHABITANTS.values())
THEMES = {
    "woninginbraak": ("Woninginbraak", "Veilige woon- en leefomgeving"),
    "high_impact_crime": ("High impact crime", "Veilige woon- en leefomgeving"),
    "geweld": ("Geweld", "Veilige woon- en leefomgeving"),
    "huiselijk_geweld": ("Huiselijk geweld", "Zorg en veiligheid"),
    "leefbaarheid": ("Leefbaarheid en vernieling", "Veilige woon- en leefomgeving"),
    "jeugd": ("Jeugdoverlast en -criminaliteit", "Jeugd en veiligheid"),
    "drugs_alcohol": ("Drugs- en alcoholoverlast", "Jeugd en veiligheid"),
    "zorg_veiligheid": ("Zorg en veiligheid", "Zorg en veiligheid"),
    "ondermijning": ("Ondermijning", "Integriteit en veiligheid"),
    "digitale_criminaliteit": ("Digitale criminaliteit", "Integriteit en veiligheid"),
    "verkeer": ("Verkeersveiligheid", "Fysieke veiligheid"),
    "bedrijvigheid": ("Bedrijvigheid en veiligheid", "Bedrijvigheid en veiligheid"),
}
PROFILES = {
    "evenwichtig": {
        "volume": 0.2,
        "harm": 0.2,
        "trend": 0.1,
        "comparison": 0.1,
        "perception": 0.2,
        "professionals": 0.2,
    },
    "feiten": {
        "volume": 0.35,
        "harm": 0.35,
        "trend": 0.15,
        "comparison": 0.15,
        "perception": 0.0,
        "professionals": 0.0,
    },
    "beleving_professionals": {
        "volume": 0.05,
        "harm": 0.05,
        "trend": 0.0,
        "comparison": 0.0,
        "perception": 0.45,
        "professionals": 0.45,
    },
}
CRITERIA = ("volume", "harm", "trend", "comparison", "perception", "professionals")
INJECTION_NOTE = '=HYPERLINK("http://example.invalid","klik")'
PHONE_NOTE = "+31 6 12345678 belde over overlast"
WINDOWS = {
    "crime": "januari 2025 t/m december 2025",
    "overlast": "januari 2024 t/m december 2024",
    "survey": "2023",
}
# The missing-evidence cases make_result(gaps=True) plants, as the scoring renders them:
UNSCORED = ("GM0183", "bedrijvigheid")  # Tubbergen: no evidence at all -> no score, no rank
TIED = ("GM0168", 2)  # Losser: the themes at ranks 2 and 3 get the same score -> both rank 2, flag tied
LOW_COVERAGE = ("GM1774", "huiselijk_geweld", 0.3)  # Dinkelland: professionals only (30 % of the weight)
INCOMPLETE = ("GM0173", "woninginbraak", 7)  # Oldenzaal: 7 of 12 months published -> onvolledig
UNKNOWN_INDICATOR = ("GM0183", "verkeer")  # Tubbergen: count unknown without an incomplete window
GAP_MONTHS = (
    "2025-03-01",
    "2025-04-01",
    "2025-05-01",
    "2025-06-01",
    "2025-07-01",
)  # Oldenzaal woninginbraak: suppressed months


def make_result(
    *,
    seed: int = 7,
    with_voortgang: bool = True,
    n_themes: int = 12,
    first_month: str = "2017-01-01",
    gaps: bool = False,
) -> ScoreResult:
    """The full synthetic result; fewer themes or months make a quicker one for rendering twice."""
    rng = np.random.default_rng(seed)
    muns = list(MUNICIPALITIES)
    themes = list(THEMES)[:n_themes]
    base = {t: rng.uniform(0.2, 3.0) for t in themes}  # monthly crimes per 1,000 in NOT

    # --- trends: monthly counts Jan 2017 - Dec 2025, so the July 2018 break is in range
    months = pd.date_range(first_month, "2025-12-01", freq="MS")
    trend_rows = []
    for m in muns:
        if m == "NOT":
            continue
        for t in themes:
            lam = base[t] * INHABITANTS[m] / 1000 / 12
            counts = rng.poisson(lam, len(months))
            lo, hi = poisson_ci(counts)
            for d, c, a, b in zip(months, counts, lo, hi, strict=True):
                trend_rows.append((m, t, d, int(c), a, b, INHABITANTS[m], c / INHABITANTS[m] * 1000))
    monthly_cols = list(R.TRENDS[:8])
    trends = pd.DataFrame(trend_rows, columns=monthly_cols)
    if gaps:  # suppressed months are unknown (NaN), and so is the NOT figure of those months
        gap = (
            (trends["municipality"] == INCOMPLETE[0])
            & (trends["theme"] == INCOMPLETE[1])
            & trends["period_start"].isin(pd.to_datetime(list(GAP_MONTHS)))
        )
        trends["count"] = trends["count"].astype(float)
        for col in ("count", "count_low", "count_high", "rate_per_1000"):
            trends.loc[gap, col] = np.nan
    # a NOT month exists only when all four municipalities published it
    not_tr = trends.groupby(["theme", "period_start"], as_index=False)["count"].sum(min_count=4)
    lo, hi = poisson_ci(not_tr["count"].to_numpy())
    not_tr = not_tr.assign(municipality="NOT", count_low=lo, count_high=hi, inhabitants=INHABITANTS["NOT"])
    not_tr["rate_per_1000"] = not_tr["count"] / INHABITANTS["NOT"] * 1000
    trends = pd.concat([trends, not_tr[monthly_cols]], ignore_index=True)
    trends = trends.assign(period_kind="month", period_end=trends["period_start"])
    # rolling 12-month sums, as scoring adds them (only when the series spans a whole window)
    windows = rolling_years(trends)
    if len(windows):
        trends = pd.concat([trends, windows], ignore_index=True)
    trends["count"] = trends["count"].astype("Int64")

    # --- indicators: last 12 months per municipality x theme (one offence code each) + survey rows
    last = trends[(trends["period_kind"] == "month") & (trends["period_start"] >= "2025-01-01")]
    year = last.groupby(["municipality", "theme"], as_index=False)["count"].sum(min_count=12)
    unknown = set(zip(year.municipality[year["count"].isna()], year.theme[year["count"].isna()], strict=True))
    year["count"] = year["count"].fillna(0)  # the made-up criteria below draw from it; `unknown` stays NaN
    ind_rows = []
    for rec in year.itertuples():
        c = int(rec.count)
        inh = INHABITANTS[rec.municipality]
        lo1, hi1 = poisson_ci(np.array([c]))
        ind_rows.append(
            (
                rec.municipality,
                rec.theme,
                "politie",
                f"{themes.index(rec.theme) + 1}.1.1",
                "",
                f"{THEMES[rec.theme][0]} (misdrijven)",
                c,
                inh,
                c / inh * 1000,
                lo1[0] / inh * 1000,
                hi1[0] / inh * 1000,
                pd.Timestamp("2025-01-01"),
                pd.Timestamp("2025-12-31"),
                c < 5,
                "police/47022NED_2026.csv",
            )
        )
    for m in muns:
        ind_rows.append(
            (
                m,
                "woninginbraak",
                "enquete",
                "",
                "VM_onveilig_buurt",
                "Voelt zich wel eens onveilig in buurt (%)",
                pd.NA,
                INHABITANTS[m],
                np.nan,
                np.nan,
                np.nan,
                pd.Timestamp("2023-01-01"),
                pd.Timestamp("2023-12-31"),
                False,
                "survey/vm2023.xlsx",
            )
        )
    indicators = pd.DataFrame(ind_rows, columns=list(R.INDICATORS))
    police = indicators["source"] == "politie"
    indicators["published_periods"] = np.where(police, 12, 1)
    indicators["window_periods"] = np.where(police, 12, 1)
    indicators["flags"] = ""
    if gaps:
        keys = list(zip(indicators["municipality"], indicators["theme"], strict=True))
        incomplete = police & pd.Series([k in unknown for k in keys], index=indicators.index)
        indicators.loc[incomplete, "published_periods"] = 12 - len(GAP_MONTHS)
        indicators.loc[incomplete, "flags"] = "incomplete_window"
        blank = incomplete | (
            police & pd.Series([k == UNKNOWN_INDICATOR for k in keys], index=indicators.index)
        )
        for col in ("count", "rate_per_1000", "rate_low", "rate_high"):
            indicators.loc[blank, col] = np.nan
        indicators.loc[blank, "small_number"] = False
    indicators["count"] = indicators["count"].astype("Int64")

    # --- criteria and scores
    crit_rows = []
    score_rows = []
    for m in muns:
        for t in themes:
            cnt = int(year[(year.municipality == m) & (year.theme == t)]["count"].iloc[0])
            scaled = {}
            for c in CRITERIA:
                if c == "perception" and t in ("verkeer", "bedrijvigheid"):
                    crit_rows.append(
                        (m, t, c, np.nan, np.nan, np.nan, np.nan, "%", pd.NA, "geen enquêtegegevens")
                    )
                    continue
                s = float(rng.uniform(5, 95))
                scaled[c] = s
                n = cnt if c in ("volume", "harm", "trend", "comparison") else int(rng.integers(3, 12))
                raw = cnt / INHABITANTS[m] * 1000 if c == "volume" else s / 10
                note = ""
                if m == "GM0168" and t == "jeugd" and c == "professionals":
                    note = INJECTION_NOTE
                if m == "GM0173" and t == "drugs_alcohol" and c == "professionals":
                    note = PHONE_NOTE
                crit_rows.append(
                    (
                        m,
                        t,
                        c,
                        raw,
                        raw * 0.8,
                        raw * 1.2,
                        s,
                        "per 1.000 inwoners" if c == "volume" else "index",
                        n,
                        note,
                    )
                )
            for p, w in PROFILES.items():
                used = {c: w[c] for c in scaled if w[c] > 0}
                tot = sum(used.values())
                score = sum(scaled[c] * wt for c, wt in used.items()) / tot
                cov = tot / sum(w.values())
                flags = "partial_coverage" if cov < 1 else ""
                if m == "GM0168" and t == "jeugd":
                    flags = "-5 punten na herweging;rank_uncertain"
                score_rows.append(
                    [
                        m,
                        MUNICIPALITIES[m],
                        t,
                        THEMES[t][0],
                        THEMES[t][1],
                        p,
                        score,
                        max(0.0, score - rng.uniform(4, 15)),
                        min(100.0, score + rng.uniform(4, 15)),
                        0,
                        0.0,
                        cov,
                        flags,
                    ]
                )
    scores = pd.DataFrame(score_rows, columns=list(R.SCORES))
    scores["rank"] = (
        scores.groupby(["municipality", "profile"])["score"].rank(ascending=False, method="first").astype(int)
    )
    if gaps:
        scores = _plant_gaps(scores)
    criteria = pd.DataFrame(crit_rows, columns=list(R.CRITERIA))
    criteria["n"] = criteria["n"].astype("Int64")

    # --- rank probabilities: mass around the point rank; p_top3 follows from them
    rp_rows = []
    nth = len(themes)
    for rec in scores.itertuples():
        if rec.rank != rec.rank:  # no score, no rank: no rank probabilities either
            continue
        w = np.exp(-0.6 * (np.arange(1, nth + 1) - rec.rank) ** 2)
        w = w / w.sum()
        for r_, pr in enumerate(w, start=1):
            rp_rows.append((rec.municipality, rec.profile, rec.theme, r_, float(pr)))
    rank_probabilities = pd.DataFrame(rp_rows, columns=list(R.RANK_PROBABILITIES))
    top3 = (
        rank_probabilities[rank_probabilities["rank"] <= 3]
        .groupby(["municipality", "profile", "theme"])["probability"]
        .sum()
    )
    scores["p_top3"] = [
        top3.get((a, b, c), np.nan)
        for a, b, c in zip(scores.municipality, scores.profile, scores.theme, strict=True)
    ]

    # --- professionals and perception
    prof_rows = []
    for m in muns:
        for t in themes:
            for c in ("size", "seriousness", "development"):
                prof_rows.append(
                    (
                        m,
                        t,
                        c,
                        float(rng.uniform(1.5, 4.8)),
                        int(rng.integers(2, 15)),
                        int(rng.integers(1, 6)),
                        float(rng.uniform(0.3, 1.0)),
                    )
                )
    professionals = pd.DataFrame(prof_rows, columns=list(R.PROFESSIONALS))
    perc_rows = []
    for m in muns:
        for ind, lab, t in (
            ("VM_onveilig_buurt", "Voelt zich wel eens onveilig in buurt", "woninginbraak"),
            ("VM_overlast_jongeren", "Overlast van groepen jongeren", "jeugd"),
        ):
            v = float(rng.uniform(8, 30))
            perc_rows.append((m, t, ind, lab, "percent", 2023, v, v - 3, v + 3, "NL01", 14.0, "higher_worse"))
    perception = pd.DataFrame(perc_rows, columns=list(R.PERCEPTION))

    # --- funnel: the four municipalities and some other Overijssel gemeenten against the province
    others = {
        "GM0153": ("Enschede", 160000),
        "GM0164": ("Hengelo", 81000),
        "GM0141": ("Almelo", 74000),
        "GM0189": ("Wierden", 25000),
        "GM0147": ("Borne", 24000),
        "GM0163": ("Hellendoorn", 36000),
    }
    fun_rows = []
    for t in themes:
        ref = base[t] * 1.3
        for code, name in MUNICIPALITIES.items():
            if code == "NOT":
                continue
            c = int(year[(year.municipality == code) & (year.theme == t)]["count"].iloc[0])
            fun_rows.append((code, code, name, t, c, INHABITANTS[code], c / INHABITANTS[code] * 1000, ref))
        for code, (name, inh) in others.items():
            c = int(rng.poisson(ref * inh / 1000))
            fun_rows.append(("", code, name, t, c, inh, c / inh * 1000, ref))
    funnel = pd.DataFrame(fun_rows, columns=list(R.FUNNEL))
    if gaps:  # an area without a complete window has no rate in the funnel
        hole = (funnel["area_code"] == INCOMPLETE[0]) & (funnel["theme"] == INCOMPLETE[1])
        funnel.loc[hole, ["count", "rate_per_1000"]] = np.nan
    funnel["count"] = funnel["count"].astype("Int64")

    sources = pd.DataFrame(
        [
            (
                "data/raw/police/47022NED_2026.csv",
                "a" * 64,
                "police-bulk-csv",
                "police",
                "47022NED",
                "2017-01 t/m 2025-12",
                41234,
                "2026-01-15T09:30:00+00:00",
            ),
            (
                "data/raw/survey/vm2023.xlsx",
                "b" * 64,
                "survey_xlsx",
                "survey",
                "",
                "2023",
                40,
                "2026-01-15T09:30:01+00:00",
            ),
            (
                "data/raw/professional/uitvraag-losser.xlsx",
                "c" * 64,
                "professional_xlsx",
                "professional",
                "",
                "2025",
                120,
                "2026-01-16T10:00:00+00:00",
            ),
            (
                "data/raw/population/bevolking.csv",
                "d" * 64,
                "population_csv",
                "population",
                "03759ned",
                "2024",
                5,
                "2026-01-15T09:30:02+00:00",
            ),
        ],
        columns=list(R.SOURCES),
    )
    method = {
        "catalogue_version": "2026.1",
        "ivp_version": "0.1.0",
        "default_profile": "evenwichtig",
        "profiles": PROFILES,
        "draws": 2000,
        "seed": 20260101,
        "reference_area": "PV23",
        "latest_complete_period": "2025-12-01",
        "profile_labels": {"feiten": "Feiten (politiecijfers)"},
        "series_break": "2018-07-01",
        "interval_level": 0.95,
        "period_kind": "month",
        "small_number_threshold": 5,
        "public": False,
        "windows": dict(WINDOWS),
        "windows_apart": gaps,
    }
    extras: dict[str, pd.DataFrame] = {}
    if with_voortgang:
        # the columns evaluation.py adds (measure_code, status_code, target_pct) are included
        rows = [
            (
                "GM1774",
                "woninginbraak",
                "per 1.000 inwoners per jaar",
                2022,
                2.1,
                "2025",
                1.6,
                1.89,
                -23.8,
                "op koers",
                -10.0,
                "on_track",
                "rate_per_1000",
            ),
            (
                "NOT",
                "jeugd",
                "aantal per jaar",
                2022,
                310.0,
                "2025",
                355.0,
                279.0,
                14.5,
                "niet op koers",
                -10.0,
                "off_track",
                "count",
            ),
            (
                "GM0183",
                "geweld",
                "aantal per jaar",
                2022,
                3.0,
                "2025",
                6.0,
                2.7,
                100.0,
                "niet op koers",
                -10.0,
                "off_track",
                "count",
            ),
        ]
        if gaps:  # the baseline year has a suppressed month: baseline, change and status unknown
            rows.append(
                (
                    "GM0173",
                    "woninginbraak",
                    "aantal per jaar",
                    2022,
                    np.nan,
                    "2025",
                    14.0,
                    np.nan,
                    np.nan,
                    "onbekend",
                    -10.0,
                    "unknown",
                    "count",
                )
            )
        extras["voortgang"] = pd.DataFrame(
            rows, columns=[*R.VOORTGANG, "target_pct", "status_code", "measure_code"]
        )
    return ScoreResult(
        scores=scores,
        criteria=criteria,
        indicators=indicators,
        trends=trends,
        rank_probabilities=rank_probabilities,
        professionals=professionals,
        perception=perception,
        funnel=funnel,
        sources=sources,
        method=method,
        extras=extras,
    )


def _plant_gaps(scores: pd.DataFrame) -> pd.DataFrame:
    """The scoring contract for missing evidence: no score -> NaN everything, ties share a rank."""
    out = scores.copy()
    flags = out["flags"].astype(str)
    none = (out["municipality"] == UNSCORED[0]) & (out["theme"] == UNSCORED[1])
    out.loc[none, ["score", "score_low", "score_high"]] = np.nan
    out.loc[none, "coverage"] = 0.0
    flags[none] = "no_score"
    low = (out["municipality"] == LOW_COVERAGE[0]) & (out["theme"] == LOW_COVERAGE[1])
    out.loc[low, "coverage"] = LOW_COVERAGE[2]
    # as in issue 10: the thinly evidenced theme comes out on top (the scoring's to prevent, ours to flag)
    unit_max = out[out["municipality"] == LOW_COVERAGE[0]].groupby("profile")["score"].max()
    for i in out.index[low]:
        top = float(unit_max[out.at[i, "profile"]]) + 1.0
        out.loc[i, ["score", "score_low", "score_high"]] = [top, top - 2.0, top + 2.0]
    flags[low] = "partial_coverage;low_coverage"
    # Losser, default profile: the theme at rank 3 gets the score of the theme at rank 2
    unit = (out["municipality"] == TIED[0]) & (out["profile"] == "evenwichtig")
    second = out[unit & (out["rank"] == TIED[1])].index[0]
    third = out[unit & (out["rank"] == TIED[1] + 1)].index[0]
    out.loc[third, ["score", "score_low", "score_high"]] = out.loc[
        second, ["score", "score_low", "score_high"]
    ]
    out["rank"] = out.groupby(["municipality", "profile"])["score"].rank(ascending=False, method="min")
    shared = out.duplicated(["municipality", "profile", "rank"], keep=False) & out["rank"].notna()
    flags[shared] = [f"{f};tied" if f else "tied" for f in flags[shared]]
    out["flags"] = flags
    return out
