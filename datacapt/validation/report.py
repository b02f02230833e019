"""The qualification report: each requirement with its tests and their results in a run,
the release and the environment, written as HTML and PDF with their SHA-256."""

from __future__ import annotations

import datetime as dt
import enum
import re
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from datacapt.documents import RenderedDocument, render_document
from datacapt.validation.environment import Environment
from datacapt.validation.requirements import Requirement, Status
from datacapt.validation.results import Outcome, Run
from datacapt.validation.traceability import Trace

REPORT_NAME = "qualification-report"
DIGESTS_NAME = "SHA256SUMS"


class Verdict(enum.StrEnum):
    """A requirement's result in a run."""

    PASSED = "passed"  # every test proving it passed
    FAILED = "failed"  # one of its tests failed or did not run
    INCOMPLETE = "incomplete"  # none failed, but one was skipped: the evidence is not whole
    CUSTOMER = "customer"  # met by the customer's procedures: no test of the platform
    NOT_YET_MET = "not yet met"


@dataclass(frozen=True)
class ProofResult:
    node_id: str
    outcome: Outcome

    @property
    def parts(self) -> list[str]:
        """The node id cut after each "::": where a long one may wrap (a break allowed
        anywhere would make laying the report out many times slower)."""
        return re.findall(r".+?(?:::|$)", self.node_id)


@dataclass(frozen=True)
class RequirementResult:
    requirement: Requirement
    verdict: Verdict
    tests: tuple[ProofResult, ...]


def requirement_results(trace: Trace, run: Run) -> list[RequirementResult]:
    results = []
    for requirement in trace.requirements:
        tests = tuple(
            ProofResult(node_id, run.outcome(node_id)) for node_id in trace.proofs[requirement.id]
        )
        results.append(RequirementResult(requirement, _verdict(requirement, tests), tests))
    return results


def _verdict(requirement: Requirement, tests: tuple[ProofResult, ...]) -> Verdict:
    if requirement.status is Status.CUSTOMER:
        return Verdict.CUSTOMER
    if requirement.status is Status.NOT_YET_MET:
        return Verdict.NOT_YET_MET
    outcomes = {test.outcome for test in tests}
    if not tests or outcomes & {Outcome.FAILED, Outcome.MISSING}:
        return Verdict.FAILED
    if Outcome.SKIPPED in outcomes:
        return Verdict.INCOMPLETE
    return Verdict.PASSED


def build_report(
    trace: Trace, run: Run, environment: Environment, now: dt.datetime
) -> RenderedDocument:
    results = requirement_results(trace, run)
    regulations = list(dict.fromkeys(result.requirement.regulation for result in results))
    template = files("datacapt.validation").joinpath("report.html").read_text(encoding="utf-8")
    return render_document(
        template,
        environment=environment,
        generated=now.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
        run_started=run.started or "not given by the results",
        regulations=[
            (name, [r for r in results if r.requirement.regulation == name]) for name in regulations
        ],
        counts={verdict: sum(r.verdict is verdict for r in results) for verdict in Verdict},
        problems=trace.problems,
        test_count=len({test.node_id for result in results for test in result.tests}),
    )


def write_report(document: RenderedDocument, directory: Path) -> list[Path]:
    """The HTML, the PDF and beside them their SHA-256 in ``sha256sum`` form (``sha256sum -c``)."""
    directory.mkdir(parents=True, exist_ok=True)
    html = directory / f"{REPORT_NAME}.html"
    pdf = directory / f"{REPORT_NAME}.pdf"
    html.write_text(document.html, encoding="utf-8")
    pdf.write_bytes(document.pdf)
    digests = directory / DIGESTS_NAME
    digests.write_text(f"{document.html_sha256}  {html.name}\n{document.pdf_sha256}  {pdf.name}\n")
    return [html, pdf, digests]
