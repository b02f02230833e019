"""Permuted blocks: designs and their checks, lists generated from a stored seed and
regenerated on demand, strata read from the eCRF, slots left and the exhausted list."""

from __future__ import annotations

from collections import Counter
from typing import Any

import sqlalchemy as sa

from datacapt.testing import unit_of_work
from datacapt.toolkit import db, tenant_context
from plugins.randomizations.api import Assignment
from plugins.randomizations.tests.support import (
    AGE,
    BASE,
    DESIGNS,
    SMOKER,
    Trial,
    blocks,
    mail_bodies,
)


def test_a_block_design_goes_live_and_randomizes_included_subjects(trial: Trial):
    design = trial.live_design(blocks())
    subject = trial.subject("PAR", {"sex": "F", "smoker": False, "age": 40})
    randomized: Any = trial.randomize(subject, design)
    assert randomized.status_code == 201, randomized.json
    body = randomized.json
    assert body["number"] == "S01-0001"
    assert body["levels"] == {"center": "PAR", "sex": "F"}
    assert body["version"] == 1 and body["environment"] == "production"
    # The investigator is blinded: the number, never the arm.
    assert body["arm"] is None and body["arm_name"] is None
    seen: Any = trial.statistician.get(f"{BASE}/assignments/{body['uuid']}", headers=trial.headers)
    assert seen.json["arm"] in ("ZORBLAX", "QUIMBLE")
    assert seen.json["arm_name"] in ("Zorblax 10 mg", "Quimble placebo")


def _arms(trial: Trial, design: str, environment: str = "production") -> list[dict[str, Any]]:
    """The environment's slots as the unblinded statistician reads them."""
    listed: Any = trial.statistician.get(
        f"{DESIGNS}{design}/slots",
        query_string={"environment": environment, "page_size": 100},
        headers=trial.headers,
    )
    assert listed.status_code == 200, listed.json
    return listed.json


def test_each_stratum_fills_balanced_blocks_and_the_list_regenerates_from_its_seed(trial: Trial):
    design = trial.live_design(blocks())
    for sex in ("F", "F", "F", "F", "F", "M", "M", "M"):
        subject = trial.subject("PAR", {"sex": sex, "smoker": False, "age": 50})
        assert trial.randomize(subject, design).status_code == 201
    slots = _arms(trial, design)
    assert {slot["stratum"] for slot in slots} == {"center=PAR;sex=F", "center=PAR;sex=M"}
    for stratum in ("center=PAR;sex=F", "center=PAR;sex=M"):
        mine = [slot for slot in slots if slot["stratum"] == stratum]
        assert [slot["position"] for slot in mine] == list(range(1, len(mine) + 1))
        for index in {slot["block"] for slot in mine}:
            block = [slot for slot in mine if slot["block"] == index]
            assert len(block) == block[0]["block_size"] in (2, 4)
            assert Counter(slot["arm"] for slot in block) == {
                "ZORBLAX": len(block) // 2,
                "QUIMBLE": len(block) // 2,
            }
    assert sum(slot["taken"] for slot in slots) == 8
    check = trial.verification(design)
    assert check["consistent"] is True
    (checked,) = check["lists"]
    assert checked["slots_checked"] == len(slots) and checked["assignments_checked"] == 8
    assert len(checked["seed"]) == 64 and checked["algorithm"] == "hmac-sha256-v1"


def test_a_tampered_slot_is_found_by_the_verification(trial: Trial, app, tenant):
    design = trial.live_design(blocks(factors=[]))
    subject = trial.subject()
    assert trial.randomize(subject, design).status_code == 201
    with app.app_context(), tenant_context(tenant), unit_of_work():
        assignment = db.session.execute(sa.select(Assignment)).scalar_one()
        assignment.arm = "QUIMBLE" if assignment.arm == "ZORBLAX" else "ZORBLAX"
    check = trial.verification(design)
    assert check["consistent"] is False
    (mismatch,) = check["lists"][0]["mismatches"]
    assert mismatch["number"] == "S01-0001" and mismatch["arm"] != mismatch["slot_arm"]


def test_the_seed_is_in_the_audit_trail_for_unblinded_readers_only(trial: Trial, client_as, tenant):
    trial.live_design(blocks())

    def seeds(client) -> list[Any]:
        listed: Any = client.get(
            "/api/audit-trails/",
            query_string={"object_type": "randomization_lists", "limit": 50},
        )
        assert listed.status_code == 200, listed.json
        return [record["changes"]["seed"][1] for record in listed.json["records"]]

    # One list per environment: the test one at approval, production at going live.
    assert [len(seed) for seed in seeds(trial.statistician)] == [64, 64]
    assert seeds(trial.monitor) == ["[redacted]", "[redacted]"]


