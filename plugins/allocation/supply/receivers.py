"""What the supply follows, in the transaction of the change: a center whose stock changed
(the allocation's own signal: a dispensing, a kit declared invalid, a shipment received)
is checked at once; so is every center holding kits of a batch the product database
withdrew (recalled, quarantined again or expired), whose kits no longer count."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from datacapt.toolkit import Study, StudyCenter, db
from plugins.allocation.kits.models import Kit, KitStatus
from plugins.allocation.supply import resupply
from plugins.allocation.supply.models import StockLevel
from plugins.product_database.api import Batch


def on_center_stock_changed(study: Study, *, center_id: int, inventory: str, **_: Any) -> None:
    # A center keeping no level asks for nothing and is warned of nothing: its dispensings
    # neither count its stock nor queue behind its supply's lock.
    kept = sa.select(StockLevel.id).where(
        StockLevel.study_id == study.id,
        StockLevel.center_id == center_id,
        StockLevel.inventory == inventory,
    )
    if db.session.execute(kept.limit(1)).first() is None:
        return
    center = db.session.get(StudyCenter, center_id)
    if center is not None:
        resupply.check_center(study, center, inventory)


def on_batch_withdrawn(batch: Batch, **_: Any) -> None:
    holding = db.session.execute(
        sa.select(Kit.study_id, Kit.center_id, Kit.inventory)
        .where(
            Kit.batch_id == batch.id,
            Kit.status == KitStatus.AVAILABLE,
            Kit.center_id.is_not(None),
        )
        .distinct()
        .order_by(Kit.study_id, Kit.center_id, Kit.inventory)
    )
    for study_id, center_id, inventory in holding.all():
        study, center = db.session.get_one(Study, study_id), db.session.get(StudyCenter, center_id)
        if center is not None:
            resupply.check_center(study, center, inventory)
