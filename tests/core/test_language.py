"""One language on screen: every message, hint, log line and terminal text the user sees is Dutch.

Two nets. The static one walks the source of `src/ivp_pipeline`: the message and hint of every
`Problem(...)` (also through the helpers that pass their text on to one, found by following their
parameters), every log call, every `echo`/`print` of the CLI, and every ValueError a pydantic validator
raises (it becomes a `bad-config` message). The dynamic one runs the CLI on wrong input and reads what
it prints. Both look for English words that are not also Dutch; quoted values, file names, option
names, codes and placeholders are left out, since they are the user's or the machine's words.
"""

from __future__ import annotations

import ast
import csv
import io
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from ivp_pipeline import atomic
from ivp_pipeline.cli import app
from ivp_pipeline.cli.output import STATUS_LABELS
from ivp_pipeline.cli.refresh_cmd import CHANGE_LABELS
from ivp_pipeline.cli.status_cmd import DATASET_LABELS
from ivp_pipeline.config import PYDANTIC_MESSAGES, validation_problems
from ivp_pipeline.kinds import KIND_LABELS
from ivp_pipeline.schemas import DATASETS
from ivp_pipeline.scoring.config import ScoringConfig
from ivp_pipeline.sources.detection import reader_modules
from ivp_pipeline.sources.textio import CSV_REASONS, csv_reason
from ivp_pipeline.workspace import Workspace
from ops_reader import fake_score, write_raw

SRC = Path(__file__).resolve().parents[2] / "src" / "ivp_pipeline"

# English words that are not Dutch words as well ("is", "in", "of", "was", "been", "type", "per",
# "export", "download", "code", "data" are both, so they are not here).
ENGLISH = frozenset(
    """
    a about after again all allowed already also an and answer any are area as at attempt attempts be
    because before between but by can cannot check choose column columns could count default did does
    doesn doesn't don't each empty error expected failed field file files first fix folder for found
    from get got has have header if into invalid it its keep known least line lines missing more must
    name no not nothing number on one only or other page pages period please rating read region remove
    required retry row rows run same see sheet sheets should show skipped such table tables than that
    the theme then there these this those to too try unchanged unknown unset use used using value
    values were what when where which whole will with without workbook would write written year yet
    """.split()  # noqa: SIM905 (a list that reads as prose)
)
_QUOTED = re.compile(r"(?<![\w])'[^']*'(?![\w])|\"[^\"]*\"|`[^`]*`|\[[^\]]*\]|\{[^}]*\}")
_WORD = re.compile(r"[A-Za-zÀ-ÿ']+")
_EDGES = "()[]{},.;:!?…*'\"«»<>"


def english_words(text: str) -> set[str]:
    """The English words in `text`, leaving out quoted parts, {placeholders}, [codes] and tokens such
    as file names, paths, options and acronyms (anything with a digit, '-', '.', '/', '_' or '=')."""
    found = set()
    for token in _QUOTED.sub(" ", text).split():
        word = token.replace("(s)", "").strip(_EDGES)
        if not _WORD.fullmatch(word) or (word.isupper() and len(word) > 1):
            continue
        if word.lower() in ENGLISH:
            found.add(word.lower())
    return found


def test_english_words_finds_english_and_leaves_dutch_names_and_values_alone() -> None:
    assert english_words("the file is empty") == {"the", "file", "empty"}
    assert english_words("3 file(s) in data/raw not ingested yet (run `ivp ingest`):") == {
        "file",
        "not",
        "yet",
        "run",
    }
    assert english_words("Error: row 3, column 'x'") == {"error", "row", "column"}
    dutch = (
        "Fout: data/raw/a.csv, rij 3, kolom 'the value': [not-a-number] geen aantal (waarde 'no'); "
        "gebruik --keep-going of `ivp ingest --allow-shrink`; 12 pagina's, een ivp-run, {file}, CSV UTF-8"
    )
    assert english_words(dutch) == set()


# --- the static net -----------------------------------------------------------------------------

TEXT_PARAMS = frozenset({"message", "msg", "hint"})
LOG_METHODS = frozenset({"debug", "info", "warning", "error", "exception", "critical"})
ECHO_FUNCTIONS = frozenset({"echo", "secho", "err_echo", "print"})
PROGRESS_FUNCTIONS = frozenset({"report", "progress"})  # progress(stage, done, total): the stage label


