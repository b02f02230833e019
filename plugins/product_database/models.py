"""The catalogue: products (tenant-wide, reused across studies), their batches, and the
products each study uses, each under its blinding code where the study is blinded."""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from datacapt.toolkit import (
    AuditContext,
    Audited,
    BaseModel,
    Message,
    StatusTransitionMixin,
    StudyScopedMixin,
    TenantModel,
)
from plugins.product_database.permissions import PRODUCT


class ProductKind(enum.StrEnum):
    INVESTIGATIONAL_PRODUCT = "investigational_product"
    COMPARATOR = "comparator"
    PLACEBO = "placebo"
    COSMETIC_FORMULA = "cosmetic_formula"
    DEVICE = "device"
    OTHER = "other"


class BatchStatus(enum.StrEnum):
    """A batch is made in quarantine, released for use, and may expire or be recalled."""

    QUARANTINE = "quarantine"
    RELEASED = "released"
    EXPIRED = "expired"
    RECALLED = "recalled"


#: What a kit made of a batch in this status may be given to a subject.
DISPENSABLE_BATCH_STATUSES = frozenset({BatchStatus.RELEASED})


class Product(TenantModel, BaseModel, Audited):
    """What is tested, for every study of the tenant."""

    __tablename__ = "products"

    name: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[str] = mapped_column(sa.String(30))

    def audit_context(self) -> AuditContext:
        return AuditContext()  # the tenant's catalogue, not one study's


class Batch(TenantModel, BaseModel, StatusTransitionMixin, Audited):
    """A lot of a product, with the dates that decide whether it may still be used."""

    __tablename__ = "product_batches"
    __table_args__ = (sa.UniqueConstraint("product_id", "number"),)

    product_id: Mapped[int] = mapped_column(sa.ForeignKey(Product.id), index=True)
    product: Mapped[Product] = relationship()
    number: Mapped[str] = mapped_column(sa.String(60))
    expiry_date: Mapped[dt.date | None]
    status: Mapped[str] = mapped_column(sa.String(20), default=BatchStatus.QUARANTINE)

    status_subject = Message("The batch")
    allowed_status_transitions = {
        BatchStatus.QUARANTINE: {BatchStatus.RELEASED, BatchStatus.RECALLED},
        BatchStatus.RELEASED: {BatchStatus.QUARANTINE, BatchStatus.EXPIRED, BatchStatus.RECALLED},
        BatchStatus.EXPIRED: {BatchStatus.RECALLED},
    }

    def audit_context(self) -> AuditContext:
        return AuditContext()


class StudyProduct(TenantModel, BaseModel, StudyScopedMixin, Audited):
    """A product a study uses; where the study is blinded, known to blinded roles by its
    ``blinding_code`` only."""

    __tablename__ = "study_products"
    __table_args__ = (
        sa.UniqueConstraint("study_id", "product_id"),
        sa.UniqueConstraint("study_id", "blinding_code"),
    )

    product_id: Mapped[int] = mapped_column(sa.ForeignKey(Product.id), index=True)
    product: Mapped[Product] = relationship()
    blinding_code: Mapped[str | None] = mapped_column(sa.String(40))

    audit_sensitive = {PRODUCT: frozenset({"product_id"})}


MODELS = [Product, Batch, StudyProduct]
