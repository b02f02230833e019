"""The periodic check of every center's stock, in each tenant with allocation enabled:
it catches what no dispensing announced (kits expiring into the buffer, a batch recalled,
a shipment cancelled)."""

from __future__ import annotations

import sqlalchemy as sa

from datacapt.toolkit import CronEntry, Study, StudyStatus, db
from plugins.allocation.supply import resupply
from plugins.allocation.supply.models import StockLevel

#: Every hour at ten past, in every tenant with allocation enabled.
CHECK_SUPPLY = CronEntry(
    "allocation-check-supply", "plugins.allocation.supply.jobs.check_supply", cron="10 * * * *"
)


def check_supply() -> int:
    """Raise the resupply requests and stock warnings due in every running study of the
    tenant that keeps levels; returns how many centers changed."""
    studies = db.session.execute(
        sa.select(Study)
        .where(
            Study.status.in_([StudyStatus.DRAFT, StudyStatus.LIVE]),
            Study.id.in_(sa.select(StockLevel.study_id)),
        )
        .order_by(Study.id)
    ).scalars()
    return sum(resupply.check_study(study) for study in list(studies))


JOBS = [check_supply]
