"""Data review through the API: a subject's section reviewed by a data manager, lost when
any of its answers changes, progress, who may, centers and tenants."""

from __future__ import annotations

from typing import Any

import pytest

from datacapt.testing import TenantClient
from plugins.monitoring.tests.support import (
    Trial,
    assert_unknown_study,
    audit_of,
    outsider_with_a_study,
)

BASE = "/api/monitoring/review"


def section_url(trial: Trial, section: int = 0, subject: str | None = None) -> str:
    return f"{BASE}/subjects/{subject or trial.subject}/sections/{trial.sections[section]}"


def review(client: TenantClient, trial: Trial, section: int = 0, subject: str | None = None) -> Any:
    return client.post(section_url(trial, section, subject), headers=trial.headers)


def reviewed(trial: Trial, section: int = 0, subject: str | None = None) -> Any:
    read: Any = trial.read(trial.viewer, section, subject)
    assert read.status_code == 200, read.json
    return read.json["annotations"]["review"]


@pytest.mark.requirement("E6-4.2.3")
def test_a_data_manager_reviews_a_section_and_every_read_shows_who_and_when(trial):
    done = review(trial.data_manager, trial)
    assert done.status_code == 201, done.json
    assert (done.json["subject"], done.json["section"]) == (trial.subject, trial.sections[0])
    assert done.json["reviewed_by"] == str(trial.data_manager.user.uuid)
    assert reviewed(trial) == {
        "reviewed": True,
        "reviewed_by": str(trial.data_manager.user.uuid),
        "reviewed_by_name": "Test Data_Manager",
        "reviewed_at": done.json["reviewed_at"],
    }
    assert reviewed(trial, 1)["reviewed"] is False
    assert reviewed(trial, subject=trial.lyon_subject)["reviewed"] is False
    subject = trial.viewer.get(f"{BASE}/subjects/{trial.subject}", headers=trial.headers)
    assert subject.status_code == 200, subject.json
    assert [(s["with_data"], s["reviewed"]) for s in subject.json["sections"]] == [
        (True, True),
        (False, False),
    ]
    [created] = audit_of(trial.data_manager, trial, "monitoring_section_reviews")
    assert (created["action"], created["subject_id"], created["section_id"]) == (
        "create",
        trial.subject,
        trial.sections[0],
    )


def test_any_change_of_the_section_s_answers_loses_its_review_audited_with_the_cause(trial):
    assert trial.save(trial.investigator, {"pain": 4}, section=1, reason=None).status_code == 200
    for section in (0, 1):
        assert review(trial.data_manager, trial, section).status_code == 201
    unchanged = trial.save(trial.investigator, {"smoker": False})
    assert unchanged.status_code == 200 and reviewed(trial)["reviewed"] is True
    changed = trial.save(trial.investigator, {"smoker": True}, reason="Smokes since May")
    assert changed.status_code == 200, changed.json
    assert reviewed(trial)["reviewed"] is False
    assert reviewed(trial, 1)["reviewed"] is True  # another section's data did not change
    [lost] = audit_of(trial.data_manager, trial, "monitoring_section_reviews", action="delete")
    assert lost["section_id"] == trial.sections[0]
    assert lost["reason"] == "The section's data changed: Smokes since May"
    assert review(trial.data_manager, trial).status_code == 201


@pytest.mark.requirement("P11-11.10g")
def test_only_data_managers_review_and_taking_a_review_back_needs_a_reason(trial):
    for client in (trial.monitor, trial.investigator, trial.viewer, trial.manager):
        refused = review(client, trial)
        assert refused.status_code == 403, refused.json
        assert refused.json["error"]["details"]["permission"] == "data_review.review"
    assert reviewed(trial)["reviewed"] is False
    assert review(trial.data_manager, trial).status_code == 201
    url = section_url(trial)
    assert trial.monitor.delete(url, headers=trial.headers).status_code == 403
    no_reason = trial.data_manager.delete(url, headers=trial.headers)
    assert no_reason.status_code == 422
    assert no_reason.json["error"]["internal_name"] == "REASON_FOR_CHANGE_REQUIRED"
    assert reviewed(trial)["reviewed"] is True
    taken_back = trial.data_manager.delete(
        url, headers={**trial.headers, "Reason-For-Change": "Reviewed too early"}
    )
    assert taken_back.status_code == 204
    assert reviewed(trial)["reviewed"] is False


