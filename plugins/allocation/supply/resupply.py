"""Keeping the centers supplied: when a center's usable and coming kits of a type fall
below its minimum, a shipment request brings every kit type below its target up to it
(one waiting request per center and inventory, topped up rather than doubled); and while
a kit type is below its minimum the center's low-stock episode is open, its supply
people told once when it opens."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from datacapt.toolkit import (
    Study,
    StudyCenter,
    db,
    lock_document,
    study_centers,
    study_query,
    utcnow,
)
from plugins.allocation.supply import messages
from plugins.allocation.supply.models import (
    Shipment,
    ShipmentLine,
    ShipmentStatus,
    ShipmentTrigger,
    StockLevel,
    StockState,
    StockWarning,
)
from plugins.allocation.supply.stock import CenterStock, center_stock


def lock_center(study: Study, center_id: int, inventory: str) -> None:
    """Hold the supply of a center's inventory until the transaction ends: checks and
    requests of one center queue up, so a request is never raised twice."""
    lock_document("allocation_center_supply", f"{study.id}.{center_id}.{inventory}")


def waiting_request(study: Study, center_id: int, inventory: str) -> Shipment | None:
    return db.session.execute(
        sa.select(Shipment)
        .where(
            Shipment.study_id == study.id,
            Shipment.center_id == center_id,
            Shipment.inventory == inventory,
            Shipment.status == ShipmentStatus.REQUESTED,
        )
        .with_for_update()
    ).scalar_one_or_none()


def new_shipment(study: Study, center_id: int, inventory: str, trigger: str) -> Shipment:
    """A requested shipment with the study's next number (under the center's lock)."""
    lock_document("allocation_shipment_numbers", study.id)
    last = db.session.execute(
        sa.select(sa.func.max(Shipment.number)).where(Shipment.study_id == study.id)
    ).scalar_one()
    shipment = Shipment(
        study_id=study.id,
        number=(last or 0) + 1,
        center_id=center_id,
        inventory=inventory,
        trigger=trigger,
        status=ShipmentStatus.REQUESTED,
    )
    db.session.add(shipment)
    db.session.flush()
    return shipment


def _request(study: Study, stock: CenterStock) -> Shipment | None:
    needs = stock.resupply()
    if not needs:
        return None
    shipment = waiting_request(study, stock.center.id, stock.inventory)
    if shipment is None:
        shipment = new_shipment(study, stock.center.id, stock.inventory, ShipmentTrigger.RESUPPLY)
    lines = {line.kit_type_id: line for line in shipment.lines}
    for kit_type_id, quantity in needs.items():
        line = lines.get(kit_type_id)
        if line is None:
            db.session.add(
                ShipmentLine(
                    study_id=study.id,
                    shipment_id=shipment.id,
                    kit_type_id=kit_type_id,
                    quantity=quantity,
                )
            )
        else:
            line.quantity += quantity
    db.session.flush()
    db.session.refresh(shipment)
    return shipment


def open_warning(study: Study, center_id: int, inventory: str) -> StockWarning | None:
    return db.session.execute(
        sa.select(StockWarning).where(
            StockWarning.study_id == study.id,
            StockWarning.center_id == center_id,
            StockWarning.inventory == inventory,
            StockWarning.closed_at.is_(None),
        )
    ).scalar_one_or_none()


def _follow_warning(study: Study, stock: CenterStock, warning: StockWarning | None) -> None:
    """Open the episode (and tell the supply people) when a kit type went below its
    minimum; close it once every kit type is back at its minimum."""
    low = stock.state in (StockState.LOW, StockState.OUT)
    if low and warning is None:
        assert stock.state is not None
        warning = StockWarning(
            study_id=study.id,
            center_id=stock.center.id,
            inventory=stock.inventory,
            state=stock.state,
        )
        warning.notified = messages.tell_stock_low(
            study, stock.center, stock.inventory, stock.usable
        )
        db.session.add(warning)
    elif not low and warning is not None:
        warning.closed_at = utcnow()
    db.session.flush()


def _needs_attention(stock: CenterStock, warned: bool) -> bool:
    low = stock.state in (StockState.LOW, StockState.OUT)
    return low != warned or bool(stock.resupply())


def check_center(study: Study, center: StudyCenter, inventory: str) -> Shipment | None:
    """Check one center's inventory now (after a dispensing, a receipt, a level changed):
    its waiting request, if it needs one."""
    lock_center(study, center.id, inventory)
    (stock,) = center_stock(study, inventory, [center])
    _follow_warning(study, stock, open_warning(study, center.id, inventory))
    return _request(study, stock)


def check_study(study: Study) -> int:
    """Check every center of the study that keeps levels, in each inventory: read all at
    once, then check again under its lock each center whose episode or request must
    change. Returns how many centers were changed."""
    by_id = {center.id: center for center in study_centers(study)}
    kept = db.session.execute(
        sa.select(StockLevel.inventory, StockLevel.center_id)
        .where(StockLevel.study_id == study.id, StockLevel.center_id.in_(list(by_id)))
        .distinct()
    ).all()
    warned = set(
        db.session.execute(
            sa.select(StockWarning.inventory, StockWarning.center_id).where(
                StockWarning.study_id == study.id, StockWarning.closed_at.is_(None)
            )
        ).all()
    )
    changed = 0
    for inventory in sorted({row.inventory for row in kept}):
        checked = [by_id[row.center_id] for row in kept if row.inventory == inventory]
        for stock in center_stock(study, inventory, checked):
            if _needs_attention(stock, (inventory, stock.center.id) in warned):
                check_center(study, stock.center, inventory)
                changed += 1
    return changed


def list_warnings(study: Study, filters: Mapping[str, Any]) -> sa.Select:
    """The study's low-stock episodes of an inventory at the caller's centers, newest first."""
    statement = (
        study_query(StockWarning, study)
        .where(StockWarning.inventory == filters["inventory"])
        .order_by(StockWarning.id.desc())
    )
    if "open" in filters:
        still_open = StockWarning.closed_at.is_(None)
        statement = statement.where(still_open if filters["open"] else ~still_open)
    return statement