@dataclass(frozen=True)
class Text:
    where: str  # module:line
    text: str  # the literal, with {} for each placeholder of an f-string


def _literal(node: ast.AST, names: dict[str, ast.AST], depth: int = 0) -> list[str]:
    """The text(s) an expression can have, as far as it is made of literals; [] when it is not."""
    if depth > 5:
        return []
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        parts = []
        for value in node.values:
            if isinstance(value, ast.Constant):
                parts.append(str(value.value))
            else:  # a placeholder, and the literal branches inside it ({'a' if x else 'b'})
                parts.append("{}")
                parts.extend(f" {t} " for t in _literal(getattr(value, "value", value), names, depth + 1))
        return ["".join(parts)]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left = _literal(node.left, names, depth + 1) or ["{}"]
        right = _literal(node.right, names, depth + 1) or ["{}"]
        return [a + b for a in left for b in right]
    if isinstance(node, ast.IfExp):
        return _literal(node.body, names, depth + 1) + _literal(node.orelse, names, depth + 1)
    if isinstance(node, ast.Name) and node.id in names:
        return _literal(names[node.id], names, depth + 1)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        if node.func.attr == "format":  # "...".format(...) or NAME.format(...)
            return _literal(node.func.value, names, depth + 1)
        if node.func.attr == "join" and node.args:  # " or ".join(...): the separator is text too
            return _literal(node.func.value, names, depth + 1)
    return []


def _callee(call: ast.Call) -> str:
    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _functions(tree: ast.AST) -> Iterator[ast.FunctionDef]:
    yield from (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef))


def _params(fn: ast.FunctionDef) -> list[str]:
    names = [a.arg for a in [*fn.args.posonlyargs, *fn.args.args]]
    return names[1:] if names[:1] in (["self"], ["cls"]) else names


def _text_args(call: ast.Call, helpers: dict[str, set[str]], params: dict[str, list[str]]) -> list[ast.AST]:
    """The arguments of `call` that become a message or hint."""
    name = _callee(call)
    wanted = helpers.get(name, set())
    found = [k.value for k in call.keywords if k.arg in wanted or k.arg in TEXT_PARAMS]
    positional = params.get(name, [])
    found += [arg for arg, param in zip(call.args, positional, strict=False) if param in wanted]
    return found


def _trees() -> dict[str, ast.Module]:
    return {
        str(p.relative_to(SRC)): ast.parse(p.read_text(encoding="utf-8")) for p in sorted(SRC.rglob("*.py"))
    }


def _helpers(trees: dict[str, ast.Module]) -> tuple[dict[str, set[str]], dict[str, list[str]]]:
    """Functions whose parameters end up in a Problem's message or hint (to a fixpoint), by name."""
    helpers: dict[str, set[str]] = {"Problem": {"message", "hint"}}
    params: dict[str, list[str]] = {"Problem": ["code", "message"]}
    functions = [fn for tree in trees.values() for fn in _functions(tree)]
    for fn in functions:
        params.setdefault(fn.name, _params(fn))
    changed = True
    while changed:
        changed = False
        for fn in functions:
            own = set(_params(fn)) | {a.arg for a in fn.args.kwonlyargs}
            for call in (n for n in ast.walk(fn) if isinstance(n, ast.Call)):
                for arg in _text_args(call, helpers, params):
                    used = _text_names(arg) & own
                    if used - helpers.get(fn.name, set()):
                        helpers.setdefault(fn.name, set()).update(used)
                        changed = True
    return helpers, params


def _text_names(node: ast.AST) -> set[str]:
    """The names whose text becomes part of `node`'s text: `x`, f"...{x}", "..." + x (not {x:.0f}, len(x))."""
    if isinstance(node, ast.Name):
        return {node.id}
    if isinstance(node, ast.JoinedStr):
        return {
            v.value.id
            for v in node.values
            if isinstance(v, ast.FormattedValue) and v.format_spec is None and isinstance(v.value, ast.Name)
        }
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _text_names(node.left) | _text_names(node.right)
    if isinstance(node, ast.IfExp):
        return _text_names(node.body) | _text_names(node.orelse)
    return set()


