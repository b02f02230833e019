"""The demo study's calendar: a visit schedule from its eCRF (the first section on the day
of inclusion, each next one two weeks later, within three days), a consultation room and
an ECG at the center of its first included subject, and that subject's next visit booked
there tomorrow at 10:00, so a newcomer confirms it, moves it or books into its slot."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from datacapt.toolkit import Study, db, plugin_enabled, study_centers
from plugins.calendar_app.appointments.models import Appointment
from plugins.calendar_app.appointments.services import book, tenant_zone
from plugins.calendar_app.resources.models import Resource, ResourceKind
from plugins.calendar_app.resources.services import add_resource
from plugins.calendar_app.schedule.models import PlannedVisit
from plugins.calendar_app.schedule.services import save_schedule, windows_of
from plugins.subjects.api import SubjectInStudy, SubjectStatus

ROOM = "Consultation room 1"
INSTRUMENT = "ECG"


def _schedule(study: Study) -> None:
    if windows_of(study) or not plugin_enabled("ecrf"):
        return
    from plugins.ecrf.api import compiled_form

    sections = [s["uuid"] for s in compiled_form(study).document["sections"]]
    save_schedule(
        study,
        [
            {
                "section": section,
                "day": 0 if index == 0 else 14,
                "relative_to": None if index == 0 else sections[index - 1],
                "days_before": 0 if index == 0 else 3,
                "days_after": 0 if index == 0 else 3,
            }
            for index, section in enumerate(sections)
        ],
    )


def _resources(study: Study, center_id: int) -> list[Resource]:
    (center,) = [c for c in study_centers(study) if c.id == center_id]
    found = []
    for kind, name in ((ResourceKind.ROOM, ROOM), (ResourceKind.INSTRUMENT, INSTRUMENT)):
        resource = db.session.execute(
            sa.select(Resource).where(Resource.center_id == center.id, Resource.name == name)
        ).scalar_one_or_none()
        found.append(
            resource or add_resource(study, {"center": center.uuid, "kind": kind, "name": name})
        )
    return found


def add_demo_calendar(study: Study) -> None:
    """Only what is missing: the command runs at every start."""
    _schedule(study)
    subject = (
        db.session.execute(
            sa.select(SubjectInStudy)
            .where(
                SubjectInStudy.study_id == study.id, SubjectInStudy.status == SubjectStatus.INCLUDED
            )
            .order_by(SubjectInStudy.id)
        )
        .scalars()
        .first()
    )
    if subject is None:
        return
    resources = _resources(study, subject.center_id)
    booked = sa.select(Appointment.id).where(Appointment.study_id == study.id)
    if db.session.execute(booked).first() is not None:
        return
    visit = (
        db.session.execute(
            sa.select(PlannedVisit)
            .where(PlannedVisit.subject_in_study_id == subject.id, PlannedVisit.actual_on.is_(None))
            .order_by(PlannedVisit.target_on)
        )
        .scalars()
        .first()
    )
    tomorrow = dt.datetime.now(tenant_zone()).date() + dt.timedelta(days=1)
    book(
        study,
        {
            "subject": subject.uuid,
            "visit": visit.window.section_uuid if visit else None,
            "starts_at": dt.datetime.combine(tomorrow, dt.time(10)),
            "duration_minutes": 45,
            "resources": [r.uuid for r in resources],
            "staff": [],
        },
    )
