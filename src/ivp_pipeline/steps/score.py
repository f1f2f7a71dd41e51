"""`ivp score` as a library call: data/processed -> reports/, under the lock, swapped in whole."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ivp_pipeline import atomic, pages, reports, store
from ivp_pipeline.problems import IvpError, Problem
from ivp_pipeline.schemas import LOCAL_FIGURES, POLICE, POPULATION, PROFESSIONAL, SURVEY, Dataset
from ivp_pipeline.scoring import (
    POLICE_LEVELS,
    WHAT_IF,
    WIJK_COLUMNS,
    Inputs,
    ScoreResult,
    TopRow,
    as_frame,
    compute,
    result_themes,
    stable_respondents,
    top_priorities,
    voortgang,
    with_what_if,
)
from ivp_pipeline.sources import GEO_FOLDER, wijk_shapes
from ivp_pipeline.steps import drawer, fingerprint, settings, sidecache, simcache
from ivp_pipeline.workspace import Workspace

if TYPE_CHECKING:
    import pandas as pd

# (stage shown to the user, done, total): steps report their stages, the CLI draws them.
Progress = Callable[[str, int, int], None]
READ = "Gegevens lezen"
COMPUTE = "Scores berekenen"
PUBLISH = "Rapporten plaatsen"
# Every rank is stored in reports/.fingerprint.json, so an unchanged run can print any --top.
ALL_RANKS = 10_000


def _quiet(_stage: str, _done: int, _total: int) -> None:
    return None


@dataclass(frozen=True)
class ScoreRun:
    result: ScoreResult | None  # None when reports/ was already up to date (`unchanged`)
    profile: str  # the weight profile to show in the terminal
    written: list[Path]
    unchanged: bool = False
    stored: fingerprint.StoredScore | None = field(default=None, repr=False)
    folder: Path | None = None  # where the reports went: reports/, or reports/openbaar/ for --public

    def top(self, n: int) -> list[TopRow]:
        """The top `n` priorities per municipality and for the region, in the shown profile."""
        if self.result is None:
            return self.stored.top(self.profile, n) if self.stored is not None else []
        return top_priorities(self.result, self.profile, n)


def score(
    ws: Workspace,
    *,
    public: bool = False,
    seed: int | None = None,
    draws: int | None = None,
    profile: str | None = None,
    force: bool = False,
    progress: Progress | None = None,
    weights: Sequence[str] = (),
) -> ScoreRun:
    """Compute under the workspace lock, build reports/ in a fresh staging folder, swap it in whole.

    A failure anywhere leaves the previous reports/ untouched. `profile` (default: the configured one)
    must name a weight profile; every profile is computed and written. When reports/ was produced by
    the same processed data, configuration, options and program (steps/fingerprint.py), nothing is
    computed or written (`ScoreRun.unchanged`), unless `force`. With `public` the suppressed
    version goes to reports/openbaar/ only; the internal reports stay as they are (and an internal
    run keeps reports/openbaar/ as it is).
    """
    report = progress or _quiet
    # what-if weights (--gewicht) add the profile WHAT_IF, which the terminal then shows
    cfg = with_what_if(settings.scoring(ws), weights)
    shown = profile or (WHAT_IF if weights else cfg.default_profile)
    if shown not in cfg.all_profiles():
        raise IvpError(
            Problem(
                "unknown-profile",
                "er is geen wegingsprofiel met deze naam",
                column="--profile",
                value=shown,
                hint="kies een van: " + ", ".join(cfg.all_profiles()),
            )
        )
    updates = {k: v for k, v in (("seed", seed), ("draws", draws)) if v is not None}
    if updates:
        cfg = cfg.model_copy(update=updates)
    catalogue = settings.catalogue(ws)
    charts = settings.report(ws).charts
    # no huge pages while the store is read and the tables are built; the Monte Carlo turns them on
    # for itself (core pages.py)
    with atomic.workspace_lock(ws.lock_file), drawer.stopped_at_end(), pages.huge_pages(False):
        processed = fingerprint.processed_digests(ws)  # read once for both keys below
        key = fingerprint.score_fingerprint(
            ws, public=public, seed=seed, draws=draws, weights=weights, processed=processed
        )
        target = fingerprint.report_dir(ws, public=public)
        stored = None if force else fingerprint.stored_score(target, key)
        if stored is not None:
            return ScoreRun(None, shown, [], unchanged=True, stored=stored, folder=target)
        report(READ, 0, 1)
        inputs = read_inputs(ws)
        report(READ, 1, 1)
        report(COMPUTE, 0, 1)
        salt = fingerprint.program_digest()
        # the Monte Carlo of units whose inputs did not change is taken from the last run (--force: none)
        memo = {} if force else simcache.load(ws, salt)
        # the tables made from the inputs alone, kept from a run whose inputs differed in the survey at most
        side_key = fingerprint.side_key(ws, without=[SURVEY.name], processed=processed)
        kept_side = None if force else sidecache.load(ws, side_key)
        result = compute(
            inputs,
            cfg,
            catalogue,
            settings.comparison(ws),
            settings.region(ws),
            memo,
            meanwhile=reports.load,  # the report writers are imported while the Monte Carlo runs
            side_tables=kept_side,
        )
        simcache.save(ws, salt, memo)
        if kept_side is None:
            sidecache.save(ws, side_key, (dict(result.extras), result.trends, result.funnel))
        geo, wijken = ws.raw / GEO_FOLDER, result.extras.get("wijken")
        if wijken is not None and len(wijken) and geo.is_dir():  # boundaries for maps per theme
            codes = wijken["area_code"].astype(str).unique()
            result.extras["wijk_shapes"] = wijk_shapes(geo, codes, ws.relative(geo)).to_pandas()
        evaluation = settings.evaluation(ws, result_themes(result))  # [evaluation] of ivp.toml
        if evaluation is not None:
            result.extras["voortgang"] = voortgang(result, evaluation)
        report(COMPUTE, 1, 1)
        atomic.recover(target)
        stage = target.parent / f".{target.name}-staging-{os.getpid()}"
        if stage.exists():
            shutil.rmtree(stage)
        stage.mkdir(parents=True)
        try:
            written = write_outputs(
                result,
                stage,
                public=public,
                progress=progress,
                previous=target,  # unchanged charts are copied from the reports this run replaces
                salt=salt,
                force=force,
                charts=charts,
            )
            tops = {p: top_priorities(result, p, ALL_RANKS) for p in cfg.all_profiles()}
            record = fingerprint.score_record(key, tops, cfg.default_profile, written, stage)
            atomic.write_bytes_atomic(stage / fingerprint.SCORE_FILE, record, fsync=False)
            if not public:
                _carry_over(ws, stage)
            report(PUBLISH, 0, 1)
            atomic.swap_in(stage, target)
            report(PUBLISH, 1, 1)
        finally:
            if stage.exists():
                shutil.rmtree(stage, ignore_errors=True)
    return ScoreRun(result, shown, [target / p.relative_to(stage) for p in written], folder=target)


def write_outputs(result: ScoreResult, out_dir: Path, **options: Any) -> list[Path]:
    """`reports.write_outputs`, through the door when called (loaded by then: `reports.load`)."""
    written: list[Path] = reports.write_outputs(result, out_dir, **options)
    return written


# Written by others than `ivp score` into reports/: kept when the internal reports are swapped.
CHANGE_FILES = (Path("wijzigingen.md"), Path("tables") / "wijzigingen.csv")


def _carry_over(ws: Workspace, stage: Path) -> None:
    """The public folder and the change report of the last refresh survive a swap of the internal
    reports (as hard links: nothing is copied)."""
    public = fingerprint.report_dir(ws, public=True)
    if public.is_dir():
        shutil.copytree(public, stage / public.name, copy_function=os.link)
    for rel in CHANGE_FILES:
        if (ws.reports / rel).is_file() and not (stage / rel).exists():
            (stage / rel).parent.mkdir(parents=True, exist_ok=True)
            os.link(ws.reports / rel, stage / rel)


# Police columns the scoring does not use: left in the files (labels, provenance of each row).
POLICE_UNUSED = ("offence_label", "is_rollup", "period_status", "source_sha256", "source_row")


def scope_areas(ws: Workspace) -> list[str]:
    """The partitions a score reads: the municipalities scored, the region's own code (its
    professionals), its comparison areas, basisteam and peers, and the reference areas."""
    region = settings.region(ws)
    cfg = settings.scoring(ws)
    codes = [*cfg.municipalities, region.code, *region.comparison_areas, region.basisteam, *region.peers]
    codes += [cfg.reference_area, cfg.fallback_reference_area]
    return sorted({c for c in codes if c})


def read_inputs(ws: Workspace, areas: list[str] | None = None) -> Inputs:
    """The partitions of `areas` (default: scope_areas) of the four datasets, police without wijk and
    buurt rows and without the columns nobody reads, as pandas frames: filters and the partition
    choice are pushed down to the Parquet reader, so the cost does not grow with what else is stored."""
    areas = scope_areas(ws) if areas is None else areas
    processed = ws.processed
    if not store.has_data(processed):
        raise IvpError(
            Problem(
                "no-processed-data",
                "er zijn nog geen verwerkte gegevens om te scoren",
                file=ws.relative(processed),
                hint="voer eerst ivp ingest uit",
            )
        )
    police_filter = [("area_level", "in", list(POLICE_LEVELS))]  # a national buurt file is big
    police_columns = [c for c in POLICE.schema.names if c not in POLICE_UNUSED]

    def read(dataset: Dataset, **how: Any) -> pd.DataFrame:
        # text as Parquet keeps it (dictionary-encoded), made plain Python strings once (as_frame)
        return as_frame(store.read_dataset(processed, dataset, areas, dictionary=True, **how))

    return Inputs(
        police=read(POLICE, columns=police_columns, filters=police_filter),
        survey=read(SURVEY),
        professional=stable_respondents(read(PROFESSIONAL)),
        population=read(POPULATION),
        manifest=store.load_manifest(processed),
        local_figures=read(LOCAL_FIGURES),
        wijken=read(POLICE, columns=list(WIJK_COLUMNS), filters=[("area_level", "==", "wijk")]),
    )
