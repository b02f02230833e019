"""Every list is paginated one way: page and page_size in, X-Pagination (a JSON string) out."""

from __future__ import annotations

import json


def array_lists(spec: dict) -> list[str]:
    """GET operations answering a JSON array."""
    found = []
    for path, operations in spec["paths"].items():
        get = operations.get("get")
        if not get:
            continue
        content = get["responses"].get("200", {}).get("content", {})
        schema = content.get("application/json", {}).get("schema", {})
        if schema.get("type") == "array":
            found.append(path)
    return found


def test_every_list_takes_pages_and_documents_the_header_as_sent(client):
    spec = client.get("/api/openapi.json").json
    lists = array_lists(spec)
    assert "/api/roles/" in lists and "/api/study-users/" in lists
    unpaginated = []
    for path in lists:
        get = spec["paths"][path]["get"]
        names = {parameter["name"] for parameter in get.get("parameters", [])}
        headers = get["responses"]["200"].get("headers", {})
        if not {"page", "page_size"} <= names or "X-Pagination" not in headers:
            unpaginated.append(path)
    assert unpaginated == []
    header = spec["components"]["headers"]["PAGINATION"]
    assert header["schema"]["type"] == "string"
    assert header["schema"]["contentMediaType"] == "application/json"
    assert "page" in spec["components"]["schemas"]["PaginationMetadata"]["properties"]


def test_a_page_past_the_end_still_says_which_page_it_is(client_as, tenant):
    admin = client_as(tenant)
    answer = admin.get("/api/roles/?page=40&page_size=2")
    assert answer.status_code == 200 and answer.json == []
    metadata = json.loads(answer.headers["X-Pagination"])
    assert metadata["page"] == 40 and metadata["total"] >= 3
    assert metadata["previous_page"] == metadata["last_page"]
    assert "next_page" not in metadata


def test_small_lists_are_paged_too(client_as, tenant, make_study):
    admin = client_as(tenant)
    study = make_study(admin, "PAR", "LYO")
    for path in ("/api/study-users/", "/api/study-centers/", "/api/roles/", "/api/plugins/"):
        answer = admin.get(f"{path}?page_size=1", headers=study.headers)
        assert answer.status_code == 200, (path, answer.json)
        assert len(answer.json) == 1, path
        assert json.loads(answer.headers["X-Pagination"])["page"] == 1, path