def test_strata_come_from_the_eCRF_and_missing_answers_are_named(trial: Trial):
    design = trial.live_design(
        blocks(factors=[{"code": "center", "source": "center"}, SMOKER, AGE])
    )
    unanswered = trial.subject("PAR", {"sex": "F"})
    refused: Any = trial.randomize(unanswered, design)
    assert refused.status_code == 422, refused.json
    assert refused.json["error"]["internal_name"] == "STRATA_ANSWERS_MISSING"
    assert refused.json["error"]["details"]["questions"] == ["smoker", "age"]
    subject = trial.subject("PAR", {"sex": "M", "smoker": True, "age": 70})
    randomized: Any = trial.randomize(subject, design)
    assert randomized.json["levels"] == {"center": "PAR", "smoker": "yes", "age": "over65"}


def test_an_answer_outside_every_level_is_refused(trial: Trial):
    narrow = {**AGE, "ranges": [{"code": "adult", "min": 18, "max": 60}]}
    design = trial.live_design(blocks(factors=[narrow]))
    subject = trial.subject("PAR", {"sex": "F", "smoker": False, "age": 75})
    refused: Any = trial.randomize(subject, design)
    assert refused.status_code == 409, refused.json
    assert refused.json["error"]["internal_name"] == "STRATUM_LEVEL_UNKNOWN"
    assert refused.json["error"]["details"] == {"factor": "age", "question": "age"}


def test_only_an_included_subject_is_randomized_and_only_once(trial: Trial):
    design = trial.live_design(blocks())
    screening = trial.subject(include=False)
    refused: Any = trial.randomize(screening, design)
    assert refused.status_code == 409
    assert refused.json["error"]["internal_name"] == "SUBJECT_NOT_INCLUDED"
    subject = trial.subject()
    first: Any = trial.randomize(subject, design)
    again: Any = trial.randomize(subject, design)
    assert again.status_code == 409
    assert again.json["error"]["internal_name"] == "SUBJECT_ALREADY_RANDOMIZED"
    assert again.json["error"]["details"]["number"] == first.json["number"]


def test_slots_left_show_per_stratum_with_their_warning_and_an_exhausted_list_is_409(
    trial: Trial, app, tenant
):
    design = trial.live_design(blocks(factors=[], capacity=5, warning_threshold=2))
    before: Any = trial.strata(design)
    assert before.json == [
        {
            "key": "",
            "levels": {},
            "number": None,
            "capacity": 5,
            "used": 0,
            "remaining": 5,
            "warning": False,
            "per_arm": None,  # the study manager is blinded
        }
    ]
    for _ in range(3):
        assert trial.randomize(trial.subject(), design).status_code == 201
    (stratum,) = trial.strata(design).json
    assert (stratum["used"], stratum["remaining"], stratum["warning"]) == (3, 2, True)
    (unblinded,) = trial.strata(design, trial.statistician).json
    assert sum(unblinded["per_arm"].values()) == 3
    for _ in range(2):
        assert trial.randomize(trial.subject(), design).status_code == 201
    exhausted: Any = trial.randomize(trial.subject(), design)
    assert exhausted.status_code == 409, exhausted.json
    assert exhausted.json["error"]["internal_name"] == "RANDOMIZATION_LIST_EXHAUSTED"
    assert exhausted.json["error"]["details"]["used"] == 5
    (stratum,) = trial.strata(design).json
    assert stratum["remaining"] == 0
    # The study manager was told at the threshold and when the list ran out.
    texts = mail_bodies(app, tenant, trial.manager.user.email)
    assert [text for text in texts if "slots left" in text] == [
        "The list of MAIN has 2 slots left in stratum -.",
        "The list of MAIN has 0 slots left in stratum -.",
    ]


def test_a_center_restricted_investigator_sees_the_strata_of_their_center(trial: Trial):
    design = trial.live_design(blocks())
    keys = [s["key"] for s in trial.strata(design, trial.lyon_investigator).json]
    assert keys == ["center=LYO;sex=F", "center=LYO;sex=M"]
    assert len(trial.strata(design).json) == 4
