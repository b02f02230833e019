"""A study's kit types and kits. Each kit belongs to one of two inventories: the dummy one
serves the test environment of randomization, the production one its production
environment; going live puts the production one in use and takes nothing away."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from datacapt.toolkit import (
    Audited,
    BaseModel,
    Study,
    StudyCenter,
    StudyScopedMixin,
    TenantModel,
    User,
)
from plugins.allocation.supply.models import Depot
from plugins.product_database.api import PRODUCT, Batch, StudyProduct
from plugins.randomizations.api import ARM, Environment


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


class ImportStatus(enum.StrEnum):
    QUEUED = "queued"  # checked; its kits are written by a job
    DONE = "done"
    FAILED = "failed"  # the job found the file no longer fits (numbers taken meanwhile)


class KitImport(TenantModel, BaseModel, StudyScopedMixin, Audited):
    """A file of kits imported into one inventory, kept as it came (with its SHA-256):
    the kits it created point to it, and its audit records (file name, SHA-256, count,
    first and last number, then its status) are theirs."""

    __tablename__ = "allocation_kit_imports"

    inventory: Mapped[str] = mapped_column(sa.String(20))
    file_name: Mapped[str] = mapped_column(sa.String(255))
    sha256: Mapped[str] = mapped_column(sa.String(64))
    content: Mapped[bytes] = mapped_column(sa.LargeBinary, deferred=True)
    rows: Mapped[int]
    first_number: Mapped[str] = mapped_column(sa.String(40))
    last_number: Mapped[str] = mapped_column(sa.String(40))
    status: Mapped[str] = mapped_column(sa.String(20), default=ImportStatus.DONE)
    # What the job found wrong, as a refusal lists it (row, column, message).
    problems: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONB)
    finished_at: Mapped[dt.datetime | None]

    audit_exclude = frozenset({"content"})  # the SHA-256 stands for it


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
    center: Mapped[StudyCenter | None] = relationship()
    depot: Mapped[Depot | None] = relationship()
    import_id: Mapped[int | None] = mapped_column(sa.ForeignKey(KitImport.id), index=True)
    invalid_reason: Mapped[str | None] = mapped_column(sa.Text)  # why it may not be given

    # Which type (and batch) a kit is tells whom it may go to: the arm's.
    audit_sensitive = {ARM: frozenset({"kit_type_id"}), PRODUCT: frozenset({"batch_id"})}


class ProductionStart(TenantModel, BaseModel, StudyScopedMixin, Audited):
    """The moment a study's production inventory was put in use, by whom, with the check
    it passed. Before it, production dispensing is refused; the dummy inventory stays."""

    __tablename__ = "allocation_production_starts"

    study_id: Mapped[int] = mapped_column(sa.ForeignKey(Study.id), unique=True)
    started_by_id: Mapped[int] = mapped_column(sa.ForeignKey(User.id))
    checked: Mapped[int]  # the (arm, visit, center) combinations the check found stocked


MODELS: list[type] = [KitType, KitImport, Kit, ProductionStart]
