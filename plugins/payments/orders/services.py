"""Placing payment orders. A service: it flushes, the request or job that calls it commits."""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa

from datacapt.toolkit import db
from plugins.payments.orders.models import STANDING, OrderKind, OrderStatus, PaymentOrder
from plugins.payments.plans.models import PlanVersion
from plugins.subjects.api import SubjectInStudy


def new_order(
    participation: SubjectInStudy,
    version: PlanVersion,
    kind: OrderKind,
    occurrence: str,
    amount: Decimal,
    section_id: int | None = None,
) -> PaymentOrder:
    """A pending order of ``amount`` in the plan's currency, for ``occurrence``, added to
    the session (flushed by the caller, with the others of the same change)."""
    order = PaymentOrder(
        study_id=participation.study_id,
        subject_in_study_id=participation.id,
        participation=participation,
        plan_version_id=version.id,
        plan_id=version.plan_id,
        kind=kind,
        occurrence=occurrence,
        section_id=section_id,
        currency=version.currency,
        planned_amount=amount,
        amount=amount,
        status=OrderStatus.PENDING,
    )
    db.session.add(order)
    return order


def subject_payments(participation: SubjectInStudy) -> list[PaymentOrder]:
    """What a subject is paid, or will be, in one study: the standing orders that were not
    rejected, oldest first (their own account shows them)."""
    return list(
        db.session.execute(
            sa.select(PaymentOrder)
            .where(
                PaymentOrder.subject_in_study_id == participation.id,
                STANDING,
                PaymentOrder.status != OrderStatus.REJECTED,
            )
            .order_by(PaymentOrder.created_at, PaymentOrder.id)
        ).scalars()
    )
