"""The criteria table: per unit x theme x criterion the raw value with its interval and the scaled value."""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from ivp_pipeline.scoring.config import CRITERIA
from ivp_pipeline.scoring.model import F, Model
from ivp_pipeline.scoring.scales import smoothed_ratio
from ivp_pipeline.scoring.stats import poisson_ci, rate_ratios

UNITS = {
    "volume": "per 1.000 inwoners per jaar",
    "harm": "schadegewogen per 1.000 inwoners per jaar",
    "trend": "verhouding laatste 12 maanden / basisperiode",
    "comparison": "verhouding tot referentiegebied",
    "perception": "verschil met vergelijkingswaarde in marges",
    "professionals": "gemiddelde score 1-5",
}


def criteria_frame(
    m: Model,
    theme_table: pd.DataFrame,
    perception: pd.DataFrame,
    prof: pd.DataFrame,
    scaled: dict[str, F],
    baseline_label: str,
    reference: str,
) -> pd.DataFrame:
    """One row per unit x theme x criterion (CRITERIA columns of scoring/result.py)."""

    t = m.pairs.merge(theme_table, on=["unit", "theme"], how="left")
    rows: list[tuple[object, ...]] = []
    overall = prof[prof["criterion"] == "overall"]
    prof_overall = {(rec["municipality"], rec["theme"]): rec for rec in overall.to_dict("records")}
    # the perception rows of each pair, as positions into its columns (no frame per pair)
    by_pair = perception.groupby(["unit", "theme"], sort=False).indices if len(perception) else {}
    p_sign = np.where(perception["direction"] == "higher_worse", 1.0, -1.0)
    p_value, p_comp, p_margin = (
        perception[c].to_numpy(float) for c in ("value", "comparison_value", "margin")
    )
    p_indicator = perception["indicator"].astype(str).tolist()
    # the exact intervals and tests of every pair at once (scoring/stats.py works on columns)
    x1s, py1s, x0s, py0s = (t[c].to_numpy(float) for c in ("x1", "py1", "x0", "py0"))
    oks = ~np.isnan(x1s) & (py1s > 0)
    lows, highs = poisson_ci(x1s)
    trends = _ratios(oks, x1s, py1s, x0s, py0s)
    comparisons = _ratios(oks, x1s, py1s, m.ref_x, m.ref_py)
    for p, r in enumerate(t.to_dict("records")):
        unit, theme = r["unit"], r["theme"]
        x1, py1, x0, harm1 = (float(r[c]) for c in ("x1", "py1", "x0", "harm1"))
        ok = not np.isnan(x1) and py1 > 0
        lo, hi = (float(lows[p]), float(highs[p])) if ok else (np.nan, np.nan)
        per = 1000.0 / py1 if ok else np.nan
        mean_w = harm1 / x1 if ok and x1 > 0 else np.nan
        gap = ""
        if r.get("incomplete") == 1:
            gap = f"onvolledig: {_published(r['periods1'], r['window_periods'])}"
        rows.append((unit, theme, "volume", x1 * per, lo * per, hi * per, x1 if ok else np.nan, gap))
        if ok and x1 == 0:
            w_codes = m.code_w[m.code_pair == p]
            mean_w = float(w_codes.mean()) if len(w_codes) else np.nan
        rows.append(
            (
                unit,
                theme,
                "harm",
                harm1 * per if ok else np.nan,
                lo * mean_w * per,
                hi * mean_w * per,
                x1 if ok else np.nan,
                "interval: telling-interval x gemiddeld gewicht",
            )
        )
        # trend: the latest 12 months against the baseline; comparison: against the reference area
        sr, rlo, rhi, pv = (float(v[p]) for v in trends)
        base_gap = ""
        if r.get("baseline_incomplete") == 1:
            base_gap = f"basisperiode onvolledig: {_published(r['periods0'], r['baseline_periods'])}"
        note = f"p = {pv:.3f}; {x1:.0f} tegen {x0:.0f} in {baseline_label}" if not np.isnan(sr) else ""
        rows.append((unit, theme, "trend", sr, rlo, rhi, x1 + x0 if not np.isnan(sr) else np.nan,
                     note or base_gap or "geen basisperiode"))  # fmt: skip
        rx, rpy = float(m.ref_x[p]), float(m.ref_py[p])
        sc, clo, chi, cp = (float(v[p]) for v in comparisons)
        note = f"{reference}: {rx / rpy * 1000:.2f} per 1.000; p = {cp:.3f}" if not np.isnan(sc) else ""
        rows.append((unit, theme, "comparison", sc, clo, chi, x1 if not np.isnan(sc) else np.nan,
                     note or "geen referentiegebied"))  # fmt: skip
        ind = by_pair.get((unit, theme))
        if ind is not None and len(ind):
            z = p_sign[ind] * (p_value[ind] - p_comp[ind]) / p_margin[ind]
            z = z[~np.isnan(z)]
            rows.append(
                (
                    unit,
                    theme,
                    "perception",
                    float(z.mean()) if len(z) else np.nan,
                    np.nan,
                    np.nan,
                    float(len(z)),
                    ", ".join(p_indicator[i] for i in ind),
                )
            )
        else:
            rows.append((unit, theme, "perception", np.nan, np.nan, np.nan, np.nan, ""))
        po = prof_overall.get((unit, theme))
        if po is not None:
            rows.append(
                (
                    unit,
                    theme,
                    "professionals",
                    float(po["mean_rating"]),
                    np.nan,
                    np.nan,
                    float(po["respondents"]),
                    f"{int(po['organisation_types'])} organisatietypen; overeenstemming "
                    f"{po['agreement']:.2f}",
                )
            )
        else:
            rows.append((unit, theme, "professionals", np.nan, np.nan, np.nan, np.nan, ""))
    out = pd.DataFrame(
        rows, columns=["municipality", "theme", "criterion", "raw", "raw_low", "raw_high", "n", "note"]
    )
    pair_index = {(u, th): i for i, (u, th) in enumerate(zip(m.pairs["unit"], m.pairs["theme"], strict=True))}
    idx = [pair_index[(u, th)] for u, th in zip(out["municipality"], out["theme"], strict=True)]
    crit_pos = {c: i for i, c in enumerate(CRITERIA)}
    stacked = np.stack([scaled[c][0] for c in CRITERIA])
    out["scaled"] = [stacked[crit_pos[c], i] for c, i in zip(out["criterion"], idx, strict=True)]
    out["unit"] = out["criterion"].map(UNITS)
    return out[
        ["municipality", "theme", "criterion", "raw", "raw_low", "raw_high", "scaled", "unit", "n", "note"]
    ]


def _published(n: object, of: object) -> str:
    """ "7 van 12 maanden met alle codes gepubliceerd" (a window of one year: "0 van 1 jaar ...")."""
    total = int(of)  # type: ignore[call-overload]
    word = "maanden" if total > 1 else "jaar"
    return f"{int(n)} van {total} {word} met alle codes gepubliceerd"  # type: ignore[call-overload]


def _ratios(ok: NDArray[np.bool_], x1: F, py1: F, x0: F, py0: F) -> tuple[F, F, F, F]:
    """(smoothed rate ratio, exact low, exact high, p) of x1/py1 against x0/py0 per pair; NaNs where
    not `ok` (no police figures) or not defined."""
    ratio, low, high, p = rate_ratios(x1, py1, x0, py0)
    smoothed = np.where(np.isnan(ratio), np.nan, smoothed_ratio(x1, py1, x0, py0))
    return tuple(np.where(ok, v, np.nan) for v in (smoothed, low, high, p))  # type: ignore[return-value]
