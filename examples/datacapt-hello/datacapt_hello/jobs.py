"""Hello jobs: each runs inside the tenant it was enqueued for, outside any request, so
it is given the study it works in."""

from __future__ import annotations

import sqlalchemy as sa
from datacapt.toolkit import Message, Study, db, get_by_uuid

from datacapt_hello import services


def add_record(study_uuid: str, text: str) -> str:
    study = get_by_uuid(Study, study_uuid, Message("No such study."))
    return str(services.add_record(study, text).uuid)


def tick() -> int:
    """The periodic job: one record per tick in each study of the tenant, so each run is
    visible."""
    studies = db.session.execute(sa.select(Study).order_by(Study.id)).scalars().all()
    for study in studies:
        services.add_record(study, "tick")
    return len(studies)
