"""Browser frontends on other origins: the deployment's and each tenant's, preflights answered."""

from __future__ import annotations

import json

import pytest

from datacapt.app import create_app
from datacapt.database import db
from datacapt.testing.client import TenantClient
from datacapt.testing.pytest_plugin import settings_for_tests, tenant_host

DEPLOYMENT = "https://console.example.org"
THEIRS = "https://edc.customer.example"


@pytest.fixture(scope="module")
def cors_app(_test_database):
    app = create_app(settings_for_tests(database_url=_test_database, cors_origins=(DEPLOYMENT,)))
    app.test_client_class = TenantClient
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def browser(cors_app, tenant):
    """A client of the app with deployment origins, addressed to the tenant's host."""
    return cors_app.test_client().for_host(tenant_host(cors_app, tenant))


def preflight(client, origin: str, path: str = "/api/studies/", method: str = "POST"):
    return client.options(
        path,
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": "Authorization, Study-Uuid, If-Match, Reason-For-Change",
        },
    )


def test_a_preflight_from_the_deployment_origin_is_answered_without_credentials(browser):
    answer = preflight(browser, DEPLOYMENT)
    assert answer.status_code == 200
    assert answer.headers["Access-Control-Allow-Origin"] == DEPLOYMENT
    allowed = {h.strip().lower() for h in answer.headers["Access-Control-Allow-Headers"].split(",")}
    assert {"authorization", "study-uuid", "if-match", "reason-for-change"} <= allowed
    assert "POST" in answer.headers["Access-Control-Allow-Methods"]
    assert "Origin" in answer.headers["Vary"]


def test_a_preflight_to_an_unknown_host_is_not_a_tenant_error(cors_app):
    answer = preflight(cors_app.test_client().for_host("nobody.example"), DEPLOYMENT)
    assert answer.status_code == 200
    assert answer.headers["Access-Control-Allow-Origin"] == DEPLOYMENT


def test_other_origins_get_no_permission(browser):
    answer = preflight(browser, "https://evil.example")
    assert "Access-Control-Allow-Origin" not in answer.headers
    read = browser.get("/api/tenant/", headers={"Origin": "https://evil.example"})
    assert read.status_code == 200 and "Access-Control-Allow-Origin" not in read.headers


def test_a_tenant_adds_its_own_origins_in_its_settings(cors_app, tenant, client_as, browser):
    admin = client_as(tenant, on_app=cors_app)
    assert "Access-Control-Allow-Origin" not in preflight(browser, THEIRS).headers
    refused = admin.patch("/api/tenant/settings", json={"cors_origins": ["edc.example/path"]})
    assert refused.status_code == 422 and "cors_origins" in refused.json["error"]["fields"]
    changed = admin.patch("/api/tenant/settings", json={"cors_origins": [THEIRS]})
    assert changed.status_code == 200 and changed.json["cors_origins"] == [THEIRS]
    assert preflight(browser, THEIRS).headers["Access-Control-Allow-Origin"] == THEIRS
    # Only for that tenant's host: another tenant's frontend origin is its own business.
    elsewhere = cors_app.test_client().for_host("nobody.example")
    assert "Access-Control-Allow-Origin" not in preflight(elsewhere, THEIRS).headers


def test_a_frontend_reads_the_headers_of_the_contract(cors_app, tenant, client_as):
    admin = client_as(tenant, on_app=cors_app)
    answer = admin.get("/api/roles/", headers={"Origin": DEPLOYMENT})
    assert answer.headers["Access-Control-Allow-Origin"] == DEPLOYMENT
    exposed = {h.strip() for h in answer.headers["Access-Control-Expose-Headers"].split(",")}
    assert {"ETag", "X-Pagination", "X-Request-Id", "Retry-After"} <= exposed
    assert json.loads(answer.headers["X-Pagination"])["page"] == 1


def test_errors_carry_the_headers_too(browser):
    answer = browser.get("/api/studies/", headers={"Origin": DEPLOYMENT})
    assert answer.status_code == 401
    assert answer.headers["Access-Control-Allow-Origin"] == DEPLOYMENT
    assert answer.json["error"]["code"] == "UNAUTHORIZED"


def test_the_deployment_origins_must_be_origins():
    from datacapt.config import Settings
    from datacapt.config.settings import ConfigurationError

    settings = Settings.from_env({"DATACAPT_CORS_ORIGINS": f"{DEPLOYMENT}, https://x.example/app"})
    assert settings.cors_origins == (DEPLOYMENT, "https://x.example/app")
    with pytest.raises(ConfigurationError, match="DATACAPT_CORS_ORIGINS"):
        settings.validate()
