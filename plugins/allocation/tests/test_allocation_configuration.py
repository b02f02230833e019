"""The allocation configuration and going live: arm and visit -> kit type, checked against
the randomization design (refused before there is one); the production inventory put in
use only when every arm has its kits at every center, the dummy one kept."""

from __future__ import annotations

from typing import Any

from plugins.allocation.tests.support import BASE, KIT_TYPES, Trial


def _rule(trial: Trial, **changes: Any) -> Any:
    body = {
        "design": trial.design,
        "arm": "ACTIVE",
        "section": trial.sections["Day 1"],
        "kit_type": trial.kit_types["KT-A"],
        "kits": 1,
    } | changes
    return trial.pharmacist.post(f"{BASE}/configuration/", json=body, headers=trial.headers)


def test_the_configuration_is_checked_against_the_randomization(trial: Trial, make_study):
    trial.kit_types["KT-A"] = trial.kit_type("ACTIVE")
    # A study without a randomization design is told to set it up first.
    bare = make_study(trial.manager, "NTE", reference="BARE-1")
    early: Any = trial.manager.post(
        f"{BASE}/configuration/",
        json={
            "design": trial.design,
            "arm": "ACTIVE",
            "section": trial.sections["Day 1"],
            "kit_type": trial.kit_types["KT-A"],
        },
        headers=bare.headers,
    )
    assert early.status_code == 409
    assert early.json["error"]["internal_name"] == "NO_RANDOMIZATION_DESIGN"
    assert "randomization" in early.json["error"]["message"]
    for changes, field in (
        ({"arm": "SURGERY"}, "arm"),
        ({"section": trial.study}, "section"),
        ({"kit_type": trial.study}, "kit_type"),
        ({"design": trial.study}, "design"),
    ):
        refused = _rule(trial, **changes)
        assert refused.status_code == 422, (changes, refused.json)
        assert refused.json["error"]["internal_name"] == "ALLOCATION_RULE_INVALID"
        assert field in refused.json["error"]["fields"]
    assert _rule(trial, kits=0).status_code == 422
    # The study manager is blinded: a rule would tell them every kit's arm.
    blinded_manager: Any = trial.manager.post(
        f"{BASE}/configuration/",
        json={
            "design": trial.design,
            "arm": "ACTIVE",
            "section": trial.sections["Day 1"],
            "kit_type": trial.kit_types["KT-A"],
        },
        headers=trial.headers,
    )
    assert blinded_manager.status_code == 403, blinded_manager.json
    assert blinded_manager.json["error"]["internal_name"] == "CONFIGURATION_BLINDED"
    made = _rule(trial)
    assert made.status_code == 201, made.json
    assert (made.json["arm"], made.json["kit_type"]) == ("ACTIVE", "KT-A")
    assert _rule(trial).status_code == 409
    assert (
        trial.investigator.post(
            f"{BASE}/configuration/", json={}, headers=trial.headers
        ).status_code
        == 403
    )
    url = f"{BASE}/configuration/{made.json['uuid']}"
    unseen: Any = trial.manager.patch(
        url, json={"kits": 2, "reason_for_change": "Two blisters a visit"}, headers=trial.headers
    )
    assert unseen.json["error"]["internal_name"] == "CONFIGURATION_BLINDED", unseen.json
    without: Any = trial.pharmacist.patch(url, json={"kits": 2}, headers=trial.headers)
    assert without.json["error"]["internal_name"] == "REASON_FOR_CHANGE_REQUIRED"
    changed: Any = trial.pharmacist.patch(
        url, json={"kits": 2, "reason_for_change": "Two blisters a visit"}, headers=trial.headers
    )
    assert changed.status_code == 200, changed.json
    assert changed.json["kits"] == 2
    read: Any = trial.pharmacist.get(f"{BASE}/configuration/", headers=trial.headers)
    assert [(r["arm"], r["kit_type"], r["kits"]) for r in read.json] == [("ACTIVE", "KT-A", 2)]
    blinded: Any = trial.monitor.get(url, headers=trial.headers)
    assert blinded.json["arm"] is None and blinded.json["section"] == trial.sections["Day 1"]


def test_going_live_needs_every_arms_kits_and_keeps_the_dummy_inventory(trial: Trial):
    trial.configure()
    trial.stock("dummy", "ACTIVE", "PAR", range(1, 3))
    trial.stock("dummy", "PLACEBO", "PAR", range(51, 53))
    trial.stock("production", "ACTIVE", "PAR", range(1, 3))
    trial.stock("production", "ACTIVE", "LYO", range(3, 5))
    trial.stock("production", "PLACEBO", "PAR", range(51, 53))
    refused = trial.go_live()
    assert refused.status_code == 409
    error = refused.json["error"]
    assert error["internal_name"] == "GO_LIVE_REFUSED"
    (missing,) = error["details"]["missing"]
    assert missing == {
        "problem": "no_kits",
        "design": "MAIN",
        "arm": "[blinded]",
        "visit": trial.sections["Day 1"],
        "center": "LYO",
        "kit_type": "[blinded]",
        "needed": 1,
        "available": "[blinded]",
    }
    check: Any = trial.pharmacist.get(f"{BASE}/inventories/production/check", headers=trial.headers)
    assert check.json["ready"] is False and check.json["stocked"] == 3
    assert check.json["missing"][0]["arm"] == "PLACEBO"
    assert check.json["missing"][0]["kit_type"] == KIT_TYPES["PLACEBO"]
    assert (
        trial.investigator.post(
            f"{BASE}/inventories/production/go-live", headers=trial.headers
        ).status_code
        == 403
    )
    trial.stock("production", "PLACEBO", "LYO", range(53, 54))
    started = trial.go_live()
    assert started.status_code == 201, started.json
    assert started.json["checked"] == 4
    assert trial.go_live().json["error"]["internal_name"] == "GO_LIVE_REFUSED"
    inventories: Any = trial.manager.get(f"{BASE}/inventories/", headers=trial.headers)
    assert [(i["inventory"], i["in_use"], i["kits"]) for i in inventories.json.values()] == [
        ("dummy", True, {"available": 4}),
        ("production", True, {"available": 7}),
    ]
    # Both environments dispense from their own inventory.
    subject, _ = trial.randomized_subject()
    trial.randomize(subject, environment="test")
    production = trial.dispense(subject)
    assert production.status_code == 201, production.json
    assert production.json[0]["inventory"] == "production"
    test = trial.dispense(subject, environment="test")
    assert test.status_code == 201, test.json
    assert test.json[0]["inventory"] == "dummy"


def test_an_arm_without_a_kit_type_is_named_by_the_check(trial: Trial):
    trial.kit_types["KT-A"] = trial.kit_type("ACTIVE")
    assert _rule(trial).status_code == 201
    trial.stock("production", "ACTIVE", "PAR", range(1, 2))
    trial.stock("production", "ACTIVE", "LYO", range(2, 3))
    refused = trial.go_live()
    assert refused.json["error"]["details"]["missing"] == [
        {"problem": "no_kit_type", "design": "MAIN", "arm": "[blinded]"}
    ]
