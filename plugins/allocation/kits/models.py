"""A study's kit types and kits. Each kit belongs to one of two inventories: the dummy one
serves the test environment of randomization, the production one its production
environment; going live puts the production one in use and takes nothing away."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from datacapt.toolkit import Audited, BaseModel, StudyCenter, StudyScopedMixin, TenantModel
from plugins.allocation.supply.models import Depot
from plugins.product_database.api import PRODUCT, Batch, StudyProduct
from plugins.randomizations.api import Environment


class Inventory(enum.StrEnum):
    DUMMY = "dummy"
    PRODUCTION = "production"

    @classmethod
    def of(cls, environment: str) -> Inventory:
        """The inventory that serves a randomization environment."""
        return cls.PRODUCTION if environment == Environment.PRODUCTION else cls.DUMMY


class KitStatus(enum.StrEnum):
    AVAILABLE = "available"  # in stock at a depot or a center
    IN_TRANSIT = "in_transit"  # shipped, not yet counted in at its center
    DISPENSED = "dispensed"  # given to a subject
    RETURNED = "returned"  # brought back by its subject
    INVALID = "invalid"  # damaged, lost, expired or recalled: never given


class KitType(TenantModel, BaseModel, StudyScopedMixin, Audited):
    """What one kit of a study holds: a quantity of one of its products."""

    __tablename__ = "allocation_kit_types"
    __table_args__ = (sa.UniqueConstraint("study_id", "code"),)

    code: Mapped[str] = mapped_column(sa.String(30))
    name: Mapped[str] = mapped_column(sa.String(200))
    study_product_id: Mapped[int] = mapped_column(sa.ForeignKey(StudyProduct.id))
    study_product: Mapped[StudyProduct] = relationship()
    quantity: Mapped[Decimal] = mapped_column(sa.Numeric(12, 3))
    unit: Mapped[str] = mapped_column(sa.String(20))

    audit_sensitive = {PRODUCT: frozenset({"study_product_id", "name"})}


class Kit(TenantModel, BaseModel, StudyScopedMixin, Audited):
    """A numbered kit, at one depot or center (or on its way), until it is dispensed."""

    __tablename__ = "allocation_kits"
    __table_args__ = (
        sa.UniqueConstraint("study_id", "inventory", "number"),
        # Dispensing takes the lowest available number of a type at a center.
        sa.Index(
            "allocation_kits_available",
            "kit_type_id",
            "inventory",
            "center_id",
            "sequence",
            postgresql_where=sa.text("status = 'available'"),
        ),
    )
    study_center = "center_id"

    kit_type_id: Mapped[int] = mapped_column(sa.ForeignKey(KitType.id), index=True)
    kit_type: Mapped[KitType] = relationship()
    inventory: Mapped[str] = mapped_column(sa.String(20))
    number: Mapped[str] = mapped_column(sa.String(40))
    sequence: Mapped[int] = mapped_column(sa.BigInteger)  # the number's rank, for "lowest"
    batch_id: Mapped[int | None] = mapped_column(sa.ForeignKey(Batch.id), index=True)
    batch: Mapped[Batch | None] = relationship()
    expiry_date: Mapped[dt.date | None]
    status: Mapped[str] = mapped_column(sa.String(20), default=KitStatus.AVAILABLE)
    # Where it is: a center or a depot (both None: not yet placed anywhere).
    center_id: Mapped[int | None] = mapped_column(sa.ForeignKey(StudyCenter.id), index=True)
    depot_id: Mapped[int | None] = mapped_column(sa.ForeignKey(Depot.id), index=True)


MODELS: list[type] = [KitType, Kit]
