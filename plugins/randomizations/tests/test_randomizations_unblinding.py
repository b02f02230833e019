"""Emergency unblinding (a reason, the password again, a second person's approval where the
study asks for it, the chosen roles told, every step audited), voiding a mistaken
assignment, the signal other plugins follow, and what another tenant or study sees."""

from __future__ import annotations

from typing import Any

import pytest

from datacapt.toolkit import connect_when_enabled
from plugins.randomizations.api import subject_randomized
from plugins.randomizations.tests.support import BASE, DESIGNS, Trial, blocks, mail_bodies

SETTINGS = "/api/plugins/randomizations/study-settings"


def _assignment(trial: Trial) -> dict[str, Any]:
    design = trial.live_design(blocks())
    return trial.randomize(trial.subject(), design).json


def _unblind(trial: Trial, assignment: dict[str, Any], password: str | None = None) -> Any:
    return trial.investigator.post(
        f"{BASE}/assignments/{assignment['uuid']}/unblindings",
        json={
            "reason": "Severe reaction",
            "password": password or trial.investigator.user.password,
        },
        headers=trial.headers,
    )


@pytest.mark.requirement("E6-4.1")
def test_an_emergency_unblinding_reveals_the_arm_to_its_requester_at_once(
    app, tenant, trial: Trial
):
    assignment = _assignment(trial)
    wrong: Any = _unblind(trial, assignment, "not my password at all")
    assert wrong.status_code == 422 and wrong.json["error"]["internal_name"] == "WRONG_PASSWORD"
    done: Any = _unblind(trial, assignment)
    assert done.status_code == 201, done.json
    assert done.json["status"] == "revealed" and done.json["revealed_at"]
    assert done.json["arm"] in ("ZORBLAX", "QUIMBLE")
    assert done.json["reason"] == "Severe reaction"
    # Shown to the requester in that unblinding, not in the assignment, nor to others.
    again: Any = trial.investigator.get(
        f"{BASE}/unblindings/{done.json['uuid']}", headers=trial.headers
    )
    assert again.json["arm"] == done.json["arm"]
    read: Any = trial.investigator.get(
        f"{BASE}/assignments/{assignment['uuid']}", headers=trial.headers
    )
    assert read.json["arm"] is None
    other: Any = trial.manager.get(f"{BASE}/unblindings/{done.json['uuid']}", headers=trial.headers)
    assert other.json["arm"] is None and other.json["requester_name"]
    # The study managers (the default roles told) got the notice, without the arm.
    (notice,) = [b for b in mail_bodies(app, tenant, trial.manager.user.email) if "unblinded" in b]
    assert "Severe reaction" in notice and done.json["arm"] not in notice
    trail: Any = trial.statistician.get(
        "/api/audit-trails/", query_string={"action": "unblind", "limit": 10}
    )
    (event,) = trail.json["records"]
    assert event["changes"]["arm"] == [None, done.json["arm"]]
    assert event["reason"] == "Severe reaction"
    assert event["subject_id"] == assignment["subject"]


@pytest.mark.requirement("P11-11.10g")
def test_with_approval_a_second_person_approves_and_the_requester_never_does(
    app, tenant, trial: Trial, join_study
):
    settings: Any = trial.manager.patch(
        SETTINGS,
        json={"unblinding_approval": True, "unblinding_notify_roles": ["study_manager", "monitor"]},
        headers=trial.headers,
    )
    assert settings.status_code == 200, settings.json
    assignment = _assignment(trial)
    asked: Any = _unblind(trial, assignment)
    assert asked.status_code == 201
    assert (asked.json["status"], asked.json["arm"]) == ("pending", None)
    twice: Any = _unblind(trial, assignment)
    assert twice.json["error"]["internal_name"] == "UNBLINDING_REFUSED"
    assert any(
        "approval is needed" in b for b in mail_bodies(app, tenant, trial.monitor.user.email)
    )
    url = f"{BASE}/unblindings/{asked.json['uuid']}"
    # The investigator may not approve (no permission), nor may any requester their own.
    assert (
        trial.investigator.post(
            f"{url}/approve", json={"password": "x"}, headers=trial.headers
        ).status_code
        == 403
    )
    approver = join_study(trial.headers, tenant, "study_manager")
    approved: Any = approver.post(
        f"{url}/approve", json={"password": approver.user.password}, headers=trial.headers
    )
    assert approved.status_code == 200, approved.json
    assert (
        approved.json["status"] == "revealed" and approved.json["arm"] is None
    )  # blinded approver
    assert approved.json["decider_name"]
    mine: Any = trial.investigator.get(url, headers=trial.headers)
    assert mine.json["arm"] in ("ZORBLAX", "QUIMBLE")
    decided: Any = approver.post(
        f"{url}/refuse", json={"reason": "too late"}, headers=trial.headers
    )
    assert decided.json["error"]["internal_name"] == "UNBLINDING_REFUSED"


