"""The tenant of a request comes from its Host header."""

from __future__ import annotations

import pytest

from datacapt.database import unit_of_work
from datacapt.tenancy.services import archive_tenant


@pytest.mark.parametrize(
    "transform",
    [str, str.upper, lambda h: f"{h}:5000", lambda h: f"{h.upper()}:443", lambda h: f"{h}."],
    ids=["plain", "upper-case", "with-port", "upper-case-with-port", "trailing-dot"],
)
def test_host_variants_resolve_to_the_tenant(client, tenant_factory, transform):
    tenant = tenant_factory(domains=["trial.example.org"])
    response = client.get("/api/tenant/", headers={"Host": transform("trial.example.org")})
    assert response.status_code == 200, response.json
    assert response.json["name"] == tenant.name
    assert response.json["uuid"] == str(tenant.uuid)


def test_every_domain_of_a_tenant_resolves_to_it(client, tenant_factory):
    tenant = tenant_factory(domains=["a.example.org", "b.example.org", "10.1.2.3"])
    for host in ("a.example.org", "b.example.org", "10.1.2.3:8080"):
        assert client.get("/api/tenant/", headers={"Host": host}).json["name"] == tenant.name


def test_unknown_host_is_404_in_the_envelope(client, tenant):
    response = client.get("/api/tenant/", headers={"Host": "unknown.example.org"})
    assert response.status_code == 404
    assert response.json["error"]["internal_name"] == "TENANT_NOT_FOUND"


def test_archived_tenant_is_no_longer_served(app, client_for, tenant):
    client = client_for(tenant)
    assert client.get("/api/tenant/").status_code == 200
    with app.app_context(), unit_of_work():
        archive_tenant(tenant.schema_name)
    response = client.get("/api/tenant/")
    assert response.status_code == 404
    assert response.json["error"]["internal_name"] == "TENANT_ARCHIVED"


@pytest.mark.parametrize("path", ["/health", "/health/ready", "/api/openapi.json"])
def test_health_and_api_description_need_no_tenant(client, path):
    assert client.get(path, headers={"Host": "nobody.example.org"}).status_code == 200
