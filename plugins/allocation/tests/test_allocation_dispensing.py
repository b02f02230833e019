"""Dispensing through the API: the lowest valid kit of the arm's kit type at the subject's
center, never an expired one (nor within the expiry buffer), never of a quarantined or
recalled batch; at most the configured kits per visit; clear refusals, and a warning
before a center runs out."""

from __future__ import annotations

import datetime as dt
from typing import Any

from plugins.allocation.tests.support import BASE, KIT_TYPES, Trial
from plugins.product_database.api import BatchStatus

TODAY = dt.date.today()


def _ready(trial: Trial, kits: int = 1) -> None:
    """Both arms configured at Day 1, three production kits of each at each center, live."""
    trial.configure(kits=kits)
    for arm in ("ACTIVE", "PLACEBO"):
        for center, first in (("PAR", 1), ("LYO", 101)):
            base = first + (0 if arm == "ACTIVE" else 50)
            trial.stock("production", arm, center, range(base, base + 3))
    assert trial.go_live().status_code == 201


def _numbers(answer: Any) -> list[str]:
    assert answer.status_code == 201, answer.json
    return [dispensing["kit"]["number"] for dispensing in answer.json]


def _kit_status(trial: Trial, number: str, inventory: str = "production") -> str:
    found: Any = trial.manager.get(
        f"{BASE}/kits/",
        query_string={"number": number, "inventory": inventory},
        headers=trial.headers,
    )
    (kit,) = found.json
    return kit["status"]


def test_the_lowest_valid_kit_of_the_arm_is_given_once(trial: Trial):
    _ready(trial)
    subject, arm = trial.randomized_subject()
    answer = trial.dispense(subject)
    assert _numbers(answer) == ["K00001" if arm == "ACTIVE" else "K00051"]
    (dispensing,) = answer.json
    assert dispensing["kit_type"] is None  # the investigator is blinded
    assert dispensing["status"] == "dispensed" and dispensing["unit"] == "tablets"
    again = trial.dispense(subject)
    assert again.status_code == 409
    assert again.json["error"]["internal_name"] == "VISIT_FULLY_DISPENSED"
    shown: Any = trial.pharmacist.get(
        f"{BASE}/dispensings/{dispensing['uuid']}", headers=trial.headers
    )
    assert shown.json["kit_type"] == KIT_TYPES[arm]
    second, _ = trial.randomized_subject()
    assert len(_numbers(trial.dispense(second))) == 1
    assert _kit_status(trial, answer.json[0]["kit"]["number"]) == "dispensed"


def test_expired_buffered_quarantined_and_recalled_kits_are_skipped(trial: Trial):
    subject, arm = trial.randomized_subject(environment="test")
    trial.configure()
    quarantined = trial.batch(arm, "LOT-Q", BatchStatus.QUARANTINE)
    recalled = trial.batch(arm, "LOT-R", BatchStatus.RELEASED)
    del quarantined
    code = KIT_TYPES[arm]
    rows = [
        # Expired yesterday, then within the study's 30-day expiry buffer.
        {"number": "K001", "expiry_date": (TODAY - dt.timedelta(days=1)).isoformat()},
        {"number": "K002", "expiry_date": (TODAY + dt.timedelta(days=20)).isoformat()},
        {"number": "K003", "batch": "LOT-Q"},
        {"number": "K004", "batch": "LOT-R"},
        {"number": "K005", "expiry_date": (TODAY + dt.timedelta(days=45)).isoformat()},
        {"number": "K006"},
    ]
    lot = "LOT-PRD-A" if arm == "ACTIVE" else "LOT-PRD-B"
    filled = [
        {"kit_type": code, "center": "PAR", "batch": lot, "expiry_date": ""} | row for row in rows
    ]
    assert trial.import_kits("dummy", filled).status_code == 201
    # The batch is recalled after its kits reached the center: read when dispensing.
    trial.recall(recalled)
    # Only this arm has kits: the unblinded read says this subject's dispensing would
    # succeed (a blinded one hears of every arm's kits at once).
    view: Any = trial.pharmacist.get(
        f"{BASE}/subjects/{subject}/dispensing",
        query_string={"environment": "test"},
        headers=trial.headers,
    )
    assert view.status_code == 200
    (visit,) = view.json["visits"]
    assert visit | {"title": None} == {
        "section": trial.sections["Day 1"],
        "title": None,
        "kits_due": 1,
        "possible": True,
        "problem": None,
    }
    assert _numbers(trial.dispense(subject, environment="test")) == ["K005"]


