"""Which kits may be given today: available, at the center, of a batch in a dispensable
status, and not expired nor expiring within the study's expiry buffer."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from datacapt.toolkit import Study, db, utcnow
from plugins.allocation.kits.models import Kit, KitStatus
from plugins.allocation.settings import allocation_settings
from plugins.product_database.api import DISPENSABLE_BATCH_STATUSES, Batch


def usable_after(study: Study) -> dt.date:
    """A kit (or its batch) must expire after this date to be given today."""
    return utcnow().date() + dt.timedelta(days=allocation_settings(study)["expiry_buffer_days"])


def usable(study: Study) -> sa.ColumnElement[bool]:
    """The condition a kit must meet to be given today, wherever it is: what dispensing
    takes and what counts against a center's minimum. A recalled or quarantined batch is
    read at the moment of asking, so a recall stops its kits at once."""
    after = usable_after(study)
    batch_ok = sa.exists().where(
        Batch.id == Kit.batch_id,
        Batch.status.in_(sorted(DISPENSABLE_BATCH_STATUSES)),
        sa.or_(Batch.expiry_date.is_(None), Batch.expiry_date > after),
    )
    return sa.and_(
        Kit.status == KitStatus.AVAILABLE,
        sa.or_(Kit.expiry_date.is_(None), Kit.expiry_date > after),
        sa.or_(Kit.batch_id.is_(None), batch_ok),
    )


def dispensable(study: Study, inventory: str) -> sa.ColumnElement[bool]:
    """A usable kit of the study's ``inventory`` (its center and kit type added by the
    caller)."""
    return sa.and_(Kit.study_id == study.id, Kit.inventory == inventory, usable(study))


def stock_counts(study: Study, inventory: str) -> dict[tuple[int, int], int]:
    """{(kit type id, center id): kits that may be given today} of the inventory."""
    rows = (
        sa.select(Kit.kit_type_id, Kit.center_id, sa.func.count())
        .where(dispensable(study, inventory), Kit.center_id.is_not(None))
        .group_by(Kit.kit_type_id, Kit.center_id)
    )
    counts: dict[tuple[int, int], int] = {}
    for kit_type, center, count in db.session.execute(rows):
        assert center is not None  # placed at a center, by the condition
        counts[kit_type, center] = count
    return counts
