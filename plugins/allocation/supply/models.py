"""The supply of a study's centers: its depots, the stock levels each center keeps per kit
type (a minimum that triggers a resupply, a target it brings the stock up to), the
shipments from a depot to a center with the kits they carry and what the center counted
in, and the episodes in which a center ran low."""

from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from datacapt.toolkit import (
    Audited,
    BaseModel,
    Message,
    StatusTransitionMixin,
    StudyCenter,
    StudyScopedMixin,
    TenantModel,
    User,
)
from plugins.randomizations.api import ARM

if TYPE_CHECKING:  # the kits module imports this one (a kit may wait at a depot)
    from plugins.allocation.kits.models import Kit, KitType


class Depot(TenantModel, BaseModel, StudyScopedMixin, Audited):
    """A store that ships kits to the study's centers."""

    __tablename__ = "allocation_depots"
    __table_args__ = (sa.UniqueConstraint("study_id", "code"),)

    code: Mapped[str] = mapped_column(sa.String(30))
    name: Mapped[str] = mapped_column(sa.String(200))


class StockLevel(TenantModel, BaseModel, StudyScopedMixin, Audited):
    """How many usable kits of one type a center keeps in one inventory: below ``minimum``
    a resupply up to ``target`` is requested."""

    __tablename__ = "allocation_stock_levels"
    __table_args__ = (
        sa.UniqueConstraint("study_id", "inventory", "center_id", "kit_type_id"),
        sa.CheckConstraint("minimum >= 0 AND target >= 1 AND target >= minimum", name="ordered"),
    )
    study_center = "center_id"

    center_id: Mapped[int] = mapped_column(sa.ForeignKey(StudyCenter.id), index=True)
    center: Mapped[StudyCenter] = relationship()
    # Kit types and kits are the kits module's, which imports this one: named by string.
    kit_type_id: Mapped[int] = mapped_column(sa.ForeignKey("allocation_kit_types.id"), index=True)
    kit_type: Mapped[KitType] = relationship("KitType")
    inventory: Mapped[str] = mapped_column(sa.String(20))
    minimum: Mapped[int]
    target: Mapped[int]


class ShipmentStatus(enum.StrEnum):
    REQUESTED = "requested"  # waiting to be shipped from a depot
    SHIPPED = "shipped"  # its kits are in transit
    RECEIVED = "received"  # counted in at its center
    CANCELLED = "cancelled"  # never shipped


class ShipmentTrigger(enum.StrEnum):
    """Why a shipment was requested."""

    MANUAL = "manual"  # asked for by a supply manager
    RESUPPLY = "resupply"  # the center fell below a minimum


class KitCondition(enum.StrEnum):
    """What the center found of a shipped kit."""

    IN_TRANSIT = "in_transit"  # not counted in yet
    RECEIVED = "received"
    DAMAGED = "damaged"
    MISSING = "missing"


class Shipment(TenantModel, BaseModel, StudyScopedMixin, StatusTransitionMixin, Audited):
    """Kits of one inventory sent from a depot to a center."""

    __tablename__ = "allocation_shipments"
    __table_args__ = (
        sa.UniqueConstraint("study_id", "number"),
        # One request waits per center and inventory: a resupply tops it up, never doubles it.
        sa.Index(
            "allocation_shipments_one_requested",
            "study_id",
            "center_id",
            "inventory",
            unique=True,
            postgresql_where=sa.text("status = 'requested'"),
        ),
    )
    study_center = "center_id"

    number: Mapped[int]  # 1, 2, ... in the study
    center_id: Mapped[int] = mapped_column(sa.ForeignKey(StudyCenter.id), index=True)
    center: Mapped[StudyCenter] = relationship()
    inventory: Mapped[str] = mapped_column(sa.String(20))
    status: Mapped[str] = mapped_column(sa.String(20), default=ShipmentStatus.REQUESTED)
    trigger: Mapped[str] = mapped_column(sa.String(20))
    depot_id: Mapped[int | None] = mapped_column(sa.ForeignKey(Depot.id), index=True)
    depot: Mapped[Depot | None] = relationship()
    tracking_number: Mapped[str | None] = mapped_column(sa.String(100))
    shipped_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime(timezone=True))
    shipped_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey(User.id))
    received_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime(timezone=True))
    received_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey(User.id))
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime(timezone=True))
    cancel_reason: Mapped[str | None] = mapped_column(sa.Text)

    lines: Mapped[list[ShipmentLine]] = relationship(
        back_populates="shipment", order_by="ShipmentLine.id"
    )
    kits: Mapped[list[ShipmentKit]] = relationship(
        back_populates="shipment", order_by="ShipmentKit.id"
    )
    unexpected_kits: Mapped[list[UnexpectedKit]] = relationship(
        back_populates="shipment", order_by="UnexpectedKit.id"
    )

    status_subject = Message("The shipment")
    allowed_status_transitions = {
        ShipmentStatus.REQUESTED: {ShipmentStatus.SHIPPED, ShipmentStatus.CANCELLED},
        ShipmentStatus.SHIPPED: {ShipmentStatus.RECEIVED},
    }

    @property
    def carried(self) -> list[ShipmentKit]:
        """Its kits by number: the order they were picked in (kit type by kit type) would
        show which go together."""
        return sorted(self.kits, key=lambda entry: entry.kit.sequence)

    @property
    def quantity(self) -> int:
        """How many kits it asks for, in all."""
        return sum(line.quantity for line in self.lines)

    @property
    def discrepancies(self) -> list[dict[str, str | None]]:
        """What its center reported: kits damaged or missing, kits it did not carry."""
        found: list[dict[str, str | None]] = [
            {"kind": entry.condition, "number": entry.kit.number, "note": entry.note}
            for entry in self.carried
            if entry.condition in (KitCondition.DAMAGED, KitCondition.MISSING)
        ]
        found += [
            {"kind": "unexpected", "number": kit.number, "note": kit.note}
            for kit in self.unexpected_kits
        ]
        return found


