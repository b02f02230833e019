"""eCRF jobs: each runs inside the tenant it was enqueued for."""

from __future__ import annotations

import uuid

import sqlalchemy as sa

from datacapt.toolkit import Study, db
from plugins.ecrf import entry


def refresh_progress(study_uuid: str) -> int:
    """After a design save: every subject's completion recounted against the new design."""
    study = db.session.execute(
        sa.select(Study).where(Study.uuid == uuid.UUID(study_uuid))
    ).scalar_one_or_none()
    return 0 if study is None else entry.refresh_progress(study)
