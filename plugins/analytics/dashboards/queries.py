"""Query ageing: the queries waiting at the site (open, or answered and waiting for the
reviewer; never a draft, which the site does not see), by how long ago the site could
first see them, per center and status. Ages are whole days elapsed (as the query list's
``older_than_days`` counts them), put in the buckets 0-7, 8-30, 31-90 and over 90 days by
comparing the opening time with cut-offs: one grouped statement."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from datacapt.toolkit import Study, db, restrict_to_visible_centers, utcnow
from plugins.analytics.dashboards.common import center_fields, visible_centers
from plugins.ecrf.api import SITE_QUERY_STATUSES, DataQuery

#: Each bucket's name and the age in days of its oldest query (None: no limit).
BUCKETS: tuple[tuple[str, int | None], ...] = (
    ("0_7", 7),
    ("8_30", 30),
    ("31_90", 90),
    ("over_90", None),
)
STATUSES: list[str] = sorted(str(status) for status in SITE_QUERY_STATUSES)


def _bucket(now: dt.datetime) -> sa.ColumnElement[str]:
    # At most N whole days old: opened after now - (N + 1) days.
    whens = [
        (DataQuery.opened_at > now - dt.timedelta(days=oldest + 1), name)
        for name, oldest in BUCKETS
        if oldest is not None
    ]
    return sa.case(*whens, else_=BUCKETS[-1][0])


def _empty() -> dict[str, int]:
    return {name: 0 for name, _ in BUCKETS}


def _figures(counts: dict[tuple[str, str], int]) -> dict[str, Any]:
    statuses = {status: _empty() for status in STATUSES}
    for (status, bucket), count in counts.items():
        statuses[status][bucket] += count
    buckets = _empty()
    for by_bucket in statuses.values():
        for name, count in by_bucket.items():
            buckets[name] += count
    return {"total": sum(buckets.values()), "buckets": buckets, "statuses": statuses}


def query_ageing(study: Study) -> dict[str, Any]:
    now = utcnow()
    bucket = _bucket(now).label("bucket")
    statement = restrict_to_visible_centers(
        sa.select(DataQuery.center_id, DataQuery.status, bucket, sa.func.count())
        .where(
            DataQuery.study_id == study.id,
            DataQuery.status.in_(STATUSES),
            DataQuery.opened_at.is_not(None),
        )
        .group_by(DataQuery.center_id, DataQuery.status, bucket),
        DataQuery.center_id,
    )
    by_center: dict[int, dict[tuple[str, str], int]] = {}
    for center_id, status, name, count in db.session.execute(statement):
        by_center.setdefault(center_id, {})[(status, name)] = count
    centers = [
        {**center_fields(center), **_figures(by_center.get(center.id, {}))}
        for center in visible_centers(study)
    ]
    study_counts: dict[tuple[str, str], int] = {}
    for counts in by_center.values():
        for key, count in counts.items():
            study_counts[key] = study_counts.get(key, 0) + count
    return {"as_of": now, "study": _figures(study_counts), "centers": centers}
