"""API keys: shown once, hashed, scoped by permissions and studies, expiring, revocable."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
import time_machine

from datacapt.apikeys.models import ApiKey
from datacapt.database import db
from datacapt.tenancy import tenant_context


def new_key(admin, **fields):
    body = {"name": "export robot", "permissions": ["studies.access", "centers.access"], **fields}
    response = admin.post("/api/api-keys/", json=body)
    assert response.status_code == 201, response.json
    return response.json


def with_key(client_for, tenant, key: str, **headers):
    client = client_for(tenant)
    return lambda method, path, **kw: client.open(
        path, method=method, headers={"Api-Key": key, **headers}, **kw
    )


@pytest.mark.requirement("GDPR-32")
def test_a_key_is_shown_once_and_stored_hashed(app, client_as, tenant):
    admin = client_as(tenant)
    created = new_key(admin)
    assert created["key"].startswith(created["prefix"])
    listed = admin.get("/api/api-keys/").json
    assert [k["uuid"] for k in listed] == [created["uuid"]] and "key" not in listed[0]
    with app.app_context(), tenant_context(tenant):
        stored = db.session.execute(sa.select(ApiKey)).scalar_one()
    assert created["key"] not in (stored.key_hash, stored.prefix)


@pytest.mark.requirement("P11-11.10d")
def test_a_key_acts_with_its_own_permissions_only(client_as, client_for, tenant):
    admin = client_as(tenant)
    key = new_key(admin)["key"]
    call = with_key(client_for, tenant, key)
    assert call("GET", "/api/centers/").status_code == 200
    assert (
        call("POST", "/api/centers/", json={"code": "X", "name": "X", "country": "FR"}).status_code
        == 403
    )
    assert call("GET", "/api/users/").status_code == 403
    assert call("GET", "/api/users/me").status_code == 403  # a key has no user profile


def test_a_key_reaches_only_the_studies_it_is_scoped_to(client_as, client_for, tenant):
    admin = client_as(tenant)
    first = admin.post("/api/studies/", json={"reference": "K-1", "name": "One"}).json
    second = admin.post("/api/studies/", json={"reference": "K-2", "name": "Two"}).json
    key = new_key(admin, studies=[first["uuid"]])["key"]
    call = with_key(client_for, tenant, key)
    assert call("GET", f"/api/studies/{first['uuid']}").status_code == 200
    refused = call("GET", f"/api/studies/{second['uuid']}")
    assert (
        refused.status_code == 403
        and refused.json["error"]["internal_name"] == "USER_DOES_NOT_BELONG_TO_STUDY"
    )
    assert [s["reference"] for s in call("GET", "/api/studies/").json] == ["K-1"]
    everywhere = with_key(client_for, tenant, new_key(admin, name="all", all_studies=True)["key"])
    assert [s["reference"] for s in everywhere("GET", "/api/studies/").json] == ["K-1", "K-2"]


@pytest.mark.requirement("P11-11.10d", "P11-11.300")
def test_revoked_and_expired_keys_stop_working(client_as, client_for, tenant):
    admin = client_as(tenant)
    revoked = new_key(admin)
    assert admin.delete(f"/api/api-keys/{revoked['uuid']}").status_code == 204
    answer = with_key(client_for, tenant, revoked["key"])("GET", "/api/centers/")
    assert answer.status_code == 401 and answer.json["error"]["internal_name"] == "INVALID_API_KEY"
    soon = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).isoformat()
    expiring = new_key(admin, name="short-lived", expires_at=soon)
    call = with_key(client_for, tenant, expiring["key"])
    assert call("GET", "/api/centers/").status_code == 200
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=2), tick=False):
        assert call("GET", "/api/centers/").status_code == 401


def test_keys_cannot_hold_more_than_their_creator_or_unknown_permissions(client_as, tenant):
    admin = client_as(tenant)
    admin.post(
        "/api/roles/", json={"name": "key_maker", "permissions": ["api_keys.add", "centers.access"]}
    )
    maker = client_as(tenant, "key_maker")
    escalation = maker.post(
        "/api/api-keys/", json={"name": "sneaky", "permissions": ["users.access"]}
    )
    assert escalation.status_code == 403
    assert (
        maker.post(
            "/api/api-keys/", json={"name": "ok", "permissions": ["centers.access"]}
        ).status_code
        == 201
    )
    unknown = admin.post("/api/api-keys/", json={"name": "bad", "permissions": ["rockets.launch"]})
    assert unknown.status_code == 422
    past = admin.post(
        "/api/api-keys/",
        json={"name": "old", "permissions": [], "expires_at": "2001-01-01T00:00:00+00:00"},
    )
    assert past.status_code == 422


def test_a_key_of_one_tenant_is_unknown_to_another(client_as, client_for, tenant, other_tenant):
    key = new_key(client_as(tenant))["key"]
    assert with_key(client_for, other_tenant, key)("GET", "/api/centers/").status_code == 401


@pytest.mark.requirement("E6-4.3.7")
def test_a_key_stops_with_its_creator(app, client_as, client_for, tenant):
    admin = client_as(tenant)
    creator = client_as(tenant)
    key = new_key(creator)["key"]
    call = with_key(client_for, tenant, key)
    assert call("GET", "/api/centers/").status_code == 200
    deactivated = admin.patch(f"/api/users/{creator.user.uuid}", json={"status": "deactivated"})
    assert deactivated.status_code == 200
    refused = call("GET", "/api/centers/")
    assert refused.status_code == 401 and refused.json["error"]["internal_name"] == (
        "INVALID_API_KEY"
    )
    assert (
        admin.patch(f"/api/users/{creator.user.uuid}", json={"status": "active"}).status_code == 200
    )
    assert call("GET", "/api/centers/").status_code == 200


def test_a_key_stops_while_its_creator_is_locked(client_as, client_for, tenant):
    creator = client_as(tenant)
    key = new_key(creator)["key"]
    for _ in range(5):
        creator.post("/api/auth/login", json={"email": creator.user.email, "password": "wrong one"})
    assert with_key(client_for, tenant, key)("GET", "/api/centers/").status_code == 401


def test_a_key_acts_within_its_creators_current_role(client_as, client_for, tenant, make_study):
    admin = client_as(tenant)
    creator = client_as(tenant)
    study = make_study(admin, "PAR", "LYO")
    added = admin.post(
        "/api/study-users/",
        json={"user": str(creator.user.uuid), "role": "administrator"},
        headers=study.headers,
    )
    key = new_key(
        creator,
        permissions=["studies.access", "centers.access", "centers.add", "study_users.access"],
        all_studies=True,
    )["key"]
    call = with_key(client_for, tenant, key)
    in_study = with_key(client_for, tenant, key, **study.headers)
    center = {"code": "NEW", "name": "New", "country": "FR"}
    assert call("POST", "/api/centers/", json=center).status_code == 201
    admin.patch(f"/api/users/{creator.user.uuid}", json={"platform_role": "viewer"})
    center["code"] = "NEWER"
    refused = call("POST", "/api/centers/", json=center)
    assert refused.status_code == 403 and refused.json["error"]["details"]["permission"] == (
        "centers.add"
    )
    assert call("GET", "/api/centers/").status_code == 200
    # In a study: the creator's study role and centers bound the key.
    assert in_study("GET", "/api/study-users/").status_code == 200
    membership = added.json
    admin.patch(
        f"/api/study-users/{membership['uuid']}",
        json={"role": "viewer", "all_centers": False, "centers": [study.centers["PAR"]]},
        headers=study.headers,
    )
    assert in_study("GET", "/api/study-users/").status_code == 403
    seen = in_study("GET", "/api/study-centers/")
    assert [c["code"] for c in seen.json] == ["PAR"]
    admin.delete(f"/api/study-users/{membership['uuid']}", headers=study.headers)
    gone = in_study("GET", "/api/study-centers/")
    assert gone.status_code == 403
    assert call("GET", "/api/studies/").json == []
