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
from plugins.payments.plans.models import PaymentPlan, PlanVersion
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


#: The orders that stand: not reversal lines, and not undone, but for the pending ones the
#: platform rejected when undone (they stand again if done again). One per participation,
#: plan and occurrence: what happened is paid once, whoever races to pay it.
STANDING = sa.text("reverses_id IS NULL AND (undone_at IS NULL OR status = 'rejected')")


class PaymentOrder(TenantModel, BaseModel, StatusTransitionMixin, StudyScopedMixin, Audited):
    __tablename__ = "payment_orders"
    __table_args__ = (
        sa.Index(
            "payment_orders_once",
            "subject_in_study_id",
            "plan_id",
            "occurrence",
            unique=True,
            postgresql_where=STANDING,
        ),
        sa.Index(
            "payment_orders_reversed_once",
            "reverses_id",
            unique=True,
            postgresql_where=sa.text("reverses_id IS NOT NULL"),
        ),
    )
    study_center = "participation.center_id"

    subject_in_study_id: Mapped[int] = mapped_column(sa.ForeignKey(SubjectInStudy.id), index=True)
    participation: Mapped[SubjectInStudy] = relationship()
    plan_version_id: Mapped[int] = mapped_column(sa.ForeignKey(PlanVersion.id), index=True)
    plan_version: Mapped[PlanVersion] = relationship()
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey(PaymentPlan.id), index=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    # What it pays for, once per participation and plan ("visit:<section uuid>", ...).
    occurrence: Mapped[str] = mapped_column(sa.String(80))
    section_id: Mapped[int | None] = mapped_column(sa.ForeignKey(Section.id, ondelete="SET NULL"))
    section: Mapped[Section | None] = relationship()
    reverses_id: Mapped[int | None] = mapped_column(sa.ForeignKey("payment_orders.id"))
    reverses: Mapped[PaymentOrder | None] = relationship(remote_side="PaymentOrder.id")
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
    # When what it pays for was undone (a visit's section incomplete again): a pending
    # order is then rejected by the platform (and stands again if the visit is done
    # again); a later one is balanced by a reversal line.
    undone_at: Mapped[dt.datetime | None]

    status_subject = Message("The payment order")
    allowed_status_transitions = {
        OrderStatus.PENDING: {OrderStatus.VALIDATED, OrderStatus.REJECTED},
        OrderStatus.VALIDATED: {OrderStatus.EXPORTED, OrderStatus.PENDING},
        OrderStatus.EXPORTED: {OrderStatus.PAID, OrderStatus.RETURNED},
        OrderStatus.PAID: {OrderStatus.RETURNED},  # the bank returned it after booking it
        # Only an order the platform rejected because its visit was undone, once the
        # visit is done again (orders/events.py).
        OrderStatus.REJECTED: {OrderStatus.PENDING},
    }

    def audit_context(self) -> AuditContext:
        return db.session.get_one(SubjectInStudy, self.subject_in_study_id).audit_context()


MODELS: list[type] = [PaymentOrder]
