"""A module's settings in each study: /api/plugins/<name>/study-settings (Study-Uuid), read
with studies.access and changed with studies.edit, validated by the module's schema (422,
nothing written), audited under the study with a reason once it is live, per study and per
tenant, for enabled modules only; plugin code reads them with study_settings()."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from datacapt.audit.models import AuditRecord
from datacapt.database import db, unit_of_work
from datacapt.plugins.models import StudyPluginSettings
from datacapt.plugins.study_settings import study_settings
from datacapt.studies.models import Study
from datacapt.tenancy import tenant_context

URL = "/api/plugins/subjects/study-settings"
DEFAULT = {"id_pattern": "{center}-{seq:03}"}


@pytest.fixture
def trial(enable_plugins, client_as, make_study, join_study, tenant):
    enable_plugins(tenant, "subjects", "ecrf")
    manager = client_as(tenant, "study_manager")
    created = make_study(manager, "PAR", reference="SET-1")
    return {
        "manager": manager,
        "headers": created.headers,
        "uuid": created.uuid,
        "member": lambda role: join_study(created.headers, tenant, role),
    }


def stored(app, tenant) -> list[tuple[str, dict]]:
    with app.app_context(), tenant_context(tenant):
        return [
            (row.plugin, row.settings)
            for row in db.session.execute(sa.select(StudyPluginSettings)).scalars()
        ]


def settings_records(app, tenant) -> list[AuditRecord]:
    with app.app_context(), tenant_context(tenant):
        return list(
            db.session.execute(
                sa.select(AuditRecord)
                .where(AuditRecord.object_type == "study_plugin_settings")
                .order_by(AuditRecord.sequence)
            ).scalars()
        )


def go_live(trial) -> None:
    response = trial["manager"].patch(f"/api/studies/{trial['uuid']}", json={"status": "live"})
    assert response.json["status"] == "live", response.json


def test_settings_read_with_defaults_change_and_are_audited_under_the_study(app, trial, tenant):
    manager, headers = trial["manager"], trial["headers"]
    assert manager.get(URL, headers=headers).json == DEFAULT
    assert stored(app, tenant) == []  # defaults are not written
    changed = manager.patch(URL, json={"id_pattern": "S{seq:04}"}, headers=headers)
    assert changed.status_code == 200 and changed.json == {"id_pattern": "S{seq:04}"}
    assert manager.get(URL, headers=headers).json == {"id_pattern": "S{seq:04}"}
    manager.patch(URL, json={"id_pattern": "S{seq:04}"}, headers=headers)  # no change
    manager.patch(URL, json={"id_pattern": "{center}/{seq}"}, headers=headers)
    records = settings_records(app, tenant)
    assert [(r.action, r.study_id, r.actor_id) for r in records] == [
        ("create", trial["uuid"], str(manager.user.uuid)),
        ("update", trial["uuid"], str(manager.user.uuid)),
    ]
    assert records[0].changes["plugin"] == [None, "subjects"]
    assert records[0].changes["study_id"] == [None, trial["uuid"]]
    assert records[1].changes["settings"] == [
        {"id_pattern": "S{seq:04}"},
        {"id_pattern": "{center}/{seq}"},
    ]


def test_plugin_code_reads_its_settings_with_defaults(app, trial, make_study, tenant):
    other = make_study(trial["manager"], reference="SET-2")
    trial["manager"].patch(URL, json={"id_pattern": "X{seq}"}, headers=trial["headers"])
    with app.app_context(), tenant_context(tenant):
        studies = {
            str(study.uuid): study for study in db.session.execute(sa.select(Study)).scalars()
        }
        assert study_settings("subjects", studies[trial["uuid"]]) == {"id_pattern": "X{seq}"}
        assert study_settings("subjects", studies[other.uuid]) == DEFAULT


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"id_pattern": "{seq"}, {"id_pattern"}),
        ({"id_pattern": 12}, {"id_pattern"}),
        ({"id_pattern": "{seq}", "colour": "red"}, {"colour"}),
    ],
)
def test_bad_settings_are_422_in_the_envelope_and_write_nothing(app, trial, tenant, body, fields):
    refused = trial["manager"].patch(URL, json=body, headers=trial["headers"])
    assert refused.status_code == 422
    error = refused.json["error"]
    assert error["internal_name"] == "VALIDATION_FAILED" and set(error["fields"]) == fields
    assert error["message"] == "Invalid settings for the module 'subjects'"
    assert stored(app, tenant) == [] and settings_records(app, tenant) == []


def test_a_body_that_is_not_an_object_is_refused(trial):
    refused = trial["manager"].patch(URL, json=["id_pattern"], headers=trial["headers"])
    assert refused.status_code == 422 and refused.json["error"]["code"] == "VALIDATION_ERROR"


def test_a_live_studys_settings_change_only_with_a_reason(app, trial, tenant):
    manager, headers = trial["manager"], trial["headers"]
    go_live(trial)
    refused = manager.patch(URL, json={"id_pattern": "L{seq}"}, headers=headers)
    assert refused.status_code == 422
    assert refused.json["error"]["internal_name"] == "REASON_FOR_CHANGE_REQUIRED"
    assert stored(app, tenant) == []
    by_header = manager.patch(
        URL, json={"id_pattern": "L{seq}"}, headers={**headers, "Reason-For-Change": "Sponsor"}
    )
    assert by_header.json == {"id_pattern": "L{seq}"}
    in_body = manager.patch(
        URL, json={"id_pattern": "M{seq}", "reason_for_change": "Typo"}, headers=headers
    )
    assert in_body.json == {"id_pattern": "M{seq}"}
    assert [r.reason for r in settings_records(app, tenant)] == ["Sponsor", "Typo"]


def test_members_read_only_who_sets_up_the_study_changes(trial, client_as, tenant):
    headers = trial["headers"]
    investigator = trial["member"]("investigator")
    assert investigator.get(URL, headers=headers).json == DEFAULT
    refused = investigator.patch(URL, json={"id_pattern": "I{seq}"}, headers=headers)
    assert refused.status_code == 403
    assert refused.json["error"]["details"] == {"permission": "studies.edit"}
    outsider = client_as(tenant, "study_manager")  # not in this study's team
    denied = outsider.get(URL, headers=headers)
    assert denied.json["error"]["internal_name"] == "USER_DOES_NOT_BELONG_TO_STUDY"
    assert trial["manager"].get(URL).json["error"]["internal_name"] == "STUDY_REQUIRED"
    assert trial["manager"].get(URL, headers=headers).json == DEFAULT


def test_each_study_and_each_tenant_has_its_own(
    trial, make_study, client_as, enable_plugins, other_tenant
):
    manager, headers = trial["manager"], trial["headers"]
    other = make_study(manager, reference="SET-2")
    manager.patch(URL, json={"id_pattern": "A{seq}"}, headers=headers)
    assert manager.get(URL, headers=other.headers).json == DEFAULT
    enable_plugins(other_tenant, "subjects")
    stranger = client_as(other_tenant)
    response = stranger.get(URL, headers=headers)
    assert response.status_code == 404  # the study is not in that tenant
    assert response.json["error"]["internal_name"] == "STUDY_NOT_FOUND"
    theirs = make_study(stranger, reference="SET-1")  # the same reference, another tenant
    assert stranger.get(URL, headers=theirs.headers).json == DEFAULT
    stranger.patch(URL, json={"id_pattern": "B{seq}"}, headers=theirs.headers)
    assert manager.get(URL, headers=headers).json == {"id_pattern": "A{seq}"}


def test_only_loaded_and_enabled_modules_have_study_settings(
    trial, enable_plugins, client_as, make_study, other_tenant
):
    manager, headers = trial["manager"], trial["headers"]
    missing = manager.get("/api/plugins/nosuch/study-settings", headers=headers)
    assert (
        missing.status_code == 404 and missing.json["error"]["internal_name"] == "PLUGIN_NOT_FOUND"
    )
    disabled = manager.get("/api/plugins/epro/study-settings", headers=headers)
    assert disabled.json["error"]["internal_name"] == "MODULE_NOT_ENABLED"
    refused = manager.patch("/api/plugins/epro/study-settings", json={}, headers=headers)
    assert refused.json["error"]["internal_name"] == "MODULE_NOT_ENABLED"
    # A module without study settings has none to read, and none to change.
    assert manager.get("/api/plugins/ecrf/study-settings", headers=headers).json == {}
    unknown = manager.patch("/api/plugins/ecrf/study-settings", json={"x": 1}, headers=headers)
    assert unknown.status_code == 422 and unknown.json["error"]["fields"] == {
        "x": ["Unknown setting."]
    }
    # A tenant without the module: its study settings answer as the module's routes do.
    admin = client_as(other_tenant)
    elsewhere = make_study(admin, reference="SET-3")
    response = admin.get(URL, headers=elsewhere.headers)
    assert response.json["error"]["internal_name"] == "MODULE_NOT_ENABLED"
    enable_plugins(other_tenant, "subjects")
    assert admin.get(URL, headers=elsewhere.headers).json == DEFAULT


def test_messages_follow_the_language_header(trial):
    refused = trial["manager"].patch(
        "/api/plugins/ecrf/study-settings",
        json={"x": 1},
        headers={**trial["headers"], "Language": "fr"},
    )
    assert refused.json["error"]["message"] == "Le module « ecrf » n'a pas de tels paramètres"
    assert refused.json["error"]["fields"] == {"x": ["Paramètre inconnu."]}


def test_a_setting_the_module_no_longer_has_is_ignored_then_dropped(app, trial, tenant):
    manager, headers = trial["manager"], trial["headers"]
    manager.patch(URL, json={"id_pattern": "K{seq}"}, headers=headers)
    with app.app_context(), tenant_context(tenant), unit_of_work():
        row = db.session.execute(sa.select(StudyPluginSettings)).scalar_one()
        row.settings = {**row.settings, "retired": True}  # as an older version stored it
    assert manager.get(URL, headers=headers).json == {"id_pattern": "K{seq}"}
    manager.patch(URL, json={"id_pattern": "L{seq}"}, headers=headers)
    assert stored(app, tenant) == [("subjects", {"id_pattern": "L{seq}"})]
