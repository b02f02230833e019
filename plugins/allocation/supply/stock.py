"""What the centers and depots of a study hold, counted by kit type. Only kits available
at a center are its stock, and only usable ones count against its minimum: in date beyond
the study's expiry buffer and of a batch that may be dispensed."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Collection

import sqlalchemy as sa

from datacapt.toolkit import Study, StudyCenter, db
from plugins.allocation.kits.models import Kit, KitStatus, KitType
from plugins.allocation.kits.stock import usable
from plugins.allocation.supply.models import (
    KitCondition,
    Shipment,
    ShipmentKit,
    ShipmentLine,
    ShipmentStatus,
    StockLevel,
    StockState,
)


def stock_state(minimum: int, usable_kits: int) -> StockState:
    if minimum > 0 and usable_kits == 0:
        return StockState.OUT
    return StockState.LOW if usable_kits < minimum else StockState.OK


@dataclasses.dataclass
class TypeStock:
    """One kit type at one center: its level (if kept) and what the center has of it."""

    kit_type: KitType
    minimum: int | None = None
    target: int | None = None
    available: int = 0
    usable: int = 0
    in_transit: int = 0
    requested: int = 0  # asked for by the center's waiting request

    @property
    def state(self) -> StockState | None:
        return None if self.minimum is None else stock_state(self.minimum, self.usable)

    @property
    def coming(self) -> int:
        """Usable now, on its way or asked for: what a resupply tops up to the target."""
        return self.usable + self.in_transit + self.requested


@dataclasses.dataclass
class CenterStock:
    """A center's stock in one inventory, per kit type and in all."""

    center: StudyCenter
    inventory: str
    types: list[TypeStock]

    @property
    def state(self) -> StockState | None:
        """The worst state of its kit types (None: no level kept)."""
        states = {row.state for row in self.types if row.state is not None}
        for state in (StockState.OUT, StockState.LOW, StockState.OK):
            if state in states:
                return state
        return None

    def total(self, name: str) -> int:
        return sum(getattr(row, name) for row in self.types)

    @property
    def available(self) -> int:
        return self.total("available")

    @property
    def usable(self) -> int:
        return self.total("usable")

    @property
    def in_transit(self) -> int:
        return self.total("in_transit")

    @property
    def requested(self) -> int:
        return self.total("requested")

    def resupply(self) -> dict[int, int]:
        """What to ask for, by kit type id, when a kit type's usable and coming kits are
        below its minimum: every kit type below its target, up to it. Empty otherwise."""
        needs, triggered = {}, False
        for row in self.types:
            if row.minimum is None or row.target is None:
                continue
            triggered = triggered or row.coming < row.minimum
            if row.coming < row.target:
                needs[row.kit_type.id] = row.target - row.coming
        return needs if triggered else {}


def center_stock(
    study: Study, inventory: str, centers: Collection[StudyCenter]
) -> list[CenterStock]:
    """The stock of ``centers`` in ``inventory``, in the order given."""
    center_ids = [center.id for center in centers]
    counts: dict[tuple[int | None, int], dict[str, int]] = defaultdict(dict)
    at_centers = (
        sa.select(
            Kit.center_id,
            Kit.kit_type_id,
            sa.func.count(),
            sa.func.count().filter(usable(study)),
        )
        .where(
            Kit.study_id == study.id,
            Kit.inventory == inventory,
            Kit.status == KitStatus.AVAILABLE,
            Kit.center_id.in_(center_ids),
        )
        .group_by(Kit.center_id, Kit.kit_type_id)
    )
    for center_id, kit_type_id, available, usable_kits in db.session.execute(at_centers):
        counts[center_id, kit_type_id].update(available=available, usable=usable_kits)
    queries = {
        "in_transit": sa.select(Shipment.center_id, Kit.kit_type_id, sa.func.count())
        .join(ShipmentKit, ShipmentKit.shipment_id == Shipment.id)
        .join(Kit, Kit.id == ShipmentKit.kit_id)
        .where(
            Shipment.study_id == study.id,
            Shipment.inventory == inventory,
            Shipment.status == ShipmentStatus.SHIPPED,
            Shipment.center_id.in_(center_ids),
            ShipmentKit.condition == KitCondition.IN_TRANSIT,
        )
        .group_by(Shipment.center_id, Kit.kit_type_id),
        "requested": sa.select(
            Shipment.center_id, ShipmentLine.kit_type_id, sa.func.sum(ShipmentLine.quantity)
        )
        .join(ShipmentLine, ShipmentLine.shipment_id == Shipment.id)
        .where(
            Shipment.study_id == study.id,
            Shipment.inventory == inventory,
            Shipment.status == ShipmentStatus.REQUESTED,
            Shipment.center_id.in_(center_ids),
        )
        .group_by(Shipment.center_id, ShipmentLine.kit_type_id),
    }
    for name, query in queries.items():
        for center_id, kit_type_id, count in db.session.execute(query):
            counts[center_id, kit_type_id][name] = int(count)
    levels = {
        (level.center_id, level.kit_type_id): level
        for level in db.session.execute(
            sa.select(StockLevel).where(
                StockLevel.study_id == study.id,
                StockLevel.inventory == inventory,
                StockLevel.center_id.in_(center_ids),
            )
        ).scalars()
    }
    kit_types = {
        kit_type.id: kit_type
        for kit_type in db.session.execute(
            sa.select(KitType).where(KitType.study_id == study.id).order_by(KitType.code)
        ).scalars()
    }
    stocks = []
    for center in centers:
        rows = []
        for kit_type in kit_types.values():
            key = (center.id, kit_type.id)
            if key not in counts and key not in levels:
                continue
            level = levels.get(key)
            rows.append(
                TypeStock(
                    kit_type,
                    minimum=level.minimum if level else None,
                    target=level.target if level else None,
                    **counts.get(key, {}),
                )
            )
        stocks.append(CenterStock(center, inventory, rows))
    return stocks


@dataclasses.dataclass
class DepotStock:
    """The kits of one type (None: of every type) and expiry date available at a depot."""

    kit_type: KitType | None
    expiry_date: dt.date | None
    available: int
    usable: int


def depot_stock(
    study: Study, depot_id: int, inventory: str, by_kit_type: bool = True
) -> list[DepotStock]:
    """A depot's available kits in ``inventory`` by kit type (or all types together) and
    expiry date, soonest first, as they ship."""
    query = (
        sa.select(KitType, Kit.expiry_date, sa.func.count(), sa.func.count().filter(usable(study)))
        .join(KitType, KitType.id == Kit.kit_type_id)
        .where(
            Kit.study_id == study.id,
            Kit.depot_id == depot_id,
            Kit.inventory == inventory,
            Kit.status == KitStatus.AVAILABLE,
        )
        .group_by(KitType.id, Kit.expiry_date)
        .order_by(KitType.code, Kit.expiry_date.asc().nulls_last())
    )
    rows = [
        DepotStock(kit_type, expiry, int(available), int(usable_kits))
        for kit_type, expiry, available, usable_kits in db.session.execute(query)
    ]
    if by_kit_type:
        return rows
    merged: dict[dt.date | None, DepotStock] = {}
    for row in rows:
        total = merged.setdefault(row.expiry_date, DepotStock(None, row.expiry_date, 0, 0))
        total.available += row.available
        total.usable += row.usable
    return sorted(merged.values(), key=lambda row: (row.expiry_date is None, row.expiry_date))
