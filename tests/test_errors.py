"""Every error the app returns uses the one JSON envelope."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from datacapt.errors import InternalCodes
from datacapt.errors.codes import CORE_CODE_RANGES
from datacapt.plugins.loader import load_plugins
from tests.conftest import MAX_BODY


def assert_envelope(response, status: int, internal_name: str) -> dict:
    assert response.status_code == status
    assert response.mimetype == "application/json"
    body = response.json
    assert set(body) == {"error", "request_id"}
    error = body["error"]
    assert error["status"] == status
    assert error["internal_name"] == internal_name
    assert error["internal_code"] == InternalCodes[internal_name].value
    assert error["message"]
    assert body["request_id"] == response.headers["X-Request-Id"]
    return error


def test_malformed_json_is_400(api_client):
    response = api_client.post(
        "/api/notes/", data="{not json", headers={"Content-Type": "application/json"}
    )
    assert_envelope(response, 400, "MALFORMED_REQUEST")


@pytest.mark.parametrize(
    ("status", "internal_name"),
    [(401, "AUTHENTICATION_REQUIRED"), (403, "PERMISSION_DENIED"), (409, "CONFLICT")],
)
def test_datacapt_exceptions_keep_their_codes(api_client, status, internal_name):
    response = api_client.get(f"/api/notes/raise/{status}")
    assert_envelope(response, status, internal_name)


def test_unknown_route_is_404(api_client):
    assert_envelope(api_client.get("/api/does-not-exist"), 404, "ROUTE_NOT_FOUND")


def test_unknown_object_is_404(api_client):
    response = api_client.get("/api/notes/00000000-0000-0000-0000-000000000000")
    assert_envelope(response, 404, "OBJECT_NOT_FOUND")


def test_integer_ids_are_not_routes(api_client):
    assert api_client.get("/api/notes/1").status_code == 404


def test_wrong_method_is_405_with_allow_header(api_client):
    response = api_client.put("/api/notes/")
    assert_envelope(response, 405, "METHOD_NOT_ALLOWED")
    assert "POST" in response.headers["Allow"]


def test_illegal_status_transition_is_409(api_client):
    note = api_client.post("/api/notes/", json={"text": "t"}).json
    response = api_client.patch(f"/api/notes/{note['uuid']}", json={"status": "archived"})
    error = assert_envelope(response, 409, "ILLEGAL_STATUS_TRANSITION")
    assert error["details"] == {"from": "draft", "to": "archived", "allowed": ["final"]}


def test_body_over_the_limit_is_413(api_client):
    response = api_client.post("/api/notes/", json={"text": "x" * (MAX_BODY + 1)})
    assert_envelope(response, 413, "PAYLOAD_TOO_LARGE")
    assert api_client.get("/api/notes/").json == []


def test_validation_errors_are_422_with_field_errors(api_client):
    response = api_client.post("/api/notes/", json={"text": "", "unknown": 1})
    error = assert_envelope(response, 422, "VALIDATION_FAILED")
    assert set(error["fields"]) == {"text", "unknown"}
    assert api_client.get("/api/notes/").json == []


def test_unexpected_error_is_500_without_internals(api_client):
    response = api_client.post("/api/notes/fail-after-write")
    error = assert_envelope(response, 500, "INTERNAL_ERROR")
    text = response.get_data(as_text=True)
    assert "secret internal detail" not in text
    assert "Traceback" not in text and "RuntimeError" not in text
    assert error["code"] == "INTERNAL_ERROR"


def test_request_id_from_client_is_echoed(api_client):
    response = api_client.get("/api/does-not-exist", headers={"X-Request-Id": "abc-123"})
    assert response.json["request_id"] == "abc-123"


API_DOCS = Path(__file__).parents[1] / "docs" / "api.md"


def _codes_section(heading: str) -> str:
    """The part of docs/api.md's internal codes under ``### heading``."""
    codes = API_DOCS.read_text().split("## Internal codes\n", 1)[1].split("\n## ", 1)[0]
    assert f"### {heading}\n" in codes, f"docs/api.md has no section {heading!r}"
    return codes.split(f"### {heading}\n", 1)[1].split("\n### ", 1)[0]


def _rows(section: str) -> set[tuple[int, str]]:
    return {(int(n), name) for n, name in re.findall(r"^\| (\d+) \| `(\w+)` \|", section, re.M)}


@pytest.mark.requirement("P11-11.10k")
def test_core_codes_are_listed_in_the_api_docs_and_only_they():
    assert _rows(_codes_section("Core")) == {(code.value, code.name) for code in InternalCodes}


@pytest.mark.requirement("P11-11.10k")
def test_each_built_in_plugins_codes_are_listed_under_it_and_only_they():
    built_in = [p for p in load_plugins().plugins.values() if p.obj.__name__.startswith("plugins.")]
    assert {p.name for p in built_in} == {
        "subjects",
        "ecrf",
        "epro",
        "monitoring",
        "randomizations",
        "product_database",
        "allocation",
        "payments",
        "exports",
        "reports",
        "data_analysis",
        "analytics",
        "econsent",
        "econsult",
        "calendar_app",
        "event_calendar",
        "automations",
        "subject_repository",
        "subject_accounts",
        "recruitment",
        "templates",
        "translations",
        "chat",
        "side_by_side",
    }
    for plugin in built_in:
        ranges = ", ".join(
            f"{r.start}" if len(r) == 1 else f"{r.start}-{r.stop - 1}"
            for r in plugin.manifest.error_ranges
        )
        section = _codes_section(f"The {plugin.name} plugin ({ranges})")
        codes = {(code.value, code.name) for codes in plugin.error_codes for code in codes}
        assert _rows(section) == codes, plugin.name


def test_core_codes_lie_in_the_core_ranges():
    for code in InternalCodes:
        assert any(code.value in numbers for numbers in CORE_CODE_RANGES), code.name
