"""Kits given to subjects at their visits, the corrections of those dispensings and what
the subjects brought back."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

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
    db,
)
from plugins.allocation.kits.models import Kit, KitType
from plugins.ecrf.api import Section
from plugins.randomizations.api import ARM, Assignment
from plugins.subjects.api import SubjectInStudy


class DispensingStatus(enum.StrEnum):
    DISPENSED = "dispensed"  # the subject has the kit
    DEALLOCATED = "deallocated"  # given by mistake: the kit went back to stock
    INVALIDATED = "invalidated"  # the kit was damaged or lost: declared invalid
    REPLACED = "replaced"  # declared invalid and replaced by another kit


class Dispensing(TenantModel, BaseModel, StatusTransitionMixin, StudyScopedMixin, Audited):
    """One kit given to a subject at a visit: its kit type comes from the allocation
    configuration of the subject's arm, the kit is the lowest available number."""

    __tablename__ = "allocation_dispensings"
    __table_args__ = (
        # A kit is with at most one subject at a time.
        sa.Index(
            "allocation_dispensings_current_kit",
            "kit_id",
            unique=True,
            postgresql_where=sa.text("status = 'dispensed'"),
        ),
    )
    # Corrections need a reason (checked by each, which says which); returns do not.
    study_center = "participation.center_id"

    subject_in_study_id: Mapped[int] = mapped_column(sa.ForeignKey(SubjectInStudy.id), index=True)
    participation: Mapped[SubjectInStudy] = relationship()
    assignment_id: Mapped[int] = mapped_column(sa.ForeignKey(Assignment.id), index=True)
    section_id: Mapped[int] = mapped_column(sa.ForeignKey(Section.id))
    section: Mapped[Section] = relationship()
    inventory: Mapped[str] = mapped_column(sa.String(20))
    kit_id: Mapped[int] = mapped_column(sa.ForeignKey(Kit.id), index=True)
    kit: Mapped[Kit] = relationship()
    kit_type_id: Mapped[int] = mapped_column(sa.ForeignKey(KitType.id))
    kit_type: Mapped[KitType] = relationship()
    status: Mapped[str] = mapped_column(sa.String(20), default=DispensingStatus.DISPENSED)
    dispensed_by_id: Mapped[int] = mapped_column(sa.ForeignKey(User.id))
    dispensed_at: Mapped[dt.datetime]
    replaces_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("allocation_dispensings.id"), unique=True
    )
    replaces: Mapped[Dispensing | None] = relationship(remote_side="Dispensing.id")
    corrected_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey(User.id))
    corrected_at: Mapped[dt.datetime | None]
    correction_reason: Mapped[str | None] = mapped_column(sa.Text)
    # What the subject brought back, in the kit type's unit, and the share taken.
    returned_quantity: Mapped[Decimal | None] = mapped_column(sa.Numeric(12, 3))
    returned_at: Mapped[dt.datetime | None]
    compliance: Mapped[Decimal | None] = mapped_column(sa.Numeric(6, 2))  # percent

    audit_sensitive = {ARM: frozenset({"kit_type_id"})}
    status_subject = Message("The dispensing")
    allowed_status_transitions = {
        DispensingStatus.DISPENSED: {
            DispensingStatus.DEALLOCATED,
            DispensingStatus.INVALIDATED,
            DispensingStatus.REPLACED,
        },
    }

    def audit_context(self) -> AuditContext:
        return db.session.get_one(SubjectInStudy, self.subject_in_study_id).audit_context()


MODELS: list[type] = [Dispensing]
