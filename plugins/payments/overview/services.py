"""What a study's participants earned and were paid: per subject (each order, totals per
currency) and per study (totals by status and by visit, the budget against the plans),
over the subjects at the centers the caller sees."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from datacapt.toolkit import Study, db, study_query
from plugins.ecrf.api import Section
from plugins.payments.orders.models import OrderStatus, PaymentOrder
from plugins.payments.plans.models import PaymentPlan, PlanKind, PlanVersion
from plugins.payments.plans.services import current_versions
from plugins.payments.plans.terms import completion_amount, visit_terms
from plugins.subjects.api import SubjectInStudy, SubjectStatus

#: Past finance: validated, in a file, or paid.
PASSED_FINANCE = frozenset({OrderStatus.VALIDATED, OrderStatus.EXPORTED, OrderStatus.PAID})


def _orders(study: Study) -> sa.Select:
    return study_query(PaymentOrder, study).options(
        selectinload(PaymentOrder.participation),
        selectinload(PaymentOrder.plan_version).selectinload(PlanVersion.plan),
        selectinload(PaymentOrder.section),
        selectinload(PaymentOrder.reverses),
    )


def list_orders(
    study: Study, status: str | None = None, kind: str | None = None, subject: Any = None
) -> sa.Select:
    statement = _orders(study).order_by(PaymentOrder.id)
    if status:
        statement = statement.where(PaymentOrder.status == status)
    if kind:
        statement = statement.where(PaymentOrder.kind == kind)
    if subject is not None:
        statement = statement.where(PaymentOrder.participation.has(SubjectInStudy.uuid == subject))
    return statement


def subject_statement(study: Study, participation: SubjectInStudy) -> dict[str, Any]:
    """The subject's orders and, per currency, what they earned (every order but the
    rejected ones: reversal lines count against), what passed finance and what was paid."""
    orders = list(
        db.session.execute(
            _orders(study)
            .where(PaymentOrder.subject_in_study_id == participation.id)
            .order_by(PaymentOrder.id)
        ).scalars()
    )
    totals: dict[str, dict[str, Any]] = {}
    for order in orders:
        total = totals.setdefault(
            order.currency,
            {
                "currency": order.currency,
                "earned": Decimal(0),
                "pending": Decimal(0),
                "validated": Decimal(0),
                "paid": Decimal(0),
            },
        )
        if order.status != OrderStatus.REJECTED:
            total["earned"] += order.amount
        if order.status == OrderStatus.PENDING:
            total["pending"] += order.amount
        if order.status in PASSED_FINANCE:
            total["validated"] += order.amount
        if order.status == OrderStatus.PAID:
            total["paid"] += order.amount
    return {
        "subject": participation.uuid,
        "study_subject_id": participation.study_subject_id,
        "totals": sorted(totals.values(), key=lambda total: total["currency"]),
        "orders": orders,
    }


def _per_subject(version: PlanVersion) -> Decimal:
    """What one participant earns under the version going through the whole study."""
    visits = sum(
        (terms.amount + (terms.travel or 0) for terms in visit_terms(version).values()),
        Decimal(0),
    )
    completion = completion_amount(version) or Decimal(0)
    return visits + completion if version.kind == PlanKind.PER_VISIT else completion


def study_overview(study: Study) -> dict[str, Any]:
    """Totals by currency and status, by visit (its section) and status, and each plan's
    budget: its current version's amount per participant times the participants (every
    subject but those excluded), against what its orders earned."""
    visible = study_query(PaymentOrder, study)
    by_status = db.session.execute(
        visible.with_only_columns(
            PaymentOrder.currency,
            PaymentOrder.status,
            sa.func.count(),
            sa.func.sum(PaymentOrder.amount),
        )
        .group_by(PaymentOrder.currency, PaymentOrder.status)
        .order_by(PaymentOrder.currency, PaymentOrder.status)
    ).all()
    by_visit = db.session.execute(
        visible.with_only_columns(
            Section.uuid,
            Section.title,
            PaymentOrder.currency,
            PaymentOrder.status,
            sa.func.count(),
            sa.func.sum(PaymentOrder.amount),
        )
        .join(Section, Section.id == PaymentOrder.section_id)
        .group_by(
            Section.uuid,
            Section.title,
            Section.position,
            PaymentOrder.currency,
            PaymentOrder.status,
        )
        .order_by(Section.position, PaymentOrder.currency, PaymentOrder.status)
    ).all()
    earned: dict[tuple[int, str], Decimal] = {
        (plan_id, currency): amount
        for plan_id, currency, amount in db.session.execute(
            visible.with_only_columns(
                PaymentOrder.plan_id, PaymentOrder.currency, sa.func.sum(PaymentOrder.amount)
            )
            .where(PaymentOrder.status != OrderStatus.REJECTED)
            .group_by(PaymentOrder.plan_id, PaymentOrder.currency)
        ).all()
    }
    participants = db.session.execute(
        study_query(SubjectInStudy, study)
        .where(SubjectInStudy.status != SubjectStatus.EXCLUDED)
        .with_only_columns(sa.func.count())
    ).scalar_one()
    return {
        "totals": [
            {"currency": currency, "status": status, "count": count, "amount": amount}
            for currency, status, count, amount in by_status
        ],
        "visits": _visits(by_visit),
        "budget": [
            _budget(
                version,
                participants,
                earned.get((version.plan_id, version.currency), Decimal(0)),
            )
            for version in current_versions(study)
        ],
    }


def _visits(rows: Sequence[Any]) -> list[dict[str, Any]]:
    visits: dict[Any, dict[str, Any]] = {}
    for section, title, currency, status, count, amount in rows:
        visit = visits.setdefault(section, {"section": section, "title": title, "totals": []})
        visit["totals"].append(
            {"currency": currency, "status": status, "count": count, "amount": amount}
        )
    return list(visits.values())


def _budget(version: PlanVersion, participants: int, earned: Decimal) -> dict[str, Any]:
    plan = db.session.get_one(PaymentPlan, version.plan_id)
    per_subject = _per_subject(version)
    return {
        "plan": plan.uuid,
        "code": plan.code,
        "version": version.number,
        "currency": version.currency,
        "per_subject": per_subject,
        "participants": participants,
        "planned": per_subject * participants,
        "earned": earned,
    }
