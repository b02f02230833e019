"""Allocation jobs: each runs inside the tenant it was enqueued for."""

from __future__ import annotations

import uuid

import sqlalchemy as sa

from datacapt.toolkit import db, job
from plugins.allocation.kits import imports
from plugins.allocation.kits.models import KitImport


@job(retries=2, backoff=(30, 300))
def write_kit_import(import_uuid: str) -> str | None:
    """The kits of an import too large for its request, all in the job's one transaction
    (nothing half-imported); idempotent."""
    record = db.session.execute(
        sa.select(KitImport).where(KitImport.uuid == uuid.UUID(import_uuid))
    ).scalar_one_or_none()
    if record is None:
        return None
    imports.write_queued(record)
    return record.status
