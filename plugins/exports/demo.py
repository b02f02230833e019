"""The demo study's exports: two definitions a newcomer runs at once, every value wide
with the audit trail and the queries, and every value long with labels."""

from __future__ import annotations

import sqlalchemy as sa

from datacapt.toolkit import Study, db
from plugins.exports.definitions.models import ExportDefinition, Extra, Layout, Values
from plugins.exports.definitions.services import create_definition

DEFINITIONS = [
    {
        "name": "Every value, one row per subject",
        "layout": Layout.WIDE,
        "values": Values.CODES,
        "extras": [Extra.AUDIT_TRAIL, Extra.QUERIES],
    },
    {
        "name": "Every value, one row per value",
        "layout": Layout.LONG,
        "values": Values.LABELS,
        "extras": [],
    },
]


def add_demo_exports(study: Study) -> None:
    """The demo definitions the study lacks (the seed runs again on a demo tenant)."""
    names = set(
        db.session.execute(
            sa.select(ExportDefinition.name).where(ExportDefinition.study_id == study.id)
        ).scalars()
    )
    for definition in DEFINITIONS:
        if definition["name"] in names:
            continue
        create_definition(
            study,
            {
                "sections": [],
                "questions": [],
                "centers": [],
                "statuses": [],
                "included_from": None,
                "included_to": None,
                **definition,
            },
        )
