"""Dispensing, recalls and supply together: a kit given through the dispensing API, or a
batch recalled through the product database's, takes the center below its minimum, and
the resupply request is raised in the same transaction, showing its kit types to the
unblinded pharmacist only."""

from __future__ import annotations

from typing import Any

from plugins.allocation.tests.support import KIT_TYPES, Trial

SUPPLY = "/api/allocation/supply"


def _shipments(client, trial: Trial) -> list[dict]:
    read: Any = client.get(f"{SUPPLY}/shipments/", headers=trial.headers)
    assert read.status_code == 200, read.json
    return read.json


def test_a_dispensing_below_the_minimum_raises_one_resupply_request(trial: Trial):
    trial.configure()
    trial.stock("production", "ACTIVE", "PAR", range(1, 4))
    trial.stock("production", "PLACEBO", "PAR", range(11, 14))
    trial.stock("production", "ACTIVE", "LYO", range(21, 22))
    trial.stock("production", "PLACEBO", "LYO", range(31, 32))
    assert trial.go_live().status_code == 201
    levels = [
        {
            "center": trial.centers["PAR"],
            "kit_type": trial.kit_types[code],
            "minimum": 3,
            "target": 5,
        }
        for code in KIT_TYPES.values()
    ]
    saved: Any = trial.manager.put(
        f"{SUPPLY}/levels/", json={"levels": levels}, headers=trial.headers
    )
    assert saved.status_code == 200, saved.json
    assert _shipments(trial.pharmacist, trial) == []  # three usable kits each: at the minimum

    subject, arm = trial.randomized_subject()
    given = trial.dispense(subject)
    assert given.status_code == 201, given.json

    (shipment,) = _shipments(trial.pharmacist, trial)
    assert (shipment["status"], shipment["trigger"], shipment["center_code"]) == (
        "requested",
        "resupply",
        "PAR",
    )
    # Every kit type below its target is brought up to it: the arm's 2 kits left, the
    # other's 3.
    other_type = next(code for other, code in KIT_TYPES.items() if other != arm)
    lines = {line["kit_type"]["code"]: line["quantity"] for line in shipment["lines"]}
    assert lines == {KIT_TYPES[arm]: 3, other_type: 2}, lines
    (seen,) = _shipments(trial.investigator, trial)
    assert seen["uuid"] == shipment["uuid"] and seen["lines"] is None, seen

    # A second subject's kit never doubles the request: what is asked for counts as coming,
    # so the center is not below its minimum again.
    second, _ = trial.randomized_subject()
    assert trial.dispense(second).status_code == 201
    (waiting,) = _shipments(trial.pharmacist, trial)
    assert waiting["uuid"] == shipment["uuid"]
    assert {line["kit_type"]["code"]: line["quantity"] for line in waiting["lines"]} == lines


def test_a_recalled_batch_raises_a_resupply_request_at_once(trial: Trial):
    """Kits of a recalled batch no longer count: the centers holding them are checked in
    the recall's transaction, not at the next hourly check."""
    trial.configure()
    trial.stock("production", "ACTIVE", "PAR", range(1, 4))
    trial.stock("production", "PLACEBO", "PAR", range(11, 14))
    levels = [
        {
            "center": trial.centers["PAR"],
            "kit_type": trial.kit_types[code],
            "minimum": 2,
            "target": 4,
        }
        for code in KIT_TYPES.values()
    ]
    saved: Any = trial.manager.put(
        f"{SUPPLY}/levels/", json={"levels": levels}, headers=trial.headers
    )
    assert saved.status_code == 200, saved.json
    assert _shipments(trial.pharmacist, trial) == []

    trial.recall(trial.batches["ACTIVE"])
    (shipment,) = _shipments(trial.pharmacist, trial)
    assert (shipment["status"], shipment["trigger"], shipment["center_code"]) == (
        "requested",
        "resupply",
        "PAR",
    )
    lines = {line["kit_type"]["code"]: line["quantity"] for line in shipment["lines"]}
    assert lines == {KIT_TYPES["ACTIVE"]: 4, KIT_TYPES["PLACEBO"]: 1}, lines
