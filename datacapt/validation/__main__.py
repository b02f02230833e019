"""``python -m datacapt.validation check`` traces requirements to tests;
``python -m datacapt.validation report RESULTS.xml --out DIR`` writes the qualification report
of a run. Both exit 1 when the trace has a problem, and only then: failed tests are the
report's news, not its failure."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from datacapt.validation.environment import describe_environment
from datacapt.validation.report import build_report, write_report
from datacapt.validation.results import read_run
from datacapt.validation.traceability import trace


def main(arguments: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m datacapt.validation")
    parser.add_argument(
        "--root", type=Path, default=Path.cwd(), help="the source tree (default: here)"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("check", help="trace every requirement to its tests")
    report = commands.add_parser("report", help="write the qualification report of a run")
    report.add_argument("results", type=Path, help="the run's JUnit XML (pytest --junitxml)")
    report.add_argument("--out", type=Path, required=True, help="the directory of the report")
    options = parser.parse_args(arguments)

    traced = trace(options.root)
    for problem in traced.problems:
        print(f"traceability: {problem}", file=sys.stderr)
    if options.command == "report":
        document = build_report(
            traced,
            read_run(options.results),
            describe_environment(options.root),
            dt.datetime.now(dt.UTC),
        )
        for path in write_report(document, options.out):
            print(path)
    return 1 if traced.problems else 0


if __name__ == "__main__":
    sys.exit(main())
