"""Safeguards at the edges: kit lists never filtered by treatment for blinded callers, a
kit's expiry blinded with its batch, a dispensing warning that tells blinded staff of
every arm at once, no second dispensing of a visit after its rule changes, a kit declared
lost on its way never revived by the receipt, and kit numbers no sequence column holds
refused as a row's problem."""

from __future__ import annotations

from typing import Any

from plugins.allocation.tests.supply_support import add_kits, kit_statuses
from plugins.allocation.tests.support import BASE, KIT_TYPES, Trial

SUPPLY = "/api/allocation/supply"


def test_kits_are_filtered_by_kit_type_or_batch_only_by_the_unblinded(trial: Trial):
    trial.configure()
    trial.stock("dummy", "ACTIVE", "PAR", range(1, 3))
    trial.stock("dummy", "PLACEBO", "PAR", range(11, 13))
    for name, value in (
        ("kit_type", trial.kit_types[KIT_TYPES["ACTIVE"]]),
        ("batch", trial.batches["ACTIVE"]),
    ):
        for blinded in (trial.investigator, trial.monitor, trial.manager):
            refused: Any = blinded.get(
                f"{BASE}/kits/", query_string={name: value}, headers=trial.headers
            )
            assert refused.status_code == 403, refused.json
            assert refused.json["error"]["internal_name"] == "KIT_FILTER_BLINDED"
            assert refused.json["error"]["details"]["filter"] == name
        allowed: Any = trial.pharmacist.get(
            f"{BASE}/kits/", query_string={name: value}, headers=trial.headers
        )
        assert [kit["number"] for kit in allowed.json] == ["K00001", "K00002"], allowed.json
    listed: Any = trial.investigator.get(f"{BASE}/kits/", headers=trial.headers)
    assert listed.status_code == 200 and len(listed.json) == 4
    assert {kit["expiry_date"] for kit in listed.json} == {None}  # the batch's date
    unblinded: Any = trial.pharmacist.get(f"{BASE}/kits/", headers=trial.headers)
    assert all(kit["expiry_date"] for kit in unblinded.json)


def test_the_dispensing_warning_tells_blinded_staff_of_every_arm(trial: Trial):
    trial.configure()
    subject, arm = trial.randomized_subject(environment="test")
    trial.stock("dummy", arm, "PAR", range(1, 3))  # only the subject's arm has kits

    def possible(client) -> bool:
        view: Any = client.get(
            f"{BASE}/subjects/{subject}/dispensing",
            query_string={"environment": "test"},
            headers=trial.headers,
        )
        assert view.status_code == 200, view.json
        (visit,) = [v for v in view.json["visits"] if v["section"] == trial.sections["Day 1"]]
        return visit["possible"]

    # Were the warning about this subject's arm alone, the subjects of one arm would show
    # ready and the others not.
    assert possible(trial.investigator) is False
    assert possible(trial.pharmacist) is True
    assert trial.dispense(subject, environment="test").status_code == 201


def test_a_visit_is_not_dispensed_again_after_its_rule_changes_kit_type(trial: Trial):
    rules = trial.configure()
    subject, arm = trial.randomized_subject(environment="test")
    other = next(code for other_arm, code in KIT_TYPES.items() if other_arm != arm)
    trial.stock("dummy", arm, "PAR", range(1, 3))
    trial.stock("dummy", "PLACEBO" if arm == "ACTIVE" else "ACTIVE", "PAR", range(11, 13))
    assert trial.dispense(subject, environment="test").status_code == 201
    changed: Any = trial.pharmacist.patch(
        f"{BASE}/configuration/{rules[arm]}",
        json={"kit_type": trial.kit_types[other], "reason_for_change": "New packaging"},
        headers=trial.headers,
    )
    assert changed.status_code == 200, changed.json
    again: Any = trial.dispense(subject, environment="test")
    assert again.status_code == 409, again.json
    assert again.json["error"]["internal_name"] == "VISIT_FULLY_DISPENSED"


def test_a_kit_declared_lost_on_its_way_stays_invalid_when_the_parcel_arrives(trial: Trial):
    depot: Any = trial.manager.post(
        f"{SUPPLY}/depots/", json={"code": "DEP-1", "name": "Depot"}, headers=trial.headers
    )
    kit_type, numbers = add_kits(trial, "ACTIVE", 2, depot=depot.json["uuid"])
    requested: Any = trial.manager.post(
        f"{SUPPLY}/shipments/",
        json={
            "center": trial.centers["PAR"],
            "inventory": "production",
            "lines": [{"kit_type": kit_type, "quantity": 2}],
        },
        headers=trial.headers,
    )
    shipment = requested.json["uuid"]
    shipped: Any = trial.pharmacist.post(
        f"{SUPPLY}/shipments/{shipment}/ship",
        json={"depot": depot.json["uuid"]},
        headers=trial.headers,
    )
    assert shipped.status_code == 200, shipped.json
    assert numbers[0] in [kit["number"] for kit in shipped.json["kits"]]
    found: Any = trial.pharmacist.get(
        f"{BASE}/kits/", query_string={"number": numbers[0]}, headers=trial.headers
    )
    (lost,) = found.json
    declared: Any = trial.manager.post(
        f"{BASE}/kits/{lost['uuid']}/invalidate",
        json={"reason_for_change": "Lost by the carrier"},
        headers=trial.headers,
    )
    assert declared.status_code == 200, declared.json
    received: Any = trial.investigator.post(
        f"{SUPPLY}/shipments/{shipment}/receive",
        json={"kits": [{"number": n, "condition": "received"} for n in numbers]},
        headers=trial.headers,
    )
    assert received.status_code == 200, received.json
    statuses = kit_statuses(trial, *numbers)
    assert statuses[numbers[0]][0] == "invalid"
    assert statuses[numbers[1]] == ("available", "PAR", None)


def test_sequences_no_kit_can_keep_are_a_rows_problem(trial: Trial):
    trial.configure()
    rows = [
        {
            "number": "K99999999999999999999999",
            "sequence": "",
            "kit_type": KIT_TYPES["ACTIVE"],
            "center": "PAR",
        },
        {"number": "K2", "sequence": "²", "kit_type": KIT_TYPES["ACTIVE"], "center": "PAR"},
        {"number": "K3", "sequence": "9" * 20, "kit_type": KIT_TYPES["ACTIVE"], "center": "PAR"},
    ]
    refused = trial.import_kits("dummy", rows)
    assert refused.status_code == 422, refused.json
    problems = refused.json["error"]["details"]["problems"]
    assert [(p["row"], p["column"]) for p in problems] == [
        (2, "sequence"),
        (3, "sequence"),
        (4, "sequence"),
    ]
    kits: Any = trial.pharmacist.get(f"{BASE}/kits/", headers=trial.headers)
    assert kits.json == []
