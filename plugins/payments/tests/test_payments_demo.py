"""The demo study's compensation: added once, a draft plan paying every visit after
screening that pays once approved, and the sponsor's debtor account."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa

from datacapt.testing import unit_of_work
from datacapt.toolkit import Study, db, tenant_context
from plugins.payments.demo import add_demo_payments
from plugins.payments.tests.support import Trial


def test_the_demo_plan_pays_the_visits_once_approved(app, trial: Trial, tenant):
    for _ in range(2):  # the demo seed runs again on an existing demo tenant
        with app.app_context(), tenant_context(tenant), unit_of_work():
            study = db.session.execute(
                sa.select(Study).where(Study.uuid == uuid.UUID(trial.study))
            ).scalar_one()
            add_demo_payments(study)
    plans: Any = trial.manager.get("/api/payments/plans/", headers=trial.headers)
    assert plans.status_code == 200, plans.json
    (plan,) = plans.json
    (version,) = plan["versions"]
    assert (plan["code"], version["status"], version["currency"]) == ("DEMO", "draft", "EUR")
    assert [visit["section"] for visit in version["terms"]["visits"]] == [
        trial.sections["Visit 1"],
        trial.sections["Visit 2"],
    ]
    trial.approve(plan["uuid"], 1)
    subject = trial.subject()
    trial.answer(subject, "Visit 1", True)
    assert [(o["kind"], o["amount"]) for o in trial.orders(subject)] == [
        ("visit", "40.00"),
        ("travel", "10.00"),
    ]
    accounts: Any = trial.finance.get("/api/payments/debtor-accounts/")
    assert accounts.status_code == 200, accounts.json
    assert [(a["name"], a["iban"]) for a in accounts.json] == [
        ("Demo Sponsor", "DE89370400440532013000")
    ]
