"""The demo study's enrollment targets: twelve subjects per center and the sum of them
for the study, a year after the day they are first added, so that the enrollment
dashboard draws its lines against them."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from datacapt.toolkit import Study, db, study_centers
from plugins.analytics.dashboards.periods import today
from plugins.analytics.targets.models import EnrollmentTarget

PER_CENTER = 12


def add_demo_targets(study: Study) -> None:
    """The targets the study and its centers do not have yet."""
    kept = set(
        db.session.execute(
            sa.select(EnrollmentTarget.center_id).where(EnrollmentTarget.study_id == study.id)
        ).scalars()
    )
    centers = study_centers(study)
    by = today() + dt.timedelta(days=365)
    scopes: list[tuple[int | None, int]] = [(None, PER_CENTER * len(centers))]
    scopes += [(center.id, PER_CENTER) for center in centers]
    for center_id, subjects in scopes:
        if center_id not in kept and subjects:
            db.session.add(
                EnrollmentTarget(
                    study_id=study.id, center_id=center_id, subjects=subjects, target_date=by
                )
            )
    db.session.flush()
