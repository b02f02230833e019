"""The demo study's recruitment: added once, published, with its slots."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa

from datacapt.testing import unit_of_work
from datacapt.toolkit import Study, db, tenant_context
from plugins.recruitment.demo import add_demo_recruitment
from plugins.recruitment.tests.support import BASE, PUBLIC, Trial


def test_the_demo_recruitment_is_added_once(app, trial: Trial, tenant, make_study):
    demo = make_study(trial.manager, reference="DEMO")
    for _ in range(2):  # the demo seed runs again on an existing demo tenant
        with app.app_context(), tenant_context(tenant.schema_name), unit_of_work():
            study = db.session.execute(
                sa.select(Study).where(Study.uuid == uuid.UUID(demo.uuid))
            ).scalar_one()
            add_demo_recruitment(study)
    listed: Any = trial.manager.get(f"{BASE}/studies/", headers=demo.headers)
    (recruitment,) = listed.json
    slots: Any = trial.manager.get(
        f"{BASE}/studies/{recruitment['uuid']}/slots/", headers=demo.headers
    )
    assert [s["capacity"] for s in slots.json] == [2] * 6
    page: Any = trial.public.get(f"{PUBLIC}/studies/{recruitment['uuid']}")
    assert page.status_code == 200 and page.json["title"] == "Moisturizer tolerance study"