def test_a_refused_unblinding_reveals_nothing(trial: Trial, tenant, join_study):
    trial.manager.patch(SETTINGS, json={"unblinding_approval": True}, headers=trial.headers)
    assignment = _assignment(trial)
    asked: Any = _unblind(trial, assignment)
    url = f"{BASE}/unblindings/{asked.json['uuid']}"
    refused: Any = trial.manager.post(
        f"{url}/refuse", json={"reason": "Not an emergency"}, headers=trial.headers
    )
    assert refused.json["status"] == "refused"
    assert refused.json["decision_reason"] == "Not an emergency"
    unrevealed: Any = trial.investigator.get(url, headers=trial.headers)
    assert unrevealed.json["arm"] is None


@pytest.mark.requirement("E6-4.2.4")
def test_a_mistaken_assignment_is_voided_with_a_reason_and_the_subject_randomized_again(
    trial: Trial,
):
    design = trial.live_design(blocks(factors=[]))
    subject = trial.subject()
    first: Any = trial.randomize(subject, design)
    url = f"{BASE}/assignments/{first.json['uuid']}/void"
    no_reason: Any = trial.manager.post(url, headers=trial.headers)
    assert no_reason.json["error"]["internal_name"] == "REASON_FOR_CHANGE_REQUIRED"
    assert trial.investigator.post(url, headers=trial.headers).status_code == 403
    voided: Any = trial.manager.post(
        url, headers={**trial.headers, "Reason-For-Change": "Wrong subject"}
    )
    assert voided.status_code == 200
    assert voided.json["void_reason"] == "Wrong subject" and voided.json["voided_at"]
    again: Any = trial.randomize(subject, design)
    assert again.status_code == 201 and again.json["number"] == "S01-0002"  # its slot stays taken
    (stratum,) = trial.strata(design).json
    assert stratum["used"] == 2


def test_other_plugins_hear_of_each_randomization(app, trial: Trial):
    heard: list[dict[str, Any]] = []

    def receiver(assignment, participation, **kwargs):
        heard.append({"number": assignment.number, "subject": str(participation.uuid), **kwargs})

    connect_when_enabled(subject_randomized, "randomizations", receiver)
    try:
        design = trial.live_design(blocks(factors=[]))
        randomized: Any = trial.randomize(trial.subject(), design)
    finally:
        subject_randomized.disconnect(receiver)
    (event,) = heard
    assert event["number"] == randomized.json["number"]
    assert event["arm"] in ("ZORBLAX", "QUIMBLE") and event["environment"] == "production"
    assert event["subject"] == randomized.json["subject"]


def test_another_study_or_tenant_sees_nothing(
    trial: Trial, client_as, make_study, other_tenant, enable_plugins
):
    design = trial.live_design(blocks())
    assignment = trial.randomize(trial.subject(), design).json
    other = make_study(trial.manager, "NTE", reference="OTHER-STUDY")
    for url in (f"{DESIGNS}{design}", f"{BASE}/assignments/{assignment['uuid']}"):
        assert trial.manager.get(url, headers=other.headers).status_code == 404
    assert trial.manager.get(DESIGNS, headers=other.headers).json == []
    enable_plugins(other_tenant, "randomizations")
    stranger = client_as(other_tenant)
    elsewhere = make_study(stranger, "PAR", reference="ELSEWHERE")
    for url in (f"{DESIGNS}{design}", f"{BASE}/assignments/{assignment['uuid']}"):
        assert stranger.get(url, headers=elsewhere.headers).status_code == 404
    # The Lyon investigator does not see a Paris subject's assignment either.
    hidden: Any = trial.lyon_investigator.get(
        f"{BASE}/assignments/{assignment['uuid']}", headers=trial.headers
    )
    assert hidden.status_code == 404
