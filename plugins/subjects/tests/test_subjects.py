"""Subjects: study ids from the pattern, statuses, center restriction, personal data kept
apart (own permission, every read audited), gating per tenant."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from datacapt.toolkit import AuditRecord, db, tenant_context


@pytest.fixture
def study(enable_plugins, client_as, make_study, join_study, tenant):
    """A study with two centers, its manager, and an investigator who sees Paris only."""
    enable_plugins(tenant, "subjects")
    manager = client_as(tenant, "study_manager")
    created = make_study(manager, "PAR", "LYO", reference="SUB-1")
    headers, centers = created.headers, created.centers

    def member(role: str, only: str | None = None):
        return join_study(headers, tenant, role, [centers[only]] if only else None)

    return {
        "uuid": created.uuid,
        "headers": headers,
        "centers": centers,
        "manager": manager,
        "member": member,
    }


def add(client, study, center: str, **personal):
    return client.post(
        "/api/subjects/",
        json={"center": study["centers"][center], "personal_data": personal},
        headers=study["headers"],
    )


@pytest.mark.requirement("GDPR-25")
def test_subjects_get_ids_from_the_study_pattern_per_center(study):
    manager = study["manager"]
    ids = [add(manager, study, code).json["study_subject_id"] for code in ("PAR", "PAR", "LYO")]
    assert ids == ["PAR-001", "PAR-002", "LYO-001"]
    listed = manager.get("/api/subjects/", headers=study["headers"]).json
    assert [s["study_subject_id"] for s in listed] == ["LYO-001", "PAR-001", "PAR-002"]
    assert all(s["status"] == "screening" and s["platform_id"].startswith("P") for s in listed)


SETTINGS = "/api/plugins/subjects/study-settings"


def test_the_pattern_is_a_study_setting_validated_and_applied_to_new_subjects(study):
    manager, headers = study["manager"], study["headers"]
    assert manager.get(SETTINGS, headers=headers).json == {"id_pattern": "{center}-{seq:03}"}
    for bad in ("{center}", "{patient}-{seq}", "{seq", "{seq:0999999999}", ""):
        refused = manager.patch(SETTINGS, json={"id_pattern": bad}, headers=headers)
        assert refused.status_code == 422 and "id_pattern" in refused.json["error"]["fields"]
    french = manager.patch(
        SETTINGS, json={"id_pattern": "{center}"}, headers={**headers, "Language": "fr"}
    )
    assert french.json["error"]["fields"] == {
        "id_pattern": ["Le modèle doit contenir {seq} pour distinguer les sujets."]
    }
    changed = manager.patch(SETTINGS, json={"id_pattern": "{study}/{seq:04}"}, headers=headers)
    assert changed.json == {"id_pattern": "{study}/{seq:04}"}
    assert add(manager, study, "LYO").json["study_subject_id"] == "SUB-1/0001"
    assert add(manager, study, "PAR").json["study_subject_id"] == "SUB-1/0002"


def test_the_old_settings_endpoint_is_gone(study):
    assert (
        study["manager"].get("/api/subject-settings", headers=study["headers"]).status_code == 404
    )


def test_concurrent_additions_never_share_an_id(app, study, tenant):
    manager, results = study["manager"], []

    def add_some() -> None:
        client = app.test_client()
        for _ in range(5):
            response = client.post(
                "/api/subjects/",
                json={"center": study["centers"]["PAR"]},
                headers={
                    **study["headers"],
                    "Authorization": f"Bearer {manager.token}",
                    "Host": manager.host,
                },
            )
            results.append(response.json["study_subject_id"])

    threads = [threading.Thread(target=add_some) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [f"PAR-{n:03d}" for n in range(1, 21)]


@pytest.mark.requirement("P11-11.10f")
def test_status_changes_need_their_date_or_reason(study):
    manager, headers = study["manager"], study["headers"]
    subject = add(manager, study, "PAR").json
    url = f"/api/subjects/{subject['uuid']}"
    assert manager.patch(url, json={"status": "included"}, headers=headers).json["error"][
        "fields"
    ] == {"inclusion_date": ["An inclusion needs its date."]}
    included = manager.patch(
        url, json={"status": "included", "inclusion_date": "2026-11-02"}, headers=headers
    ).json
    assert (included["status"], included["inclusion_date"]) == ("included", "2026-11-02")
    assert manager.patch(url, json={"status": "screening"}, headers=headers).status_code == 409
    assert manager.patch(url, json={"status": "withdrawn"}, headers=headers).status_code == 422
    withdrawn = manager.patch(
        url, json={"status": "withdrawn", "end_reason": "Moved abroad"}, headers=headers
    ).json
    assert withdrawn["end_reason"] == "Moved abroad"


@pytest.mark.requirement("P11-11.10g")
def test_a_member_limited_to_a_center_sees_and_adds_only_there(study):
    manager, headers = study["manager"], study["headers"]
    lyon = add(manager, study, "LYO").json
    add(manager, study, "PAR")
    investigator = study["member"]("investigator", only="PAR")
    assert [s["center_code"] for s in investigator.get("/api/subjects/", headers=headers).json] == [
        "PAR"
    ]
    assert investigator.get(f"/api/subjects/{lyon['uuid']}", headers=headers).status_code == 404
    assert add(investigator, study, "LYO").status_code == 403
    assert add(investigator, study, "PAR").status_code == 201


@pytest.mark.requirement("GDPR-15", "GDPR-25")
def test_personal_data_needs_its_permission_and_every_read_is_audited(app, study, tenant):
    manager, headers = study["manager"], study["headers"]
    subject = add(
        manager, study, "PAR", first_name="Ada", last_name="Martin", email="ada@example.org"
    ).json
    assert "first_name" not in subject and "email" not in str(
        manager.get("/api/subjects/", headers=headers).json
    )
    url = f"/api/subjects/{subject['uuid']}/personal-data"
    investigator = study["member"]("investigator")
    assert investigator.get(url, headers=headers).json["last_name"] == "Martin"
    monitor = study["member"]("monitor")
    assert monitor.get(f"/api/subjects/{subject['uuid']}", headers=headers).status_code == 200
    assert monitor.get(url, headers=headers).status_code == 403
    corrected = investigator.patch(url, json={"email": "ada.martin@example.org"}, headers=headers)
    assert corrected.json["email"] == "ada.martin@example.org"
    assert (
        investigator.patch(url, json={"email": "not an email"}, headers=headers).status_code == 422
    )
    with app.app_context(), tenant_context(tenant):
        trail = db.session.execute(
            sa.select(AuditRecord.action, AuditRecord.actor_id)
            .where(AuditRecord.object_type == "subject_personal_data")
            .order_by(AuditRecord.sequence)
        ).all()
    assert [action for action, _ in trail] == ["create", "read", "update"]
    assert trail[1].actor_id == str(investigator.user.uuid)


@pytest.mark.requirement("P11-11.10d", "E6-4.3.3")
def test_other_tenants_and_roles_without_the_module_get_nothing(study, client_as, other_tenant):
    outsider = client_as(other_tenant)
    response = outsider.get("/api/subjects/", headers={"Study-Uuid": study["uuid"]})
    assert (
        response.status_code == 404
        and response.json["error"]["internal_name"] == "MODULE_NOT_ENABLED"
    )
    viewer = study["member"]("viewer")
    assert viewer.get("/api/subjects/", headers=study["headers"]).status_code == 200
    assert add(viewer, study, "PAR").status_code == 403


def test_a_subject_is_written_to_in_the_tenant_language_unless_told(study, client_as, tenant):
    client_as(tenant).patch("/api/tenant/settings", json={"default_language": "fr"})
    manager, headers = study["manager"], study["headers"]
    implied = add(manager, study, "PAR").json
    chosen = add(manager, study, "PAR", language="en").json
    for subject, language in ((implied, "fr"), (chosen, "en")):
        url = f"/api/subjects/{subject['uuid']}/personal-data"
        assert manager.get(url, headers=headers).json["language"] == language
    refused = add(manager, study, "PAR", language="de")
    assert refused.status_code == 422 and "personal_data" in refused.json["error"]["fields"]


@pytest.mark.requirement("P11-11.10f")
def test_an_illegal_status_change_is_named_and_translated(study):
    manager, headers = study["manager"], study["headers"]
    subject = add(manager, study, "PAR").json
    url = f"/api/subjects/{subject['uuid']}"
    manager.patch(url, json={"status": "included", "inclusion_date": "2026-11-02"}, headers=headers)
    back = {"status": "screening"}
    english = manager.patch(url, json=back, headers=headers).json["error"]
    assert english["internal_name"] == "ILLEGAL_STATUS_TRANSITION"
    assert english["message"] == "The subject cannot go from status “included” to “screening”."
    assert english["details"] == {
        "from": "included",
        "to": "screening",
        "allowed": ["completed", "withdrawn"],
    }
    french = manager.patch(url, json=back, headers={**headers, "Language": "fr"}).json["error"]
    assert french["message"] == (
        "Le sujet ne peut pas passer du statut « included » au statut « screening »."
    )


def team_member(team: dict, client) -> dict:
    (member,) = [m for m in team.values() if m["user"] == str(client.user.uuid)]
    return member


@pytest.mark.requirement("P11-11.10c")
def test_a_center_with_subjects_stays_in_the_study(study, client_as, tenant):
    manager, headers, centers = study["manager"], study["headers"], study["centers"]
    investigator = study["member"]("investigator", only="PAR")
    assert add(investigator, study, "PAR").status_code == 201
    assert (
        investigator.delete(f"/api/study-centers/{centers['PAR']}", headers=headers).status_code
        == 403
    )
    refused = manager.delete(
        f"/api/study-centers/{centers['PAR']}", headers={**headers, "Language": "fr"}
    )
    assert refused.status_code == 409
    error = refused.json["error"]
    assert error["internal_name"] == "CENTER_IN_USE" and error["details"] == {
        "used_by": ["subjects"]
    }
    assert (
        error["message"] == "Le centre PAR a des données dans cette étude : il reste dans l'étude."
    )
    study_centers = manager.get("/api/study-centers/", headers=headers).json
    assert sorted(c["code"] for c in study_centers) == ["LYO", "PAR"]
    team = manager.get("/api/study-users/", headers=headers).json
    (limited,) = [m for m in team if not m["all_centers"]]
    assert limited["centers"] == [centers["PAR"]]
    assert len(investigator.get("/api/subjects/", headers=headers).json) == 1
    # A center without subjects goes, and out of every member's list with it.
    lyon_member = study["member"]("investigator", only="LYO")
    assert (
        manager.delete(f"/api/study-centers/{centers['LYO']}", headers=headers).status_code == 204
    )
    team = {m["uuid"]: m for m in manager.get("/api/study-users/", headers=headers).json}
    assert all(centers["LYO"] not in m["centers"] for m in team.values())
    assert team_member(team, lyon_member)["centers"] == []
    assert lyon_member.get("/api/subjects/", headers=headers).json == []


def test_the_pattern_can_be_changed_again_and_the_change_is_audited(app, study, tenant):
    manager, headers = study["manager"], study["headers"]
    for pattern in ("{study}/{seq:04}", "{center}.{seq:02}"):
        response = manager.patch(SETTINGS, json={"id_pattern": pattern}, headers=headers)
        assert response.status_code == 200, response.json
    assert add(manager, study, "LYO").json["study_subject_id"] == "LYO.01"
    with app.app_context(), tenant_context(tenant):
        trail = db.session.execute(
            sa.select(AuditRecord.action, AuditRecord.changes)
            .where(AuditRecord.object_type == "study_plugin_settings")
            .order_by(AuditRecord.sequence)
        ).all()
    assert [action for action, _ in trail] == ["create", "update"]
    assert trail[1].changes["settings"] == [
        {"id_pattern": "{study}/{seq:04}"},
        {"id_pattern": "{center}.{seq:02}"},
    ]
