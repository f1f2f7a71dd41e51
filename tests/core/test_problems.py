"""The problem registry: codes are declared once, every code in src/ is registered, the docs list them."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from ivp_pipeline.problems import CODES, IvpError, Problem, problems_to_csv

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "ivp_pipeline"
DOCS = ROOT / "docs" / "problems.md"
_CODE = re.compile(r"^[a-z]+(-[a-z]+)+$")
_DOC_ROW = re.compile(r"^\| `([^`]+)` \| (.*) \|$")


def test_an_unregistered_code_is_a_bug() -> None:
    with pytest.raises(ValueError, match="unregistered problem code 'unknown-regoin'"):
        Problem("unknown-regoin", "a typo of unknown-region")
    with pytest.raises(ValueError, match="unregistered"):
        Problem("Unknown-Region", "a code has one spelling")
    with pytest.raises(ValueError, match="unregistered"):
        replace(Problem("unknown-region", "x"), code="unknown_region")


def test_at_places_a_problem_and_keeps_the_rest() -> None:
    bare = Problem("not-a-number", "geen aantal", hint="controleer de export")
    placed = bare.at(file="a.csv", row=7, column="Waarde", value="1,5")
    where = {"file": "a.csv", "row": 7, "column": "Waarde", "value": "1,5"}
    assert placed == Problem("not-a-number", "geen aantal", **where, hint="controleer de export")
    assert bare.row is None and bare.file == ""  # frozen: the cached problem is not changed
    in_sheet = Problem("not-a-number", "geen aantal", **where, sheet="Invoer", hint="controleer de export")
    assert placed.at(sheet="Invoer") == in_sheet
    assert placed.at(value="").value == ""
    assert (
        placed.line()
        == "a.csv, rij 7, kolom 'Waarde': [not-a-number] geen aantal (waarde '1,5'); controleer de export"
    )
    assert in_sheet.line().startswith("a.csv, blad 'Invoer', rij 7, kolom 'Waarde': [not-a-number]")


def test_a_line_names_an_option_or_a_key_rather_than_a_column() -> None:
    option = Problem(
        "unknown-profile", "er is geen wegingsprofiel met deze naam", column="--profile", value="x"
    )
    assert (
        option.line()
        == "optie '--profile': [unknown-profile] er is geen wegingsprofiel met deze naam (waarde 'x')"
    )
    key = Problem("bad-config", "geen geheel getal", file="ivp.toml", column="fetch.page_size", value="veel")
    assert key.line() == "ivp.toml, sleutel 'fetch.page_size': [bad-config] geen geheel getal (waarde 'veel')"


def test_problems_serialise_and_raise() -> None:
    p = Problem("missing-column", "geen kolom Perioden", file="x.csv", column="Perioden")
    assert problems_to_csv([p]).splitlines() == [
        "code,file,sheet,row,column,value,message,hint",
        "missing-column,x.csv,,,Perioden,,geen kolom Perioden,",
    ]
    err = IvpError(p, [p.at(column="Marges")])
    assert [q.column for q in err.problems] == ["Perioden", "Marges"] and err.problem is p


def test_codes_are_kebab_case_with_a_one_line_description() -> None:
    for code, description in CODES.items():
        assert _CODE.match(code), code
        assert description and "\n" not in description and description == description.strip(), code
        assert description[0].islower() and not description.endswith("."), code  # a phrase, like messages


# --- every code used in src/ is registered ------------------------------------------------------------


def _called(node: ast.Call) -> str | None:
    f = node.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None


def _is_method(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return [a.arg for a in fn.args.args[:1]] in (["self"], ["cls"])


def _params(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
    names = [a.arg for a in [*fn.args.posonlyargs, *fn.args.args]]
    return names[1:] if _is_method(fn) else names


class _Module:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        self.parent: dict[ast.AST, ast.AST] = {}
        for node in ast.walk(self.tree):
            for child in ast.iter_child_nodes(node):
                self.parent[child] = node
        imports = [n for n in ast.walk(self.tree) if isinstance(n, ast.ImportFrom)]
        self.imported = {a.asname or a.name for n in imports for a in n.names}

    def where(self, node: ast.AST) -> str:
        return f"{self.path.relative_to(SRC)}:{getattr(node, 'lineno', '?')}"

    def functions(self, node: ast.AST) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef]:
        """The functions enclosing `node`, innermost first."""
        while node in self.parent:
            node = self.parent[node]
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                yield node

    def calls(self) -> Iterator[ast.Call]:
        return (n for n in ast.walk(self.tree) if isinstance(n, ast.Call))


def _argument(call: ast.Call, index: int, name: str) -> ast.expr | None:
    if index < len(call.args) and not any(isinstance(a, ast.Starred) for a in call.args[: index + 1]):
        return call.args[index]
    return next((k.value for k in call.keywords if k.arg == name), None)


def _codes_in_src() -> tuple[dict[str, list[str]], list[str]]:
    """Code -> where it is used, and the places whose code cannot be read from the source.

    A code reaches `Problem(code, ...)` as a literal (or `a if ... else b`), through a local variable
    assigned literals, or through a parameter of a helper such as `bad(code, message, ...)`; the calls
    of such a helper (in its module, or in modules importing it) are followed in turn.
    """
    modules = [_Module(p) for p in sorted(SRC.rglob("*.py"))]
    found: dict[str, list[str]] = {}
    unresolved: list[str] = []
    sinks: list[tuple[_Module, str, bool, int, str]] = []  # helper: module, name, method?, param index, name
    seen: set[tuple[str, str, int]] = set()

    def resolve(mod: _Module, expr: ast.expr, at: ast.AST) -> None:
        if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
            found.setdefault(expr.value, []).append(mod.where(expr))
        elif isinstance(expr, ast.IfExp):
            resolve(mod, expr.body, at)
            resolve(mod, expr.orelse, at)
        elif isinstance(expr, ast.Name):
            for fn in mod.functions(at):
                params = _params(fn)
                if expr.id in params:
                    key = (str(mod.path), fn.name, params.index(expr.id))
                    if key not in seen:
                        seen.add(key)
                        sinks.append((mod, fn.name, _is_method(fn), params.index(expr.id), expr.id))
                    return
                values = [
                    n.value
                    for n in ast.walk(fn)
                    if isinstance(n, ast.Assign)
                    and any(isinstance(t, ast.Name) and t.id == expr.id for t in n.targets)
                ]
                if values:
                    for value in values:
                        resolve(mod, value, value)
                    return
            unresolved.append(f"{mod.where(expr)} {ast.unparse(expr)}")
        else:
            unresolved.append(f"{mod.where(expr)} {ast.unparse(expr)}")

    for mod in modules:
        if mod.path.name == "problems.py":
            continue  # Problem.at copies a registered code
        for call in mod.calls():
            if _called(call) != "Problem":
                continue
            arg = _argument(call, 0, "code")
            if arg is None:
                if not any(
                    k.arg is None for k in call.keywords
                ):  # Problem(**record): read back from a manifest
                    unresolved.append(f"{mod.where(call)} Problem() without a code")
                continue
            resolve(mod, arg, call)
    while sinks:
        home, name, method, index, param = sinks.pop()
        for mod in modules:
            if mod is not home and name not in mod.imported:
                continue
            for call in mod.calls():
                # a method is called as obj.name(...), a function as name(...): ctx.reject is not reject
                if isinstance(call.func, ast.Attribute if method else ast.Name) and _called(call) == name:
                    arg = _argument(call, index, param)
                    if arg is not None:
                        resolve(mod, arg, call)
    return found, unresolved


def test_every_code_used_in_src_is_registered() -> None:
    found, unresolved = _codes_in_src()
    assert not unresolved, f"codes that cannot be read from the source: {unresolved}"
    missing = {code: where for code, where in found.items() if code not in CODES}
    assert not missing, f"declare these codes in ivp_pipeline.problems.CODES: {missing}"


def test_every_registered_code_is_used_in_src() -> None:
    found, _unresolved = _codes_in_src()
    assert sorted(set(CODES) - set(found)) == [], "remove codes that nothing produces any more from CODES"


def test_the_scan_sees_codes_passed_through_helpers_and_locals() -> None:
    found, _unresolved = _codes_in_src()
    # bad(code, ...) in the labels reader, a local `code = ... if ... else ...` in the bulk reader,
    # reject(code, ...) in the VM reader, module constants of the count parser.
    assert {"unknown-margin", "truncated-row", "extra-field", "negative-count", "no-police-data"} <= set(
        found
    )


# --- the docs list the registry -------------------------------------------------------------------------


def _docs_table() -> str:
    rows = [f"| `{code}` | {description} |" for code, description in CODES.items()]
    return "\n".join(["| code | meaning |", "|---|---|", *rows])


def test_docs_list_every_code_as_registered() -> None:
    lines = DOCS.read_text(encoding="utf-8").splitlines()
    listed = [m.groups() for m in map(_DOC_ROW.match, lines) if m]
    assert listed == list(CODES.items()), (
        f"docs/problems.md differs from ivp_pipeline.problems.CODES; its table should read:\n{_docs_table()}"
    )
    assert "problems.md" in (ROOT / "docs" / "inputs.md").read_text(encoding="utf-8")
