"""Corrections of a dispensing, each with its mandatory reason (deallocation back to stock,
a kit declared invalid, a replacement kit linked to the one it replaces), and returns with
the compliance they give."""

from __future__ import annotations

from typing import Any

from plugins.allocation.tests.support import BASE, Trial


def _correct(trial: Trial, dispensing: str, action: str, reason: str | None) -> Any:
    headers = {**trial.headers, **({"Reason-For-Change": reason} if reason else {})}
    return trial.manager.post(
        f"{BASE}/dispensings/{dispensing}/corrections", json={"action": action}, headers=headers
    )


def _kit(trial: Trial, number: str) -> dict[str, Any]:
    found: Any = trial.pharmacist.get(
        f"{BASE}/kits/",
        query_string={"number": number, "inventory": "dummy"},
        headers=trial.headers,
    )
    (kit,) = found.json
    return kit


def test_corrections_need_a_reason_and_keep_the_kits_straight(trial: Trial):
    trial.configure()
    subject, arm = trial.randomized_subject(environment="test")
    trial.stock("dummy", arm, "PAR", range(1, 6))
    first = trial.dispense(subject, environment="test").json[0]
    assert first["kit"]["number"] == "K00001"
    # No reason: refused, nothing changed.
    refused = _correct(trial, first["uuid"], "deallocate", None)
    assert refused.status_code == 422
    assert refused.json["error"]["internal_name"] == "REASON_FOR_CHANGE_REQUIRED"
    assert _kit(trial, "K00001")["status"] == "dispensed"
    # Only the study's correctors correct.
    blocked: Any = trial.investigator.post(
        f"{BASE}/dispensings/{first['uuid']}/corrections",
        json={"action": "deallocate", "reason_for_change": "wrong subject"},
        headers=trial.headers,
    )
    assert blocked.status_code == 403
    # Deallocated: the kit is back in stock and is the next one given.
    undone = _correct(trial, first["uuid"], "deallocate", "Given to the wrong subject")
    assert undone.status_code == 200, undone.json
    assert undone.json["status"] == "deallocated"
    assert undone.json["correction_reason"] == "Given to the wrong subject"
    assert _kit(trial, "K00001")["status"] == "available"
    again = trial.dispense(subject, environment="test").json[0]
    assert again["kit"]["number"] == "K00001"
    # Declared invalid: never given again; the visit may be dispensed anew.
    broken = _correct(trial, again["uuid"], "invalidate", "Blister torn")
    assert broken.json["status"] == "invalidated"
    assert _kit(trial, "K00001")["status"] == "invalid"
    assert _kit(trial, "K00001")["invalid_reason"] == "Blister torn"
    third = trial.dispense(subject, environment="test").json[0]
    assert third["kit"]["number"] == "K00002"
    # Replaced: invalid, and the lowest valid kit of its type given, linked.
    replacement = _correct(trial, third["uuid"], "replace", "Lost on the way home")
    assert replacement.status_code == 200, replacement.json
    assert replacement.json["kit"]["number"] == "K00003"
    assert replacement.json["replaces"] == third["uuid"]
    old: Any = trial.manager.get(f"{BASE}/dispensings/{third['uuid']}", headers=trial.headers)
    assert old.json["status"] == "replaced"
    assert _kit(trial, "K00002")["status"] == "invalid"
    twice = _correct(trial, third["uuid"], "invalidate", "again")
    assert twice.status_code == 409
    assert twice.json["error"]["internal_name"] == "DISPENSING_NOT_CURRENT"
    bad = _correct(trial, replacement.json["uuid"], "burn", "why not")
    assert bad.status_code == 422
    # The audit trail keeps each correction with its reason.
    trail: Any = trial.pharmacist.get(
        "/api/audit-trails/",
        query_string={"object_type": "allocation_dispensings", "limit": 100},
    )
    reasons = {r["reason"] for r in trail.json["records"] if r["action"] == "update"}
    assert {"Given to the wrong subject", "Blister torn", "Lost on the way home"} <= reasons


def test_returns_give_the_compliance_and_stop_corrections(trial: Trial):
    trial.configure()
    subject, arm = trial.randomized_subject(environment="test")
    trial.stock("dummy", arm, "PAR", range(1, 3))
    given = trial.dispense(subject, environment="test").json[0]
    url = f"{BASE}/dispensings/{given['uuid']}/returns"
    too_many: Any = trial.investigator.post(url, json={"quantity": "29"}, headers=trial.headers)
    assert too_many.status_code == 422
    assert too_many.json["error"]["internal_name"] == "RETURN_INVALID"
    negative: Any = trial.investigator.post(url, json={"quantity": "-1"}, headers=trial.headers)
    assert negative.status_code == 422
    not_allowed: Any = trial.monitor.post(url, json={"quantity": "7"}, headers=trial.headers)
    assert not_allowed.status_code == 403
    returned: Any = trial.investigator.post(url, json={"quantity": "7"}, headers=trial.headers)
    assert returned.status_code == 200, returned.json
    assert returned.json["returned_quantity"] == "7.000"
    assert returned.json["compliance"] == "75.00"
    assert _kit(trial, given["kit"]["number"])["status"] == "returned"
    again: Any = trial.investigator.post(url, json={"quantity": "1"}, headers=trial.headers)
    assert again.json["error"]["internal_name"] == "DISPENSING_NOT_CURRENT"
    late = _correct(trial, given["uuid"], "deallocate", "too late")
    assert late.json["error"]["internal_name"] == "DISPENSING_NOT_CURRENT"
