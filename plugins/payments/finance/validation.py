"""Finance's workflow of an order: its amount changed while pending (with a note and a
reason), validated or rejected, then paid or returned once exported. Services: they flush,
the request that calls them commits."""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa

from datacapt.toolkit import (
    InternalCodes,
    Message,
    acting_user,
    conflict,
    current_reason,
    db,
    invalid,
    reason_for_change,
    reason_required,
    utcnow,
)
from plugins.payments.errors import PaymentCodes
from plugins.payments.money import LARGEST, fits_currency
from plugins.payments.orders.models import OrderStatus, PaymentOrder
from plugins.payments.tenant_settings import four_eyes


def change_amount(order: PaymentOrder, amount: Decimal, note: str) -> PaymentOrder:
    """A pending order's new amount (same sign, not zero, in the currency's minor units),
    with the note saying why; the Reason-For-Change goes to the audit record."""
    if order.status != OrderStatus.PENDING:
        raise conflict(
            PaymentCodes.ORDER_AMOUNT_LOCKED,
            Message("Only a pending order's amount can change."),
            field="amount",
            status=order.status,
        )
    if not fits_currency(amount, order.currency):
        raise invalid(
            PaymentCodes.ORDER_AMOUNT_INVALID,
            Message("The amount has more decimals than {currency} has.", currency=order.currency),
            field="amount",
        )
    if abs(amount) >= LARGEST:
        raise invalid(
            PaymentCodes.ORDER_AMOUNT_INVALID,
            Message("An amount is less than 1,000,000,000,000."),
            field="amount",
        )
    if amount == 0 or (amount > 0) != (order.planned_amount > 0):
        raise invalid(
            PaymentCodes.ORDER_AMOUNT_INVALID,
            Message("The amount keeps the sign of the planned amount and is not zero."),
            field="amount",
        )
    if not current_reason():
        raise reason_required([PaymentOrder.__tablename__])
    order.amount = amount
    order.note = note
    order.amount_changed_by_id = acting_user().id
    db.session.flush()
    return order


def _move(order: PaymentOrder, status: OrderStatus) -> None:
    """Along the order's transitions, and not to where it is already (409)."""
    if order.status == status:
        raise conflict(
            InternalCodes.ILLEGAL_STATUS_TRANSITION,
            Message("The payment order is {status} already.", status=status),
            status=order.status,
        )
    order.transition_to(status)


def validate(order: PaymentOrder) -> PaymentOrder:
    """Finance accepts the order for payment; with the tenant's four-eyes rule, not the
    person who changed its amount."""
    _move(order, OrderStatus.VALIDATED)
    user = acting_user()
    if order.amount_changed_by_id == user.id and four_eyes():
        raise conflict(
            PaymentCodes.FOUR_EYES_REFUSED,
            Message("You changed this order's amount: someone else validates it."),
        )
    order.validated_by_id = user.id
    order.validated_at = utcnow()
    db.session.flush()
    return order


def reject(order: PaymentOrder, reason: str) -> PaymentOrder:
    """Finance refuses the order; the reason is kept on it and in the audit record."""
    _move(order, OrderStatus.REJECTED)
    order.rejection_reason = reason
    with reason_for_change(reason):
        db.session.flush()
    return order


def settle(order: PaymentOrder, status: OrderStatus, bank_reason: str | None) -> PaymentOrder:
    """An exported order paid, or returned with the bank's reason (its code and text): a
    returned order's reversal, waiting for finance, has nothing left to balance."""
    _move(order, status)
    if status == OrderStatus.PAID:
        order.paid_at = utcnow()
    else:
        order.return_reason = bank_reason
        _drop_reversals(order)
    db.session.flush()
    return order


NOTHING_TO_BALANCE = "What it balanced was returned by the bank"


def _drop_reversals(order: PaymentOrder) -> None:
    reversals = db.session.execute(
        sa.select(PaymentOrder)
        .where(
            PaymentOrder.reverses_id == order.id,
            PaymentOrder.status.in_([OrderStatus.PENDING, OrderStatus.VALIDATED]),
        )
        .with_for_update()
    ).scalars()
    with reason_for_change(NOTHING_TO_BALANCE):
        for reversal in reversals:
            if reversal.status == OrderStatus.VALIDATED:
                reversal.transition_to(OrderStatus.PENDING)
                reversal.batch_id = None
                db.session.flush()  # each step checked and audited on its own
            reversal.transition_to(OrderStatus.REJECTED)
            reversal.rejection_reason = NOTHING_TO_BALANCE
            db.session.flush()
