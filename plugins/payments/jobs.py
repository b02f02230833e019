"""Payments jobs: each runs inside the tenant it was enqueued for."""

from __future__ import annotations

import uuid

import sqlalchemy as sa

from datacapt.toolkit import db, job
from plugins.payments.batches import services
from plugins.payments.batches.models import PaymentBatch


@job(retries=2, backoff=(30, 300))
def export_batch(batch_uuid: str) -> str | None:
    """A batch too large to export in its request."""
    batch = db.session.execute(
        sa.select(PaymentBatch).where(PaymentBatch.uuid == uuid.UUID(batch_uuid)).with_for_update()
    ).scalar_one_or_none()
    if batch is None:
        return None
    services.export_in_job(batch)
    return batch.status
