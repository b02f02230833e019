"""Exports' jobs: each runs inside the tenant it was enqueued for."""

from __future__ import annotations

import uuid

import sqlalchemy as sa

from datacapt.toolkit import CronEntry, db, job
from plugins.exports.runs import services
from plugins.exports.runs.models import Export, ExportState


# A failed run records its reason and is not retried: the requester runs it again.
@job(retries=0)
def run_export(export_uuid: str) -> str | None:
    export = db.session.execute(
        sa.select(Export).where(Export.uuid == uuid.UUID(export_uuid)).with_for_update(of=Export)
    ).scalar_one_or_none()
    if export is None or export.state != ExportState.QUEUED:
        return None  # run already (a job sent twice)
    services.run_export(export)
    return export.state


def remove_expired() -> int:
    """Expired runs' files removed; how many runs."""
    return services.remove_expired()


#: Hourly, in every tenant with exports: a file outlives its time by an hour at most.
REMOVE_EXPIRED = CronEntry(
    "exports-remove-expired", "plugins.exports.jobs.remove_expired", cron="23 * * * *"
)

JOBS = [run_export, remove_expired]
