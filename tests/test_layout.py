"""The layout of skill/ (README "Where each piece lives"): the core imports nothing from the
ways in or the build tooling, no module imports itself back through others, and the indexes
(skill/safety.py, skill/state.py, pyproject's package list) stay true to the tree."""
from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

import pytest

from skill import state

ROOT = Path(__file__).resolve().parents[1]
SKILL = ROOT / "skill"
# The ways in and the tooling; everything else under skill/ is the core.
OUTSIDE_THE_CORE = ("skill.local", "skill.web", "skill.build", "skill.cli", "skill.lambda_function")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in SKILL.rglob("*.py") if "data" not in p.parts}


def _imports(name: str, path: Path) -> set[str]:
    """The skill modules `name` imports anywhere in its body (inside functions too: an import
    that runs later is still a dependency)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.add(module)
            # `from . import memory` imports a module, not a name
            found.update(f"{module}.{a.name}" for a in node.names
                         if f"{module}.{a.name}" in MODULES)
    return {m for m in found if m in MODULES and m != name}


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def _outside_the_core(name: str) -> bool:
    return any(name == top or name.startswith(top + ".") for top in OUTSIDE_THE_CORE)


def test_there_are_no_import_cycles():
    done: set[str] = set()
    cycles = []

    def visit(name: str, stack: list[str]) -> None:
        if name in stack:
            cycles.append(" -> ".join(stack[stack.index(name):] + [name]))
            return
        if name in done:
            return
        for dependency in sorted(GRAPH[name]):
            visit(dependency, stack + [name])
        done.add(name)

    for name in sorted(GRAPH):
        visit(name, [])
    assert not cycles


def test_the_core_imports_nothing_from_the_ways_in_or_the_build():
    leaks = {name: sorted(d for d in deps if _outside_the_core(d))
             for name, deps in GRAPH.items() if not _outside_the_core(name)}
    assert not {name: deps for name, deps in leaks.items() if deps}


def test_the_lambda_path_reaches_no_way_in_but_its_own():
    reached, todo = set(), ["skill.lambda_function"]
    while todo:
        name = todo.pop()
        if name not in reached:
            reached.add(name)
            todo.extend(GRAPH[name])
    assert not {n for n in reached if _outside_the_core(n)} - {"skill.lambda_function"}


def test_every_file_the_safety_index_names_exists():
    named = set(re.findall(r"((?:skill|content|tests)/[\w/<>.-]+\.(?:py|yaml))",
                           (SKILL / "safety.py").read_text(encoding="utf-8")))
    assert named
    missing = [n for n in named if not (ROOT / n.replace("<locale>", "en-US")).is_file()]
    assert not missing


def test_every_state_key_has_one_meaning():
    keys = {name: value for name, value in vars(state).items()
            if name.isupper() and isinstance(value, str)}
    by_value: dict[str, list[str]] = {}
    for name, value in keys.items():
        by_value.setdefault(value, []).append(name)
    # READ_BY_GRAMMAR is DENIED by another name: the mark that the grammar read the words.
    shared = {value: names for value, names in by_value.items() if len(names) > 1}
    assert shared == {"denied_flags": ["DENIED", "READ_BY_GRAMMAR"]}


PACKAGES = sorted(_module_name(p.parent) for p in SKILL.rglob("__init__.py") if "data" not in p.parts)


@pytest.mark.parametrize("package", PACKAGES)
def test_every_package_is_installed(package):
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert package in config["tool"]["setuptools"]["packages"]