def _is_validator(fn: ast.FunctionDef) -> bool:
    return any("validator" in ast.unparse(d) for d in fn.decorator_list)


def user_texts() -> list[Text]:
    """Every literal in src/ that reaches the user's screen as a message, hint, log or terminal line."""
    trees = _trees()
    helpers, params = _helpers(trees)
    texts: list[Text] = []
    for module, tree in trees.items():
        names = {
            n.targets[0].id: n.value
            for n in ast.walk(tree)
            if isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], ast.Name)
        }
        validators = {id(c) for fn in _functions(tree) if _is_validator(fn) for c in ast.walk(fn)}
        for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
            name = _callee(call)
            args = _text_args(call, helpers, params)
            is_log = name in LOG_METHODS and isinstance(call.func, ast.Attribute)
            is_echo = name in ECHO_FUNCTIONS and (module.startswith("cli/") or name == "err_echo")
            is_stage = name in PROGRESS_FUNCTIONS and len(call.args) == 3
            if (
                is_log or is_echo or is_stage or (name == "ValueError" and id(call) in validators)
            ) and call.args:
                args.append(call.args[0])
            for arg in args:
                texts += [Text(f"{module}:{call.lineno}", t) for t in _literal(arg, names)]
    return texts


TEXTS = user_texts()


def test_the_walk_reaches_problems_helpers_logs_and_terminal_lines() -> None:
    found = {t.text for t in TEXTS}
    assert len(TEXTS) > 250
    for sample in (
        "geen aantal",  # a module-level Problem (sources/police/values.py)
        "geen jaar zoals 2023",  # through a local helper, bad(code, message, ...) (sources/survey/local.py)
        "geen bevolkingscijfers voor deze gemeente",  # through _problems(code, msg, ...) (scoring)
        "dit is geen politietabel (47xxxNED): {}",  # through not_a_police_table(source, why)
        "Verversen mislukt: data/processed en reports zijn niet veranderd.",  # the CLI
        "%s is beschadigd; zo gelaten",  # a log line (steps/rollback.py)
        "minstens één gemeente",  # a pydantic validator's ValueError (scoring/config.py)
        "Scores berekenen",  # a progress stage (steps/score.py)
        "Grafieken tekenen",  # a progress stage (reports/__init__.py)
    ):
        assert sample in found, sample
    assert any(t.text.startswith("dit is geen politietabel") for t in TEXTS)
    assert any("er is geen kolom SoortMisdrijf of Overlast" in t.text for t in TEXTS)  # why=...


def test_no_message_hint_log_or_terminal_line_in_the_source_is_english() -> None:
    english = {f"{t.where}: {t.text}": sorted(w) for t in TEXTS if (w := english_words(t.text))}
    assert english == {}


def test_the_terminal_names_every_kind_of_file_and_dataset_in_dutch() -> None:
    """The ingest table and `ivp status` show labels, never a reader's KIND or a dataset's name."""
    kinds = {m.KIND for m in reader_modules()}
    assert len(kinds) >= 7 and kinds <= set(KIND_LABELS)
    assert {d.name for d in DATASETS.values()} <= set(DATASET_LABELS)
    statuses = {  # FileOutcome(name, "<status>", ...) in steps/ingest.py
        call.args[1].value
        for call in ast.walk(ast.parse((SRC / "steps" / "ingest.py").read_text(encoding="utf-8")))
        if isinstance(call, ast.Call) and _callee(call) == "FileOutcome" and len(call.args) > 1
        if isinstance(call.args[1], ast.Constant)
    }
    assert {"ingested", "unchanged", "failed", "skipped", "duplicate"} <= statuses <= set(STATUS_LABELS)
    labels = [
        *KIND_LABELS.values(),
        *DATASET_LABELS.values(),
        *STATUS_LABELS.values(),
        *CHANGE_LABELS.values(),
    ]
    assert [label for label in labels if english_words(label)] == []


