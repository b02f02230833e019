"""The demo library: added once."""

from __future__ import annotations

import uuid

import sqlalchemy as sa

from datacapt.testing import unit_of_work
from datacapt.toolkit import Study, db, tenant_context
from plugins.templates import demo
from plugins.templates.tests.support import TEMPLATES, Library, read


def test_the_demo_library_is_added_once(app, tenant, library: Library):
    for _ in range(2):
        with app.app_context(), tenant_context(tenant), unit_of_work():
            study = db.session.execute(
                sa.select(Study).where(Study.uuid == uuid.UUID(library.first["Study-Uuid"]))
            ).scalar_one()
            demo.add_demo_library(study)
    held = read(library.viewer, TEMPLATES)
    assert [(t["name"], t["kind"], t["latest"]) for t in held] == [
        ("Smoking status", "ecrf_question", 1),
        ("Visit reminder", "message_template", 1),
        ("Vital signs", "ecrf_section", 2),
    ]
