"""reports/wijzigingen.md: the change table of changes.py told in Dutch for the plan's readers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ivp_pipeline.regions import area_label

if TYPE_CHECKING:
    import pandas as pd

MAX_LISTED = 50  # the full list is in tables/wijzigingen.csv
_MEASURE = {"crime": "misdrijven", "overlast": "overlast"}
_DATASET = {"police": "politiecijfers", "survey": "enquête", "population": "bevolking"}


def period_label(period: str, kind: str) -> str:
    """'2024-02-01' as a month -> '2024-02'; as a quarter -> '2024-K1'; as a year -> '2024'."""
    if " t/m " in period:
        return " t/m ".join(period_label(p, kind) for p in period.split(" t/m "))
    if kind == "month" and len(period) >= 7:
        return period[:7]
    if kind == "quarter" and len(period) >= 7:
        return f"{period[:4]}-K{(int(period[5:7]) - 1) // 3 + 1}"
    return period[:4] if kind == "year" else period


def render_markdown(
    changes: pd.DataFrame, *, first_run: bool = False, theme_labels: dict[str, str] | None = None
) -> str:
    kinds = changes["change"].value_counts().to_dict() if not changes.empty else {}
    n = {
        k: int(kinds.get(k, 0))
        for k in (
            "new_period",
            "first_ingest",
            "revised",
            "published",
            "rank_changed",
            "p_top3_changed",
            "new_theme",
            "removed_theme",
        )
    }
    moved = changes[changes["dataset"] == "scores"]
    themes_moved = len(moved.drop_duplicates(["municipality", "item", "profile"])) if not moved.empty else 0
    lines = ["# Wijzigingen sinds de vorige run", ""]
    if first_run:
        lines += ["Dit is de eerste run: er is geen vorige stand om mee te vergelijken.", ""]
    lines += [
        "## Samenvatting",
        "",
        f"- Nieuwe perioden: {n['new_period']}"
        + (f" (plus {n['first_ingest']} nieuw ingelezen reeksen)" if n["first_ingest"] else ""),
        f"- Herziene cijfers (een latere levering veranderde een eerder cijfer): {n['revised']}",
        f"- Nieuw gepubliceerde cijfers (eerder nog niet bekend of geheim): {n['published']}",
        f"- Thema's met een andere rang of kans op de top 3: {themes_moved}",
        "",
    ]
    lines += _periods(changes)
    lines += _figures(changes, "revised", "Herziene cijfers")
    lines += _figures(changes, "published", "Nieuw gepubliceerde cijfers")
    lines += _priorities(changes, theme_labels or {})
    lines += ["De volledige lijst staat in `tables/wijzigingen.csv`.", ""]
    return "\n".join(lines)


def _periods(changes: pd.DataFrame) -> list[str]:
    sel = changes[changes["change"].isin(["new_period", "first_ingest"])]
    if sel.empty:
        return ["## Nieuwe perioden", "", "Geen nieuwe perioden.", ""]
    out = ["## Nieuwe perioden", "", "| Gemeente of gebied | Bron | Maat | Perioden |", "|---|---|---|---|"]
    for (dataset, muni, measure), group in sel.groupby(["dataset", "municipality", "measure"], sort=True):
        periods = ", ".join(
            sorted(period_label(p, k) for p, k in zip(group["period"], group["period_kind"], strict=True))
        )
        if (group["change"] == "first_ingest").any():
            periods = f"eerste keer ingelezen: {periods}"
        out.append(
            f"| {area_label(str(muni))} | {_DATASET.get(str(dataset), dataset)} | "
            f"{_MEASURE.get(str(measure), measure)} | {periods} |"
        )
    return [*out, ""]


def _figures(changes: pd.DataFrame, kind: str, title: str) -> list[str]:
    sel = changes[changes["change"] == kind]
    if sel.empty:
        return []
    out = [
        f"## {title}",
        "",
        "| Gemeente | Gebied | Maat | Code | Periode | Oud | Nieuw |",
        "|---|---|---|---|---|---|---|",
    ]
    for rec in sel.head(MAX_LISTED).to_dict("records"):
        out.append(
            f"| {area_label(rec['municipality'])} | {area_label(rec['area_code'])} | "
            f"{_MEASURE.get(rec['measure'], rec['measure'])} | {rec['item']} | "
            f"{period_label(rec['period'], rec['period_kind'])} | "
            f"{rec['old']} | {rec['new']} |"
        )
    if len(sel) > MAX_LISTED:
        out.append(f"\nen nog {len(sel) - MAX_LISTED} meer.")
    return [*out, ""]


def _priorities(changes: pd.DataFrame, labels: dict[str, str]) -> list[str]:
    sel = changes[changes["dataset"] == "scores"]
    if sel.empty:
        return ["## Prioriteiten", "", "Geen thema veranderde van rang of kans op de top 3.", ""]
    out = [
        "## Prioriteiten",
        "",
        "| Gemeente | Profiel | Thema | Rang | Kans op top 3 |",
        "|---|---|---|---|---|",
    ]
    for (muni, profile, theme), group in sel.groupby(["municipality", "profile", "item"], sort=True):
        by = {r["change"]: r for r in group.to_dict("records")}
        if "new_theme" in by:
            rank, p = f"nieuw: {by['new_theme']['new']}", ""
        elif "removed_theme" in by:
            rank, p = f"vervallen (was {by['removed_theme']['old']})", ""
        else:
            r, q = by.get("rank_changed"), by.get("p_top3_changed")
            rank = f"{r['old']} → {r['new']}" if r else "gelijk"
            p = f"{_pct(q['old'])} → {_pct(q['new'])}" if q else "gelijk"
        out.append(
            f"| {area_label(str(muni))} | {profile} | {labels.get(str(theme), theme)} | {rank} | {p} |"
        )
    return [*out, ""]


def _pct(text: str) -> str:
    return f"{float(text):.0%}".replace("%", " %")
