"""Every API view declares its permissions; the matrix of who may call what holds."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest

from datacapt.operators.auth import OPEN_ENDPOINTS
from datacapt.permissions.defaults import DEFAULT_ROLES
from datacapt.permissions.mixin import AUTHENTICATED, PermissionsRegistryMixin
from datacapt.plugins.services import plugin_set

DOCS = Path(__file__).parents[1] / "docs" / "api.md"
ROLES = tuple(DEFAULT_ROLES)
ADMIN = {"administrator"}
MANAGERS = {"administrator", "study_manager"}
EVERYONE = set(ROLES)
TEAM_READERS = EVERYONE - {"viewer"}


def documented_public_endpoints() -> set[str]:
    section = DOCS.read_text().split("### Public endpoints", 1)[1]
    return {
        f"{method} {path}"
        for method, path in re.findall(r"`(GET|POST|PUT|PATCH|DELETE) (/api/[^`]*)`", section)
    }


@pytest.mark.requirement("P11-11.10d", "A11-12")
def test_every_api_view_has_a_registry_entry_or_is_a_documented_public_endpoint(app_with_plugins):
    product = app_with_plugins()  # the real URL map: core and installed plugins
    public, unguarded = set(), []
    with product.app_context():
        known = plugin_set().permissions.permissions()
    for rule in product.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
        blueprint = rule.endpoint.split(".")[0]
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        if blueprint == "api-docs":
            public.update(f"{m} {path}" for m in methods)
            continue
        if blueprint == "operator":  # guarded by operator authentication instead
            if rule.endpoint in OPEN_ENDPOINTS:
                public.update(f"{m} {path}" for m in methods)
            continue
        view = getattr(product.view_functions[rule.endpoint], "view_class", None)
        if view is None or not issubclass(view, PermissionsRegistryMixin):
            unguarded.append(f"{rule.endpoint} has no PermissionsRegistryMixin")
            continue
        if view.PUBLIC:
            public.update(f"{m} {path}" for m in methods)
            continue
        for method in methods:
            needed = view.required_permission(method)
            if needed is None or (needed != AUTHENTICATED and needed not in known):
                unguarded.append(f"{method} {path}: no known permission ({needed!r})")
    assert unguarded == []
    assert public == documented_public_endpoints() | {"GET /api/openapi.json", "GET /api/docs"}


@pytest.fixture
def team(client_as, tenant):
    """One logged-in member per default role (same platform and study role), in one study."""
    clients = {role: client_as(tenant, role) for role in ROLES}
    admin = clients["administrator"]
    study = admin.post("/api/studies/", json={"reference": "MATRIX", "name": "Matrix"}).json
    center = admin.post(
        "/api/centers/", json={"code": "C1", "name": "Center", "country": "FR"}
    ).json
    headers = {"Study-Uuid": study["uuid"]}
    admin.post("/api/study-centers/", json={"center": center["uuid"]}, headers=headers)
    admin.patch(
        f"/api/study-users/{admin.get('/api/study-users/', headers=headers).json[0]['uuid']}",
        json={"role": "administrator"},
        headers=headers,
    )
    for role, client in clients.items():
        if role != "administrator":
            body = {"user": str(client.user.uuid), "role": role}
            assert admin.post("/api/study-users/", json=body, headers=headers).status_code == 201
    roles = {r["name"]: r["uuid"] for r in admin.get("/api/roles/").json}
    return {
        "clients": clients,
        "study": study["uuid"],
        "center": center["uuid"],
        "viewer_uuid": str(clients["viewer"].user.uuid),
        "role": roles["viewer"],
    }


NOWHERE = str(uuid.UUID(int=0))

# (method, path, study-scoped, body, roles allowed). Bodies are invalid or ids unknown on
# purpose: an allowed call answers 2xx, 404, 409 or 422, never 401 or 403.
MATRIX = [
    ("GET", "/api/users/me", False, None, EVERYONE),
    ("GET", "/api/users/me/permissions", False, None, EVERYONE),
    ("GET", "/api/plugins/", False, None, EVERYONE),
    ("GET", "/api/users/", False, None, MANAGERS),
    ("GET", "/api/users/{viewer_uuid}", False, None, MANAGERS),
    ("PATCH", "/api/users/{viewer_uuid}", False, {}, ADMIN),
    ("POST", "/api/users/{viewer_uuid}/unlock", False, None, ADMIN),
    ("GET", "/api/roles/", False, None, ADMIN),
    ("POST", "/api/roles/", False, {}, ADMIN),
    ("GET", "/api/roles/{role}", False, None, ADMIN),
    ("PATCH", "/api/roles/{role}", False, {}, ADMIN),
    ("DELETE", "/api/roles/{role}", False, None, ADMIN),
    ("GET", "/api/api-keys/", False, None, ADMIN),
    ("POST", "/api/api-keys/", False, {}, ADMIN),
    ("DELETE", f"/api/api-keys/{NOWHERE}", False, None, ADMIN),
    ("GET", "/api/tenant/settings", False, None, ADMIN),
    ("GET", "/api/audit-trails/", False, None, {"administrator", "monitor", "data_manager"}),
    ("GET", "/api/audit-trails/export", False, None, {"administrator", "data_manager"}),
    ("POST", "/api/files/", False, {}, {"administrator", "study_manager", "investigator"}),
    ("GET", f"/api/files/{NOWHERE}", False, None, EVERYONE - {"viewer"}),
    ("PATCH", "/api/tenant/settings", False, {}, ADMIN),
    ("GET", "/api/tenant/settings/modules", False, None, ADMIN),
    ("DELETE", "/api/tenant/settings/logo", False, None, ADMIN),
    ("GET", "/api/studies/", False, None, EVERYONE),
    ("POST", "/api/studies/", False, {}, MANAGERS),
    ("GET", "/api/centers/", False, None, EVERYONE),
    ("POST", "/api/centers/", False, {}, MANAGERS),
    ("GET", "/api/centers/{center}", False, None, EVERYONE),
    ("PATCH", "/api/centers/{center}", False, {}, MANAGERS),
    ("GET", "/api/invitations/", False, None, MANAGERS),
    ("POST", "/api/invitations/", False, {}, MANAGERS),
    ("POST", f"/api/invitations/{NOWHERE}/resend", False, None, MANAGERS),
    ("DELETE", f"/api/invitations/{NOWHERE}", False, None, MANAGERS),
    ("GET", "/api/studies/{study}", True, None, EVERYONE),
    ("PATCH", "/api/studies/{study}", True, {}, MANAGERS),
    ("GET", "/api/study-centers/", True, None, EVERYONE),
    ("POST", "/api/study-centers/", True, {}, MANAGERS),
    ("DELETE", f"/api/study-centers/{NOWHERE}", True, None, MANAGERS),
    ("GET", "/api/study-users/", True, None, TEAM_READERS),
    ("POST", "/api/study-users/", True, {}, MANAGERS),
    ("PATCH", f"/api/study-users/{NOWHERE}", True, {}, MANAGERS),
    ("DELETE", f"/api/study-users/{NOWHERE}", True, None, MANAGERS),
]


@pytest.mark.requirement("P11-11.10d", "P11-11.10g", "A11-12", "GDPR-32")
def test_permission_matrix_of_every_endpoint(team, client_for, tenant):
    anonymous = client_for(tenant)
    for method, template, scoped, body, allowed in MATRIX:
        path = template.format(**team)
        headers = {"Study-Uuid": team["study"]} if scoped else {}
        kwargs = {"json": body} if body is not None else {}
        assert anonymous.open(path, method=method, headers=headers, **kwargs).status_code == 401, (
            path
        )
        for role in sorted(EVERYONE - allowed) + sorted(allowed):
            status = (
                team["clients"][role]
                .open(path, method=method, headers=headers, **kwargs)
                .status_code
            )
            if role in allowed:
                assert status not in (401, 403), f"{role} refused {method} {path}: {status}"
            else:
                assert status == 403, f"{role} allowed {method} {path}: {status}"


def test_my_permissions_show_platform_and_study_roles(team):
    investigator = team["clients"]["investigator"]
    mine = investigator.get("/api/users/me/permissions").json
    assert "studies.access" in mine["platform"] and "users.access" not in mine["platform"]
    (study,) = mine["studies"]
    assert study["role"]["name"] == "investigator" and study["reference"] == "MATRIX"
    assert (
        "study_users.access" in study["permissions"]
        and "study_users.add" not in study["permissions"]
    )
    admin = team["clients"]["administrator"].get("/api/users/me/permissions").json
    assert "hello.access" in admin["platform"]  # administrators hold plugin permissions too


@pytest.mark.requirement("P11-11.10g")
def test_custom_roles_bundle_permissions_default_roles_stay_fixed(team):
    admin = team["clients"]["administrator"]
    created = admin.post(
        "/api/roles/", json={"name": "auditor", "permissions": ["studies.access", "users.access"]}
    )
    assert created.status_code == 201 and created.json["permissions"] == [
        "studies.access",
        "users.access",
    ]
    unknown = admin.post("/api/roles/", json={"name": "bad", "permissions": ["rockets.launch"]})
    assert unknown.status_code == 422
    assert (
        admin.patch(f"/api/roles/{team['role']}", json={"permissions": []}).json["error"][
            "internal_name"
        ]
        == "ROLE_IS_DEFAULT"
    )
    role_uuid = created.json["uuid"]
    viewer = team["viewer_uuid"]
    assert (
        admin.patch(f"/api/users/{viewer}", json={"platform_role": "auditor"}).json[
            "platform_role"
        ]["name"]
        == "auditor"
    )
    assert team["clients"]["viewer"].get("/api/users/").status_code == 200  # now allowed
    assert admin.delete(f"/api/roles/{role_uuid}").json["error"]["internal_name"] == "ROLE_IN_USE"
    admin.patch(f"/api/users/{viewer}", json={"platform_role": "viewer"})
    assert admin.delete(f"/api/roles/{role_uuid}").status_code == 204


@pytest.mark.parametrize(
    "field", ["email", "status", "platform_role", "password_hash", "failed_login_count"]
)
def test_users_cannot_set_protected_fields_on_themselves(team, field):
    viewer = team["clients"]["viewer"]
    response = viewer.patch("/api/users/me", json={field: "administrator"})
    assert response.status_code == 422 and field in response.json["error"]["fields"]
    me = viewer.get("/api/users/me").json
    assert me["platform_role"]["name"] == "viewer" and me["status"] == "active"


@pytest.mark.requirement("P11-11.10d", "E6-4.3.7")
def test_administrators_deactivate_accounts_which_ends_their_sessions(team):
    admin, viewer = team["clients"]["administrator"], team["clients"]["viewer"]
    assert (
        admin.patch(f"/api/users/{team['viewer_uuid']}", json={"status": "deactivated"}).json[
            "status"
        ]
        == "deactivated"
    )
    assert viewer.get("/api/users/me").status_code == 401
    assert (
        admin.patch(f"/api/users/{team['viewer_uuid']}", json={"status": "locked"}).status_code
        == 422
    )
