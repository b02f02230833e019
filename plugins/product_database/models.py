"""The catalogue: products (tenant-wide, reused across studies), their documents and
formula versions, their batches with certificates and status history, and the products
each study uses, each under its blinding code where the study is blinded."""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import uuid

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
    User,
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


class FormulaStatus(enum.StrEnum):
    """A draft is edited, approved once (then immutable), and retired when replaced."""

    DRAFT = "draft"
    APPROVED = "approved"
    RETIRED = "retired"


#: What a kit made of a batch in this status may be given to a subject.
DISPENSABLE_BATCH_STATUSES = frozenset({BatchStatus.RELEASED})


class CatalogueRow:
    """The catalogue is the tenant's, not one study's: its audit records name no study."""

    def audit_context(self) -> AuditContext:
        return AuditContext()


class Product(CatalogueRow, TenantModel, BaseModel, Audited):
    """What is tested, for every study of the tenant."""

    __tablename__ = "products"

    name: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[str] = mapped_column(sa.String(30))
    # The tenant's reference of the product (imports of batches name products by it);
    # unique, required by the API (rows made before it existed have none).
    code: Mapped[str | None] = mapped_column(sa.String(60), unique=True)
    manufacturer: Mapped[str | None] = mapped_column(sa.String(200))
    description: Mapped[str | None] = mapped_column(sa.Text)

    documents: Mapped[list[ProductDocument]] = relationship(
        back_populates="product", order_by="ProductDocument.id"
    )


class ProductDocument(CatalogueRow, TenantModel, BaseModel, Audited):
    """A file of the core storage attached to a product (a leaflet, a safety sheet)."""

    __tablename__ = "product_documents"
    __table_args__ = (sa.UniqueConstraint("product_id", "file_uuid"),)

    product_id: Mapped[int] = mapped_column(sa.ForeignKey(Product.id), index=True)
    product: Mapped[Product] = relationship(back_populates="documents")
    file_uuid: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    title: Mapped[str] = mapped_column(sa.String(200))


class FormulaVersion(CatalogueRow, TenantModel, BaseModel, StatusTransitionMixin, Audited):
    """One version of a product's formula: its ingredients by weight."""

    __tablename__ = "formula_versions"
    __table_args__ = (
        sa.UniqueConstraint("product_id", "number"),
        # One draft at a time per product: a second one waits for the first's approval.
        sa.Index(
            "ix_formula_versions_one_draft",
            "product_id",
            unique=True,
            postgresql_where=sa.text("status = 'draft'"),
        ),
    )

    product_id: Mapped[int] = mapped_column(sa.ForeignKey(Product.id), index=True)
    product: Mapped[Product] = relationship()
    number: Mapped[int]
    status: Mapped[str] = mapped_column(sa.String(20), default=FormulaStatus.DRAFT)
    # Counts the draft's saves: its ETag, so that a save or an approval is of what was read.
    revision: Mapped[int] = mapped_column(default=1)
    notes: Mapped[str | None] = mapped_column(sa.Text)
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey(User.id))
    approved_by: Mapped[User | None] = relationship()
    approved_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime(timezone=True))
    retired_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime(timezone=True))

    ingredients: Mapped[list[FormulaIngredient]] = relationship(
        back_populates="version", order_by="FormulaIngredient.position"
    )

    status_subject = Message("The formula version")
    allowed_status_transitions = {
        FormulaStatus.DRAFT: {FormulaStatus.APPROVED},
        FormulaStatus.APPROVED: {FormulaStatus.RETIRED},
    }


class FormulaIngredient(CatalogueRow, TenantModel, BaseModel, Audited):
    """An ingredient by its INCI name: a percentage w/w, or q.s. (the rest to 100 %)."""

    __tablename__ = "formula_ingredients"

    version_id: Mapped[int] = mapped_column(sa.ForeignKey(FormulaVersion.id), index=True)
    version: Mapped[FormulaVersion] = relationship(back_populates="ingredients")
    position: Mapped[int]
    inci_name: Mapped[str] = mapped_column(sa.String(200))
    cas_number: Mapped[str | None] = mapped_column(sa.String(12))
    percentage: Mapped[decimal.Decimal | None] = mapped_column(sa.Numeric(7, 4))
    quantum_satis: Mapped[bool] = mapped_column(default=False)


