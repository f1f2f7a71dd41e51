"""`ivp init`: a new workspace with ivp.toml, data/raw/<kind>/ and .gitignore, for any region."""

from __future__ import annotations

import filecmp
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ivp_pipeline.cli import app
from ivp_pipeline.config import load_toml
from ivp_pipeline.regions import RegionConfig, region_config, wijken
from ivp_pipeline.steps import settings
from ivp_pipeline.steps.init import KINDS, init, render_config
from ivp_pipeline.workspace import Workspace

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "src" / "ivp_pipeline" / "data" / "sample"
TEMPLATE = ROOT / "src" / "ivp_pipeline" / "data" / "ivp.template.toml"
SETTING = re.compile(r'^# ?(\[|[a-z_"0-9.]+ = )')  # a commented-out setting or section


def test_init_makes_folders_readmes_gitignore_and_a_valid_config(tmp_path: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["init", str(tmp_path / "ws")])
    assert result.exit_code == 0, result.output
    assert "Werkruimte gemaakt" in result.stdout and "Noordoost Twente (NOT)" in result.stdout
    ws = Workspace.at(tmp_path / "ws")
    for kind in KINDS:
        readme = (ws.raw / kind / "README.md").read_text(encoding="utf-8")
        assert readme.startswith("# ") and "ivp ingest" in readme
    gitignore = (ws.root / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert {"/data/processed/", "/reports/", "/.ivp/"} <= set(gitignore)
    # The configuration is read by every section's own model: defaults of Noordoost Twente.
    assert settings.scoring(ws).municipalities == ("GM1774", "GM0168", "GM0173", "GM0183")
    assert settings.fetch_configured(ws) is False
    assert settings.evaluation(ws) is None
    region = region_config(load_toml(ws.config_file))
    assert (region.name, region.code, region.basisteam) == ("Noordoost Twente", "NOT", "BT_NOT")
    assert not list(ws.raw.rglob("*.csv"))  # no sample data without --sample


def test_every_setting_of_the_template_is_there_and_commented_in_dutch() -> None:
    text = render_config("Noordoost Twente", "NOT", ["GM1774", "GM0168", "GM0173", "GM0183"])
    assert "$" not in text and TEMPLATE.is_file()
    keys = {
        "scoring": [
            "municipalities",
            "default_profile",
            "small_number_threshold",
            "reference_area",
            "fallback_reference_area",
            "baseline_years",
            "series_break",
            "seed",
            "draws",
            "weight_concentration",
            "top_n",
            "low_coverage_threshold",
            "default_margin",
        ],
        "fetch": [
            "base_url",
            "tables",
            "municipalities",
            "reference_areas",
            "retries",
            "backoff_seconds",
            "timeout_seconds",
            "page_size",
            "peers",
        ],
        "region": ["name", "code", "municipalities", "basisteam", "comparison_areas", "peers"],
    }
    from ivp_pipeline.scoring import ScoringConfig
    from ivp_pipeline.sources import FetchConfig

    # The lists above are the models' fields: a new setting must get a line in the template.
    assert set(keys["scoring"]) == set(ScoringConfig.model_fields) - {"profiles"}
    assert set(keys["fetch"]) == set(FetchConfig.model_fields)
    assert set(keys["region"]) == set(RegionConfig.model_fields)
    lines = text.splitlines()
    for section, names in keys.items():
        for name in names:
            at = next((i for i, line in enumerate(lines) if line.lstrip("# ").startswith(f"{name} =")), None)
            assert at is not None, f"{section}.{name} is not in the template"
            comment = lines[at - 1]
            assert comment.startswith("# ") and not SETTING.match(comment), f"{name}: no comment above it"
    comments = [line for line in lines if line.startswith("# ") and not SETTING.match(line)]
    for english in (" the ", " and ", " with ", " default "):
        assert not [c for c in comments if english in c], english


def test_another_region_by_codes_and_names(tmp_path: Path, runner: CliRunner) -> None:
    result = runner.invoke(
        app,
        [
            "init",
            str(tmp_path / "tw"),
            "--municipalities",
            "GM0141,Wierden",
            "-m",
            "twenterand",
            "--region-name",
            'Twente "West"',
        ],
    )
    assert result.exit_code == 0, result.output
    assert 'Twente "West" (TW): Almelo, Wierden, Twenterand' in result.stdout
    ws = Workspace.at(tmp_path / "tw")
    data = tomllib.loads(ws.config_file.read_text(encoding="utf-8"))
    region = region_config(data)
    assert region.municipalities == ("GM0141", "GM0189", "GM1700")
    assert (region.name, region.code, region.basisteam) == ('Twente "West"', "TW", "")
    assert settings.scoring(ws).municipalities == ("GM0141", "GM0189", "GM1700")
    assert region.label("TW") == 'Twente "West"' and region.label("GM0189") == "Wierden"


@pytest.mark.parametrize(
    ("given", "code", "shown"),
    [
        (["Almelo,Atlantis"], "unknown-region", "Atlantis"),
        (["Almelo", "Overijssel (PV)"], "not-a-municipality", "Overijssel (PV)"),
        (["WK177410"], "not-a-municipality", "WK177410"),
    ],
)
def test_a_municipality_that_cannot_be_resolved_is_a_command_line_error(
    tmp_path: Path, runner: CliRunner, given: list[str], code: str, shown: str
) -> None:
    args = ["init", str(tmp_path / "x")]
    for g in given:
        args += ["--municipalities", g]
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert (
        len(lines) == 1 and f"[{code}]" in lines[0] and "--municipalities" in lines[0] and shown in lines[0]
    )
    assert not (tmp_path / "x" / "ivp.toml").exists()


def test_init_refuses_an_existing_workspace_and_sample_for_another_region(
    tmp_path: Path, runner: CliRunner
) -> None:
    (tmp_path / "ivp.toml").write_text("# mine\n", encoding="utf-8")
    again = runner.invoke(app, ["init", str(tmp_path)])
    assert again.exit_code == 1 and "[workspace-exists]" in again.stderr
    assert (tmp_path / "ivp.toml").read_text(encoding="utf-8") == "# mine\n"
    other = runner.invoke(app, ["init", str(tmp_path / "o"), "--sample", "-m", "GM0141"])
    assert other.exit_code == 2 and "[sample-region]" in other.stderr
    bad_code = runner.invoke(app, ["init", str(tmp_path / "c"), "--region-code", "GM0141"])
    assert (
        bad_code.exit_code == 2 and "[bad-config]" in bad_code.stderr and "--region-code" in bad_code.stderr
    )


def test_the_shipped_sample_is_the_repository_sample(tmp_path: Path) -> None:
    """One sample: data/sample/raw in the package equals data/raw of the repository, byte for byte."""
    packaged = sorted(p.relative_to(SAMPLE / "raw") for p in (SAMPLE / "raw").rglob("*") if p.is_file())
    repo = sorted(
        p.relative_to(ROOT / "data" / "raw") for p in (ROOT / "data" / "raw").rglob("*") if p.is_file()
    )
    assert packaged == repo
    _, mismatch, errors = filecmp.cmpfiles(
        SAMPLE / "raw", ROOT / "data" / "raw", [str(p) for p in repo], shallow=False
    )
    assert mismatch == [] and errors == []
    # The sample workspace's ivp.toml has the same settings as the repository's.
    result = init(tmp_path / "s", sample=True)
    written = tomllib.loads((tmp_path / "s" / "ivp.toml").read_text(encoding="utf-8"))
    assert (
        written["evaluation"] == tomllib.loads((ROOT / "ivp.toml").read_text(encoding="utf-8"))["evaluation"]
    )
    assert (
        written["evaluation"]
        == tomllib.loads((SAMPLE / "ivp.toml").read_text(encoding="utf-8"))["evaluation"]
    )
    assert (tmp_path / "s" / "data" / "raw" / "police" / "47013NED_misdrijven_maand.csv").is_file()
    assert result.region_code == "NOT"


def test_the_package_data_globs_cover_the_sample() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    globs = pyproject["tool"]["setuptools"]["package-data"]["ivp_pipeline"]
    assert "data/sample/**/*" in globs and "data/*.csv" in globs and "data/*.toml" in globs
    assert "numpy" in " ".join(pyproject["project"]["dependencies"])
    assert pyproject["build-system"]["requires"] == ["setuptools>=77"]
    licence = (ROOT / "LICENSE").read_text(encoding="utf-8")
    # the whole official text of the EUPL v1.2, from the title to the last line of the appendix
    assert licence.lstrip().startswith("EUROPEAN UNION PUBLIC LICENCE v. 1.2")
    for article in ("1. Definitions", "5. Obligations of the Licensee", "15. Applicable Law", "Appendix"):
        assert f"    {article}\n" in licence, article
    assert licence.rstrip().endswith(
        "All other changes or additions to this Appendix require the production of a new\nEUPL version."
    )
    manifest = (ROOT / "MANIFEST.in").read_text(encoding="utf-8")
    assert "recursive-include docs *.md" in manifest and "include LICENSE" in manifest


def test_render_config_is_valid_toml_for_any_name() -> None:
    text = render_config('Zuid\\West "Regio"', "ZW", ["GM0141"])
    data = tomllib.loads(text)
    assert data["region"]["name"] == 'Zuid\\West "Regio"'
    assert data["region"]["municipalities"] == ["GM0141"]
    assert "municipalities" not in data.get("scoring", {})  # scored: those of [region]
    assert data["region"]["comparison_areas"] == ["NL01"]  # no province known without --province


def test_every_municipality_has_its_wijken() -> None:
    from ivp_pipeline.regions import WIJKEN_BUURTEN_YEAR, registry

    assert WIJKEN_BUURTEN_YEAR == 2024
    almelo = wijken("GM0141")
    assert almelo and all(w.code.startswith("WK0141") and w.municipality == "GM0141" for w in almelo)
    assert wijken("GM0141", "buurt")[0].code.startswith("BU0141")
    assert [w.name for w in wijken("GM1774")][:1] == ["Wijk 10 Denekamp"]
    pseudo = {"GM0998", "GM0999"}  # Buitenland; Gemeenten, niet in te delen
    missing = [m.code for m in registry().municipalities() if not wijken(m.code) and m.code not in pseudo]
    assert missing == []
    assert wijken("GM9999") == []


WHEEL_FLOW = os.environ.get("IVP_WHEEL_TEST") == "1"


@pytest.mark.skipif(not WHEEL_FLOW, reason="builds a wheel and a virtualenv: set IVP_WHEEL_TEST=1")
def test_wheel_in_an_empty_folder_starts_with_init(tmp_path: Path) -> None:
    """pip install of the wheel in a fresh venv, then `ivp init ws --sample && ivp ingest && ivp score`.

    The wheel is built from a copy of the tree with the declared build requirements (pip's build
    isolation fetches them from the package index); the venv reuses the installed dependencies, so
    only the wheel itself is new.
    """
    tree = tmp_path / "tree"
    top_level = {".venv", ".git", "reports", "build", "dist"}
    shutil.copytree(
        ROOT,
        tree,
        ignore=lambda folder, names: [
            n
            for n in names
            if n in {"__pycache__", ".ivp"}
            or n.endswith(".egg-info")
            or (Path(folder) == ROOT and n in top_level)
            or (Path(folder) == ROOT / "data" and n == "processed")
        ],
    )
    dist = tmp_path / "dist"
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(dist), str(tree)],
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0, built.stderr[-3000:]
    wheel = next(dist.glob("ivp_pipeline-*.whl"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = next((venv / "lib").glob("python3*/site-packages"))
    deps = [p for p in sys.path if p.endswith("site-packages")]
    (site / "deps.pth").write_text("\n".join(deps) + "\n", encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--target", str(site), str(wheel)],
        check=True,
        capture_output=True,
    )
    empty = tmp_path / "empty"
    empty.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    ivp = [str(venv / "bin" / "python"), "-m", "ivp_pipeline"]
    for args in (["init", "ws", "--sample"], ["ingest", "-w", "ws"], ["score", "-w", "ws", "--draws", "50"]):
        done = subprocess.run([*ivp, *args], cwd=empty, env=env, capture_output=True, text=True)
        assert done.returncode == 0, (args, done.stdout[-2000:], done.stderr[-2000:])
    assert (empty / "ws" / "reports" / "index.html").is_file()


def test_the_province_is_the_comparison_area_beside_nederland(tmp_path: Path, runner: CliRunner) -> None:
    args = [
        "init",
        str(tmp_path / "nwt"),
        "-m",
        "Almelo,Wierden,Twenterand",
        "--region-name",
        "Noordwest Twente",
    ]
    result = runner.invoke(app, [*args, "--province", "overijssel"])
    assert result.exit_code == 0, result.output
    assert "Vergelijkingsgebieden: Overijssel (PV), Nederland" in result.stdout
    ws = Workspace.at(tmp_path / "nwt")
    assert settings.region(ws).comparison_areas == ("PV23", "NL01")
    cfg = settings.scoring(ws)
    assert (cfg.reference_area, cfg.fallback_reference_area) == ("PV23", "NL01")
    # without --province the registry cannot tell it: Nederland only, and the user is told
    other = runner.invoke(app, ["init", str(tmp_path / "o"), "-m", "Almelo"])
    assert other.exit_code == 0 and "Geen provincie opgegeven" in other.stdout
    assert settings.region(Workspace.at(tmp_path / "o")).comparison_areas == ("NL01",)
    bad = runner.invoke(app, ["init", str(tmp_path / "b"), "-m", "Almelo", "--province", "Almelo"])
    assert bad.exit_code == 2 and "[unknown-region]" in bad.stderr and "--province" in bad.stderr
    assert not (tmp_path / "b" / "ivp.toml").exists()
