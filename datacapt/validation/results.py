"""The results of a test run, read from its JUnit XML (``pytest --junitxml``)."""

from __future__ import annotations

import enum
import xml.etree.ElementTree as ElementTree
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


class Outcome(enum.StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    SKIPPED = "skipped"
    MISSING = "missing"  # the run did not include the test


@dataclass(frozen=True)
class Run:
    """The outcome of each test of a run (by its junit class name and function name), and
    when the run started as the XML says."""

    outcomes: dict[tuple[str, str], Outcome]
    started: str | None

    def outcome(self, node_id: str) -> Outcome:
        return self.outcomes.get(junit_key(node_id), Outcome.MISSING)


def junit_key(node_id: str) -> tuple[str, str]:
    """The (classname, name) pytest's JUnit XML gives a test of this node id (no parameters)."""
    path, *classes, function = node_id.split("::")
    return ".".join([path.removesuffix(".py").replace("/", "."), *classes]), function


def read_run(path: Path) -> Run:
    root = ElementTree.parse(path).getroot()
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    by_test: dict[tuple[str, str], list[Outcome]] = defaultdict(list)
    for case in root.iter("testcase"):
        name = case.get("name", "").split("[", 1)[0]  # a parametrized test's cases count together
        by_test[case.get("classname", ""), name].append(_case_outcome(case))
    return Run(
        {key: _combined(outcomes) for key, outcomes in by_test.items()},
        suites[0].get("timestamp") if suites else None,
    )


def _case_outcome(case: ElementTree.Element) -> Outcome:
    if case.find("failure") is not None or case.find("error") is not None:
        return Outcome.FAILED
    if case.find("skipped") is not None:
        return Outcome.SKIPPED
    return Outcome.PASSED


def _combined(outcomes: Iterable[Outcome]) -> Outcome:
    """A test fails when one of its cases failed; it passed when one passed and none failed."""
    outcomes = set(outcomes)
    for outcome in (Outcome.FAILED, Outcome.PASSED):
        if outcome in outcomes:
            return outcome
    return Outcome.SKIPPED
