"""Versions and environments: a draft changes freely (If-Match), a live design only by a
new version with a reason; assignments keep their version; the test environment is apart
from production and never takes its slots."""

from __future__ import annotations

from typing import Any

import pytest

from plugins.randomizations.tests.support import AGE, CENTER, DESIGNS, SEX, Trial, blocks


def _save(trial: Trial, design: str, number: int, config: dict[str, Any]) -> Any:
    url = trial.version_url(design, number)
    etag = trial.manager.get(url, headers=trial.headers).headers["ETag"]
    return trial.manager.put(
        url, json={"config": config}, headers={**trial.headers, "If-Match": etag}
    )


def test_a_design_is_checked_against_its_method_and_the_eCRF(trial: Trial):
    refused: Any = trial.create(
        {
            "arms": [{"code": "A", "name": "A"}, {"code": "A", "name": "B"}],
            "factors": [
                {"code": "weight", "source": "question", "question": "nothing"},
                {"code": "sex", "source": "question", "question": "sex", "ranges": [{"code": "x"}]},
                {"code": "age", "source": "question", "question": "age"},
            ],
            "block_sizes": [3],
            "minimization": {"distance": "range", "probability": 0.8},
        }
    )
    assert refused.status_code == 422, refused.json
    assert refused.json["error"]["internal_name"] == "RANDOMIZATION_DESIGN_INVALID"
    fields = sorted(p["field"] for p in refused.json["error"]["details"]["problems"])
    assert fields == [
        "arms",
        "block_sizes",
        "capacity",
        "factors.0.question",
        "factors.1.ranges",
        "factors.2.ranges",
        "minimization",
    ]
    overlapping = {**AGE, "ranges": [{"code": "a", "max": 70}, {"code": "b", "min": 60}]}
    assert trial.create(blocks(factors=[overlapping])).status_code == 422
    listed: Any = trial.manager.get(DESIGNS, headers=trial.headers)
    assert listed.json == []  # nothing written


def test_a_draft_is_saved_whole_with_if_match_and_a_live_one_never(trial: Trial):
    created: Any = trial.create(blocks())
    design = created.json["uuid"]
    url = trial.version_url(design)
    read: Any = trial.manager.get(url, headers=trial.headers)
    assert read.json["config"]["factors"][1]["levels"] == ["F", "M"]  # stored from the eCRF
    stale = read.headers["ETag"]
    assert _save(trial, design, 1, blocks(capacity=30)).status_code == 200
    late: Any = trial.manager.put(
        url, json={"config": blocks()}, headers={**trial.headers, "If-Match": stale}
    )
    assert late.status_code == 412
    assert (
        trial.manager.put(url, json={"config": blocks()}, headers=trial.headers).status_code == 428
    )
    # Approval needs a simulation of the version as it is now.
    not_ready: Any = trial.approve(design)
    assert not_ready.status_code == 409
    assert not_ready.json["error"]["details"]["missing"] == ["simulation"]
    assert trial.simulate(design).status_code == 201
    wrong: Any = trial.approve(design, password="not the password at all")
    assert wrong.status_code == 422 and wrong.json["error"]["internal_name"] == "WRONG_PASSWORD"
    assert trial.approve(design).json["status"] == "approved"
    frozen: Any = _save(trial, design, 1, blocks(capacity=40))
    assert frozen.status_code == 409
    assert frozen.json["error"]["internal_name"] == "DESIGN_VERSION_NOT_DRAFT"


