"""Blinded callers never see an arm: every endpoint of the plugin walked as each blinded
role (reads, refusals, the audit trail and its export, the emails sent), after a trial
made every kind of record (assignments in both environments, a voided one, an emergency
unblinding, a simulation). Arms appear only where a design lists them as its parameters."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from plugins.randomizations.tests.support import (
    ARM_TEXTS,
    BASE,
    DESIGNS,
    Trial,
    blocks,
    mail_bodies,
)

# Where a design's arms are its parameters (its versions), not anyone's assignment.
PARAMETERS = re.compile(r"^(\d+\.)?config\.arms\.\d+\.(code|name)$")


def _strings(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{path}.{index}" if path else str(index))
    elif isinstance(value, str):
        yield path, value


def _leaks(body: Any) -> list[str]:
    return [
        f"{path}: {text}"
        for path, text in _strings(body)
        if any(arm in text for arm in ARM_TEXTS) and not PARAMETERS.match(path)
    ]


@pytest.fixture
def blinded_trial(trial: Trial, join_study, tenant) -> dict[str, Any]:
    """A trial with every kind of record the plugin keeps."""
    design = trial.live_design(blocks())
    subjects = [trial.subject("PAR", {"sex": sex, "smoker": False, "age": 40}) for sex in "FFM"]
    assignments = [trial.randomize(subject, design).json for subject in subjects]
    trial.randomize(subjects[0], design, "test")
    voided: Any = trial.manager.post(
        f"{BASE}/assignments/{assignments[2]['uuid']}/void",
        headers={**trial.headers, "Reason-For-Change": "Randomized in error"},
    )
    assert voided.status_code == 200, voided.json
    colleague = join_study(trial.headers, tenant, "investigator")
    unblinded: Any = colleague.post(
        f"{BASE}/assignments/{assignments[0]['uuid']}/unblindings",
        json={"reason": "Anaphylaxis", "password": colleague.user.password},
        headers=trial.headers,
    )
    assert unblinded.status_code == 201, unblinded.json
    assert unblinded.json["arm"] in ("ZORBLAX", "QUIMBLE")  # to its requester
    simulation = trial.simulate(design).json
    return {
        "design": design,
        "number": 1,
        "environment": "production",
        "simulation_uuid": simulation["uuid"],
        "subject_uuid": subjects[0],
        "assignment_uuid": assignments[0]["uuid"],
        "unblinding_uuid": unblinded.json["uuid"],
        "design_uuid": design,
        "subjects": subjects,
        "voided": assignments[2]["uuid"],
    }


def _url(rule: str, values: dict[str, Any]) -> str:
    return re.sub(r"<(?:[a-z]+(?:\([^)]*\))?:)?([a-z_]+)>", lambda m: str(values[m.group(1)]), rule)


def _get_rules(app) -> list[str]:
    return sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(BASE) and "GET" in (rule.methods or set())
    )


@pytest.mark.requirement("E6-4.1")
def test_every_read_of_the_plugin_hides_the_arm_from_blinded_roles(
    app, trial: Trial, blinded_trial, join_study, tenant
):
    data_manager = join_study(trial.headers, tenant, "data_manager")
    blinded = [trial.investigator, trial.monitor, trial.manager, data_manager]
    rules = _get_rules(app)
    assert len(rules) >= 12  # every read of the plugin, found from the app itself
    for client in blinded:
        for rule in rules:
            for environment in ("production", "test"):
                url = _url(rule, {**blinded_trial, "environment": environment})
                query = (
                    {"environment": environment}
                    if rule.endswith(("/strata", "/slots", "/verification"))
                    else {}
                )
                answer: Any = client.get(url, query_string=query, headers=trial.headers)
                assert answer.status_code in (200, 403), (rule, answer.status_code, answer.json)
                assert _leaks(answer.json) == [], (client.user.role, rule)
        trail: Any = client.get("/api/audit-trails/", query_string={"limit": 500})
        if trail.status_code == 200:
            assert _leaks(trail.json) == [], client.user.role
    exported: Any = data_manager.get("/api/audit-trails/export")
    assert exported.status_code == 200
    text = exported.get_data(as_text=True)
    assert "randomization_assignments" in text and "unblind" in text
    assert not any(arm in text for arm in ARM_TEXTS)
    # The unblinded statistician reads them all.
    unblinded: Any = trial.statistician.get(
        f"{BASE}/assignments/{blinded_trial['assignment_uuid']}", headers=trial.headers
    )
    assert unblinded.json["arm"] in ("ZORBLAX", "QUIMBLE")


@pytest.mark.requirement("E6-4.1")
def test_refusals_and_emails_name_no_arm(app, tenant, trial: Trial, blinded_trial):
    design = blinded_trial["design"]
    answers: list[Any] = [
        trial.randomize(blinded_trial["subjects"][0], design),
        trial.manager.post(
            f"{BASE}/assignments/{blinded_trial['voided']}/void",
            headers={**trial.headers, "Reason-For-Change": "again"},
        ),
        trial.investigator.post(
            f"{BASE}/assignments/{blinded_trial['voided']}/unblindings",
            json={"reason": "why", "password": trial.investigator.user.password},
            headers=trial.headers,
        ),
        trial.manager.post(
            f"{BASE}/unblindings/{blinded_trial['unblinding_uuid']}/approve",
            json={"password": trial.manager.user.password},
            headers=trial.headers,
        ),
        trial.manager.post(
            f"{DESIGNS}{design}/versions/1/lists/production",
            headers=trial.headers,
        ),
    ]
    assert [a.status_code for a in answers] == [409, 409, 409, 409, 409]
    for answer in answers:
        assert _leaks(answer.json) == []
    bodies = mail_bodies(app, tenant, trial.manager.user.email)
    assert any("was unblinded by" in body for body in bodies)
    assert not any(arm in body for body in bodies for arm in ARM_TEXTS)


@pytest.mark.requirement("E6-4.1")
def test_unblinded_readers_see_the_arms_in_the_audit_trail(trial: Trial, blinded_trial):
    trail: Any = trial.statistician.get(
        "/api/audit-trails/",
        query_string={"object_type": "randomization_assignments", "limit": 500},
    )
    arms = [
        record["changes"]["arm"][1]
        for record in trail.json["records"]
        if record["action"] in ("create", "unblind")
    ]
    assert arms and set(arms) <= {"ZORBLAX", "QUIMBLE"}
