"""Enrollment over time: the subjects included (by their inclusion date) per period and
center, cumulated from the study's first inclusion, against the study's and the centers'
targets. One grouped statement counts them; the periods without inclusion are filled in."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from datacapt.toolkit import Study, db, restrict_to_visible_centers
from plugins.analytics.dashboards.common import center_fields, ratio, visible_centers
from plugins.analytics.dashboards.periods import Interval, periods, today
from plugins.analytics.targets.models import EnrollmentTarget
from plugins.subjects.api import SubjectInStudy


def _first_inclusion(study: Study) -> dt.date | None:
    return db.session.execute(
        restrict_to_visible_centers(
            sa.select(sa.func.min(SubjectInStudy.inclusion_date)).where(
                SubjectInStudy.study_id == study.id
            ),
            SubjectInStudy.center_id,
        )
    ).scalar_one()


def _counts(
    study: Study, first: dt.date, end: dt.date, interval: Interval
) -> dict[tuple[int, dt.date | None], int]:
    """Inclusions per center and period up to ``end``; the period None holds those before
    ``first``."""
    included = SubjectInStudy.inclusion_date
    period = sa.case(
        (included < first, sa.null()),
        else_=sa.cast(sa.func.date_trunc(interval.value, sa.cast(included, sa.DateTime)), sa.Date),
    ).label("period")
    statement = restrict_to_visible_centers(
        sa.select(SubjectInStudy.center_id, period, sa.func.count())
        .where(
            SubjectInStudy.study_id == study.id,
            included.is_not(None),
            included <= end,
        )
        .group_by(SubjectInStudy.center_id, period),
        SubjectInStudy.center_id,
    )
    return {(center, day): count for center, day, count in db.session.execute(statement)}


def _targets(study: Study) -> dict[int | None, EnrollmentTarget]:
    rows = db.session.execute(
        sa.select(EnrollmentTarget).where(EnrollmentTarget.study_id == study.id)
    ).scalars()
    return {target.center_id: target for target in rows}


def _target_fields(target: EnrollmentTarget | None, enrolled: int) -> dict[str, Any]:
    return {
        "target": target.subjects if target else None,
        "target_date": target.target_date if target else None,
        "progress": ratio(enrolled, target.subjects if target else None),
    }


def _series(days: list[dt.date], before: int, counts: dict[dt.date, int]) -> list[dict[str, Any]]:
    series, cumulative = [], before
    for day in days:
        enrolled = counts.get(day, 0)
        cumulative += enrolled
        series.append({"period": day, "enrolled": enrolled, "cumulative": cumulative})
    return series


def enrollment(
    study: Study,
    interval: str = Interval.MONTH,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> dict[str, Any]:
    """The series from ``start`` (default: the first inclusion) to ``end`` (default:
    today, in the tenant's time zone), per center the caller sees and for them all."""
    period = Interval(interval)
    end = end or today()
    start = start or min(_first_inclusion(study) or end, end)
    days = periods(start, end, period)
    counts = _counts(study, days[0], end, period)
    targets = _targets(study)
    centers = []
    per_period: dict[dt.date, int] = {}
    total_before = 0
    for center in visible_centers(study):
        mine = {day: n for (center_id, day), n in counts.items() if center_id == center.id and day}
        before = counts.get((center.id, None), 0)
        for day, n in mine.items():
            per_period[day] = per_period.get(day, 0) + n
        total_before += before
        series = _series(days, before, mine)
        enrolled = series[-1]["cumulative"]
        centers.append(
            {
                **center_fields(center),
                "enrolled": enrolled,
                **_target_fields(targets.get(center.id), enrolled),
                "series": series,
            }
        )
    series = _series(days, total_before, per_period)
    enrolled = series[-1]["cumulative"]
    return {
        "interval": period,
        "start": days[0],
        "end": end,
        "study": {
            "enrolled": enrolled,
            **_target_fields(targets.get(None), enrolled),
            "series": series,
        },
        "centers": centers,
    }
