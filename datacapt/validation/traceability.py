"""Requirements and tests traced to one another, and what breaks the trace."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from datacapt.validation.markers import TEST_ROOTS, MarkedTest, collect_tests
from datacapt.validation.requirements import REQUIREMENTS_DIR, Requirement, load_requirements


@dataclass(frozen=True)
class Trace:
    """The requirements, the tests of the tree, which tests prove each requirement, and every
    problem of the trace (empty when it holds)."""

    requirements: list[Requirement]
    tests: list[MarkedTest]
    proofs: dict[str, tuple[str, ...]]  # requirement id: node ids of its tests
    problems: list[str]


def trace(
    root: Path, requirements_dir: Path = REQUIREMENTS_DIR, test_roots: tuple[str, ...] = TEST_ROOTS
) -> Trace:
    """Read the requirements under ``root / requirements_dir`` and the tests under ``root``."""
    requirements = load_requirements(root / requirements_dir)
    tests, marker_problems = collect_tests(root, test_roots)
    problems = [
        f"{problem.where}: a requirement marker names its requirements as text"
        for problem in marker_problems
    ]
    known = {requirement.id for requirement in requirements}
    problems += [
        f"{id_} is listed twice"
        for id_, count in Counter(r.id for r in requirements).items()
        if count > 1
    ]

    existing = {test.node_id for test in tests}
    proofs: dict[str, list[str]] = {requirement.id: [] for requirement in requirements}
    for test in tests:
        for id_ in test.requirements:
            if id_ in known:
                proofs[id_].append(test.node_id)
            else:
                problems.append(f"{test.node_id}: marked with an unknown requirement {id_}")
    for requirement in requirements:
        for node_id in requirement.tests:
            if node_id in existing:
                proofs[requirement.id].append(node_id)
            else:
                problems.append(f"{requirement.id}: names a test that does not exist, {node_id}")
        if requirement.status.needs_tests and not proofs[requirement.id]:
            problems.append(f"{requirement.id}: {requirement.status} but no test proves it")
    return Trace(
        requirements,
        tests,
        {id_: tuple(dict.fromkeys(node_ids)) for id_, node_ids in proofs.items()},
        problems,
    )
