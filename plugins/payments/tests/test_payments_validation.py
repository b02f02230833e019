"""Finance's workflow of orders through the API: an amount changed while pending (note and
reason, audited), validated or rejected with a reason, the four-eyes rule per tenant, the
view across studies, and who may do what."""

from __future__ import annotations

from typing import Any

from plugins.payments.tests.finance_support import finance_url, place_orders, refusal

REASON = {"Reason-For-Change": "Travel costs were higher"}


def _grant_amounts(trial, client_as) -> Any:
    """A finance lead: finance's permissions and the study manager's amount changes."""
    admin = client_as(trial.tenant)
    role = admin.post(
        "/api/roles/",
        json={
            "name": "finance_lead",
            "permissions": ["payments.access", "payments.validate", "payments.manage_plans"],
        },
    )
    assert role.status_code == 201, role.json
    return role


def test_finance_changes_validates_and_rejects_with_reasons(trial, app):
    placed = place_orders(trial, ["25.00", "40.00"])
    first, second = placed.orders
    listed: Any = trial.finance.get("/api/payments/finance/orders/?status=pending")
    assert listed.status_code == 200
    assert [o["uuid"] for o in listed.json] == [first, second]
    assert listed.json[0]["amount"] == "25.00" and listed.json[0]["study_reference"] == "PAID-1"

    changed: Any = trial.manager.patch(
        finance_url(first), json={"amount": "32.50", "note": "taxi"}, headers=REASON
    )
    assert changed.status_code == 200, changed.json
    assert (changed.json["amount"], changed.json["planned_amount"]) == ("32.50", "25.00")
    assert changed.json["amount_changed_by"] == str(trial.manager.user.uuid)

    validated: Any = trial.finance.post(finance_url(first, "validate"))
    assert validated.status_code == 200, validated.json
    assert validated.json["status"] == "validated"
    assert validated.json["validated_by"] == str(trial.finance.user.uuid)
    # Validated: the amount no longer changes, nor is it validated twice.
    locked: Any = trial.manager.patch(
        finance_url(first), json={"amount": "30", "note": "again"}, headers=REASON
    )
    assert refusal(locked) == (409, "ORDER_AMOUNT_LOCKED")
    again: Any = trial.finance.post(finance_url(first, "validate"))
    assert again.status_code == 409

    rejected: Any = trial.finance.post(
        finance_url(second, "reject"), json={"reason": "Visit not done"}
    )
    assert rejected.status_code == 200, rejected.json
    assert (rejected.json["status"], rejected.json["rejection_reason"]) == (
        "rejected",
        "Visit not done",
    )
    assert trial.finance.post(finance_url(second, "validate")).status_code == 409

    trail: Any = trial.finance.get(
        "/api/audit-trails/", query_string={"object_type": "payment_orders", "limit": 50}
    )
    assert trail.status_code == 200, trail.json
    records = trail.json["records"]
    changes = [(r["reason"], r["changes"]) for r in records if r["action"] == "update"]
    assert ("Travel costs were higher", ["25.000", "32.50"]) in [
        (reason, change.get("amount")) for reason, change in changes
    ]
    assert any(reason == "Visit not done" for reason, _ in changes)


def test_an_amount_change_needs_a_reason_a_note_and_the_currency_s_decimals(trial):
    (order,) = place_orders(trial, ["3000"], currency="JPY").orders
    url = finance_url(order)
    no_reason: Any = trial.manager.patch(url, json={"amount": "3500", "note": "n"})
    assert refusal(no_reason) == (422, "REASON_FOR_CHANGE_REQUIRED")
    cents: Any = trial.manager.patch(url, json={"amount": "3500.5", "note": "n"}, headers=REASON)
    assert refusal(cents) == (422, "ORDER_AMOUNT_INVALID")
    assert "amount" in cents.json["error"]["fields"]
    negative: Any = trial.manager.patch(url, json={"amount": "-1", "note": "n"}, headers=REASON)
    assert refusal(negative) == (422, "ORDER_AMOUNT_INVALID")
    no_note: Any = trial.manager.patch(url, json={"amount": "3500"}, headers=REASON)
    assert no_note.status_code == 422 and "note" in no_note.json["error"]["fields"]
    as_float: Any = trial.manager.patch(url, json={"amount": "NaN", "note": "n"}, headers=REASON)
    assert as_float.status_code == 422
    shown: Any = trial.finance.get(url)
    assert (shown.json["amount"], shown.json["note"]) == ("3000", None)  # nothing written


