"""The monitoring plugin loads, needs the eCRF, and gives the default roles its
permissions."""

from __future__ import annotations

import uuid

import sqlalchemy as sa

from datacapt.testing import unit_of_work
from datacapt.toolkit import Study, db, tenant_context
from plugins.monitoring.demo import add_demo_plans


def test_a_monitored_trial_reads_its_sections_with_annotations(trial):
    view = trial.read(trial.investigator)
    assert view.status_code == 200, view.json
    assert set(view.json["annotations"]) == {
        "queries",
        "verification",
        "review",
        "locks",
        "signatures",
    }


def test_the_default_roles_get_monitoring_permissions(trial, client_as, tenant):
    listed = client_as(tenant).get("/api/roles/")
    assert listed.status_code == 200, listed.json
    roles = {r["name"]: set(r["permissions"]) for r in listed.json}
    assert "signatures.sign" in roles["investigator"]
    assert "signatures.sign" not in roles["monitor"]
    assert "source_data_verification.verify" in roles["monitor"]
    assert {"data_locks.lock", "queries.close"} <= roles["data_manager"]


def test_the_demo_plans_are_added_once_and_read_as_any_plan(app, trial, tenant):
    study_uuid = uuid.UUID(trial.headers["Study-Uuid"])
    for _ in range(2):  # the demo seed runs again on an existing demo tenant
        with app.app_context(), tenant_context(tenant), unit_of_work():
            study = db.session.execute(
                sa.select(Study).where(Study.uuid == study_uuid)
            ).scalar_one()
            add_demo_plans(study)
    plans = trial.monitor.get("/api/monitoring/verification/plans/", headers=trial.headers)
    assert plans.status_code == 200, plans.json
    by_kind = {plan["kind"]: plan for plan in plans.json}
    assert set(by_kind) == {"flagged_items", "random_subjects"}
    assert by_kind["flagged_items"]["codes"] == ["weight"]  # the demo's key questions here
    assert by_kind["random_subjects"]["center"] == trial.centers["PAR"]  # the last by code
