"""What participants earned and were paid: a subject's statement, the study's orders and
overview (totals by status and visit, budget against the plans), each over the subjects
at the centers the caller sees; the database itself refuses a second standing order."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from datacapt.toolkit import db, tenant_context
from plugins.payments.orders.models import OrderKind, PaymentOrder
from plugins.payments.orders.services import new_order
from plugins.payments.tests.support import Trial


def _plans(trial: Trial) -> None:
    trial.plan(
        "per_visit",
        {
            "visits": trial.visits({"Visit 1": "50.00", "Visit 2": "70.00"}, {"Visit 2": "9.90"}),
            "completion_bonus": "20.00",
        },
        code="VISITS",
    )
    trial.plan("per_study", {"amount": "3000"}, currency="JPY", code="YEN")


def test_the_study_overview_adds_up_by_status_visit_and_plan(trial: Trial):
    _plans(trial)
    paris, lyon, excluded = trial.subject(), trial.subject("LYO"), trial.subject(include=False)
    exclusion = trial.investigator.patch(
        f"/api/subjects/{excluded}",
        json={"status": "excluded", "end_reason": "Not eligible"},
        headers=trial.headers,
    )
    assert exclusion.status_code == 200, exclusion.json
    trial.answer(paris, "Visit 1", True)
    trial.answer(paris, "Visit 2", True)
    trial.answer(lyon, "Visit 2", True, center="LYO")
    assert trial.end(paris, "completed").status_code == 200
    visit_1 = trial.orders(paris)[0]
    trial.move_order(visit_1["uuid"], "validated", "exported", "paid")
    overview: Any = trial.finance.get("/api/payments/overview", headers=trial.headers).json
    assert overview["totals"] == [
        {"currency": "EUR", "status": "paid", "count": 1, "amount": "50.00"},
        {"currency": "EUR", "status": "pending", "count": 5, "amount": "179.80"},
        {"currency": "JPY", "status": "pending", "count": 1, "amount": "3000"},
    ]
    by_visit = {visit["title"]["en"]: visit["totals"] for visit in overview["visits"]}
    assert by_visit == {
        "Visit 1": [{"currency": "EUR", "status": "paid", "count": 1, "amount": "50.00"}],
        "Visit 2": [{"currency": "EUR", "status": "pending", "count": 4, "amount": "159.80"}],
    }
    assert [
        (plan["code"], plan["per_subject"], plan["participants"], plan["planned"], plan["earned"])
        for plan in overview["budget"]
    ] == [("VISITS", "149.90", 2, "299.80", "229.80"), ("YEN", "3000", 2, "6000", "3000")]
    statement = trial.statement(paris, trial.finance)
    assert statement["totals"] == [
        {
            "currency": "EUR",
            "earned": "149.90",
            "pending": "99.90",
            "validated": "50.00",
            "paid": "50.00",
        },
        {"currency": "JPY", "earned": "3000", "pending": "3000", "validated": "0", "paid": "0"},
    ]
    pending: Any = trial.finance.get(
        "/api/payments/orders/",
        query_string={"status": "pending", "kind": "travel"},
        headers=trial.headers,
    )
    assert [(order["study_subject_id"], order["amount"]) for order in pending.json] == [
        (statement["study_subject_id"], "9.90"),
        (trial.statement(lyon, trial.finance)["study_subject_id"], "9.90"),
    ]
    # The Lyon investigator sees Lyon's orders only, and no Paris subject at all.
    lyon_view: Any = trial.lyon_investigator.get(
        "/api/payments/overview", headers=trial.headers
    ).json
    assert lyon_view["totals"] == [
        {"currency": "EUR", "status": "pending", "count": 2, "amount": "79.90"}
    ]
    assert [plan["participants"] for plan in lyon_view["budget"]] == [1, 1]
    listed: Any = trial.lyon_investigator.get("/api/payments/orders/", headers=trial.headers).json
    assert {order["subject"] for order in listed} == {lyon}
    hidden = trial.lyon_investigator.get(
        f"/api/payments/subjects/{paris}/statement", headers=trial.headers
    )
    assert hidden.status_code == 404


def test_another_tenant_and_the_unpermitted_see_no_order(trial: Trial, client_as, other_tenant):
    _plans(trial)
    subject = trial.subject()
    trial.answer(subject, "Visit 1", True)
    outsider = client_as(other_tenant)
    for url in (
        "/api/payments/overview",
        "/api/payments/orders/",
        f"/api/payments/subjects/{subject}/statement",
    ):
        assert outsider.get(url, headers=trial.headers).status_code == 404
    bad = trial.finance.get(
        "/api/payments/orders/", query_string={"status": "owed"}, headers=trial.headers
    )
    assert bad.status_code == 422


def test_the_database_refuses_a_second_standing_order_of_one_occurrence(trial: Trial):
    _plans(trial)
    subject = trial.subject()
    trial.answer(subject, "Visit 1", True)
    with trial.app.app_context(), tenant_context(trial.tenant):
        placed = db.session.execute(
            sa.select(PaymentOrder).where(PaymentOrder.kind == OrderKind.VISIT)
        ).scalar_one()
        with pytest.raises(IntegrityError):
            new_order(
                placed.participation,
                placed.plan_version,
                OrderKind.VISIT,
                placed.occurrence,
                Decimal("50.00"),
            )
            db.session.flush()
        db.session.rollback()
