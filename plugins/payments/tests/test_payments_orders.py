"""Orders placed by what happened at the visit: once per visit done, never on a re-save
or when the visit is undone and done again, rejected when undone while pending, balanced
by a reversal once it passed finance; per-study completion and pro rata shares."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from datacapt.toolkit import AuditRecord, db, tenant_context
from plugins.payments.tests.support import Trial


def _visit_plan(trial: Trial, **changes) -> dict:
    terms = {
        "visits": trial.visits({"Visit 1": "50.00", "Visit 2": "75.50"}, {"Visit 1": "12.30"}),
        "completion_bonus": None,
        **changes,
    }
    return trial.plan("per_visit", terms)


def test_a_done_visit_places_its_orders_once(trial: Trial):
    _visit_plan(trial)
    subject = trial.subject()
    trial.answer(subject, "Visit 1", None)
    assert trial.orders(subject) == []
    trial.answer(subject, "Visit 1", True)
    orders = trial.orders(subject)
    assert [(order["kind"], order["amount"], order["status"]) for order in orders] == [
        ("visit", "50.00", "pending"),
        ("travel", "12.30", "pending"),
    ]
    assert orders[0]["section"] == trial.sections["Visit 1"]
    assert orders[0]["plan_version"] == 1 and orders[0]["currency"] == "EUR"
    trial.answer(subject, "Visit 1", False)  # a re-save: still done
    assert len(trial.orders(subject)) == 2
    with trial.app.app_context(), tenant_context(trial.tenant):
        trail = db.session.execute(
            sa.select(AuditRecord.action, AuditRecord.object_id)
            .where(AuditRecord.object_type == "payment_orders")
            .order_by(AuditRecord.sequence)
        ).all()
    assert trail == [("create", orders[0]["uuid"]), ("create", orders[1]["uuid"])]


def test_a_returned_order_undone_is_only_marked_and_a_new_one_pays_the_visit_again(
    trial: Trial,
):
    _visit_plan(trial)
    subject = trial.subject()
    trial.answer(subject, "Visit 2", True)
    (order,) = trial.orders(subject)
    trial.move_order(order["uuid"], "validated", "exported", "returned")
    trial.answer(subject, "Visit 2", None)
    (undone,) = trial.orders(subject)
    assert undone["status"] == "returned" and undone["undone_at"]
    trial.answer(subject, "Visit 2", True)
    assert [(o["kind"], o["status"]) for o in trial.orders(subject)] == [
        ("visit", "returned"),
        ("visit", "pending"),
    ]


def test_a_visit_undone_while_pending_is_rejected_and_stands_again_when_done_again(
    trial: Trial,
):
    _visit_plan(trial)
    subject = trial.subject()
    trial.answer(subject, "Visit 2", True)
    (placed,) = trial.orders(subject)
    trial.answer(subject, "Visit 2", None)
    (undone,) = trial.orders(subject)
    assert undone["uuid"] == placed["uuid"] and undone["status"] == "rejected"
    assert undone["undone_at"] and undone["rejection_reason"]
    trial.answer(subject, "Visit 2", True)
    (again,) = trial.orders(subject)
    assert again["uuid"] == placed["uuid"]
    assert (again["status"], again["undone_at"], again["rejection_reason"]) == (
        "pending",
        None,
        None,
    )


def test_a_visit_undone_after_export_gets_a_reversal_line(trial: Trial):
    _visit_plan(trial)
    subject = trial.subject()
    trial.answer(subject, "Visit 1", True)
    visit, travel = trial.orders(subject)
    trial.move_order(visit["uuid"], "validated", "exported")
    trial.move_order(travel["uuid"], "validated", "exported", "paid")
    trial.answer(subject, "Visit 1", None)
    orders = trial.orders(subject)
    assert [(order["kind"], order["amount"], order["status"]) for order in orders] == [
        ("visit", "50.00", "exported"),
        ("travel", "12.30", "paid"),
        ("reversal", "-50.00", "pending"),
        ("reversal", "-12.30", "pending"),
    ]
    assert orders[2]["reverses"] == visit["uuid"] and orders[3]["reverses"] == travel["uuid"]
    assert orders[0]["undone_at"] and orders[1]["undone_at"]
    trial.answer(subject, "Visit 1", None)  # undone again: nothing more to balance
    assert len(trial.orders(subject)) == 4
    trial.answer(subject, "Visit 1", True)  # done again: paid again, under new orders
    again = trial.orders(subject)[4:]
    assert [(order["kind"], order["amount"], order["status"]) for order in again] == [
        ("visit", "50.00", "pending"),
        ("travel", "12.30", "pending"),
    ]
    totals = trial.statement(subject)["totals"]
    assert totals == [
        {
            "currency": "EUR",
            "earned": "62.30",
            "pending": "0.00",
            "validated": "62.30",
            "paid": "12.30",
        }
    ]


def test_a_validated_visit_undone_before_export_is_rejected_and_stands_again(trial: Trial):
    """No money has left for a validated order: it is rejected rather than balanced, and
    done again it waits for finance anew (who validates it again)."""
    _visit_plan(trial)
    subject = trial.subject()
    trial.answer(subject, "Visit 1", True)
    visit, travel = trial.orders(subject)
    trial.move_order(visit["uuid"], "validated")
    trial.answer(subject, "Visit 1", None)
    orders = trial.orders(subject)
    assert [(order["kind"], order["status"]) for order in orders] == [
        ("visit", "rejected"),
        ("travel", "rejected"),
    ]
    assert all(order["undone_at"] for order in orders)
    trial.answer(subject, "Visit 1", True)
    assert [(order["uuid"], order["status"]) for order in trial.orders(subject)] == [
        (visit["uuid"], "pending"),
        (travel["uuid"], "pending"),
    ]


def test_an_order_finance_rejected_is_not_placed_again(trial: Trial):
    _visit_plan(trial)
    subject = trial.subject()
    trial.answer(subject, "Visit 2", True)
    (order,) = trial.orders(subject)
    trial.move_order(order["uuid"], "rejected")
    trial.answer(subject, "Visit 2", None)
    trial.answer(subject, "Visit 2", True)
    assert [(o["uuid"], o["status"]) for o in trial.orders(subject)] == [
        (order["uuid"], "rejected")
    ]


def test_a_version_pays_what_happens_after_its_approval_and_orders_keep_theirs(
    trial: Trial,
):
    plan = trial.plan(
        "per_visit",
        {"visits": trial.visits({"Visit 1": "50.00"}), "completion_bonus": None},
        approve=False,
    )
    subject = trial.subject()
    trial.answer(subject, "Visit 1", True)
    assert trial.orders(subject) == []  # a draft pays nothing
    trial.answer(subject, "Visit 1", None)
    trial.answer(subject, "Visit 2", True)  # done before any version pays for it
    trial.approve(plan["uuid"], 1)
    trial.answer(subject, "Visit 1", True)
    terms = {
        "visits": trial.visits({"Visit 1": "60.00", "Visit 2": "80.00"}),
        "completion_bonus": "100.00",
    }
    second: Any = trial.manager.post(
        f"/api/payments/plans/{plan['uuid']}/versions/",
        json={"kind": "per_visit", "currency": "EUR", "terms": terms},
        headers=trial.headers,
    )
    assert second.status_code == 201 and second.json["status"] == "draft"
    trial.approve(plan["uuid"], 2)
    trial.answer(subject, "Visit 2", False)  # corrected, but done before version 2
    trial.answer(subject, "Visit 1", False)  # still done: its order keeps version 1
    assert trial.end(subject, "completed").status_code == 200
    orders = trial.orders(subject)
    assert [(o["kind"], o["amount"], o["plan_version"]) for o in orders] == [
        ("visit", "50.00", 1),
        ("completion", "100.00", 2),
    ]
    later = trial.subject()
    trial.answer(later, "Visit 2", True)
    assert [(o["amount"], o["plan_version"]) for o in trial.orders(later)] == [("80.00", 2)]


def test_a_per_study_plan_pays_completion_once_in_yen(trial: Trial):
    trial.plan("per_study", {"amount": "15000"}, currency="JPY")
    subject = trial.subject()
    trial.answer(subject, "Visit 1", True)
    assert trial.orders(subject) == []
    assert trial.end(subject, "completed").status_code == 200
    (order,) = trial.orders(subject)
    assert (order["kind"], order["amount"], order["currency"]) == ("completion", "15000", "JPY")
    # A correction after completion changes nothing paid.
    trial.answer(subject, "Visit 1", False)
    assert len(trial.orders(subject)) == 1


def test_a_withdrawal_pays_the_pro_rata_share_of_the_planned_visits_done(trial: Trial):
    visits = [trial.sections[title] for title in ("Screening", "Visit 1", "Visit 2")]
    trial.plan("per_study", {"amount": "1000", "pro_rata": True, "visits": visits}, "JPY")
    subject = trial.subject()
    trial.answer(subject, "Screening", True)
    trial.answer(subject, "Visit 1", False)
    assert trial.end(subject, "withdrawn").status_code == 200
    (order,) = trial.orders(subject)
    # 1000 x 2 / 3 = 666.67, to the yen.
    assert (order["kind"], order["amount"]) == ("pro_rata", "667")
    reopened = trial.investigator.post(
        f"/api/subjects/{subject}/reopen",
        headers={**trial.headers, "Reason-For-Change": "Withdrawn by mistake"},
    )
    assert reopened.status_code == 200, reopened.json
    (undone,) = trial.orders(subject)
    assert undone["status"] == "rejected" and undone["undone_at"]
    trial.answer(subject, "Visit 2", True)
    assert trial.end(subject, "completed").status_code == 200
    assert [(o["kind"], o["amount"], o["status"]) for o in trial.orders(subject)] == [
        ("pro_rata", "667", "rejected"),
        ("completion", "1000", "pending"),
    ]


def test_a_second_withdrawal_pays_the_share_of_every_visit_done_by_then(trial: Trial):
    visits = [trial.sections[title] for title in ("Screening", "Visit 1", "Visit 2")]
    trial.plan("per_study", {"amount": "900", "pro_rata": True, "visits": visits}, "JPY")
    subject = trial.subject()
    trial.answer(subject, "Screening", True)
    assert trial.end(subject, "withdrawn").status_code == 200
    (first,) = trial.orders(subject)
    assert first["amount"] == "300"
    reopened = trial.investigator.post(
        f"/api/subjects/{subject}/reopen",
        headers={**trial.headers, "Reason-For-Change": "Withdrawn by mistake"},
    )
    assert reopened.status_code == 200, reopened.json
    trial.answer(subject, "Visit 1", True)
    assert trial.end(subject, "withdrawn").status_code == 200
    (again,) = trial.orders(subject)  # the same order, pending again, for two visits
    assert (again["uuid"], again["status"], again["amount"]) == (first["uuid"], "pending", "600")


def test_a_withdrawal_without_pro_rata_pays_nothing(trial: Trial):
    trial.plan("per_study", {"amount": "500.00"})
    subject = trial.subject()
    trial.answer(subject, "Visit 1", True)
    assert trial.end(subject, "withdrawn").status_code == 200
    assert trial.orders(subject) == []


def test_where_visits_are_confirmed_an_order_waits_for_the_confirmation(trial: Trial):
    settings = trial.manager.patch(
        "/api/plugins/payments/study-settings",
        json={"visit_done": "confirmed"},
        headers=trial.headers,
    )
    assert settings.status_code == 200, settings.json
    _visit_plan(trial)
    subject = trial.subject()
    url = f"/api/payments/subjects/{subject}/visits/{trial.sections['Visit 2']}/confirmation"
    early: Any = trial.monitor.post(url, headers=trial.headers)
    assert early.status_code == 409 and early.json["error"]["internal_name"] == "VISIT_NOT_DONE"
    trial.answer(subject, "Visit 2", True)
    assert trial.orders(subject) == []
    assert trial.investigator.post(url, headers=trial.headers).status_code == 403
    assert trial.monitor.post(url, headers=trial.headers).status_code == 201
    twice: Any = trial.monitor.post(url, headers=trial.headers)
    assert twice.json["error"]["internal_name"] == "VISIT_ALREADY_CONFIRMED"
    (order,) = trial.orders(subject)
    assert order["status"] == "pending"
    # The section incomplete again: the confirmation is lost and the order undone.
    trial.answer(subject, "Visit 2", None)
    assert trial.orders(subject)[0]["status"] == "rejected"
    lost: Any = trial.monitor.delete(url, headers={**trial.headers, "Reason-For-Change": "Wrong"})
    assert lost.json["error"]["internal_name"] == "VISIT_NOT_CONFIRMED"
    trial.answer(subject, "Visit 2", True)
    assert trial.orders(subject)[0]["status"] == "rejected"  # not confirmed again yet
    assert trial.monitor.post(url, headers=trial.headers).status_code == 201
    assert trial.orders(subject)[0]["status"] == "pending"
    unreasoned = trial.monitor.delete(url, headers=trial.headers)
    assert unreasoned.status_code == 422, unreasoned.json
    taken_back = trial.monitor.delete(
        url, headers={**trial.headers, "Reason-For-Change": "Visit not done on site"}
    )
    assert taken_back.status_code == 204
    assert trial.orders(subject)[0]["status"] == "rejected"


def test_confirmations_are_refused_where_complete_visits_are_paid(trial: Trial):
    subject = trial.subject()
    url = f"/api/payments/subjects/{subject}/visits/{trial.sections['Visit 1']}/confirmation"
    refused: Any = trial.monitor.post(url, headers=trial.headers)
    assert refused.status_code == 409
    assert refused.json["error"]["internal_name"] == "VISITS_NOT_CONFIRMED_IN_STUDY"
    trial.manager.patch(
        "/api/plugins/payments/study-settings",
        json={"visit_done": "confirmed"},
        headers=trial.headers,
    )
    unknown = f"/api/payments/subjects/{subject}/visits/{trial.study}/confirmation"
    assert trial.monitor.post(unknown, headers=trial.headers).status_code == 404
    setting: Any = trial.manager.patch(
        "/api/plugins/payments/study-settings", json={"visit_done": "later"}, headers=trial.headers
    )
    assert setting.status_code == 422 and "visit_done" in setting.json["error"]["fields"]
