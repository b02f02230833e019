"""Enrollment targets: set by those who manage them, one per scope, audited; a member of
one center sets and sees only its own (and the study's); another tenant reaches nothing;
bad input writes nothing."""

from __future__ import annotations

import uuid
from typing import Any

from plugins.analytics.tests.support import Trial

TARGETS = "/api/analytics/targets/"


def _post(trial: Trial, client, body: dict[str, Any]) -> Any:
    return client.post(TARGETS, json=body, headers=trial.headers)


def _listed(trial: Trial, client) -> list[tuple[str | None, int]]:
    answer: Any = client.get(TARGETS, headers=trial.headers)
    assert answer.status_code == 200, answer.json
    return [(target["center_code"], target["subjects"]) for target in answer.json]


def test_targets_are_set_changed_and_removed_with_an_audit_record(trial: Trial):
    study_wide: Any = _post(trial, trial.manager, {"subjects": 40, "target_date": "2027-06-30"})
    assert study_wide.status_code == 201, study_wide.json
    assert (study_wide.json["center"], study_wide.json["subjects"]) == (None, 40)
    paris: Any = _post(trial, trial.manager, {"subjects": 25, "center": trial.centers["PAR"]})
    assert paris.status_code == 201, paris.json
    again: Any = _post(trial, trial.manager, {"subjects": 30})
    assert again.status_code == 409, again.json
    assert again.json["error"]["internal_name"] == "TARGET_EXISTS"
    assert _listed(trial, trial.manager) == [(None, 40), ("PAR", 25)]

    url = f"{TARGETS}{paris.json['uuid']}"
    changed: Any = trial.manager.patch(url, json={"subjects": 20}, headers=trial.headers)
    assert changed.status_code == 200, changed.json
    assert (changed.json["subjects"], changed.json["center_code"]) == (20, "PAR")
    assert trial.manager.delete(url, headers=trial.headers).status_code == 204
    assert trial.manager.get(url, headers=trial.headers).status_code == 404
    assert _listed(trial, trial.manager) == [(None, 40)]

    records: Any = trial.monitor.get(
        "/api/audit-trails/", query_string={"object_type": "analytics_enrollment_targets"}
    )
    assert records.status_code == 200, records.json
    actions = sorted(record["action"] for record in records.json["records"])
    assert actions == ["create", "create", "delete", "update"]


def test_only_managers_set_targets_and_a_center_member_only_its_own(
    trial: Trial, tenant, client_as, join_study
):
    denied: Any = _post(trial, trial.investigator, {"subjects": 5})
    assert denied.status_code == 403, denied.json
    assert _listed(trial, trial.investigator) == []

    admin = client_as(tenant)
    role = admin.post(
        "/api/roles/",
        json={
            "name": "center_lead",
            "permissions": ["analytics.access", "analytics.manage_targets"],
        },
    )
    assert role.status_code == 201, role.json
    lead = join_study(trial.headers, tenant, "center_lead", [trial.centers["LYO"]])
    study_wide: Any = _post(trial, lead, {"subjects": 50})
    assert study_wide.status_code == 403, study_wide.json
    paris: Any = _post(trial, lead, {"subjects": 5, "center": trial.centers["PAR"]})
    assert paris.status_code == 422, paris.json
    assert paris.json["error"]["internal_name"] == "CENTER_NOT_IN_STUDY"
    lyon: Any = _post(trial, lead, {"subjects": 5, "center": trial.centers["LYO"]})
    assert lyon.status_code == 201, lyon.json

    assert _post(trial, trial.manager, {"subjects": 50}).status_code == 201
    paris = _post(trial, trial.manager, {"subjects": 9, "center": trial.centers["PAR"]})
    assert paris.status_code == 201
    assert _listed(trial, lead) == [(None, 50), ("LYO", 5)]
    hidden = f"{TARGETS}{paris.json['uuid']}"
    assert lead.get(hidden, headers=trial.headers).status_code == 404
    assert lead.patch(hidden, json={"subjects": 1}, headers=trial.headers).status_code == 404
    assert _listed(trial, trial.manager) == [(None, 50), ("LYO", 5), ("PAR", 9)]


def test_bad_targets_are_refused_and_write_nothing(trial: Trial):
    for body in (
        {"subjects": 0},
        {"subjects": "ten"},
        {"subjects": 2.5},
        {},
        {"subjects": 5, "target_date": "2027-02-30"},
        {"subjects": 5, "center": "not-a-uuid"},
        {"subjects": 5, "extra": True},
    ):
        answer: Any = _post(trial, trial.manager, body)
        assert answer.status_code == 422, (body, answer.json)
    unknown: Any = _post(trial, trial.manager, {"subjects": 5, "center": str(uuid.uuid4())})
    assert unknown.status_code in (404, 422), unknown.json
    assert _listed(trial, trial.manager) == []


def test_another_tenant_reaches_nothing(
    trial: Trial, other_tenant, enable_plugins, client_as, make_study
):
    created: Any = _post(trial, trial.manager, {"subjects": 40})
    assert created.status_code == 201
    trial.subject("PAR", "2026-01-05")
    enable_plugins(other_tenant, "analytics")
    stranger = client_as(other_tenant, "study_manager")
    theirs = make_study(stranger, "PAR", reference="OTHER-1")
    # Our study is unknown there, our target too; their own study shows none of ours.
    assert stranger.get("/api/analytics/enrollment", headers=trial.headers).status_code == 404
    assert (
        stranger.get(f"{TARGETS}{created.json['uuid']}", headers=theirs.headers).status_code == 404
    )
    assert stranger.get(TARGETS, headers=theirs.headers).json == []
    figures: Any = stranger.get("/api/analytics/enrollment", headers=theirs.headers)
    assert figures.status_code == 200, figures.json
    assert figures.json["study"]["enrolled"] == 0
    assert figures.json["study"]["target"] is None


def test_a_tenant_without_the_module_and_a_role_without_the_permission_see_nothing(
    trial: Trial, tenant, client_as, join_study, other_tenant, make_study
):
    admin = client_as(tenant)
    role = admin.post(
        "/api/roles/", json={"name": "no_dashboards", "permissions": ["subjects.access"]}
    )
    assert role.status_code == 201, role.json
    outsider = join_study(trial.headers, tenant, "no_dashboards")
    for path in ("enrollment", "enrollment.svg", "visits", "visits.svg", "queries", "queries.svg"):
        assert trial.get(path, by=outsider).status_code == 403, path
    assert outsider.get(TARGETS, headers=trial.headers).status_code == 403

    without = client_as(other_tenant, "study_manager")
    study = make_study(without, "PAR", reference="NONE-1")
    answer: Any = without.get("/api/analytics/visits", headers=study.headers)
    assert answer.status_code == 404
    assert answer.json["error"]["internal_name"] == "MODULE_NOT_ENABLED"
