"""Automations jobs: each runs inside the tenant it was enqueued for."""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa

from datacapt.toolkit import Study, db, job, utcnow
from plugins.automations.runs import services
from plugins.automations.runs.holds import OPEN_QUERY
from plugins.automations.runs.models import AutomationRun
from plugins.ecrf.api import DataQuery
from plugins.subjects.api import SubjectInStudy


@job(retries=3, backoff=(10, 60, 300))
def execute_run(run_uuid: str) -> str | None:
    """A run's actions, once: a second delivery finds it no longer pending."""
    run = db.session.execute(
        sa.select(AutomationRun)
        .where(AutomationRun.uuid == uuid.UUID(run_uuid))
        .with_for_update(of=AutomationRun)
    ).scalar_one_or_none()
    if run is None:
        return None
    services.execute(run)
    return run.status


def open_queries() -> int:
    """The hourly tick: each query open for the days of a "query open" rule of its study
    fires that rule once; returns how many runs were considered."""
    now = utcnow()
    fired = 0
    studies = db.session.execute(sa.select(Study)).scalars().all()
    for study in studies:
        for version in services.current_versions(study, ["query_open"]):
            since = now - dt.timedelta(days=version.trigger["days"])
            rows = db.session.execute(
                sa.select(DataQuery, SubjectInStudy)
                .join(SubjectInStudy, SubjectInStudy.id == DataQuery.subject_in_study_id)
                .where(
                    DataQuery.study_id == study.id,
                    DataQuery.status.in_(OPEN_QUERY),
                    DataQuery.opened_at <= since,
                    ~sa.exists().where(
                        AutomationRun.rule_version_id == version.id,
                        AutomationRun.event_key == sa.func.concat("query_open:", DataQuery.uuid),
                    ),
                )
            ).all()
            for query, participation in rows:
                event = services.Event(
                    "query_open",
                    f"query_open:{query.uuid}",
                    {"query": str(query.uuid), "days": version.trigger["days"]},
                    object_uuid=query.uuid,
                    version_id=version.id,
                )
                services.fire(study, participation, [event])
                fired += 1
    return fired
