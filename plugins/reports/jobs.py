"""Reports jobs: each runs inside the tenant it was enqueued for."""

from __future__ import annotations

import uuid

import sqlalchemy as sa

from datacapt.toolkit import db, job
from plugins.reports.casebooks import services
from plugins.reports.runs.models import ReportRun, RunState


@job(retries=2, backoff=(30, 300))
def print_casebooks(run_uuid: str) -> int:
    """The study's casebooks of a run; returns how many subjects it printed."""
    run = db.session.execute(
        sa.select(ReportRun)
        .where(ReportRun.uuid == uuid.UUID(run_uuid))
        .with_for_update(of=ReportRun)
    ).scalar_one_or_none()
    if run is None or run.state == RunState.DONE:
        return 0  # a second delivery of the job
    services.print_study_casebooks(run)
    return run.printed
