"""Schemas of finance's API: orders as finance sees them, across studies, and their
workflow. Amounts are decimal strings in the order's currency, never floats."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import marshmallow as ma

from datacapt.toolkit import Study, User, db
from plugins.payments.batches.models import PaymentBatch
from plugins.payments.money import quantized
from plugins.payments.orders.models import OrderKind, OrderStatus, PaymentOrder

AMOUNT = {"description": "A decimal string, in the currency's minor units"}


def money(amount: Decimal, currency: str) -> str:
    """An amount written with its currency's decimals (EUR 25.00, JPY 3000)."""
    return str(quantized(amount, currency))


def user_uuid(user_id: int | None) -> str | None:
    user = db.session.get(User, user_id) if user_id is not None else None
    return str(user.uuid) if user is not None else None


def batch_uuid(batch_id: int | None) -> str | None:
    return str(db.session.get_one(PaymentBatch, batch_id).uuid) if batch_id is not None else None


class FinanceOrderReadSchema(ma.Schema):
    uuid = ma.fields.UUID()
    study = ma.fields.Method("_study", metadata={"description": "The study's uuid"})
    study_reference = ma.fields.Method("_study_reference")
    subject = ma.fields.Function(
        lambda order: order.participation.study_subject_id,
        metadata={"description": "The subject's id in the study"},
    )
    kind = ma.fields.String(metadata={"enum": list(OrderKind)})
    occurrence = ma.fields.String()
    currency = ma.fields.String()
    planned_amount = ma.fields.Function(
        lambda order: money(order.planned_amount, order.currency), metadata=AMOUNT
    )
    amount = ma.fields.Function(lambda order: money(order.amount, order.currency), metadata=AMOUNT)
    note = ma.fields.String(allow_none=True)
    status = ma.fields.String(metadata={"enum": list(OrderStatus)})
    amount_changed_by = ma.fields.Function(lambda order: user_uuid(order.amount_changed_by_id))
    validated_by = ma.fields.Function(lambda order: user_uuid(order.validated_by_id))
    validated_at = ma.fields.AwareDateTime(allow_none=True)
    rejection_reason = ma.fields.String(allow_none=True)
    batch = ma.fields.Function(
        lambda order: batch_uuid(order.batch_id),
        metadata={"description": "The uuid of the batch the order is in"},
    )
    end_to_end_id = ma.fields.String(allow_none=True)
    paid_at = ma.fields.AwareDateTime(allow_none=True)
    return_reason = ma.fields.String(allow_none=True)
    created_at = ma.fields.AwareDateTime()

    def _study_row(self, order: PaymentOrder) -> Study:
        return db.session.get_one(Study, order.study_id)

    def _study(self, order: PaymentOrder) -> str:
        return str(self._study_row(order).uuid)

    def _study_reference(self, order: PaymentOrder) -> str:
        return self._study_row(order).reference


class FinanceOrderSearchSchema(ma.Schema):
    status = ma.fields.String(validate=ma.validate.OneOf(list(OrderStatus)))
    currency = ma.fields.String(validate=ma.validate.Regexp(r"^[A-Z]{3}$"))
    study = ma.fields.UUID(metadata={"description": "Only this study's orders"})


class AmountChangeSchema(ma.Schema):
    amount = ma.fields.Decimal(required=True, allow_nan=False, metadata=AMOUNT)
    note = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=2000))


class RejectionSchema(ma.Schema):
    reason = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=1000))


class SettlementSchema(ma.Schema):
    status = ma.fields.String(
        required=True, validate=ma.validate.OneOf([OrderStatus.PAID, OrderStatus.RETURNED])
    )
    reason = ma.fields.String(
        validate=ma.validate.Length(min=1, max=1000),
        metadata={"description": "The bank's reason for a return (required then)"},
    )

    @ma.validates_schema
    def _returned_with_reason(self, data: dict[str, Any], **_: Any) -> None:
        if data["status"] == OrderStatus.RETURNED and not data.get("reason"):
            raise ma.ValidationError("A returned order needs the bank's reason.", "reason")


class TotalSchema(ma.Schema):
    study = ma.fields.UUID()
    study_reference = ma.fields.String()
    currency = ma.fields.String()
    status = ma.fields.String(metadata={"enum": list(OrderStatus)})
    count = ma.fields.Integer()
    total = ma.fields.Function(lambda row: money(row["total"], row["currency"]), metadata=AMOUNT)


class TotalsSchema(ma.Schema):
    totals = ma.fields.List(ma.fields.Nested(TotalSchema))
