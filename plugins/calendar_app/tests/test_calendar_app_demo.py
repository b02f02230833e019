"""The demo study's calendar: added once, a schedule from its eCRF, a room and an ECG, and
the first included subject's next visit booked for tomorrow."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa

from datacapt.testing import unit_of_work
from datacapt.toolkit import Study, db, tenant_context
from plugins.calendar_app.demo import add_demo_calendar
from plugins.calendar_app.tests.support import BASE, Trial


def test_the_demo_calendar_is_added_once(app, trial: Trial, tenant):
    subject = trial.subject(inclusion=None)
    trial.include(subject, "2030-03-04")
    for _ in range(2):  # the demo seed runs again on an existing demo tenant
        with app.app_context(), tenant_context(tenant), unit_of_work():
            study = db.session.execute(
                sa.select(Study).where(Study.uuid == uuid.UUID(trial.headers["Study-Uuid"]))
            ).scalar_one()
            add_demo_calendar(study)
    schedule: Any = trial.manager.get(f"{BASE}/schedule", headers=trial.headers)
    assert [(v["name"], v["day"]) for v in schedule.json["visits"]] == [
        ("Screening", 0),
        ("Visit 1", 14),
        ("Visit 2", 14),
    ]
    resources: Any = trial.manager.get(f"{BASE}/resources/", headers=trial.headers)
    assert sorted(r["name"] for r in resources.json) == ["Consultation room 1", "ECG"]
    appointments: Any = trial.manager.get(f"{BASE}/appointments/", headers=trial.headers)
    (appointment,) = appointments.json
    assert (appointment["subject"], appointment["title"]) == (subject, "Screening")
    assert len(appointment["bookings"]) == 2