def test_the_english_of_libraries_is_put_in_dutch() -> None:
    """pydantic's and csv's own messages are English; what replaces them is checked here."""
    tables = {**PYDANTIC_MESSAGES, **dict(CSV_REASONS)}
    assert {k: v for k, v in tables.items() if english_words(v)} == {}
    try:
        ScoringConfig.model_validate({"seed": "veel", "bogus": 1, "municipalities": ["Losser"]})
    except ValidationError as exc:
        problems = validation_problems(exc, file="ivp.toml", path=("scoring",))
    assert sorted((p.column, p.message) for p in problems) == [
        ("scoring.bogus", "onbekende sleutel"),
        ("scoring.municipalities", "geen gemeentecode: 'Losser' (verwacht GMxxxx)"),
        ("scoring.seed", "geen geheel getal"),
    ]
    with pytest.raises(csv.Error) as info:
        list(csv.reader(io.StringIO('"abc\n'), strict=True))
    assert csv_reason(info.value) == "het bestand eindigt midden in een veld"


# --- the dynamic net ----------------------------------------------------------------------------


def _lines(*outputs: str) -> list[str]:
    return [line for out in outputs for line in out.splitlines() if line.strip()]


def assert_dutch(result: object, exit_code: int) -> list[str]:
    """Every line the command printed (stdout and stderr) is Dutch; returns the stderr lines."""
    stdout, stderr = getattr(result, "stdout"), getattr(result, "stderr")  # noqa: B009
    assert getattr(result, "exit_code") == exit_code, stdout + stderr  # noqa: B009
    assert "Traceback" not in stdout + stderr
    english = {line: sorted(w) for line in _lines(stdout, stderr) if (w := english_words(line))}
    assert english == {}
    return _lines(stderr)


def _put(ws: Workspace, kind: str, name: str, text: str) -> None:
    (ws.raw / kind).mkdir(parents=True, exist_ok=True)
    (ws.raw / kind / name).write_text(text, encoding="utf-8")


def test_a_missing_path_is_told_in_dutch(ws: Workspace, runner: CliRunner) -> None:
    result = runner.invoke(app, ["ingest", "-w", str(ws.root), str(ws.root / "bestaat-niet.csv")])
    lines = assert_dutch(result, 1)
    assert lines[0].startswith("Fout: ") and "[missing-path]" in lines[0] and "bestaat-niet.csv" in lines[0]


def test_an_unknown_profile_is_told_in_dutch(ws: Workspace, runner: CliRunner) -> None:
    result = runner.invoke(app, ["score", "-w", str(ws.root), "--profile", "foo"])
    lines = assert_dutch(result, 2)
    assert lines[0].startswith("Fout: optie '--profile': [unknown-profile]") and "(waarde 'foo')" in lines[0]


@pytest.mark.parametrize(
    ("toml", "command", "column"),
    [
        ("[scoring\nseed = 1\n", ["score"], ""),
        ('[fetch]\npage_size = "veel"\n', ["fetch"], "sleutel 'fetch.page_size'"),
        ("[fetch]\nbogus = 1\n", ["fetch"], "sleutel 'fetch.bogus'"),
        ('[fetch]\ntables = "47013NED"\n', ["fetch"], "sleutel 'fetch.tables'"),
    ],
    ids=["syntax", "not-a-number", "unknown-key", "not-a-list"],
)
def test_a_bad_ivp_toml_is_told_in_dutch(
    ws: Workspace, runner: CliRunner, toml: str, command: list[str], column: str
) -> None:
    (ws.root / "ivp.toml").write_text(toml, encoding="utf-8")
    result = runner.invoke(app, [*command, "-w", str(ws.root)])
    lines = assert_dutch(result, 1)
    assert lines[0].startswith("Fout: ") and "[bad-config]" in lines[0] and column in lines[0]


def test_rejected_rows_and_an_unreadable_file_are_told_in_dutch(ws: Workspace, runner: CliRunner) -> None:
    _put(ws, "population", "b.csv", "gemeente;jaar;inwoners\nGM1774;2024;26000\nGM0168;2024;veel\n")
    result = runner.invoke(app, ["ingest", "-w", str(ws.root)])
    assert_dutch(result, 3)
    assert "data/raw/population/b.csv, rij 3, kolom 'inwoners': [not-a-number]" in result.stdout
    _put(ws, "population", "x.csv", "dit is geen tabel\n")
    _put(ws, "police", "leeg.csv", "")
    lines = assert_dutch(runner.invoke(app, ["ingest", "-w", str(ws.root)]), 1)
    assert {line.split("]")[0].split("[")[-1] for line in lines if line.startswith("Fout: ")} == {
        "unrecognised-file",
        "empty-file",
    }


