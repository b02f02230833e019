"""Stock levels, the resupply they trigger (at once, on a dispensing, by the periodic
check) and the warning of a center running low, through the supply API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from datacapt.testing import delivered_body, emails_to
from datacapt.toolkit import db, tenant_context
from plugins.allocation.tests.supply_support import add_kits, check_supply, dispense
from plugins.allocation.tests.support import UNBLINDED_TEXTS, Trial

SUPPLY = "/api/allocation/supply"


def _level(trial: Trial, kit_type: str, minimum: int, target: int, center: str = "PAR") -> dict:
    return {
        "center": trial.centers[center],
        "kit_type": kit_type,
        "minimum": minimum,
        "target": target,
    }


def _put_levels(trial: Trial, *levels: dict, client=None) -> Any:
    return (client or trial.manager).put(
        f"{SUPPLY}/levels/", json={"levels": list(levels)}, headers=trial.headers
    )


def _shipments(trial: Trial, **filters: str) -> list[dict]:
    read: Any = trial.pharmacist.get(
        f"{SUPPLY}/shipments/", query_string=filters, headers=trial.headers
    )
    assert read.status_code == 200, read.json
    return read.json


def _stock(trial: Trial, client=None) -> dict[str, dict]:
    read: Any = (client or trial.pharmacist).get(f"{SUPPLY}/stock", headers=trial.headers)
    assert read.status_code == 200, read.json
    return {center["center_code"]: center for center in read.json}


def _warnings_to(trial: Trial, client) -> list[str]:
    """The texts of the low-stock emails ``client``'s user got."""
    with trial.app.app_context(), tenant_context(trial.tenant):
        found = [
            f"{email.subject}\n{delivered_body(email)}"
            for email in emails_to(client.user.email)
            if email.template == "allocation.stock_low"
        ]
        db.session.rollback()
        return found


def _warned(trial: Trial, client) -> int:
    return len(_warnings_to(trial, client))


def test_levels_are_validated_and_nothing_is_written_on_bad_input(trial):
    kit_type, _ = add_kits(trial, "ACTIVE", 3, center="PAR")
    good = _level(trial, kit_type, 2, 4)
    for level, field, code in (
        ({**good, "target": 1}, "levels", 1022),  # below the minimum
        ({**good, "minimum": -1}, "levels", 1022),
        ({**good, "target": 0, "minimum": 0}, "levels", 1022),
        ({**good, "inventory": "staging"}, "levels", 1022),
        ({**good, "kit_type": trial.products["ACTIVE"]}, "levels", 7200),
        ({**good, "center": trial.study}, "levels", 5014),
    ):
        refused: Any = _put_levels(trial, good, level)
        assert refused.status_code == 422, (level, refused.json)
        assert refused.json["error"]["internal_code"] == code, refused.json
        assert field in refused.json["error"]["fields"], refused.json
    twice: Any = _put_levels(trial, good, good)
    assert twice.status_code == 422 and twice.json["error"]["fields"]["levels"], twice.json
    empty: Any = trial.manager.put(f"{SUPPLY}/levels/", json={"levels": []}, headers=trial.headers)
    assert empty.status_code == 422, empty.json
    unknown: Any = trial.manager.put(
        f"{SUPPLY}/levels/", json={"levels": [{**good, "maximum": 9}]}, headers=trial.headers
    )
    assert unknown.status_code == 422, unknown.json
    listed: Any = trial.manager.get(f"{SUPPLY}/levels/", headers=trial.headers)
    assert listed.status_code == 200 and listed.json == [], listed.json
    assert _shipments(trial) == []

    for member in (trial.investigator, trial.monitor):
        assert _put_levels(trial, good, client=member).status_code == 403
    saved: Any = _put_levels(trial, good)
    assert saved.status_code == 200, saved.json
    (level,) = saved.json
    assert (level["minimum"], level["target"], level["inventory"]) == (2, 4, "production")
    assert level["kit_type"]["code"] == "KT-1" and level["center_code"] == "PAR"
    changed: Any = _put_levels(trial, {**good, "minimum": 1, "target": 5})
    assert changed.json[0]["uuid"] == level["uuid"] and changed.json[0]["target"] == 5
    # 3 usable kits, a minimum of 1: nothing to ask for.
    assert _shipments(trial) == []
    assert _stock(trial)["PAR"]["state"] == "ok"

    lyon: Any = trial.lyon_investigator.get(f"{SUPPLY}/levels/", headers=trial.headers)
    assert lyon.status_code == 200 and lyon.json == [], lyon.json
    gone: Any = trial.manager.delete(f"{SUPPLY}/levels/{level['uuid']}", headers=trial.headers)
    assert gone.status_code == 204
    again: Any = trial.manager.get(f"{SUPPLY}/levels/{level['uuid']}", headers=trial.headers)
    assert again.status_code == 404


