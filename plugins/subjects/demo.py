"""Example subjects of the demo study: two per center, with made-up personal data."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from datacapt.toolkit import Study, db, study_centers
from plugins.subjects.models import SubjectInStudy
from plugins.subjects.services import add_subject

DEMO_PEOPLE = (
    ("Camille", "Martin", dt.date(1961, 4, 12)),
    ("Louis", "Bernard", dt.date(1958, 9, 30)),
    ("Inès", "Dubois", dt.date(1970, 1, 5)),
    ("Hugo", "Thomas", dt.date(1966, 7, 21)),
)


def add_demo_subjects(study: Study) -> None:
    """Two subjects per center of the study, unless it has subjects already."""
    has_subjects = db.session.execute(
        sa.select(SubjectInStudy.id).where(SubjectInStudy.study_id == study.id).limit(1)
    ).first()
    if has_subjects:
        return
    people = iter(DEMO_PEOPLE)
    for center in study_centers(study)[:2]:
        for first_name, last_name, birth_date in (next(people), next(people)):
            add_subject(
                study,
                center.uuid,
                {"first_name": first_name, "last_name": last_name, "birth_date": birth_date},
            )
