"""The demo study's rule: added once, it gives the investigators of a new subject's
center a welcome call to make."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa

from datacapt.testing import unit_of_work
from datacapt.toolkit import Study, db, tenant_context
from plugins.automations.demo import add_demo_rule
from plugins.automations.tests.support import RULES, Site


def test_the_demo_rule_is_added_once_and_works(app, site: Site, tenant) -> None:
    for _ in range(2):  # the demo seed runs again on an existing demo tenant
        with app.app_context(), tenant_context(tenant), unit_of_work():
            study = db.session.execute(
                sa.select(Study).where(Study.uuid == uuid.UUID(site.headers["Study-Uuid"]))
            ).scalar_one()
            add_demo_rule(study)
    rules: Any = site.manager.get(RULES, headers=site.headers)
    assert [rule["current"]["name"] for rule in rules.json] == ["Welcome call after inclusion"]
    site.subject()
    (task,) = site.tasks(site.investigator)
    assert task["due_on"] is not None