def test_a_center_below_its_minimum_is_resupplied_once_and_warned_once(trial):
    active, kits = add_kits(trial, "ACTIVE", 3, center="PAR")
    placebo, _ = add_kits(trial, "PLACEBO", 4, center="PAR")
    saved: Any = _put_levels(trial, _level(trial, active, 2, 4), _level(trial, placebo, 2, 4))
    assert saved.status_code == 200, saved.json
    assert _shipments(trial) == []

    dispense(trial, kits[0])  # 2 left: at the minimum
    assert _shipments(trial) == []
    dispense(trial, kits[1])  # 1 left: below
    (shipment,) = _shipments(trial)
    assert (shipment["status"], shipment["trigger"], shipment["center_code"]) == (
        "requested",
        "resupply",
        "PAR",
    )
    # Up to the target, the kit type below its minimum only (the other is at its target).
    assert [(line["kit_type"]["code"], line["quantity"]) for line in shipment["lines"]] == [
        ("KT-1", 3)
    ]
    stock = _stock(trial)["PAR"]
    assert (stock["state"], stock["usable"], stock["requested"]) == ("low", 5, 3)
    assert {row["kit_type"]["code"]: row["state"] for row in stock["kit_types"]} == {
        "KT-1": "low",
        "KT-2": "ok",
    }
    # The study's supply people are told once, at this center only.
    assert _warned(trial, trial.manager) == 1
    assert _warned(trial, trial.pharmacist) == 1
    assert _warned(trial, trial.investigator) == 0
    (email,) = _warnings_to(trial, trial.manager)
    assert "PAR" in email and "5 usable kits" in email, email
    assert "KT-" not in email and not [t for t in UNBLINDED_TEXTS if t in email], email

    dispense(trial, kits[2])  # none left, but the 3 asked for cover the minimum
    (shipment,) = _shipments(trial)
    assert shipment["quantity"] == 3
    assert _stock(trial)["PAR"]["state"] == "out"
    # A minimum raised above what is coming tops the waiting request up, never doubles it.
    assert _put_levels(trial, _level(trial, active, 4, 6)).status_code == 200
    (shipment,) = _shipments(trial)
    assert shipment["quantity"] == 6
    check_supply(trial)
    assert len(_shipments(trial)) == 1
    assert _warned(trial, trial.manager) == 1
    warnings: Any = trial.monitor.get(
        f"{SUPPLY}/warnings/", query_string={"open": "true"}, headers=trial.headers
    )
    assert warnings.status_code == 200, warnings.json
    (warning,) = warnings.json
    assert (warning["center_code"], warning["state"], warning["notified"]) == ("PAR", "low", 2)

    manual: Any = trial.manager.post(
        f"{SUPPLY}/shipments/",
        json={"center": trial.centers["PAR"], "lines": [{"kit_type": placebo, "quantity": 2}]},
        headers=trial.headers,
    )
    assert manual.status_code == 409, manual.json
    assert manual.json["error"]["internal_code"] == 7202
    assert manual.json["error"]["details"]["shipment"] == shipment["uuid"]


def test_the_periodic_check_asks_for_kits_that_expire_into_unusable(trial):
    # Usable beyond the study's 30-day expiry buffer today, within it in six days.
    kit_type, _ = add_kits(trial, "ACTIVE", 3, center="LYO", expires_in=35)
    add_kits(trial, "ACTIVE", 1, center="LYO", expires_in=400)
    assert _put_levels(trial, _level(trial, kit_type, 2, 3, "LYO")).status_code == 200
    check_supply(trial)
    assert _shipments(trial) == []
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=6)
    check_supply(trial, at=later)
    (shipment,) = _shipments(trial)
    assert (shipment["center_code"], shipment["quantity"]) == ("LYO", 2)  # 1 usable, target 3
    check_supply(trial, at=later)
    assert len(_shipments(trial)) == 1
    # The other inventory is supplied apart: its stock does not count here.
    dummy: Any = trial.pharmacist.get(
        f"{SUPPLY}/stock", query_string={"inventory": "dummy"}, headers=trial.headers
    )
    assert {center["center_code"]: center["usable"] for center in dummy.json} == {
        "LYO": 0,
        "PAR": 0,
    }
