"""Finance's view across studies: the orders in the caller's scope, and their totals by
study, currency and status."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from datacapt.toolkit import Study, db
from plugins.payments.finance.scope import FinanceScope
from plugins.payments.orders.models import PaymentOrder


def _filtered(statement: sa.Select, filters: Mapping[str, Any]) -> sa.Select:
    if "status" in filters:
        statement = statement.where(PaymentOrder.status == filters["status"])
    if "currency" in filters:
        statement = statement.where(PaymentOrder.currency == filters["currency"])
    if "study" in filters:
        statement = statement.where(
            PaymentOrder.study_id.in_(sa.select(Study.id).where(Study.uuid == filters["study"]))
        )
    return statement


def list_orders(scope: FinanceScope, filters: Mapping[str, Any]) -> sa.Select:
    """Oldest first: the order finance works through them."""
    return _filtered(scope.orders(), filters).order_by(PaymentOrder.id)


def totals(scope: FinanceScope, filters: Mapping[str, Any]) -> list[dict[str, Any]]:
    inside = _filtered(scope.orders(), filters).with_only_columns(PaymentOrder.id)
    rows = sa.select(
        Study.uuid,
        Study.reference,
        PaymentOrder.currency,
        PaymentOrder.status,
        sa.func.count(PaymentOrder.id),
        sa.func.sum(PaymentOrder.amount),
    ).join(Study, Study.id == PaymentOrder.study_id)
    return [
        {
            "study": study,
            "study_reference": reference,
            "currency": currency,
            "status": status,
            "count": count,
            "total": total,
        }
        for study, reference, currency, status, count, total in db.session.execute(
            rows.where(PaymentOrder.id.in_(inside))
            .group_by(Study.uuid, Study.reference, PaymentOrder.currency, PaymentOrder.status)
            .order_by(Study.reference, PaymentOrder.currency, PaymentOrder.status)
        )
    ]
