"""Orders for the finance tests, added by the service the plugin's triggers use
(``orders.services.new_order``), with the plan, its version and the subject's payee
written through their models: a precondition, as finance only ever receives orders (the
plans, visits and payees are tested through their own API). Everything finance does is
then tested through its API."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from datacapt.testing import TenantClient, unit_of_work
from datacapt.toolkit import db, tenant_context
from plugins.payments.orders.models import OrderKind
from plugins.payments.orders.services import new_order
from plugins.payments.payees.models import Payee
from plugins.payments.plans.models import PaymentPlan, PlanKind, PlanVersion
from plugins.payments.tests.support import Trial
from plugins.subjects.api import SubjectInStudy

DEBTOR = {
    "name": "Sponsor Clinical SAS",
    "iban": "FR76 3000 6000 0112 3456 7890 189",
    "bic": "AGRIFRPP",
    "street_name": "Rue de la Paix",
    "building_number": "1",
    "postal_code": "75002",
    "town_name": "Paris",
    "country": "FR",
}
PAYEE = {
    "holder_name": "Jeanne Martin",
    "iban": "DE89370400440532013000",
    "bic": "COBADEFFXXX",
    "street_name": "Hauptstrasse",
    "building_number": "5",
    "postal_code": "10115",
    "town_name": "Berlin",
    "country": "DE",
}


@dataclass(frozen=True)
class Placed:
    subject: str  # the participation's uuid
    orders: list[str]  # the orders' uuids, in the order of the amounts


def place_orders(
    trial: Trial,
    amounts: list[str],
    currency: str = "EUR",
    center: str = "PAR",
    payee: dict[str, Any] | None = PAYEE,
) -> Placed:
    """A new included subject at ``center`` (through the API), paid ``amounts`` (one
    pending order each, per visit) under a plan version in ``currency``, with ``payee``'s
    bank details (None: no payee)."""
    subject = trial.subject(center)
    with trial.app.app_context(), tenant_context(trial.tenant), unit_of_work():
        participation = db.session.execute(
            sa.select(SubjectInStudy).where(SubjectInStudy.uuid == uuid.UUID(subject))
        ).scalar_one()
        code = f"P{uuid.uuid4().hex[:8]}"
        plan = PaymentPlan(study_id=participation.study_id, code=code, name=code)
        db.session.add(plan)
        db.session.flush()
        version = PlanVersion(
            study_id=participation.study_id,
            plan_id=plan.id,
            number=1,
            kind=PlanKind.PER_VISIT,
            currency=currency,
            terms={},
            approval_reference="EC-2026-17",
        )
        db.session.add(version)
        if payee is not None:
            db.session.add(Payee(subject_id=participation.subject_id, **payee))
        db.session.flush()
        orders = [
            new_order(participation, version, OrderKind.VISIT, f"visit:{n}", Decimal(amount))
            for n, amount in enumerate(amounts)
        ]
        db.session.flush()
        return Placed(subject, [str(order.uuid) for order in orders])


def finance_url(order: str, action: str = "") -> str:
    return f"/api/payments/finance/orders/{order}" + (f"/{action}" if action else "")


def validated(trial: Trial, *amounts: str, **options: Any) -> list[str]:
    """Orders placed and validated by finance, ready for a batch."""
    placed = place_orders(trial, list(amounts), **options)
    for order in placed.orders:
        answer: Any = trial.finance.post(finance_url(order, "validate"))
        assert answer.status_code == 200, answer.json
    return placed.orders


def debtor_account(client: TenantClient, **changes: Any) -> str:
    created: Any = client.post("/api/payments/debtor-accounts/", json={**DEBTOR, **changes})
    assert created.status_code == 201, created.json
    return created.json["uuid"]


def refusal(answer: Any) -> tuple[int, str]:
    """An error answer's status and internal code's name."""
    return answer.status_code, answer.json["error"]["internal_name"]