def test_four_eyes_refuses_the_person_who_changed_the_amount(
    trial, client_as, join_study, app, operator
):
    _grant_amounts(trial, client_as)
    lead = join_study(trial.headers, trial.tenant, "finance_lead")
    first, second = place_orders(trial, ["25.00", "25.00"]).orders
    for order in (first, second):
        assert (
            lead.patch(
                finance_url(order), json={"amount": "20.00", "note": "no show"}, headers=REASON
            ).status_code
            == 200
        )
    refused: Any = lead.post(finance_url(first, "validate"))
    assert refusal(refused) == (409, "FOUR_EYES_REFUSED")
    assert trial.finance.get(finance_url(first)).json["status"] == "pending"
    assert trial.finance.post(finance_url(first, "validate")).status_code == 200

    runner = app.test_cli_runner()
    off = runner.invoke(
        args=[
            *("plugins", "settings", trial.tenant.schema_name, "payments"),
            *("--set", "four_eyes=false", "--operator", operator.email),
        ],
        input=f"{operator.password}\n",
    )
    assert off.exit_code == 0, off.output
    assert lead.post(finance_url(second, "validate")).status_code == 200


def test_who_may_change_validate_and_settle(trial):
    (order,) = place_orders(trial, ["25.00"]).orders
    for client in (trial.investigator, trial.monitor, trial.manager):
        refused: Any = client.post(finance_url(order, "validate"))
        assert (refused.status_code, refused.json["error"]["details"]["permission"]) == (
            403,
            "payments.validate",
        )
        assert client.get("/api/payments/finance/orders/").status_code == 403
    changed: Any = trial.finance.patch(
        finance_url(order), json={"amount": "20", "note": "n"}, headers=REASON
    )
    assert (changed.status_code, changed.json["error"]["details"]["permission"]) == (
        403,
        "payments.manage_plans",
    )
    settled: Any = trial.investigator.post(
        finance_url(order, "settlement"), json={"status": "paid"}
    )
    assert settled.status_code == 403
    # Finance may mark paid, but only an exported order.
    early: Any = trial.finance.post(finance_url(order, "settlement"), json={"status": "paid"})
    assert early.status_code == 409
    returned: Any = trial.finance.post(
        finance_url(order, "settlement"), json={"status": "returned"}
    )
    assert returned.status_code == 422 and "reason" in returned.json["error"]["fields"]


def test_finance_sees_only_its_studies_centers_and_tenant(
    trial, client_as, join_study, make_study, other_tenant, enable_plugins
):
    lyon = place_orders(trial, ["10.00"], center="LYO").orders[0]
    paris = place_orders(trial, ["11.00"]).orders[0]
    lyon_finance = join_study(trial.headers, trial.tenant, "finance", [trial.centers["PAR"]])
    seen: Any = lyon_finance.get("/api/payments/finance/orders/")
    assert [o["uuid"] for o in seen.json] == [paris]
    assert lyon_finance.get(finance_url(lyon)).status_code == 404
    assert lyon_finance.post(finance_url(lyon, "validate")).status_code == 404

    totals: Any = trial.finance.get("/api/payments/finance/totals")
    assert totals.status_code == 200
    assert totals.json["totals"] == [
        {
            "study": trial.study,
            "study_reference": "PAID-1",
            "currency": "EUR",
            "status": "pending",
            "count": 2,
            "total": "21.00",
        }
    ]

    enable_plugins(other_tenant, "payments")
    admin = client_as(other_tenant)
    role = admin.post("/api/roles/", json={"name": "finance", "permissions": ["payments.validate"]})
    assert role.status_code == 201
    stranger_manager = client_as(other_tenant, "study_manager")
    study = make_study(stranger_manager, "PAR", reference="OTHER-1")
    stranger = join_study(study.headers, other_tenant, "finance")
    assert stranger.get("/api/payments/finance/orders/").json == []
    assert stranger.get(finance_url(paris)).status_code == 404
    assert stranger.post(finance_url(paris, "validate")).status_code == 404