def test_status_and_a_failed_refresh_are_told_in_dutch(ws: Workspace, runner: CliRunner) -> None:
    assert_dutch(runner.invoke(app, ["status", "-w", str(ws.root)]), 0)
    _put(ws, "population", "x.csv", "dit is geen tabel\n")
    assert_dutch(runner.invoke(app, ["status", "-w", str(ws.root)]), 0)
    lines = assert_dutch(runner.invoke(app, ["refresh", "-w", str(ws.root)]), 1)
    assert lines[-1] == "Verversen mislukt: data/processed en reports zijn niet veranderd."


def test_a_refresh_that_changed_something_is_told_in_dutch(
    ws: Workspace, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("ivp_pipeline.sources.detection.READERS", ("ops_reader",))
    monkeypatch.setattr("ivp_pipeline.steps.refresh.default_score", fake_score)
    write_raw(ws, "a.json", [{"area": "GM1774", "code": "1.1.1", "period": "2024-01-01", "value": 5}])
    result = runner.invoke(app, ["refresh", "-w", str(ws.root)])
    assert_dutch(result, 0)
    assert "Wijzigingen: nieuw ingelezen reeksen 1" in result.stdout
    assert "Geschreven: reports/wijzigingen.md" in result.stdout


def test_a_template_that_exists_is_told_in_dutch(tmp_path: Path, runner: CliRunner) -> None:
    out = tmp_path / "enquete.xlsx"
    assert_dutch(runner.invoke(app, ["template", "survey", "-w", str(tmp_path), "--out", str(out)]), 0)
    lines = assert_dutch(
        runner.invoke(app, ["template", "survey", "-w", str(tmp_path), "--out", str(out)]), 1
    )
    assert "[file-exists] het bestand bestaat al" in lines[0]


@pytest.mark.parametrize(
    ("args", "dutch"),
    [
        (["score", "--nope"], "Onbekende optie: --nope"),
        (["score", "--draws", "3"], "Ongeldige waarde voor '--draws': moet minstens 10 zijn"),
        (["score", "--top", "veel"], "Ongeldige waarde voor '--top': geen geheel getal"),
        (["score", "--profile"], "Optie '--profile' heeft een waarde nodig."),
        (["scor"], "Onbekende opdracht 'scor'. Bedoelt u 'score'?"),
        (["score", "extra"], "Onverwacht extra argument: extra"),
        (["status", "-w", __file__], "is een bestand, geen map."),
    ],
    ids=[
        "unknown-option",
        "out-of-range",
        "not-a-number",
        "missing-value",
        "typo",
        "extra",
        "file-as-folder",
    ],
)
def test_a_wrong_command_line_is_told_in_dutch(runner: CliRunner, args: list[str], dutch: str) -> None:
    result = runner.invoke(app, args, terminal_width=200)
    lines = assert_dutch(result, 2)
    panel = " ".join(re.sub("[│╭╮╰╯─]", " ", " ".join(lines)).split())  # rich folds the error box
    assert dutch in panel and "Fout " in panel, panel


def test_a_locked_workspace_is_told_in_dutch(tmp_path: Path) -> None:
    lock = tmp_path / "x.lock"
    script = (
        "import sys\nfrom pathlib import Path\nfrom ivp_pipeline import atomic\n"
        "from ivp_pipeline.problems import IvpError\n"
        "try:\n    atomic.workspace_lock(Path(sys.argv[1]), timeout=0.2).__enter__()\n"
        "except IvpError as e:\n    print(e.problem.line())\n"
    )
    with atomic.workspace_lock(lock):
        out = subprocess.run([sys.executable, "-c", script, str(lock)], capture_output=True, text=True)
    line = out.stdout.strip()
    assert "[workspace-locked] een andere ivp-run houdt de werkruimte al meer dan 0 s bezet" in line
    assert english_words(line) == set() and english_words(out.stderr) == set(), out.stderr
