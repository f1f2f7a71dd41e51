"""What changed since the previous run: new periods, revised figures, priorities that moved.

`compare` turns two store snapshots (before and after a refresh) and two scores.csv frames into one
sorted change table;
`write_changes` writes reports/wijzigingen.md (Dutch) and reports/tables/wijzigingen.csv.
Everything is sorted and free of timestamps, so the same two states give the same bytes.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ivp_pipeline import atomic
from ivp_pipeline.reports.changes_md import render_markdown
from ivp_pipeline.reports.tables import write_csv
from ivp_pipeline.schemas import POLICE
from ivp_pipeline.store import PARTITION_COLUMN, Snapshot
from ivp_pipeline.store.snapshot import YEAR_DATASETS

COLUMNS = (
    "change",
    "dataset",
    "municipality",
    "area_code",
    "measure",
    "item",
    "period",
    "period_kind",
    "profile",
    "old",
    "new",
)
# change: new_period | first_ingest | revised | published | rank_changed | p_top3_changed |
#         new_theme | removed_theme
P_TOP3_TOLERANCE = 0.05  # smaller moves of the top-three probability are Monte Carlo noise
_FIGURE = ("observed", "zero")


def compare(
    before: Snapshot,
    after: Snapshot,
    scores_before: pd.DataFrame | None = None,
    scores_after: pd.DataFrame | None = None,
    p_tolerance: float = P_TOP3_TOLERANCE,
) -> pd.DataFrame:
    """All changes as one frame with COLUMNS, sorted; empty when nothing changed."""

    rows = [*_new_periods(before, after), *_revisions(before.police, after.police)]
    rows += _priorities(scores_before, scores_after, p_tolerance)
    frame = pd.DataFrame(rows, columns=list(COLUMNS), dtype=str)
    return frame.sort_values(list(COLUMNS), kind="stable").reset_index(drop=True)


def _new_periods(before: Snapshot, after: Snapshot) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    old_police = _period_set(before.police)
    new_police = _period_set(after.police)
    grouped: dict[tuple[str, str, str], list[str]] = {}
    for muni, measure, kind, start in new_police - old_police:
        grouped.setdefault((muni, measure, kind), []).append(str(start))
    old_series = {(m, measure) for m, measure, *_ in old_police}
    for (muni, measure, kind), periods in grouped.items():
        if (muni, measure) not in old_series:  # a whole new series: one summary row, not every month
            rows.append(
                _row(
                    "first_ingest",
                    "police",
                    muni,
                    measure=measure,
                    period_kind=kind,
                    period=f"{min(periods)} t/m {max(periods)}",
                    new=str(len(periods)),
                )
            )
        else:
            rows += [
                _row("new_period", "police", muni, measure=measure, period=p, period_kind=kind)
                for p in periods
            ]
    for name in (d.name for d in YEAR_DATASETS):
        old, new = before.years.get(name, set()), after.years.get(name, set())
        known = {m for m, _ in old}
        years: dict[str, list[int]] = {}
        for muni, year in new - old:
            years.setdefault(muni, []).append(year)
        for muni, ys in years.items():
            if muni not in known:
                rows.append(
                    _row(
                        "first_ingest",
                        name,
                        muni,
                        period_kind="year",
                        period=f"{min(ys)} t/m {max(ys)}",
                        new=str(len(ys)),
                    )
                )
            else:
                rows += [_row("new_period", name, muni, period=str(y), period_kind="year") for y in ys]
    return rows


def _period_set(police: pa.Table) -> set[tuple[str, str, str, object]]:

    # A month that is still open (not yet published) is not a new period yet.
    police = police.filter(pc.not_equal(police["value_state"], "not_published"))
    cols = [police[c].to_pylist() for c in (PARTITION_COLUMN, "measure", "period_kind", "period_start")]
    return set(zip(*cols, strict=True))


def _revisions(before: pa.Table, after: pa.Table) -> list[dict[str, str]]:
    """Same key, other value or state: a later download revised a (provisional) figure."""

    if before.num_rows == 0 or after.num_rows == 0:
        return []
    keys = [PARTITION_COLUMN, *POLICE.key]
    joined = before.join(after, keys=keys, join_type="inner", left_suffix="_old", right_suffix="_new")
    same_value = pc.fill_null(pc.equal(joined["value_old"], joined["value_new"]), False)
    both_null = pc.and_(pc.is_null(joined["value_old"]), pc.is_null(joined["value_new"]))
    same_state = pc.equal(joined["value_state_old"], joined["value_state_new"])
    unchanged = pc.and_(pc.or_(same_value, both_null), same_state)
    changed = joined.filter(pc.invert(unchanged)).to_pylist()
    rows = []
    for r in changed:
        kind = "revised" if r["value_state_old"] in _FIGURE else "published"
        rows.append(
            _row(
                kind,
                "police",
                r[PARTITION_COLUMN],
                area_code=r["area_code"],
                measure=r["measure"],
                item=r["offence_code"],
                period=f"{r['period_start']}",
                period_kind=r["period_kind"],
                old=_figure(r, "old"),
                new=_figure(r, "new"),
            )
        )
    return rows


def _figure(rec: dict[str, object], side: str) -> str:
    state = str(rec[f"value_state_{side}"])
    return str(rec[f"value_{side}"]) if state in _FIGURE else state


def _priorities(before: pd.DataFrame | None, after: pd.DataFrame | None, tol: float) -> list[dict[str, str]]:
    if before is None or after is None or before.empty:
        return []
    keys = ["municipality", "theme", "profile"]
    merged = before[[*keys, "rank", "p_top3"]].merge(
        after[[*keys, "rank", "p_top3"]],
        on=keys,
        how="outer",
        suffixes=("_old", "_new"),
        indicator=True,
    )
    rows = []
    for rec in merged.to_dict("records"):
        where = {
            "municipality": str(rec["municipality"]),
            "item": str(rec["theme"]),
            "profile": str(rec["profile"]),
        }
        if rec["_merge"] == "right_only":
            rows.append(_row("new_theme", "scores", new=_int(rec["rank_new"]), **where))
        elif rec["_merge"] == "left_only":
            rows.append(_row("removed_theme", "scores", old=_int(rec["rank_old"]), **where))
        else:
            if _int(rec["rank_old"]) != _int(rec["rank_new"]):
                rows.append(
                    _row(
                        "rank_changed",
                        "scores",
                        old=_int(rec["rank_old"]),
                        new=_int(rec["rank_new"]),
                        **where,
                    )
                )
            if abs(float(rec["p_top3_new"]) - float(rec["p_top3_old"])) >= tol:
                rows.append(
                    _row(
                        "p_top3_changed",
                        "scores",
                        old=f"{float(rec['p_top3_old']):.2f}",
                        new=f"{float(rec['p_top3_new']):.2f}",
                        **where,
                    )
                )
    return rows


def _int(value: object) -> str:
    try:
        return str(int(float(str(value))))
    except ValueError:
        return ""


def _row(change: str, dataset: str, municipality: str, **fields: str) -> dict[str, str]:
    return {
        **dict.fromkeys(COLUMNS, ""),
        "change": change,
        "dataset": dataset,
        "municipality": municipality,
        **fields,
    }


def write_changes(
    changes: pd.DataFrame,
    reports: Path,
    *,
    first_run: bool = False,
    theme_labels: dict[str, str] | None = None,
) -> list[Path]:
    """reports/wijzigingen.md and reports/tables/wijzigingen.csv, each written atomically.

    A run that changed nothing leaves the report of the last real change in place (and returns no
    files), so the record of what a refresh brought is never overwritten by "geen wijzigingen".
    """

    csv_path = reports / "tables" / "wijzigingen.csv"
    md_path = reports / "wijzigingen.md"
    if changes.empty and not first_run and md_path.is_file():
        return []
    write_csv(csv_path, changes)
    atomic.write_bytes_atomic(
        md_path, render_markdown(changes, first_run=first_run, theme_labels=theme_labels).encode("utf-8")
    )
    return [md_path, csv_path]


def summary(changes: pd.DataFrame) -> dict[str, int]:
    """Counts per kind of change, for logs and the terminal."""
    counts = changes["change"].value_counts().to_dict() if not changes.empty else {}
    return {str(k): int(v) for k, v in sorted(counts.items())}