@pytest.mark.requirement("A11-10")
def test_a_live_design_changes_by_a_new_version_and_assignments_keep_theirs(trial: Trial):
    design = trial.live_design(blocks())
    first: Any = trial.randomize(trial.subject(), design)
    assert first.json["version"] == 1
    versions = f"{DESIGNS}{design}/versions/"
    no_reason: Any = trial.manager.post(versions, headers=trial.headers)
    assert no_reason.status_code == 422
    assert no_reason.json["error"]["internal_name"] == "REASON_FOR_CHANGE_REQUIRED"
    reason = {**trial.headers, "Reason-For-Change": "Stratify by age too"}
    draft: Any = trial.manager.post(versions, headers=reason)
    assert draft.status_code == 201, draft.json
    assert (draft.json["number"], draft.json["status"], draft.json["reason"]) == (
        2,
        "draft",
        "Stratify by age too",
    )
    second_draft: Any = trial.manager.post(versions, headers=reason)
    assert second_draft.json["error"]["internal_name"] == "DRAFT_VERSION_EXISTS"
    # New levels and a bigger list; the same arms and blocks keep the same list.
    assert (
        _save(trial, design, 2, blocks(factors=[CENTER, SEX, AGE], capacity=40)).status_code == 200
    )
    # Production still randomizes with version 1 until version 2 goes live.
    assert trial.randomize(trial.subject(), design).json["version"] == 1
    trial.release(design, 2)
    shown: Any = trial.manager.get(f"{DESIGNS}{design}", headers=trial.headers)
    assert [(v["number"], v["status"]) for v in shown.json["versions"]] == [
        (1, "retired"),
        (2, "live"),
    ]
    later: Any = trial.randomize(
        trial.subject("PAR", {"sex": "F", "smoker": True, "age": 30}), design
    )
    assert later.json["version"] == 2
    assert later.json["levels"] == {"center": "PAR", "sex": "F", "age": "under65"}
    kept: Any = trial.manager.get(
        f"/api/randomizations/assignments/{first.json['uuid']}", headers=trial.headers
    )
    assert kept.json["version"] == 1


def test_new_block_sizes_start_a_new_list_with_a_new_seed(trial: Trial):
    design = trial.live_design(blocks(factors=[]))
    assert trial.randomize(trial.subject(), design).json["number"] == "S01-0001"
    reason = {**trial.headers, "Reason-For-Change": "Larger blocks"}
    assert trial.manager.post(f"{DESIGNS}{design}/versions/", headers=reason).status_code == 201
    assert _save(trial, design, 2, blocks(factors=[], block_sizes=[4, 6])).status_code == 200
    trial.release(design, 2)
    assert trial.randomize(trial.subject(), design).json["number"] == "L2-S01-0001"
    check = trial.verification(design)
    assert check["consistent"] is True
    first, second = check["lists"]
    assert first["seed"] != second["seed"]


@pytest.mark.requirement("A11-10")
def test_the_test_environment_is_apart_from_production(trial: Trial):
    created: Any = trial.create(blocks(factors=[], capacity=2, warning_threshold=0))
    design = created.json["uuid"]
    subject = trial.subject()
    assert (
        trial.randomize(subject, design, "test").json["error"]["internal_name"] == "DESIGN_NOT_LIVE"
    )
    assert trial.simulate(design).status_code == 201
    assert trial.approve(design).status_code == 200
    # Approved: the test environment randomizes, production waits for going live.
    tested: Any = trial.randomize(subject, design, "test")
    assert tested.status_code == 201, tested.json
    assert tested.json["number"] == "T-S01-0001" and tested.json["environment"] == "test"
    assert trial.randomize(subject, design).json["error"]["internal_name"] == "DESIGN_NOT_LIVE"
    assert trial.go_live(design).status_code == 200
    assert trial.randomize(trial.subject(), design, "test").status_code == 201
    out: Any = trial.randomize(trial.subject(), design, "test")
    assert out.json["error"]["internal_name"] == "RANDOMIZATION_LIST_EXHAUSTED"
    # The test list ran out; production's two slots are all there, for the same subject too.
    (production,) = trial.strata(design).json
    assert (production["used"], production["remaining"]) == (0, 2)
    (test,) = trial.strata(design, environment="test").json
    assert test["remaining"] == 0
    real: Any = trial.randomize(subject, design)
    assert real.status_code == 201 and real.json["number"] == "S01-0001"
    listed: Any = trial.manager.get(
        "/api/randomizations/assignments/",
        query_string={"subject": subject},
        headers=trial.headers,
    )
    assert sorted(a["environment"] for a in listed.json) == ["production", "test"]