def test_refusals_are_clear_and_a_warning_comes_first(trial: Trial, tenant, client_as, join_study):
    trial.configure()
    waiting = trial.subject()
    refused = trial.dispense(waiting)
    assert refused.json["error"]["internal_name"] == "PRODUCTION_NOT_LIVE"
    refused = trial.dispense(waiting, environment="test")
    assert refused.status_code == 409
    assert refused.json["error"]["internal_name"] == "SUBJECT_NOT_RANDOMIZED"
    subject, arm = trial.randomized_subject(environment="test")
    other = "PLACEBO" if arm == "ACTIVE" else "ACTIVE"
    trial.stock("dummy", arm, "PAR", range(1, 2))
    trial.stock("dummy", other, "PAR", range(2, 5))
    assert _numbers(trial.dispense(subject, environment="test")) == ["K00001"]
    # The next subject of that arm would find nothing: the view warns before.
    for _ in range(6):
        late, late_arm = trial.randomized_subject(environment="test")
        if late_arm == arm:
            break
    view: Any = trial.investigator.get(
        f"{BASE}/subjects/{late}/dispensing",
        query_string={"environment": "test"},
        headers=trial.headers,
    )
    assert view.json["visits"][0]["possible"] is False
    assert view.json["visits"][0]["problem"] == "NO_KITS_AVAILABLE"
    empty = trial.dispense(late, environment="test")
    assert empty.status_code == 409
    error = empty.json["error"]
    assert error["internal_name"] == "NO_KITS_AVAILABLE"
    assert error["details"]["center"] == "PAR"
    assert error["details"]["kit_type"] == "[blinded]"
    assert "PAR" in error["message"] and "KT-" not in error["message"]
    # An unblinded dispenser reads the kit type.
    role = client_as(tenant).post(
        "/api/roles/",
        json={
            "name": "unblinded_dispenser",
            "permissions": ["dispensing.access", "dispensing.dispense", "randomizations.view_arms"],
        },
    )
    assert role.status_code == 201, role.json
    dispenser = join_study(trial.headers, tenant, "unblinded_dispenser")
    unblinded: Any = dispenser.post(
        f"{BASE}/subjects/{late}/dispensings",
        json={"section": trial.sections["Day 1"], "environment": "test"},
        headers=trial.headers,
    )
    assert unblinded.json["error"]["details"]["kit_type"] == KIT_TYPES[arm]
    assert KIT_TYPES[arm] in unblinded.json["error"]["message"]


def test_the_configured_number_of_kits_is_given_and_no_more(trial: Trial):
    _ready(trial, kits=2)
    subject, arm = trial.randomized_subject()
    expected = ["K00001", "K00002"] if arm == "ACTIVE" else ["K00051", "K00052"]
    assert _numbers(trial.dispense(subject)) == expected
    assert trial.dispense(subject).json["error"]["internal_name"] == "VISIT_FULLY_DISPENSED"
    nothing = trial.dispense(subject, section="Day 28")
    assert nothing.json["error"]["internal_name"] == "NO_ALLOCATION_RULE"


def test_only_site_members_of_the_subjects_center_dispense(trial: Trial):
    _ready(trial)
    subject, _ = trial.randomized_subject()
    elsewhere: Any = trial.lyon_investigator.post(
        f"{BASE}/subjects/{subject}/dispensings",
        json={"section": trial.sections["Day 1"]},
        headers=trial.headers,
    )
    assert elsewhere.status_code == 404
    for client in (trial.monitor, trial.manager):
        forbidden: Any = client.post(
            f"{BASE}/subjects/{subject}/dispensings",
            json={"section": trial.sections["Day 1"]},
            headers=trial.headers,
        )
        assert forbidden.status_code == 403
    bad: Any = trial.investigator.post(
        f"{BASE}/subjects/{subject}/dispensings",
        json={"section": trial.study, "environment": "moon"},
        headers=trial.headers,
    )
    assert bad.status_code == 422
    unknown: Any = trial.investigator.post(
        f"{BASE}/subjects/{subject}/dispensings",
        json={"section": trial.study},
        headers=trial.headers,
    )
    assert unknown.json["error"]["internal_name"] == "ALLOCATION_RULE_INVALID"
    view: Any = trial.investigator.get(
        f"{BASE}/subjects/{subject}/dispensing", headers=trial.headers
    )
    assert view.json["dispensings"] == []
