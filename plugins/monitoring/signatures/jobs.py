"""Signature jobs: each runs inside the tenant it was enqueued for."""

from __future__ import annotations

import uuid

import sqlalchemy as sa

from datacapt.toolkit import db, job
from plugins.monitoring.signatures import services
from plugins.monitoring.signatures.models import Signing, SigningState


@job(retries=3, backoff=(10, 60, 300))
def run_signing(signing_uuid: str) -> int:
    """A signing of more records than a request signs; run again, it goes on where it
    stopped. Returns how many records it signed."""
    signing = db.session.execute(
        sa.select(Signing).where(Signing.uuid == uuid.UUID(signing_uuid))
    ).scalar_one_or_none()
    if signing is None or signing.state == SigningState.DONE:
        return 0
    return services.run_signing(signing)


JOBS = [run_signing]
