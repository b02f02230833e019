"""The qualification report of a test run: every requirement with its tests and their results
(a failed or missing test fails its requirement), the release and the environment, as HTML
and PDF with their SHA-256 beside them."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import platform
import re
import subprocess
import xml.etree.ElementTree as ElementTree
from html.parser import HTMLParser
from pathlib import Path

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from datacapt.testing.database import redis_url_for_tests
from datacapt.validation.__main__ import main
from datacapt.validation.environment import Environment, describe_environment
from datacapt.validation.report import build_report
from datacapt.validation.requirements import Status
from datacapt.validation.results import junit_key, read_run
from datacapt.validation.traceability import trace
from datacapt.version import __version__

ROOT = Path(__file__).resolve().parents[1]
SIGNATURES = "plugins/monitoring/tests/test_monitoring_signatures.py"
FAILING = f"{SIGNATURES}::test_a_signature_does_not_verify_on_another_record"  # P11-11.70, A11-14
MISSING = f"{SIGNATURES}::test_a_wrong_password_is_refused_counted_and_locks_the_account"
SKIPPED = "tests/test_health_and_docs.py::test_ready_is_503_naming_what_failed"  # A11-16
PARAMETRIZED = "tests/test_auth.py::test_the_password_policy_refuses_weak_passwords"
EXPECTED = {
    "P11-11.70": "failed",
    "A11-14": "failed",
    "P11-11.200": "failed",  # its only test did not run
    "P11-11.300": "failed",
    "A11-16": "incomplete",
}
ENVIRONMENT = Environment("9.9.9", "0123abcd", "CPython 3.11.9", "Linux", "17.2", "7.4.1")


def _junit(path: Path, node_ids: set[str]) -> Path:
    """A JUnit XML as pytest writes it: each test passed, but FAILING, SKIPPED and
    PARAMETRIZED (two cases); MISSING left out."""
    suite = ElementTree.Element("testsuite", name="pytest", timestamp="2026-12-01T16:00:00.000000")
    for node_id in sorted(node_ids - {MISSING}):
        classname, name = junit_key(node_id)
        for case_name in (
            [f"{name}[short]", f"{name}[common]"] if node_id == PARAMETRIZED else [name]
        ):
            case = ElementTree.SubElement(suite, "testcase", classname=classname, name=case_name)
            if node_id == FAILING:
                ElementTree.SubElement(case, "failure", message="assert False")
            elif node_id == SKIPPED:
                ElementTree.SubElement(case, "skipped", message="no server")
    root = ElementTree.Element("testsuites")
    root.append(suite)
    ElementTree.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
    return path


class ReportPage(HTMLParser):
    """The rows of the report: each requirement's verdict and its tests' outcomes, the facts."""

    def __init__(self, html: str):
        super().__init__()
        self.verdicts: dict[str, str] = {}
        self.outcomes: dict[str, dict[str, str]] = {}
        self.facts: dict[str, str] = {}
        self._row: str | None = None
        self._fact: str | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "section" and attributes.get("class") == "requirement":
            self._row = attributes["id"]
            self.verdicts[self._row] = attributes["data-verdict"]
            self.outcomes[self._row] = {}
        elif tag == "li" and "data-test" in attributes and self._row:
            self.outcomes[self._row][attributes["data-test"]] = attributes["data-outcome"]
        elif tag == "td" and "id" in attributes:
            self._fact = attributes["id"]

    def handle_data(self, data):
        if self._fact:
            self.facts[self._fact] = self.facts.get(self._fact, "") + data

    def handle_endtag(self, tag):
        if tag == "td":
            self._fact = None


@pytest.fixture(scope="module")
def traced():
    return trace(ROOT)


@pytest.fixture(scope="module")
def report(traced, tmp_path_factory):
    results = _junit(
        tmp_path_factory.mktemp("run") / "junit.xml", {t.node_id for t in traced.tests}
    )
    now = dt.datetime(2026, 12, 1, 17, 0, tzinfo=dt.UTC)
    return build_report(traced, read_run(results), ENVIRONMENT, now)


@pytest.mark.requirement("P11-11.10a", "A11-4", "E6-4.3.4")
def test_every_requirement_shows_its_result_and_a_failed_or_missing_test_fails_it(traced, report):
    page = ReportPage(report.html)
    assert list(page.verdicts) == [requirement.id for requirement in traced.requirements]
    for requirement in traced.requirements:
        if requirement.status is Status.CUSTOMER:
            expected = "customer"
        elif requirement.status is Status.NOT_YET_MET:
            expected = "not yet met"
        else:
            expected = EXPECTED.get(requirement.id, "passed")
        assert page.verdicts[requirement.id] == expected, requirement.id
        assert set(page.outcomes[requirement.id]) == set(traced.proofs[requirement.id])
    assert page.outcomes["P11-11.70"][FAILING] == "failed"
    assert page.outcomes["P11-11.200"] == {MISSING: "missing"}
    assert page.outcomes["A11-16"][SKIPPED] == "skipped"
    assert page.outcomes["P11-11.300"][PARAMETRIZED] == "passed"


def test_the_report_names_the_release_the_environment_and_the_dates(report):
    facts = {name: " ".join(value.split()) for name, value in ReportPage(report.html).facts.items()}
    assert facts == {
        "version": "9.9.9",
        "commit": "0123abcd",
        "run-started": "2026-12-01T16:00:00.000000",
        "generated": "2026-12-01 17:00:00 UTC",
        "python": "CPython 3.11.9",
        "postgresql": "17.2",
        "redis": "7.4.1",
        "system": "Linux",
    }


def test_the_pdf_says_what_the_html_says(traced, report):
    reader = PdfReader(io.BytesIO(report.pdf))
    text = re.sub(r"\s+", "", " ".join(page.extract_text() for page in reader.pages))
    for requirement in traced.requirements:
        assert requirement.id in text
    for fact in ("9.9.9", "0123abcd", "CPython3.11.9", "17.2", "7.4.1", "2026-12-0117:00:00UTC"):
        assert fact in text
    assert "P11-11.70" in text and "failed" in text


def _sums(directory: Path) -> dict[str, str]:
    lines = (directory / "SHA256SUMS").read_text().splitlines()
    return {name: digest for digest, name in (line.split("  ") for line in lines)}


def _fake_tree(root: Path, marker: str) -> Path:
    (root / "docs/requirements").mkdir(parents=True)
    (root / "docs/requirements/fake.toml").write_text(
        'regulation = "Fake"\n[[requirement]]\nid = "F-1"\nsection = "1"\ntitle = "T"\n'
        'text = "What it asks."\nstatus = "met"\n'
    )
    (root / "tests").mkdir()
    (root / "tests/test_fake.py").write_text(
        f'import pytest\n\n@pytest.mark.requirement("{marker}")\ndef test_one():\n    pass\n'
    )
    return root


def test_the_report_command_writes_html_pdf_and_their_digests_and_a_failed_test_fails_no_run(
    tmp_path,
):
    root = _fake_tree(tmp_path / "tree", "F-1")
    results = tmp_path / "junit.xml"
    results.write_text(
        '<testsuites><testsuite name="pytest"><testcase classname="tests.test_fake" name="test_one">'
        '<failure message="assert False"/></testcase></testsuite></testsuites>'
    )
    assert main(["--root", str(root), "report", str(results), "--out", str(tmp_path / "out")]) == 0
    out = tmp_path / "out"
    html = (out / "qualification-report.html").read_bytes()
    pdf = (out / "qualification-report.pdf").read_bytes()
    assert _sums(out) == {
        "qualification-report.html": hashlib.sha256(html).hexdigest(),
        "qualification-report.pdf": hashlib.sha256(pdf).hexdigest(),
    }
    assert ReportPage(html.decode()).verdicts == {"F-1": "failed"}


def test_a_broken_trace_is_listed_in_the_report_and_fails_the_command(tmp_path):
    root = _fake_tree(tmp_path / "tree", "F-2")
    results = _junit(tmp_path / "junit.xml", {"tests/test_fake.py::test_one"})
    assert main(["--root", str(root), "report", str(results), "--out", str(tmp_path / "out")]) == 1
    html = (tmp_path / "out/qualification-report.html").read_text()
    assert ReportPage(html).verdicts == {"F-1": "failed"}
    assert "F-1: met but no test proves it" in html
    assert "tests/test_fake.py::test_one: marked with an unknown requirement F-2" in html


def test_the_environment_is_the_release_and_the_servers_of_the_run(db_engine):
    environment = describe_environment(ROOT)
    commit = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert environment.commit.startswith(commit)
    assert environment.version == __version__
    assert environment.python.endswith(platform.python_version())
    with db_engine.connect() as connection:
        server_version = connection.execute(sa.text("SHOW server_version")).scalar()
    assert environment.postgresql == server_version
    url = redis_url_for_tests()
    if url:
        from redis import Redis

        assert environment.redis == Redis.from_url(url).info("server")["redis_version"]
    else:
        assert environment.redis.startswith("fakeredis")
