"""Reports jobs: each runs inside the tenant it was enqueued for."""

from __future__ import annotations

import uuid

import sqlalchemy as sa

from datacapt.toolkit import db, job
from plugins.reports.casebooks import services
from plugins.reports.runs.models import ReportRun, RunState

#: Each subject's casebook is a PDF printed by WeasyPrint: RQ's default limit (180 s) would
#: stop a study of some hundreds of subjects half printed, and each retry start over.
CASEBOOKS_TIME_LIMIT = 4 * 3600


@job(retries=2, backoff=(30, 300), timeout=CASEBOOKS_TIME_LIMIT)
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
