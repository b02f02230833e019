"""Nobody grants a role or a permission beyond their own, nor changes their own access;
an API key acts within what its creator holds at each request."""

from __future__ import annotations

import pytest


def refused_as_beyond(response) -> bool:
    return response.status_code == 403 and response.json["error"]["internal_name"] == (
        "GRANT_BEYOND_OWN"
    )


def refused_as_own(response) -> bool:
    return response.status_code == 403 and response.json["error"]["internal_name"] == (
        "OWN_ACCESS_UNCHANGEABLE"
    )


@pytest.fixture
def manager_study(client_as, tenant, make_study):
    """A study manager's own study (it joined as study manager) with one center."""
    manager = client_as(tenant, "study_manager")
    return manager, make_study(manager, "PAR")


def test_a_study_manager_invites_no_administrator(manager_study):
    manager, _ = manager_study
    body = {"email": "boss@example.org", "platform_role": "administrator"}
    assert refused_as_beyond(manager.post("/api/invitations/", json=body))
    body["platform_role"] = "study_manager"
    assert manager.post("/api/invitations/", json=body).status_code == 201


def test_study_roles_of_invitations_stay_within_the_inviters(manager_study):
    manager, study = manager_study
    body = {
        "email": "site@example.org",
        "platform_role": "viewer",
        "study": study.uuid,
        "study_role": "administrator",
    }
    assert refused_as_beyond(manager.post("/api/invitations/", json=body))
    body["study_role"] = "viewer"
    assert manager.post("/api/invitations/", json=body).status_code == 201


def test_nobody_changes_their_own_study_role_or_centers(manager_study):
    manager, study = manager_study
    (own,) = manager.get("/api/study-users/", headers=study.headers).json
    for change in ({"role": "administrator"}, {"role": "viewer"}, {"all_centers": False}):
        refused = manager.patch(
            f"/api/study-users/{own['uuid']}", json=change, headers=study.headers
        )
        assert refused_as_own(refused), refused.json
    assert manager.get("/api/study-users/", headers=study.headers).json[0]["role"]["name"] == (
        "study_manager"
    )


@pytest.mark.requirement("P11-11.10g", "E6-4.3.7")
def test_study_roles_are_given_within_the_givers(manager_study, client_as, tenant, app):
    manager, study = manager_study
    other = client_as(tenant, "viewer")
    body = {"user": str(other.user.uuid), "role": "administrator"}
    assert refused_as_beyond(manager.post("/api/study-users/", json=body, headers=study.headers))
    body["role"] = "viewer"
    added = manager.post("/api/study-users/", json=body, headers=study.headers)
    assert added.status_code == 201
    promoted = manager.patch(
        f"/api/study-users/{added.json['uuid']}",
        json={"role": "administrator"},
        headers=study.headers,
    )
    assert refused_as_beyond(promoted)
    demoted = manager.patch(
        f"/api/study-users/{added.json['uuid']}",
        json={"role": "study_manager"},
        headers=study.headers,
    )
    assert demoted.status_code == 200 and demoted.json["role"]["name"] == "study_manager"


def test_an_administrator_gives_any_study_role(client_as, tenant, make_study):
    admin = client_as(tenant)
    study = make_study(admin, "PAR")
    member = client_as(tenant, "investigator")
    body = {"user": str(member.user.uuid), "role": "investigator"}
    assert admin.post("/api/study-users/", json=body, headers=study.headers).status_code == 201


@pytest.mark.requirement("P11-11.10g", "E6-4.3.7")
def test_platform_roles_are_given_within_the_givers_and_never_to_oneself(
    client_as, user_factory, tenant
):
    admin = client_as(tenant)
    # A custom role that may edit users but holds little else.
    role = admin.post(
        "/api/roles/",
        json={"name": "user_editor", "permissions": ["users.access", "users.edit"]},
    )
    assert role.status_code == 201
    editor = client_as(tenant, "user_editor")
    someone = user_factory(tenant, "viewer")
    assert refused_as_beyond(
        editor.patch(f"/api/users/{someone.uuid}", json={"platform_role": "administrator"})
    )
    assert refused_as_own(
        editor.patch(f"/api/users/{editor.user.uuid}", json={"platform_role": "viewer"})
    )
    assert refused_as_own(
        admin.patch(f"/api/users/{admin.user.uuid}", json={"platform_role": "viewer"})
    )
    assert (
        admin.patch(f"/api/users/{someone.uuid}", json={"platform_role": "study_manager"}).json[
            "platform_role"
        ]["name"]
        == "study_manager"
    )
    # Its own names it may change.
    assert (
        editor.patch(f"/api/users/{editor.user.uuid}", json={"first_name": "Ed"}).status_code == 200
    )


