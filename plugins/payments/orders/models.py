"""Payment orders: what a participant is owed for one thing that happened (a visit done,
the study completed), created once by that event, and their way through finance."""

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
    db,
)
from plugins.ecrf.api import Section
from plugins.payments.batches.models import PaymentBatch
from plugins.payments.plans.models import PlanVersion
from plugins.subjects.api import SubjectInStudy

USERS_ID = "users.id"


class OrderKind(enum.StrEnum):
    VISIT = "visit"
    COMPLETION = "completion"  # per-study plans, and a per-visit plan's completion bonus
    PRO_RATA = "pro_rata"  # a per-study plan's share for a withdrawn participant
    TRAVEL = "travel"
    REVERSAL = "reversal"  # undoes an earlier order (a confirmed visit later undone)


class OrderStatus(enum.StrEnum):
    PENDING = "pending"
    VALIDATED = "validated"
    REJECTED = "rejected"
    EXPORTED = "exported"
    PAID = "paid"
    RETURNED = "returned"


class PaymentOrder(TenantModel, BaseModel, StatusTransitionMixin, StudyScopedMixin, Audited):
    __tablename__ = "payment_orders"
    study_center = "participation.center_id"

    subject_in_study_id: Mapped[int] = mapped_column(sa.ForeignKey(SubjectInStudy.id), index=True)
    participation: Mapped[SubjectInStudy] = relationship()
    plan_version_id: Mapped[int] = mapped_column(sa.ForeignKey(PlanVersion.id), index=True)
    plan_version: Mapped[PlanVersion] = relationship()
    kind: Mapped[str] = mapped_column(sa.String(20))
    # What it pays for, once per participation and plan ("visit:<section uuid>", ...).
    occurrence: Mapped[str] = mapped_column(sa.String(80))
    section_id: Mapped[int | None] = mapped_column(sa.ForeignKey(Section.id))
    reverses_id: Mapped[int | None] = mapped_column(sa.ForeignKey("payment_orders.id"))
    currency: Mapped[str] = mapped_column(sa.String(3))
    planned_amount: Mapped[Decimal] = mapped_column(sa.Numeric(18, 3))  # as the plan says
    amount: Mapped[Decimal] = mapped_column(sa.Numeric(18, 3))  # as finance will pay it
    note: Mapped[str | None] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(20), default=OrderStatus.PENDING)
    amount_changed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey(USERS_ID))
    validated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey(USERS_ID))
    validated_at: Mapped[dt.datetime | None]
    rejection_reason: Mapped[str | None] = mapped_column(sa.Text)
    batch_id: Mapped[int | None] = mapped_column(sa.ForeignKey(PaymentBatch.id), index=True)
    end_to_end_id: Mapped[str | None] = mapped_column(sa.String(35), unique=True)
    paid_at: Mapped[dt.datetime | None]
    return_reason: Mapped[str | None] = mapped_column(sa.Text)

    status_subject = Message("The payment order")
    allowed_status_transitions = {
        OrderStatus.PENDING: {OrderStatus.VALIDATED, OrderStatus.REJECTED},
        OrderStatus.VALIDATED: {OrderStatus.EXPORTED, OrderStatus.PENDING},
        OrderStatus.EXPORTED: {OrderStatus.PAID, OrderStatus.RETURNED},
    }

    def audit_context(self) -> AuditContext:
        return db.session.get_one(SubjectInStudy, self.subject_in_study_id).audit_context()


MODELS: list[type] = [PaymentOrder]
