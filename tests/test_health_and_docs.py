"""Health probes and the OpenAPI description."""

from __future__ import annotations

import re

import pytest
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from datacapt.jobs.connection import set_redis


def test_health_is_alive(client):
    assert client.get("/health").json == {"status": "ok"}


def test_ready_checks_database_and_redis(client, redis_queue):
    response = client.get("/health/ready")
    assert response.status_code == 200
    assert response.json["checks"] == {"database": "ok", "redis": "ok"}


def test_ready_without_redis_reports_in_process_jobs(client):
    response = client.get("/health/ready")
    assert response.status_code == 200
    assert response.json["checks"]["redis"].startswith("not configured")


@pytest.mark.requirement("A11-16")
def test_ready_is_503_naming_what_failed(app, client):
    unreachable = redis.Redis(
        host="127.0.0.1", port=1, socket_connect_timeout=0.2, retry=Retry(NoBackoff(), 0)
    )
    set_redis(app, unreachable)
    try:
        response = client.get("/health/ready")
    finally:
        set_redis(app, None)
    assert response.status_code == 503
    error = response.json["error"]
    assert error["internal_name"] == "SERVICE_UNAVAILABLE"
    assert set(error["details"]) == {"redis"}


@pytest.mark.requirement("P11-11.10k")
def test_openapi_is_3_1_and_documents_the_error_envelope(client):
    spec = client.get("/api/openapi.json").json
    assert spec["openapi"].startswith("3.1")
    assert "/api/tenant/" in spec["paths"]
    assert {"bearer", "api_key", "operator"} <= set(spec["components"]["securitySchemes"])
    assert spec["security"] == [{"bearer": []}, {"api_key": []}]
    error_schema = spec["components"]["schemas"]["Error"]
    assert {"code", "status", "internal_code", "message", "fields"} <= set(
        error_schema["properties"]
    )


def test_interactive_docs_are_served(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    assert "swagger-ui" in response.get_data(as_text=True)


def test_interactive_docs_run_only_the_platforms_own_scripts(client):
    response = client.get("/api/docs")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "unsafe-inline" not in policy
    page = response.get_data(as_text=True)
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, re.S)
    assert scripts and all('src="/api/docs/' in attrs and not body for attrs, body in scripts)
    assert "//" not in re.sub(r"<!DOCTYPE[^>]*>", "", page)  # no other origin named
    for src in re.findall(r'(?:src|href)="([^"]+)"', page):
        asset = client.get(src)
        assert asset.status_code == 200, src
        assert asset.headers["Content-Security-Policy"] == policy
    assert client.get("/api/docs/assets/../../../setup.cfg").status_code == 404
