"""Studies, centers, study teams and the center restriction every study module builds on."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from datacapt.database import db
from datacapt.studies.models import Study, StudyCenter
from datacapt.studies.services import study_members
from datacapt.tenancy import tenant_context


@pytest.fixture
def study(client_as, tenant):
    """A study with two centers, run by an administrator who created it."""
    admin = client_as(tenant)
    study = admin.post("/api/studies/", json={"reference": "HTN-01", "name": "Hypertension"}).json
    centers = [
        admin.post(
            "/api/centers/", json={"code": code, "name": f"Site {code}", "country": "fr"}
        ).json
        for code in ("PAR", "LYO")
    ]
    headers = {"Study-Uuid": study["uuid"]}
    for center in centers:
        assert (
            admin.post(
                "/api/study-centers/", json={"center": center["uuid"]}, headers=headers
            ).status_code
            == 201
        )
    return {"admin": admin, "study": study, "centers": centers, "headers": headers}


def join(study, client_as, tenant, role: str, centers: list[str] | None = None):
    """A new user of ``role`` added to the study (limited to ``centers`` when given)."""
    member = client_as(tenant, role)
    body = {
        "user": str(member.user.uuid),
        "role": role,
        "all_centers": centers is None,
        "centers": centers or [],
    }
    response = study["admin"].post("/api/study-users/", json=body, headers=study["headers"])
    assert response.status_code == 201, response.json
    return member


def test_creating_a_study_makes_its_creator_a_member_with_their_platform_role(
    study, client_as, tenant
):
    admin, headers = study["admin"], study["headers"]
    assert study["study"]["status"] == "draft"
    team = admin.get("/api/study-users/", headers=headers).json
    assert [(m["email"], m["role"]["name"]) for m in team] == [(admin.user.email, "administrator")]
    manager = client_as(tenant, "study_manager")
    own = manager.post("/api/studies/", json={"reference": "OWN-1", "name": "Own"}).json
    own_team = manager.get("/api/study-users/", headers={"Study-Uuid": own["uuid"]}).json
    assert [m["role"]["name"] for m in own_team] == ["study_manager"]
    assert [c["code"] for c in admin.get("/api/study-centers/", headers=headers).json] == [
        "LYO",
        "PAR",
    ]
    assert study["centers"][0]["country"] == "FR"


def test_study_references_are_unique_and_validated(study):
    admin = study["admin"]
    duplicate = admin.post("/api/studies/", json={"reference": "HTN-01", "name": "Again"})
    assert duplicate.status_code == 409 and "reference" in duplicate.json["error"]["fields"]
    bad = admin.post("/api/studies/", json={"reference": "has spaces", "name": ""})
    assert bad.status_code == 422 and set(bad.json["error"]["fields"]) == {"reference", "name"}


def test_status_moves_draft_live_ended_archived_only(study):
    admin, url = study["admin"], f"/api/studies/{study['study']['uuid']}"
    assert admin.patch(url, json={"status": "ended"}).status_code == 409
    for status in ("live", "ended", "archived"):
        assert admin.patch(url, json={"status": status}).json["status"] == status
    assert admin.patch(url, json={"status": "live"}).status_code == 409


def test_only_draft_studies_can_be_deleted_and_they_are_kept(study):
    admin, url = study["admin"], f"/api/studies/{study['study']['uuid']}"
    other = admin.post("/api/studies/", json={"reference": "LIVE-1", "name": "Live"}).json
    admin.patch(f"/api/studies/{other['uuid']}", json={"status": "live"})
    assert admin.delete(f"/api/studies/{other['uuid']}").status_code == 409
    assert admin.delete(url).status_code == 204
    assert [s["reference"] for s in admin.get("/api/studies/").json] == ["LIVE-1"]
    assert (
        admin.post("/api/studies/", json={"reference": "HTN-01", "name": "Reuse"}).status_code
        == 409
    )


def test_lists_filter_and_paginate(client_as, tenant):
    admin = client_as(tenant)
    for i in range(5):
        admin.post("/api/studies/", json={"reference": f"S-{i}", "name": f"Study {i}"})
    page = admin.get("/api/studies/?page=2&page_size=2")
    assert [s["reference"] for s in page.json] == ["S-2", "S-3"]
    assert '"total": 5' in page.headers["X-Pagination"]
    assert [s["reference"] for s in admin.get("/api/studies/?search=study 4").json] == ["S-4"]
    assert admin.get("/api/studies/?status=nonsense").status_code == 422
    assert admin.get("/api/studies/?search=%25").json == []  # LIKE wildcards are literal


def test_study_scoped_endpoints_need_the_study_header_and_membership(study, client_as, tenant):
    admin = study["admin"]
    missing = admin.get("/api/study-users/")
    assert missing.status_code == 400 and missing.json["error"]["internal_name"] == "STUDY_REQUIRED"
    assert admin.get("/api/study-users/", headers={"Study-Uuid": "nope"}).status_code == 400
    unknown = admin.get(
        "/api/study-users/", headers={"Study-Uuid": "00000000-0000-0000-0000-000000000000"}
    )
    assert unknown.status_code == 404
    outsider = client_as(tenant, "study_manager")
    refused = outsider.get("/api/study-users/", headers=study["headers"])
    assert refused.status_code == 403
    assert refused.json["error"]["internal_name"] == "USER_DOES_NOT_BELONG_TO_STUDY"
    assert outsider.get(f"/api/studies/{study['study']['uuid']}").status_code == 403
    assert outsider.get("/api/studies/").json == []


def test_a_member_limited_to_one_center_sees_only_that_center(study, client_as, tenant):
    paris, lyon = study["centers"]
    restricted = join(study, client_as, tenant, "investigator", centers=[paris["uuid"]])
    everywhere = join(study, client_as, tenant, "monitor")
    lyon_member = join(study, client_as, tenant, "data_manager", centers=[lyon["uuid"]])
    headers = study["headers"]
    assert [c["code"] for c in restricted.get("/api/study-centers/", headers=headers).json] == [
        "PAR"
    ]
    assert [c["code"] for c in everywhere.get("/api/study-centers/", headers=headers).json] == [
        "LYO",
        "PAR",
    ]
    seen = {m["email"] for m in restricted.get("/api/study-users/", headers=headers).json}
    assert restricted.user.email in seen and everywhere.user.email in seen
    assert lyon_member.user.email not in seen
    permissions = restricted.get("/api/users/me/permissions").json["studies"][0]
    assert permissions["all_centers"] is False and permissions["centers"] == [paris["uuid"]]


def test_members_can_only_be_limited_to_centers_of_the_study(study, client_as, tenant):
    foreign = (
        study["admin"]
        .post("/api/centers/", json={"code": "NYC", "name": "New York", "country": "US"})
        .json
    )
    member = client_as(tenant, "investigator")
    body = {
        "user": str(member.user.uuid),
        "role": "investigator",
        "all_centers": False,
        "centers": [foreign["uuid"]],
    }
    response = study["admin"].post("/api/study-users/", json=body, headers=study["headers"])
    assert (
        response.status_code == 422
        and response.json["error"]["internal_name"] == "CENTER_NOT_IN_STUDY"
    )


def test_team_members_change_role_and_centers_and_can_be_removed(study, client_as, tenant):
    paris, _lyon = study["centers"]
    member = join(study, client_as, tenant, "investigator")
    admin, headers = study["admin"], study["headers"]
    entry = next(
        m
        for m in admin.get("/api/study-users/", headers=headers).json
        if m["email"] == member.user.email
    )
    changed = admin.patch(
        f"/api/study-users/{entry['uuid']}",
        json={"role": "monitor", "all_centers": False, "centers": [paris["uuid"], paris["uuid"]]},
        headers=headers,
    ).json
    assert changed["role"]["name"] == "monitor" and changed["centers"] == [paris["uuid"]]
    assert admin.delete(f"/api/study-centers/{paris['uuid']}", headers=headers).status_code == 204
    after = next(
        m
        for m in admin.get("/api/study-users/", headers=headers).json
        if m["email"] == member.user.email
    )
    assert after["centers"] == []
    assert admin.delete(f"/api/study-users/{entry['uuid']}", headers=headers).status_code == 204
    assert member.get("/api/study-users/", headers=headers).status_code == 403


def test_a_user_is_in_a_study_once(study):
    admin = study["admin"]
    body = {"user": str(admin.user.uuid), "role": "viewer"}
    assert admin.post("/api/study-users/", json=body, headers=study["headers"]).status_code == 409


def test_study_members_are_the_active_team_by_role_and_center(study, client_as, tenant, app):
    """Whom a module tells of something: whoever asks, the active members with those roles
    who see that center (members limited to other centers are left out)."""
    paris, lyon = (center["uuid"] for center in study["centers"])
    at_paris = join(study, client_as, tenant, "investigator", [paris])
    at_lyon = join(study, client_as, tenant, "investigator", [lyon])
    monitor = join(study, client_as, tenant, "monitor")
    gone = join(study, client_as, tenant, "monitor")
    admin = study["admin"]
    assert (
        admin.patch(f"/api/users/{gone.user.uuid}", json={"status": "deactivated"}).status_code
        == 200
    )
    with app.app_context(), tenant_context(tenant):
        found = db.session.execute(
            sa.select(Study).where(Study.uuid == uuid.UUID(study["study"]["uuid"]))
        ).scalar_one()
        paris_center = db.session.execute(
            sa.select(StudyCenter).where(StudyCenter.uuid == uuid.UUID(paris))
        ).scalar_one()

        def emails(**filters) -> set[str]:
            return {user.email for user in study_members(found, **filters)}

        everyone = emails()
        assert {at_paris.user.email, at_lyon.user.email, monitor.user.email} <= everyone
        assert gone.user.email not in everyone
        assert emails(roles=["investigator"]) == {at_paris.user.email, at_lyon.user.email}
        assert emails(roles=["investigator", "monitor"], center=paris_center) == {
            at_paris.user.email,
            monitor.user.email,
        }
