"""Orders placed by what happened at the visit: once per visit done, never on a re-save
or when the visit is undone and done again, rejected when undone while pending, balanced
by a reversal once it passed finance; per-study completion and pro rata shares."""

from __future__ import annotations

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
