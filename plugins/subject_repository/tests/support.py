"""Helpers of the panel's tests: its URLs, a profile design, reading answers."""

from __future__ import annotations

from typing import Any

from datacapt.testing import TenantClient
from plugins.subject_repository.demo import PROFILE_BLOCKS

BASE = "/api/subject-repository"
VOLUNTEERS = f"{BASE}/volunteers/"
FILTERS = f"{BASE}/filters/"
GDPR = f"{BASE}/gdpr-requests/"
SETTINGS = "/api/plugins/subject_repository/study-settings"
BLOCKS = PROFILE_BLOCKS


def ok(answer: Any, status: int = 200) -> Any:
    assert answer.status_code == status, answer.json
    return answer.json


def register(client: TenantClient, email: str, **more: Any) -> dict[str, Any]:
    body = {"first_name": "Ada", "last_name": "Lovelace", "email": email, **more}
    return ok(client.post(VOLUNTEERS, json=body), 201)


def search(client: TenantClient, spec: dict[str, Any]) -> list[str]:
    """The platform ids a filter matches (first page)."""
    return [v["platform_id"] for v in ok(client.post(f"{VOLUNTEERS}search", json={"spec": spec}))]


def count(client: TenantClient, spec: dict[str, Any]) -> int:
    return ok(client.post(f"{VOLUNTEERS}count", json={"spec": spec}))["count"]


def error(answer: Any, status: int) -> Any:
    """The error envelope of a refusal with that status."""
    assert answer.status_code == status, answer.json
    return answer.json["error"]
