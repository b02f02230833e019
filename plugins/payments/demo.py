"""The demo study's compensation: a per-visit plan (an amount and travel expenses per visit
after screening, a bonus for completing the study) left as a draft waiting for its ethics
approval, so that a newcomer approves it and sees orders placed by the visits done, and the
sponsor's debtor account finance pays from."""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa

from datacapt.toolkit import Study, db
from plugins.ecrf.api import Ecrf, Section
from plugins.payments.batches.accounts import create_account
from plugins.payments.batches.models import DebtorAccount
from plugins.payments.plans.models import PaymentPlan, PlanKind
from plugins.payments.plans.services import create_plan

PLAN_CODE = "DEMO"
#: The example account of the IBAN standard's documentation: valid, and nobody's.
SPONSOR = {
    "name": "Demo Sponsor",
    "iban": "DE89370400440532013000",
    "bic": "COBADEFFXXX",
    "street_name": "Musterstrasse",
    "building_number": "1",
    "postal_code": "10115",
    "town_name": "Berlin",
    "country": "DE",
}


def add_demo_payments(study: Study) -> None:
    """The demo plan and debtor account, unless the study has the plan already."""
    planned = sa.select(PaymentPlan.id).where(
        PaymentPlan.study_id == study.id, PaymentPlan.code == PLAN_CODE
    )
    if db.session.execute(planned).first() is None:
        visits = db.session.execute(
            sa.select(Section.uuid)
            .join(Ecrf, Ecrf.id == Section.ecrf_id)
            .where(Ecrf.study_id == study.id)
            .order_by(Section.position)
            .offset(1)  # screening is not paid
        ).scalars()
        terms = {
            "visits": [
                {"section": section, "amount": Decimal("40.00"), "travel": Decimal("10.00")}
                for section in visits
            ],
            "completion_bonus": Decimal("50.00"),
        }
        create_plan(
            study,
            {
                "code": PLAN_CODE,
                "name": "Volunteer compensation",
                "version": {"kind": PlanKind.PER_VISIT, "currency": "EUR", "terms": terms},
            },
        )
    named = sa.select(DebtorAccount.id).where(DebtorAccount.name == SPONSOR["name"])
    if db.session.execute(named).first() is None:
        create_account(SPONSOR)