class ShipmentLine(TenantModel, BaseModel, StudyScopedMixin, Audited):
    """How many kits of one type a shipment asks for. What a center is sent of each type
    shows what it dispensed of each: the arm of its subjects."""

    __tablename__ = "allocation_shipment_lines"
    __table_args__ = (sa.UniqueConstraint("shipment_id", "kit_type_id"),)

    shipment_id: Mapped[int] = mapped_column(sa.ForeignKey(Shipment.id), index=True)
    shipment: Mapped[Shipment] = relationship(back_populates="lines")
    kit_type_id: Mapped[int] = mapped_column(sa.ForeignKey("allocation_kit_types.id"))
    kit_type: Mapped[KitType] = relationship("KitType")
    quantity: Mapped[int]

    audit_sensitive = {ARM: frozenset({"kit_type_id", "quantity"})}


class ShipmentKit(TenantModel, BaseModel, StudyScopedMixin, Audited):
    """A kit a shipment carries, and what its center found of it."""

    __tablename__ = "allocation_shipment_kits"
    __table_args__ = (sa.UniqueConstraint("shipment_id", "kit_id"),)

    shipment_id: Mapped[int] = mapped_column(sa.ForeignKey(Shipment.id), index=True)
    shipment: Mapped[Shipment] = relationship(back_populates="kits")
    kit_id: Mapped[int] = mapped_column(sa.ForeignKey("allocation_kits.id"), index=True)
    kit: Mapped[Kit] = relationship("Kit")
    condition: Mapped[str] = mapped_column(sa.String(20), default=KitCondition.IN_TRANSIT)
    note: Mapped[str | None] = mapped_column(sa.Text)


class UnexpectedKit(TenantModel, BaseModel, StudyScopedMixin, Audited):
    """A kit number the center found in a shipment that did not carry it."""

    __tablename__ = "allocation_unexpected_kits"

    shipment_id: Mapped[int] = mapped_column(sa.ForeignKey(Shipment.id), index=True)
    shipment: Mapped[Shipment] = relationship(back_populates="unexpected_kits")
    number: Mapped[str] = mapped_column(sa.String(40))
    note: Mapped[str | None] = mapped_column(sa.Text)


class StockState(enum.StrEnum):
    """A center's stock of a kit type against its level."""

    OK = "ok"  # at or above the minimum
    LOW = "low"  # below the minimum
    OUT = "out"  # none usable, where a minimum is kept


class StockWarning(TenantModel, BaseModel, StudyScopedMixin, Audited):
    """An episode in which a center's stock of an inventory was low: opened (and its
    supply people told) when a kit type fell below its minimum, closed when every type is
    back at its minimum."""

    __tablename__ = "allocation_stock_warnings"
    __table_args__ = (
        sa.Index(
            "allocation_stock_warnings_open",
            "study_id",
            "center_id",
            "inventory",
            unique=True,
            postgresql_where=sa.text("closed_at IS NULL"),
        ),
    )
    study_center = "center_id"

    center_id: Mapped[int] = mapped_column(sa.ForeignKey(StudyCenter.id), index=True)
    center: Mapped[StudyCenter] = relationship()
    inventory: Mapped[str] = mapped_column(sa.String(20))
    state: Mapped[str] = mapped_column(sa.String(20))  # low or out, when it opened
    notified: Mapped[int] = mapped_column(default=0)  # how many people were told
    closed_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime(timezone=True))


MODELS: list[type] = [
    Depot,
    StockLevel,
    Shipment,
    ShipmentLine,
    ShipmentKit,
    UnexpectedKit,
    StockWarning,
]