def test_a_section_without_data_twice_reviewed_or_unknown_is_refused(trial):
    empty = review(trial.data_manager, trial, 1)
    assert empty.status_code == 409
    assert empty.json["error"]["internal_name"] == "SECTION_WITHOUT_DATA"
    assert review(trial.data_manager, trial).status_code == 201
    twice = review(trial.data_manager, trial)
    assert twice.status_code == 409
    assert twice.json["error"]["internal_name"] == "SECTION_ALREADY_REVIEWED"
    never = trial.data_manager.delete(
        section_url(trial, 1), headers={**trial.headers, "Reason-For-Change": "No"}
    )
    assert never.status_code == 409
    assert never.json["error"]["internal_name"] == "SECTION_NOT_REVIEWED"
    unknown = trial.data_manager.post(
        f"{BASE}/subjects/{trial.subject}/sections/{trial.subject}", headers=trial.headers
    )
    assert unknown.status_code == 404
    assert len(audit_of(trial.data_manager, trial, "monitoring_section_reviews")) == 1


def test_progress_counts_reviewed_sections_over_those_with_data(trial):
    assert trial.save(trial.investigator, {"pain": 2}, section=1, reason=None).status_code == 200
    review(trial.data_manager, trial)
    progress = trial.viewer.get(f"{BASE}/progress", headers=trial.headers)
    assert progress.status_code == 200, progress.json
    figures = ("with_data", "reviewed", "completion")
    assert [progress.json["study"][f] for f in figures] == [3, 1, 0.3333]
    centers = {c["center_code"]: [c[f] for f in figures] for c in progress.json["centers"]}
    assert centers == {"LYO": [1, 0, 0.0], "PAR": [2, 1, 0.5]}
    assert [[s[f] for f in figures] for s in progress.json["sections"]] == [
        [2, 1, 0.5],
        [1, 0, 0.0],
    ]
    listed = trial.viewer.get(f"{BASE}/progress/subjects", headers=trial.headers)
    rows = {row["subject"]: [row[f] for f in figures] for row in listed.json}
    assert rows == {trial.subject: [2, 1, 0.5], trial.lyon_subject: [1, 0, 0.0]}
    lyon = trial.viewer.get(
        f"{BASE}/progress/subjects",
        query_string={"center": trial.centers["LYO"]},
        headers=trial.headers,
    )
    assert [row["subject"] for row in lyon.json] == [trial.lyon_subject]


def test_a_center_limited_data_manager_reviews_and_counts_at_their_center_only(
    trial, join_study, tenant
):
    lyon_manager = join_study(trial.headers, tenant, "data_manager", centers=[trial.centers["LYO"]])
    hidden = review(lyon_manager, trial)
    assert hidden.status_code == 404
    assert hidden.json["error"]["internal_name"] == "OBJECT_NOT_FOUND"
    assert (
        lyon_manager.get(f"{BASE}/subjects/{trial.subject}", headers=trial.headers).status_code
        == 404
    )
    assert review(lyon_manager, trial, subject=trial.lyon_subject).status_code == 201
    progress = lyon_manager.get(f"{BASE}/progress", headers=trial.headers).json
    assert [c["center_code"] for c in progress["centers"]] == ["LYO"]
    assert (progress["study"]["with_data"], progress["study"]["reviewed"]) == (1, 1)
    listed = lyon_manager.get(f"{BASE}/progress/subjects", headers=trial.headers).json
    assert [row["subject"] for row in listed] == [trial.lyon_subject]
    assert reviewed(trial)["reviewed"] is False


def test_another_tenant_reaches_none_of_it(trial, enable_plugins, client_as, other_tenant):
    assert review(trial.data_manager, trial).status_code == 201
    outsider, own = outsider_with_a_study(enable_plugins, client_as, other_tenant)
    assert_unknown_study(
        outsider.get(f"{BASE}/progress", headers=trial.headers),
        outsider.post(section_url(trial), headers=trial.headers),
    )
    in_own = outsider.delete(section_url(trial), headers={**own, "Reason-For-Change": "x"})
    assert in_own.status_code == 404
    nothing: Any = outsider.get(f"{BASE}/progress", headers=own)
    assert nothing.json["study"]["with_data"] == 0
    assert reviewed(trial)["reviewed"] is True
