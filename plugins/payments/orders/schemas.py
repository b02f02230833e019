"""Payment orders as the API shows them: amounts as decimal strings with exactly the
currency's minor units ("50.00" EUR, "1000" JPY), never floats."""

from __future__ import annotations

from typing import Any

import marshmallow as ma

from plugins.payments.money import quantized
from plugins.payments.orders.models import OrderKind, OrderStatus, PaymentOrder


class AmountField(ma.fields.Field):
    """A Decimal of the currency named by the object's (or row's) ``currency``."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        if value is None:
            return None
        currency = obj["currency"] if isinstance(obj, dict) else obj.currency
        return str(quantized(value, currency))


def _uuid_of(name: str):
    def read(order: PaymentOrder) -> str | None:
        related = getattr(order, name)
        return str(related.uuid) if related is not None else None

    return read


class PaymentOrderReadSchema(ma.Schema):
    uuid = ma.fields.UUID()
    subject = ma.fields.Function(
        lambda order: str(order.participation.uuid), metadata={"description": "uuid"}
    )
    study_subject_id = ma.fields.Function(lambda order: order.participation.study_subject_id)
    plan = ma.fields.Function(lambda order: order.plan_version.plan.code)
    plan_version = ma.fields.Function(lambda order: order.plan_version.number)
    kind = ma.fields.String(metadata={"enum": list(OrderKind)})
    occurrence = ma.fields.String(
        metadata={
            "description": "What it pays for: visit:<section>, travel:<section>,"
            " completion, pro_rata"
        }
    )
    section = ma.fields.Function(_uuid_of("section"), allow_none=True)
    reverses = ma.fields.Function(_uuid_of("reverses"), allow_none=True)
    currency = ma.fields.String()
    planned_amount = AmountField(metadata={"description": "As the plan says"})
    amount = AmountField(metadata={"description": "As finance pays it"})
    note = ma.fields.String(allow_none=True)
    status = ma.fields.String(metadata={"enum": list(OrderStatus)})
    rejection_reason = ma.fields.String(allow_none=True)
    undone_at = ma.fields.AwareDateTime(
        allow_none=True, metadata={"description": "When what it pays for was undone"}
    )
    validated_at = ma.fields.AwareDateTime(allow_none=True)
    paid_at = ma.fields.AwareDateTime(allow_none=True)
    return_reason = ma.fields.String(allow_none=True)
    created_at = ma.fields.AwareDateTime()


class PaymentOrderSearchSchema(ma.Schema):
    status = ma.fields.String(validate=ma.validate.OneOf(list(OrderStatus)))
    kind = ma.fields.String(validate=ma.validate.OneOf(list(OrderKind)))
    subject = ma.fields.UUID(metadata={"description": "The subject's uuid"})
