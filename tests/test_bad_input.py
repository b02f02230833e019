"""Bad input never gives a 500: refused characters, deep JSON, unknown query parameters,
bodies that are not JSON, page numbers out of range. Each is refused before any view reads
the request, whatever the endpoint, with or without credentials."""

from __future__ import annotations

import io

import pytest

from tests.test_errors import assert_envelope

NUL_QUERIES = [
    "/api/studies/?search=%00",
    "/api/users/?search=%00",
    "/api/centers/?search=%00",
    "/api/subjects/?search=%00",
    "/api/audit-trails/?actor=%00",
    "/api/audit-trails/?object_type=a%00b",
]


@pytest.fixture
def manager(client_as, enable_plugins, make_study, tenant):
    enable_plugins(tenant, "subjects")
    client = client_as(tenant, "study_manager")
    client.study = make_study(client, "PAR")
    return client


@pytest.mark.parametrize("url", NUL_QUERIES)
def test_a_nul_in_a_query_parameter_is_400_naming_it(manager, url):
    error = assert_envelope(
        manager.get(url, headers=manager.study.headers), 400, "CHARACTERS_REFUSED"
    )
    assert len(error["fields"]) == 1


BODIES = [
    ("post", "/api/studies/", '{"reference": "X-1", "name": "a\\u0000b"}', "name"),
    ("post", "/api/centers/", '{"code": "C1", "name": "a\\u0000", "country": "FR"}', "name"),
    ("post", "/api/centers/", '{"code": "C1", "name": "a\\ud800b", "country": "FR"}', "name"),
    ("post", "/api/centers/", '{"code": "C1", "name": "\\udfff", "country": "FR"}', "name"),
    ("post", "/api/centers/", '{"code": "C1", "na\\u0000me": "x", "country": "FR"}', "na\x00me"),
    (
        "post",
        "/api/subjects/",
        '{"center": "00000000-0000-0000-0000-000000000000",'
        ' "personal_data": {"last_name": "Nul\\u0000"}}',
        "personal_data.last_name",
    ),
]


@pytest.mark.requirement("E6-4.2.1")
@pytest.mark.parametrize(("method", "url", "body", "field"), BODIES)
def test_refused_characters_in_a_json_body_are_422_naming_the_field(
    manager, method, url, body, field
):
    response = getattr(manager, method)(
        url, data=body, content_type="application/json", headers=manager.study.headers
    )
    error = assert_envelope(response, 422, "CHARACTERS_REFUSED")
    assert list(error["fields"]) == [field]


def test_a_paired_surrogate_is_an_ordinary_character(manager):
    created = manager.post(
        "/api/centers/",
        data='{"code": "EMOJI", "name": "Lyon \\ud83d\\ude00", "country": "FR"}',
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json["name"] == "Lyon \U0001f600"


@pytest.mark.parametrize(
    "url", ["/api/auth/login", "/api/operator/login", "/api/auth/password-reset"]
)
def test_unauthenticated_bodies_are_checked_too(client_for, tenant, url):
    response = client_for(tenant).post(
        url,
        data='{"email": "a\\u0000@example.org", "password": "x"}',
        content_type="application/json",
    )
    assert assert_envelope(response, 422, "CHARACTERS_REFUSED")["fields"] == {
        "email": ["Text cannot hold the NUL character or an unpaired surrogate."]
    }


def test_a_nul_in_an_upload_name_is_refused(manager):
    response = manager.post(
        "/api/files/",
        data={"file": (io.BytesIO(b"%PDF-1.7\n"), "con\x00sent.pdf", "application/pdf")},
        content_type="multipart/form-data",
    )
    assert list(assert_envelope(response, 422, "CHARACTERS_REFUSED")["fields"]) == ["file"]


@pytest.mark.parametrize("url", ["/api/auth/login", "/api/notes/", "/api/operator/login"])
def test_a_body_nested_too_deep_is_400_before_anything_recurses(client_for, tenant, url):
    deep = "[" * 2000 + "]" * 2000
    response = client_for(tenant).post(url, data=deep, content_type="application/json")
    error = assert_envelope(response, 400, "JSON_TOO_DEEP")
    assert error["details"] == {"max_depth": 100}


def test_depth_counts_brackets_outside_strings_only(api_client):
    text = '[{\\"' * 60
    created = api_client.post(
        "/api/notes/", data=f'{{"text": "{text}"}}', content_type="application/json"
    )
    assert created.status_code == 201, created.json


@pytest.fixture
def large_bodies_client(app_with_plugins, tenant):
    """A client of an app taking bodies of 100 kB (the tests' app takes 4 kB)."""
    from datacapt.testing.pytest_plugin import tenant_host

    built = app_with_plugins(max_content_length=100_000)
    return built.test_client().for_host(tenant_host(built, tenant))


def test_bodies_5000_levels_deep_or_with_numbers_too_long_are_400(large_bodies_client):
    deep = large_bodies_client.post(
        "/api/auth/login", data="[" * 5000 + "]" * 5000, content_type="application/json"
    )
    assert_envelope(deep, 400, "JSON_TOO_DEEP")
    long_number = large_bodies_client.post(
        "/api/auth/login",
        data='{"email": "a@example.org", "password": ' + "9" * 5000 + "}",
        content_type="application/json",
    )
    assert_envelope(long_number, 400, "MALFORMED_REQUEST")


def test_a_text_body_where_json_is_expected_is_415(client_for, tenant):
    response = client_for(tenant).post(
        "/api/auth/login",
        data='{"email": "a@example.org", "password": "x"}',
        content_type="text/plain",
    )
    error = assert_envelope(response, 415, "JSON_EXPECTED")
    assert "application/json" in error["message"]


def test_unknown_query_parameters_are_400_naming_them(manager):
    response = manager.get("/api/studies/?serach=x&status=draft&colour=red")
    error = assert_envelope(response, 400, "UNKNOWN_PARAMETERS")
    assert set(error["fields"]) == {"serach", "colour"}
    known = manager.get("/api/studies/?search=x&status=draft&page=1&page_size=5")
    assert known.status_code == 200, known.json
    assert manager.get("/api/users/me?x=1").status_code == 400


@pytest.mark.parametrize("page", ["9223372036854775808", "1000001", "99999999999999999999999"])
def test_page_numbers_out_of_range_are_422(manager, page):
    for url in ("/api/studies/", "/api/centers/", "/api/users/", "/api/subjects/"):
        response = manager.get(f"{url}?page={page}", headers=manager.study.headers)
        assert list(assert_envelope(response, 422, "VALIDATION_FAILED")["fields"]) == ["page"]
    last = manager.get("/api/studies/?page=1000000")
    assert last.status_code == 200 and last.json == []


def test_a_nul_in_a_header_is_400_naming_only_that_header(manager):
    response = manager.get(
        "/api/studies/", headers={"Reason-For-Change": "a\x00b", "X-Request-Id": "fine-1"}
    )
    assert assert_envelope(response, 400, "CHARACTERS_REFUSED")["fields"] == {
        "Reason-For-Change": ["Text cannot hold the NUL character or an unpaired surrogate."]
    }
