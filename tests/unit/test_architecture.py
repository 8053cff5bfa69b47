"""The shape of the code: dependencies point one way and no module imports itself back.

Every import counts, also those inside functions and under `TYPE_CHECKING`: a cycle hidden from the
interpreter is still a cycle for a reader."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("bot", "handlers", "hiring", "scheduling", "storage")


def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def imports(path: Path, known: set[str]) -> Iterator[str]:
    """The project modules `path` imports (a package import counts as its `__init__`)."""
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [f"{node.module}.{alias.name}" for alias in node.names] + [node.module]
        else:
            continue
        for name in names:
            if name in known:
                yield name


def graph() -> dict[str, set[str]]:
    found = modules()
    known = set(found)
    return {name: set(imports(path, known)) - {name} for name, path in found.items()}


def test_no_import_cycles() -> None:
    edges = graph()
    # A package's __init__ importing its own modules is how a package re-exports; not a cycle.
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for target in sorted(edges[node]):
            if node.startswith(target + "."):
                continue  # a module importing its own package's __init__
            if state.get(target) == 1:
                cycles.append([*stack[stack.index(target) :], target])
            elif target not in state:
                visit(target, [*stack, target])
        state[node] = 2

    for name in sorted(edges):
        if name not in state:
            visit(name, [name])
    assert not cycles, "\n".join(" → ".join(c) for c in cycles)


LAYERS = {
    "storage": {"storage"},
    "scheduling": {"scheduling", "storage"},
    "hiring": {"hiring", "scheduling", "storage"},
    "handlers": {"handlers", "hiring", "scheduling", "storage"},
}


@pytest.mark.parametrize("layer", sorted(LAYERS))
def test_dependencies_point_one_way(layer: str) -> None:
    wrong = [
        f"{name} imports {target}"
        for name, targets in graph().items()
        if name.split(".")[0] == layer
        for target in targets
        if target.split(".")[0] not in LAYERS[layer]
    ]
    assert not wrong, "\n".join(wrong)


def test_the_domain_imports_neither_slack_nor_google() -> None:
    wrong = []
    for path in (ROOT / "hiring").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            module = node.module if isinstance(node, ast.ImportFrom) else None
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [module or ""]
            wrong += [
                f"{path.name}: {n}"
                for n in names
                if n.split(".")[0] in {"slack_sdk", "slack_bolt", "googleapiclient"}
            ]
    assert not wrong, wrong


def imported_modules(path: Path) -> Iterator[str]:
    """Every module name `path` imports (third-party ones too)."""
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


def sources(*packages: str) -> Iterator[Path]:
    for package in packages:
        yield from sorted((ROOT / package).rglob("*.py"))


def sqlalchemy_imports(path: Path) -> Iterator[str]:
    """`module` or `module.name` for every import from SQLAlchemy in `path`."""
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names if a.name.split(".")[0] == "sqlalchemy")
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "sqlalchemy":
            yield from (f"{node.module}.{a.name}" for a in node.names)


# What may be imported from SQLAlchemy outside storage/: errors to catch, and the engine's type where
# bot/ wires the database. Queries (select, text, sessions, ...) stay in storage/repositories/.
ALLOWED = {"hiring": (), "handlers": ("sqlalchemy.exc.",), "bot": ("sqlalchemy.exc.", "sqlalchemy.Engine")}


def test_queries_live_in_storage() -> None:
    wrong = [
        f"{path.relative_to(ROOT)} imports {name}"
        for package, allowed in ALLOWED.items()
        for path in sources(package)
        for name in sqlalchemy_imports(path)
        if not name.startswith(allowed)
    ]
    wrong += [
        f"{path.relative_to(ROOT)}:{node.lineno} uses .session"
        for path in sources(*ALLOWED)
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Attribute) and node.attr == "session"
    ]
    assert not wrong, "\n".join(wrong)


def test_listeners_get_plain_data_not_rows() -> None:
    wrong = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in sources("handlers")
        for name in imported_modules(path)
        if name == "storage.models"
    ]
    assert not wrong, "\n".join(wrong)


def test_no_test_module_defines_a_nose_style_setup_or_teardown() -> None:
    """pytest 8.0, the lowest version we allow, still runs a module-level `setup()`/`teardown()` as a
    nose-style fixture (newer releases do not), so a helper by that name breaks only the lowest run."""
    offenders = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path in sorted((ROOT / "tests").rglob("*.py"))
        for node in ast.parse(path.read_text(encoding="utf-8")).body
        if isinstance(node, ast.FunctionDef) and node.name in {"setup", "teardown"}
    ]
    assert offenders == [], f"rename these helpers (e.g. `prepare`): {offenders}"


def test_functions_fit_on_a_screen() -> None:
    """No function over 60 lines (decorators and docstring included) outside migrations: one that
    long does more than one thing. The benchmarks count too."""
    too_long = [
        f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for path in [*sources(*PACKAGES), *sorted((ROOT / "benchmarks").rglob("*.py"))]
        if "migrations" not in path.parts
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno is not None
        and node.end_lineno - node.lineno + 1 > 60
    ]
    assert not too_long, "\n".join(too_long)
