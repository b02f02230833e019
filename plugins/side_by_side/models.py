"""The side_by_side plugin's tables: a study's zone catalogue, its split-body designs (the
products, the zones they go on, the randomization design drawing their sequences), each
subject's allocation of products to zones, and the eCRF sections assessed per zone."""

from __future__ import annotations

import enum
import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from datacapt.toolkit import (
    AuditContext,
    Audited,
    BaseModel,
    StudyScopedMixin,
    TenantModel,
    db,
)
from plugins.product_database.api import PRODUCT, StudyProduct
from plugins.randomizations.api import Assignment, Design
from plugins.subjects.api import SubjectInStudy


class Side(enum.StrEnum):
    LEFT = "left"
    RIGHT = "right"
    MIDLINE = "midline"


class Zone(TenantModel, BaseModel, StudyScopedMixin, Audited):
    """A body zone of the study's catalogue ("left forearm, proximal"), in a set of zones
    a design uses; a control zone stays untreated."""

    __tablename__ = "side_by_side_zones"
    __table_args__ = (sa.UniqueConstraint("study_id", "code"),)
    study_center = None

    code: Mapped[str] = mapped_column(sa.String(20))
    name: Mapped[str] = mapped_column(sa.String(200))
    body_area: Mapped[str] = mapped_column(sa.String(60))
    side: Mapped[str] = mapped_column(sa.String(10))
    position: Mapped[str | None] = mapped_column(sa.String(60))
    zone_set: Mapped[str] = mapped_column(sa.String(20))
    control: Mapped[bool] = mapped_column(default=False)


class SplitDesign(TenantModel, BaseModel, StudyScopedMixin, Audited):
    """Products on zones: its randomization design's arms are the sequences of its
    products over its zones (``scheme``), drawn per subject by the randomization module."""

    __tablename__ = "side_by_side_designs"
    __table_args__ = (sa.UniqueConstraint("study_id", "code"),)
    study_center = None

    code: Mapped[str] = mapped_column(sa.String(20))
    name: Mapped[str] = mapped_column(sa.String(200))
    scheme: Mapped[str] = mapped_column(sa.String(20))
    randomization_design_id: Mapped[int] = mapped_column(sa.ForeignKey(Design.id), unique=True)
    randomization_design: Mapped[Design] = relationship()
    control_zone_id: Mapped[int | None] = mapped_column(sa.ForeignKey(Zone.id))
    control_zone: Mapped[Zone | None] = relationship()
    products: Mapped[list[DesignProduct]] = relationship(order_by="DesignProduct.position")
    zones: Mapped[list[DesignZone]] = relationship(order_by="DesignZone.position")


class DesignProduct(TenantModel, BaseModel, Audited):
    """The product of letter ``position`` (0: A) of a design's sequences."""

    __tablename__ = "side_by_side_design_products"
    __table_args__ = (
        sa.UniqueConstraint("design_id", "position"),
        sa.UniqueConstraint("design_id", "study_product_id"),
    )

    design_id: Mapped[int] = mapped_column(sa.ForeignKey(SplitDesign.id))
    position: Mapped[int]
    study_product_id: Mapped[int] = mapped_column(sa.ForeignKey(StudyProduct.id))
    study_product: Mapped[StudyProduct] = relationship()

    audit_sensitive = {PRODUCT: frozenset({"study_product_id"})}

    def audit_context(self) -> AuditContext:
        return db.session.get_one(SplitDesign, self.design_id).audit_context()


class DesignZone(TenantModel, BaseModel, Audited):
    """The treated zone at place ``position`` of a design's sequences."""

    __tablename__ = "side_by_side_design_zones"
    __table_args__ = (
        sa.UniqueConstraint("design_id", "position"),
        sa.UniqueConstraint("design_id", "zone_id"),
    )

    design_id: Mapped[int] = mapped_column(sa.ForeignKey(SplitDesign.id))
    position: Mapped[int]
    zone_id: Mapped[int] = mapped_column(sa.ForeignKey(Zone.id))
    zone: Mapped[Zone] = relationship()

    def audit_context(self) -> AuditContext:
        return db.session.get_one(SplitDesign, self.design_id).audit_context()


class Allocation(TenantModel, BaseModel, StudyScopedMixin, Audited):
    """What goes on one zone of a randomized subject: a product (None: the untreated
    control zone), from the subject's assignment in one environment."""

    __tablename__ = "side_by_side_allocations"
    __table_args__ = (sa.UniqueConstraint("assignment_id", "zone_id"),)
    study_center = "participation.center_id"

    design_id: Mapped[int] = mapped_column(sa.ForeignKey(SplitDesign.id), index=True)
    design: Mapped[SplitDesign] = relationship()
    assignment_id: Mapped[int] = mapped_column(sa.ForeignKey(Assignment.id))
    environment: Mapped[str] = mapped_column(sa.String(20))
    subject_in_study_id: Mapped[int] = mapped_column(sa.ForeignKey(SubjectInStudy.id), index=True)
    participation: Mapped[SubjectInStudy] = relationship()
    zone_id: Mapped[int] = mapped_column(sa.ForeignKey(Zone.id))
    zone: Mapped[Zone] = relationship()
    study_product_id: Mapped[int | None] = mapped_column(sa.ForeignKey(StudyProduct.id))
    study_product: Mapped[StudyProduct | None] = relationship()

    audit_sensitive = {PRODUCT: frozenset({"study_product_id"})}

    def audit_context(self) -> AuditContext:
        return db.session.get_one(SubjectInStudy, self.subject_in_study_id).audit_context()


class Assessment(TenantModel, BaseModel, StudyScopedMixin, Audited):
    """An eCRF section filled once per zone of a design's subjects; ``order`` lists its
    measurements (question codes) in the order they are taken, enforced or not."""

    __tablename__ = "side_by_side_assessments"
    __table_args__ = (sa.UniqueConstraint("study_id", "section_uuid"),)
    study_center = None

    design_id: Mapped[int] = mapped_column(sa.ForeignKey(SplitDesign.id), index=True)
    design: Mapped[SplitDesign] = relationship()
    section_uuid: Mapped[uuid.UUID]
    order: Mapped[list[Any]] = mapped_column(JSONB, default=list)
    enforce_order: Mapped[bool] = mapped_column(default=False)


MODELS: list[type] = [Zone, SplitDesign, DesignProduct, DesignZone, Allocation, Assessment]
