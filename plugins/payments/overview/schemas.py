"""The per-subject statement and the per-study overview, amounts in the currency's minor
units."""

from __future__ import annotations

import marshmallow as ma

from plugins.payments.orders.models import OrderStatus
from plugins.payments.orders.schemas import AmountField, PaymentOrderReadSchema


class PaymentSubjectTotalSchema(ma.Schema):
    currency = ma.fields.String()
    earned = AmountField(
        metadata={"description": "Every order but the rejected ones (reversals count against)"}
    )
    pending = AmountField(metadata={"description": "Waiting for finance"})
    validated = AmountField(metadata={"description": "Validated, exported or paid"})
    paid = AmountField()


class PaymentStatementSchema(ma.Schema):
    subject = ma.fields.UUID()
    study_subject_id = ma.fields.String()
    totals = ma.fields.List(ma.fields.Nested(PaymentSubjectTotalSchema))
    orders = ma.fields.List(ma.fields.Nested(PaymentOrderReadSchema))


class PaymentStatusTotalSchema(ma.Schema):
    currency = ma.fields.String()
    status = ma.fields.String(metadata={"enum": list(OrderStatus)})
    count = ma.fields.Integer()
    amount = AmountField()


class PaymentVisitTotalsSchema(ma.Schema):
    section = ma.fields.UUID()
    title = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String())
    totals = ma.fields.List(ma.fields.Nested(PaymentStatusTotalSchema))


class PaymentBudgetSchema(ma.Schema):
    plan = ma.fields.UUID()
    code = ma.fields.String()
    version = ma.fields.Integer(metadata={"description": "The plan's current version"})
    currency = ma.fields.String()
    per_subject = AmountField(
        metadata={"description": "Every visit with its travel line, and completion"}
    )
    participants = ma.fields.Integer(metadata={"description": "The subjects not excluded"})
    planned = AmountField(metadata={"description": "per_subject x participants"})
    earned = AmountField(
        metadata={"description": "The plan's orders in this currency, but the rejected ones"}
    )


class PaymentOverviewSchema(ma.Schema):
    totals = ma.fields.List(ma.fields.Nested(PaymentStatusTotalSchema))
    visits = ma.fields.List(ma.fields.Nested(PaymentVisitTotalsSchema))
    budget = ma.fields.List(ma.fields.Nested(PaymentBudgetSchema))
