"""Bad input gets a clear 4xx and writes nothing; who may not, may not."""

from __future__ import annotations

import uuid
from typing import Any

from plugins.randomizations.tests.support import BASE, DESIGNS, Trial, blocks


def test_bad_input_is_refused_with_a_clear_answer(trial: Trial):
    design = trial.live_design(blocks())
    subject = trial.subject()
    manager, headers = trial.manager, trial.headers
    answers: list[tuple[Any, int]] = [
        (
            manager.post(
                DESIGNS, json={"code": "X", "name": "X", "method": "blocks"}, headers=headers
            ),
            422,
        ),
        (
            manager.post(
                DESIGNS,
                json={"code": "bad code!", "name": "X", "method": "dice", "config": {}},
                headers=headers,
            ),
            422,
        ),
        (
            manager.post(
                DESIGNS,
                json={"code": "MAIN", "name": "X", "method": "blocks", "config": blocks()},
                headers=headers,
            ),
            409,
        ),
        (trial.randomize(subject, str(uuid.uuid4())), 404),
        (
            trial.investigator.post(
                f"{BASE}/subjects/{subject}/randomize", json={"design": "nope"}, headers=headers
            ),
            422,
        ),
        (trial.randomize(subject, design, "staging"), 422),
        (trial.randomize(str(uuid.uuid4()), design), 404),
        (
            manager.get(
                f"{DESIGNS}{design}/strata", query_string={"environment": "x"}, headers=headers
            ),
            422,
        ),
        (
            manager.get(f"{DESIGNS}{design}/strata", query_string={"env": "test"}, headers=headers),
            400,
        ),
        (manager.post(f"{trial.version_url(design)}/lists/staging", headers=headers), 404),
        (manager.get(trial.version_url(design, 9), headers=headers), 404),
        (
            manager.post(
                f"{trial.version_url(design)}/simulations/",
                json={"trials": 0, "subjects": 5},
                headers=headers,
            ),
            422,
        ),
        (
            manager.post(
                f"{trial.version_url(design)}/simulations/",
                json={"trials": 10000, "subjects": 10000},
                headers=headers,
            ),
            422,
        ),
        (
            manager.post(
                f"{trial.version_url(design)}/simulations/",
                json={"trials": 1, "subjects": 1, "seed": "xyz"},
                headers=headers,
            ),
            422,
        ),
        (manager.post(f"{trial.version_url(design)}/approve", json={}, headers=headers), 422),
        (
            trial.investigator.post(
                f"{BASE}/assignments/{uuid.uuid4()}/unblindings",
                json={"reason": "x", "password": "y"},
                headers=headers,
            ),
            404,
        ),
        (trial.statistician.get(f"{DESIGNS}{design}/verification", headers=headers), 422),
    ]
    for answer, status in answers:
        assert answer.status_code == status, (answer.request.path, answer.json)
        assert answer.json["error"]["status"] == status
    listed: Any = manager.get(DESIGNS, headers=headers)
    assert [d["code"] for d in listed.json] == ["MAIN"]
    assigned: Any = manager.get(f"{BASE}/assignments/", headers=headers)
    assert assigned.json == []


def test_who_may_not_is_refused(trial: Trial):
    design = trial.live_design(blocks())
    subject = trial.subject()
    headers = trial.headers
    refusals: list[Any] = [
        trial.investigator.post(DESIGNS, json={}, headers=headers),  # design
        trial.investigator.post(
            f"{trial.version_url(design)}/approve", json={"password": "x"}, headers=headers
        ),
        trial.manager.post(
            f"{BASE}/subjects/{subject}/randomize", json={"design": design}, headers=headers
        ),
        trial.monitor.post(
            f"{BASE}/subjects/{subject}/randomize", json={"design": design}, headers=headers
        ),
        trial.manager.get(f"{DESIGNS}{design}/slots", headers=headers),
        trial.investigator.get(trial.version_url(design), headers=headers),
    ]
    assert [r.status_code for r in refusals] == [403] * len(refusals)
    assert {r.json["error"]["internal_name"] for r in refusals} == {"PERMISSION_DENIED"}
