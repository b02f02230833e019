"""The demo study's room: added once, on the console provider, with its first subject."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa

from datacapt.testing import unit_of_work
from datacapt.toolkit import Study, db, tenant_context
from plugins.econsult.demo import add_demo_room
from plugins.econsult.tests.support import ROOMS


def test_the_demo_room_is_added_once(app, trial, tenant):
    for _ in range(2):  # the demo seed runs again on an existing demo tenant
        with app.app_context(), tenant_context(tenant.schema_name), unit_of_work():
            study = db.session.execute(
                sa.select(Study).where(Study.uuid == uuid.UUID(trial.headers["Study-Uuid"]))
            ).scalar_one()
            add_demo_room(study)
    rooms: Any = trial.manager.get(ROOMS, headers=trial.headers)
    (room,) = rooms.json
    assert (room["provider"], room["purpose"], room["subject"]) == (
        "console",
        "consent",
        trial.subject,
    )
