"""The tests of a source tree and the requirements their ``requirement`` markers name, read
from the source (ast) without importing it: the check runs before, and apart from, a run."""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeGuard

# Where pytest looks for tests (pyproject's testpaths).
TEST_ROOTS = ("tests", "plugins", "examples")


@dataclass(frozen=True)
class MarkedTest:
    """A test function (its pytest node id without parameters) and the requirements it names."""

    node_id: str
    requirements: tuple[str, ...]


@dataclass(frozen=True)
class MarkerProblem:
    """A ``requirement`` marker that names no requirement as text."""

    where: str


def find_test_files(root: Path, roots: Iterable[str] = TEST_ROOTS) -> Iterator[Path]:
    for name in roots:
        for path in sorted((root / name).rglob("test_*.py")):
            if not any(part.startswith(".") or part == "build" for part in path.parts):
                yield path


def collect_tests(
    root: Path, roots: Iterable[str] = TEST_ROOTS
) -> tuple[list[MarkedTest], list[MarkerProblem]]:
    """Every test of the files under ``roots`` with the requirements its markers name
    (its own, its class's, its module's ``pytestmark``)."""
    tests: list[MarkedTest] = []
    problems: list[MarkerProblem] = []
    for path in find_test_files(root, roots):
        relative = path.relative_to(root).as_posix()
        module = ast.parse(path.read_text(encoding="utf-8"), filename=relative)
        module_marks = _pytestmark(module.body, relative, problems)
        for node in module.body:
            if _is_test_function(node):
                tests.append(_test(f"{relative}::{node.name}", module_marks, node, problems))
            elif isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
                class_marks = module_marks + _decorator_marks(
                    node, f"{relative}::{node.name}", problems
                )
                class_marks += _pytestmark(node.body, f"{relative}::{node.name}", problems)
                for member in node.body:
                    if _is_test_function(member):
                        node_id = f"{relative}::{node.name}::{member.name}"
                        tests.append(_test(node_id, class_marks, member, problems))
    return tests, problems


def _is_test_function(node: ast.stmt) -> TypeGuard[ast.FunctionDef | ast.AsyncFunctionDef]:
    return isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test")


def _test(
    node_id: str, inherited: tuple[str, ...], node: ast.stmt, problems: list[MarkerProblem]
) -> MarkedTest:
    own = _decorator_marks(node, node_id, problems)
    return MarkedTest(node_id, tuple(dict.fromkeys(inherited + own)))


def _decorator_marks(node: ast.stmt, where: str, problems: list[MarkerProblem]) -> tuple[str, ...]:
    decorators = getattr(node, "decorator_list", [])
    return tuple(
        name for decorator in decorators for name in _marker_ids(decorator, where, problems)
    )


def _pytestmark(body: list[ast.stmt], where: str, problems: list[MarkerProblem]) -> tuple[str, ...]:
    """The requirements of a ``pytestmark = ...`` (one mark or a list of them)."""
    found: list[str] = []
    for node in body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "pytestmark" for target in node.targets
        ):
            values = (
                node.value.elts if isinstance(node.value, ast.List | ast.Tuple) else [node.value]
            )
            for value in values:
                found.extend(_marker_ids(value, where, problems))
    return tuple(found)


def _marker_ids(expression: ast.expr, where: str, problems: list[MarkerProblem]) -> list[str]:
    """The ids of ``pytest.mark.requirement("A", "B")`` (or ``mark.requirement``), else none."""
    if not (
        isinstance(expression, ast.Call)
        and isinstance(expression.func, ast.Attribute)
        and expression.func.attr == "requirement"
        and _names_mark(expression.func.value)
    ):
        return []
    ids = [
        arg.value
        for arg in expression.args
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
    ]
    if not expression.args or len(ids) != len(expression.args) or expression.keywords:
        problems.append(MarkerProblem(where))
    return ids


def _names_mark(expression: ast.expr) -> bool:
    if isinstance(expression, ast.Name):
        return expression.id == "mark"
    return isinstance(expression, ast.Attribute) and expression.attr == "mark"
