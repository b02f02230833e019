"""The demo study's kits: added once, with a kit type per arm of the study's declared
products, one kit at each later visit and stock in both inventories, enough for the
production check to pass."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa

from datacapt.testing import unit_of_work
from datacapt.toolkit import Study, db, tenant_context
from plugins.allocation.demo import KITS_PER_CENTER, add_demo_kits
from plugins.allocation.tests.support import BASE, Trial


def test_the_demo_kits_are_added_once_and_ready_to_go_live(app, trial: Trial, tenant):
    study_uuid = uuid.UUID(trial.study)
    for _ in range(2):  # the demo seed runs again on an existing demo tenant
        with app.app_context(), tenant_context(tenant), unit_of_work():
            study = db.session.execute(
                sa.select(Study).where(Study.uuid == study_uuid)
            ).scalar_one()
            add_demo_kits(study)
    # Each arm's kits hold the study's product of that rank, as the study declared them.
    kit_types: Any = trial.pharmacist.get(f"{BASE}/kit-types/", headers=trial.headers)
    assert [(k["code"], k["study_product"]["uuid"]) for k in kit_types.json] == [
        ("KT-1", trial.products["ACTIVE"]),
        ("KT-2", trial.products["PLACEBO"]),
    ]
    rules: Any = trial.pharmacist.get(f"{BASE}/configuration/", headers=trial.headers)
    assert {(r["arm"], r["kit_type"], r["section"]) for r in rules.json} == {
        (arm, code, trial.sections[visit])
        for arm, code in (("ACTIVE", "KT-1"), ("PLACEBO", "KT-2"))
        for visit in ("Day 1", "Day 28")
    }
    inventories: Any = trial.manager.get(f"{BASE}/inventories/", headers=trial.headers)
    expected = {"available": 2 * 2 * KITS_PER_CENTER}  # two kit types at two centers
    assert [i["kits"] for i in inventories.json.values()] == [expected, expected]
    assert trial.go_live().status_code == 201
    subject, _ = trial.randomized_subject()
    assert trial.dispense(subject).status_code == 201