class Batch(CatalogueRow, TenantModel, BaseModel, StatusTransitionMixin, Audited):
    """A lot of a product, with the dates that decide whether it may still be used."""

    __tablename__ = "product_batches"
    __table_args__ = (
        sa.UniqueConstraint("product_id", "number"),
        sa.Index("ix_product_batches_status_expiry", "status", "expiry_date"),
    )

    product_id: Mapped[int] = mapped_column(sa.ForeignKey(Product.id), index=True)
    product: Mapped[Product] = relationship()
    number: Mapped[str] = mapped_column(sa.String(60))
    expiry_date: Mapped[dt.date | None]
    status: Mapped[str] = mapped_column(sa.String(20), default=BatchStatus.QUARANTINE)
    formula_version_id: Mapped[int | None] = mapped_column(sa.ForeignKey(FormulaVersion.id))
    formula_version: Mapped[FormulaVersion | None] = relationship()
    manufacture_date: Mapped[dt.date | None]
    period_after_opening_days: Mapped[int | None]
    storage_conditions: Mapped[str | None] = mapped_column(sa.String(500))
    quantity: Mapped[decimal.Decimal | None] = mapped_column(sa.Numeric(14, 3))
    unit: Mapped[str | None] = mapped_column(sa.String(20))

    certificates: Mapped[list[BatchCertificate]] = relationship(
        back_populates="batch", order_by="BatchCertificate.id"
    )
    history: Mapped[list[BatchStatusChange]] = relationship(
        back_populates="batch", order_by="BatchStatusChange.id"
    )

    # A kit shows its batch: the trail never tells who may not see it which product that is.
    audit_sensitive = {PRODUCT: frozenset({"product_id"})}

    status_subject = Message("The batch")
    allowed_status_transitions = {
        BatchStatus.QUARANTINE: {BatchStatus.RELEASED, BatchStatus.EXPIRED, BatchStatus.RECALLED},
        BatchStatus.RELEASED: {BatchStatus.QUARANTINE, BatchStatus.EXPIRED, BatchStatus.RECALLED},
        BatchStatus.EXPIRED: {BatchStatus.RECALLED},
    }


class BatchCertificate(CatalogueRow, TenantModel, BaseModel, Audited):
    """A certificate of the batch (analysis, conformity, release) in the core storage."""

    __tablename__ = "batch_certificates"
    __table_args__ = (sa.UniqueConstraint("batch_id", "file_uuid"),)

    batch_id: Mapped[int] = mapped_column(sa.ForeignKey(Batch.id), index=True)
    batch: Mapped[Batch] = relationship(back_populates="certificates")
    file_uuid: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    title: Mapped[str] = mapped_column(sa.String(200))


class BatchStatusChange(CatalogueRow, TenantModel, BaseModel, Audited):
    """One step of a batch's status history: from its creation to each transition."""

    __tablename__ = "batch_status_changes"

    batch_id: Mapped[int] = mapped_column(sa.ForeignKey(Batch.id), index=True)
    batch: Mapped[Batch] = relationship(back_populates="history")
    from_status: Mapped[str | None] = mapped_column(sa.String(20))  # None: the creation
    to_status: Mapped[str] = mapped_column(sa.String(20))
    reason: Mapped[str | None] = mapped_column(sa.String(1000))
    # None: the platform itself (the expiry job).
    changed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey(User.id))
    changed_by: Mapped[User | None] = relationship()


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


MODELS = [
    Product,
    ProductDocument,
    FormulaVersion,
    FormulaIngredient,
    Batch,
    BatchCertificate,
    BatchStatusChange,
    StudyProduct,
]
