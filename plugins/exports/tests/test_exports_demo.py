"""The demo study's export definitions: added once, each runs."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa

from datacapt.testing import unit_of_work
from datacapt.toolkit import Study, db, tenant_context
from plugins.exports.demo import add_demo_exports
from plugins.exports.tests.support import DEFINITIONS, Trial


def test_the_demo_definitions_are_added_once_and_run(app, trial: Trial, tenant):
    for _ in range(2):  # the demo seed runs again on an existing demo tenant
        with app.app_context(), tenant_context(tenant), unit_of_work():
            study = db.session.execute(
                sa.select(Study).where(Study.uuid == uuid.UUID(trial.study))
            ).scalar_one()
            add_demo_exports(study)
    listed: Any = trial.data_manager.get(DEFINITIONS, headers=trial.headers)
    assert [(d["layout"], d["values"]) for d in listed.json] == [
        ("wide", "codes"),
        ("long", "labels"),
    ]
    for definition in listed.json:
        assert trial.export(definition["uuid"], "csv")["state"] == "done"
