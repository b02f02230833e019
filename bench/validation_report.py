"""The validation pack's cost on this tree, in process:

1. The traceability check (every test file parsed, every requirement file read).
2. Reading the JUnit XML of a run of the whole suite (every test of the tree passed, each
   with ``--cases`` parametrized cases).
3. The qualification report with the requirements ``--scale`` times over (as the modules to
   come add their rows): printed to PDF, against rendering the same HTML alone in the same
   run (the baseline): seconds of each and the ratio.

    python bench/validation_report.py [--scale 3] [--cases 3] [--rounds 3]
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import statistics
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from importlib.resources import files
from pathlib import Path

from _support import emit

from datacapt.documents import render_html, render_pdf
from datacapt.validation import report
from datacapt.validation.environment import Environment
from datacapt.validation.results import junit_key, read_run
from datacapt.validation.traceability import Trace, trace

ROOT = Path(__file__).resolve().parents[1]
ENVIRONMENT = Environment("bench", "0" * 40, "CPython", "Linux", "17", "7")


def timed(function, rounds: int) -> tuple[float, object]:
    durations, result = [], None
    for _ in range(rounds):
        started = time.perf_counter()
        result = function()
        durations.append(time.perf_counter() - started)
    return statistics.median(durations), result


def results_file(directory: Path, traced: Trace, cases: int) -> Path:
    suite = ElementTree.Element("testsuite", name="pytest")
    for test in traced.tests:
        classname, name = junit_key(test.node_id)
        for case in range(cases):
            ElementTree.SubElement(suite, "testcase", classname=classname, name=f"{name}[{case}]")
    path = directory / "junit.xml"
    ElementTree.ElementTree(suite).write(path, encoding="utf-8")
    return path


def scaled(traced: Trace, scale: int) -> Trace:
    """The requirements ``scale`` times over, each copy with an id of its own."""
    requirements, proofs = [], {}
    for copy in range(scale):
        for requirement in traced.requirements:
            id_ = f"{requirement.id}-{copy}" if copy else requirement.id
            requirements.append(dataclasses.replace(requirement, id=id_))
            proofs[id_] = traced.proofs[requirement.id]
    return Trace(requirements, traced.tests, proofs, traced.problems)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=3)
    parser.add_argument("--cases", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    check_seconds, traced = timed(lambda: trace(ROOT), args.rounds)
    assert isinstance(traced, Trace) and not traced.problems, traced
    with tempfile.TemporaryDirectory() as directory:
        path = results_file(Path(directory), traced, args.cases)
        read_seconds, run = timed(lambda: read_run(path), args.rounds)

    big = scaled(traced, args.scale)
    now = dt.datetime.now(dt.UTC)
    document = report.build_report(big, run, ENVIRONMENT, now)  # warms fonts up: not timed
    template = files("datacapt.validation").joinpath("report.html").read_text()
    results = report.requirement_results(big, run)

    def html_only() -> str:
        return render_html(
            template,
            environment=ENVIRONMENT,
            generated="now",
            run_started="now",
            regulations=[("all", results)],
            counts={},
            problems=[],
            test_count=0,
        )

    html_seconds, _ = timed(html_only, args.rounds)
    pdf_seconds, pdf = timed(lambda: render_pdf(document.html), args.rounds)
    assert isinstance(pdf, bytes)
    emit(
        {
            "requirements": len(big.requirements),
            "tests": len(traced.tests),
            "check_seconds": round(check_seconds, 3),
            "junit_cases": len(traced.tests) * args.cases,
            "read_junit_seconds": round(read_seconds, 3),
            "report_html_seconds": round(html_seconds, 3),
            "report_pdf_seconds": round(pdf_seconds, 2),
            "pdf_over_html": round(pdf_seconds / html_seconds, 1),
            "pdf_kib": len(pdf) // 1024,
        }
    )


if __name__ == "__main__":
    main()