def test_custom_roles_bundle_only_what_their_author_holds(client_as, tenant):
    admin = client_as(tenant)
    admin.post(
        "/api/roles/",
        json={"name": "role_author", "permissions": ["roles.access", "roles.add", "roles.edit"]},
    )
    author = client_as(tenant, "role_author")
    assert refused_as_beyond(
        author.post("/api/roles/", json={"name": "wide", "permissions": ["users.edit"]})
    )
    narrow = author.post("/api/roles/", json={"name": "narrow", "permissions": ["roles.access"]})
    assert narrow.status_code == 201
    widened = author.patch(
        f"/api/roles/{narrow.json['uuid']}", json={"permissions": ["api_keys.add"]}
    )
    assert refused_as_beyond(widened)
    wide = admin.post("/api/roles/", json={"name": "wide", "permissions": ["users.edit"]}).json
    # Renaming a role holding more than the author is changing what others hold.
    assert refused_as_beyond(author.patch(f"/api/roles/{wide['uuid']}", json={"name": "wider"}))


@pytest.mark.requirement("P11-11.10g")
def test_keys_get_no_permission_beyond_their_creators(client_as, tenant):
    manager = client_as(tenant, "study_manager")
    body = {"name": "robot", "permissions": ["users.edit"]}
    # A study manager may not even create keys; an administrator's custom role may.
    assert manager.post("/api/api-keys/", json=body).status_code == 403
    admin = client_as(tenant)
    admin.post(
        "/api/roles/",
        json={"name": "key_maker", "permissions": ["api_keys.add", "studies.access"]},
    )
    maker = client_as(tenant, "key_maker")
    assert refused_as_beyond(maker.post("/api/api-keys/", json=body))
    body["permissions"] = ["studies.access"]
    assert maker.post("/api/api-keys/", json=body).status_code == 201


@pytest.mark.requirement("P11-11.10g")
def test_nobody_changes_or_removes_someone_whose_role_holds_more(
    client_as, user_factory, tenant, make_study
):
    admin = client_as(tenant)
    study = make_study(admin, "PAR")
    manager = client_as(tenant, "study_manager")
    added = admin.post(
        "/api/study-users/",
        json={"user": str(manager.user.uuid), "role": "study_manager"},
        headers=study.headers,
    )
    assert added.status_code == 201
    (own,) = [
        m
        for m in admin.get("/api/study-users/", headers=study.headers).json
        if m["role"]["name"] == "administrator"
    ]
    member = f"/api/study-users/{own['uuid']}"
    assert refused_as_beyond(manager.patch(member, json={"role": "viewer"}, headers=study.headers))
    assert refused_as_beyond(
        manager.patch(member, json={"all_centers": False}, headers=study.headers)
    )
    assert refused_as_beyond(manager.delete(member, headers=study.headers))
    roles = {m["role"]["name"] for m in admin.get("/api/study-users/", headers=study.headers).json}
    assert roles == {"administrator", "study_manager"}
    # Tenant-wide: a user editor neither demotes nor deactivates an administrator.
    admin.post("/api/roles/", json={"name": "user_editor", "permissions": ["users.edit"]})
    editor = client_as(tenant, "user_editor")
    boss = user_factory(tenant)
    for change in ({"platform_role": "viewer"}, {"status": "deactivated"}):
        assert refused_as_beyond(editor.patch(f"/api/users/{boss.uuid}", json=change))
    assert refused_as_own(
        admin.patch(f"/api/users/{admin.user.uuid}", json={"status": "deactivated"})
    )
    assert admin.patch(f"/api/users/{boss.uuid}", json={"status": "deactivated"}).status_code == 200
