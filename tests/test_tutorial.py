"""docs/tutorial.md runs: each request it shows is sent, in order, to a fresh tenant, and
each answer must match the one it shows.

The format (the tutorial's first section says it to readers too):
- a fenced ``http`` block starting with ``METHOD /path`` is a request: header lines, a
  blank line, a JSON body;
- the next fenced ``http`` block starting with ``HTTP/1.1 <status>`` is its answer: header
  lines, a blank line, a JSON body that the real one must match: objects by the keys
  shown (others may follow), lists whole unless their last item is ``"..."``, and
  ``"..."`` for any value but null;
- ``{{name}}`` in an answer captures the value the first time and must equal it after; in a
  request it is replaced by it;
- a fenced ``email`` block (``To:`` and ``Capture: name = regex``) reads the last email to
  that address, as its recipient gets it, and captures the regex's group.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import time_machine

from datacapt.testing import delivered_body, emails_to
from datacapt.toolkit import tenant_context

TUTORIAL = Path(__file__).resolve().parents[1] / "docs" / "tutorial.md"
BLOCK = re.compile(r"^```(http|email)\n(.*?)^```$", re.M | re.S)
PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")
ANY = "..."
# The tutorial's clock: its dates (an inclusion, a questionnaire sent at 09:00) are fixed.
NOW = "2030-03-04T10:00:00+00:00"
PASSWORD = "Amber-Lighthouse-Tides-2030"  # the administrator's, as the tutorial shows it


@dataclass
class Step:
    kind: str  # "request" or "email"
    text: str
    line: int
    answer: str | None = None


@dataclass
class Run:
    values: dict[str, Any] = field(default_factory=dict)

    def fill(self, text: str) -> str:
        return PLACEHOLDER.sub(lambda m: str(self.values[m.group(1)]), text)

    def match(self, expected: Any, actual: Any, where: str) -> None:
        if isinstance(expected, str) and PLACEHOLDER.fullmatch(expected):
            name = expected[2:-2]
            if name not in self.values:
                self.values[name] = actual
                return
            expected = self.values[name]
        if expected == ANY:
            assert actual is not None, f"{where}: null"
            return
        if isinstance(expected, dict):
            assert isinstance(actual, dict), f"{where}: {actual!r} is no object"
            for key, value in expected.items():
                assert key in actual, f"{where}: no {key!r} in {sorted(actual)}"
                self.match(value, actual[key], f"{where}.{key}")
        elif isinstance(expected, list):
            assert isinstance(actual, list), f"{where}: {actual!r} is no list"
            open_ended = bool(expected) and expected[-1] == ANY
            items = expected[:-1] if open_ended else expected
            if open_ended:
                assert len(actual) >= len(items), f"{where}: {len(actual)} items"
            else:
                assert len(actual) == len(items), f"{where}: {len(actual)} items, not {len(items)}"
            for index, item in enumerate(items):
                self.match(item, actual[index], f"{where}[{index}]")
        elif isinstance(expected, str) and PLACEHOLDER.search(expected):
            assert actual == self.fill(expected), f"{where}: {actual!r}"
        else:
            assert actual == expected, f"{where}: {actual!r}, not {expected!r}"


def steps(markdown: str) -> list[Step]:
    found: list[Step] = []
    for block in BLOCK.finditer(markdown):
        kind, text = block.group(1), block.group(2)
        line = markdown.count("\n", 0, block.start()) + 1
        if kind == "email":
            found.append(Step("email", text, line))
        elif text.startswith("HTTP/"):
            assert found and found[-1].kind == "request" and found[-1].answer is None, line
            found[-1].answer = text
        else:
            found.append(Step("request", text, line))
    return found


def _parts(text: str) -> tuple[str, dict[str, str], str]:
    head, _, body = text.partition("\n\n")
    first, *header_lines = head.splitlines()
    headers = dict(line.split(": ", 1) for line in header_lines)
    return first, headers, body.strip()


def test_the_tutorial_parses_into_requests_each_with_its_answer():
    found = steps(TUTORIAL.read_text(encoding="utf-8"))
    assert len(found) > 20
    assert all(step.answer for step in found if step.kind == "request")


@pytest.fixture
def tutorial_tenant(app, tenant_factory, user_factory, enable_plugins):
    tenant = tenant_factory(name="Tutorial")
    enable_plugins(tenant, "ecrf", "epro", "randomizations", "monitoring")
    user_factory(
        tenant, "administrator", email="admin@example.org", first_name="Ada", password=PASSWORD
    )
    return tenant


def test_every_step_of_the_tutorial_answers_as_it_shows(app, client_for, tutorial_tenant):
    run = Run()
    client = client_for(tutorial_tenant)
    with time_machine.travel(NOW, tick=True):
        for step in steps(TUTORIAL.read_text(encoding="utf-8")):
            where = f"docs/tutorial.md:{step.line}"
            if step.kind == "email":
                fields = dict(line.split(": ", 1) for line in run.fill(step.text).splitlines())
                name, _, pattern = fields["Capture"].partition(" = ")
                with app.app_context(), tenant_context(tutorial_tenant):
                    body = delivered_body(emails_to(fields["To"])[-1])
                captured = re.search(pattern, body)
                assert captured, f"{where}: {pattern} not in {body}"
                run.values[name] = captured.group(1)
                continue
            first, headers, body = _parts(run.fill(step.text))
            method, path = first.split(" ", 1)
            response = client.open(
                path,
                method=method,
                headers=headers,
                data=body or None,
                content_type="application/json" if body else None,
            )
            assert step.answer is not None
            status_line, expected_headers, expected_body = _parts(step.answer)
            status = int(status_line.split()[1])
            shown = json.dumps(response.json, indent=2) if response.is_json else response.data
            assert response.status_code == status, f"{where}: {response.status_code} {shown}"
            for name, value in expected_headers.items():
                run.match(value, response.headers.get(name), f"{where} {name}")
            if expected_body:
                try:
                    run.match(json.loads(expected_body), response.json, where)
                except AssertionError as mismatch:  # show the whole answer to the author
                    raise AssertionError(f"{mismatch}\nThe answer was:\n{shown}") from None
