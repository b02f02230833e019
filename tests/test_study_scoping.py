"""Rows that belong to a study (StudyScopedMixin), read with study_query and get_in_study:
found in their study; absent (404 in the envelope) from another study of the tenant, for
a member of other centers, and from another tenant. Their audit records name their study
whoever writes them."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from datacapt.audit.models import AuditRecord
from datacapt.audit.recorder import Actor, acting_as
from datacapt.database import db, unit_of_work
from datacapt.tenancy import tenant_context
from datacapt.testing.client import TenantClient
from plugins.epro.models import Questionnaire
from plugins.epro.tests.support import DIARY, PARIS_INCLUSION

MESSAGES = {
    "subject": "No such subject.",
    "occurrence": "No such occurrence.",
    "questionnaire": "No such questionnaire.",
    "study user": "No such study user.",
}
AT_A_CENTER = ("subject", "occurrence", "study user")


@dataclass
class Trial:
    manager: TenantClient
    headers: dict[str, str]
    centers: dict[str, str]
    urls: dict[str, str]  # a row of each kind, at LYO where it has a center


@pytest.fixture
def build_trial(client_as, make_study, join_study, enable_plugins):
    def build(tenant, reference: str = "SCOPE") -> Trial:
        enable_plugins(tenant, "epro")
        manager = client_as(tenant, "study_manager")
        study = make_study(manager, "PAR", "LYO", reference=reference)
        headers = study.headers
        subject = manager.post(
            "/api/subjects/",
            json={"center": study.centers["LYO"], "personal_data": {"email": "s@example.org"}},
            headers=headers,
        ).json
        included = manager.patch(
            f"/api/subjects/{subject['uuid']}",
            json={"status": "included", "inclusion_date": PARIS_INCLUSION},
            headers=headers,
        )
        assert included.status_code == 200, included.json
        questionnaire = manager.post("/api/epro/questionnaires/", json=DIARY, headers=headers)
        assert questionnaire.status_code == 201, questionnaire.json
        occurrences = manager.get(
            f"/api/epro/subjects/{subject['uuid']}/occurrences", headers=headers
        ).json
        lyon_member = join_study(headers, tenant, "investigator", [study.centers["LYO"]])
        (member,) = [
            m
            for m in manager.get("/api/study-users/", headers=headers).json
            if m["user"] == str(lyon_member.user.uuid)
        ]
        urls = {
            "subject": f"/api/subjects/{subject['uuid']}",
            "occurrence": f"/api/epro/occurrences/{occurrences[0]['uuid']}",
            "questionnaire": f"/api/epro/questionnaires/{questionnaire.json['uuid']}",
            "study user": f"/api/study-users/{member['uuid']}",
        }
        return Trial(manager, headers, study.centers, urls)

    return build


def assert_absent(response, kind: str) -> None:
    assert response.status_code == 404, response.json
    error = response.json["error"]
    assert (error["internal_name"], error["internal_code"]) == ("OBJECT_NOT_FOUND", 2000)
    assert error["message"] == MESSAGES[kind]


def test_each_row_is_found_in_its_study(build_trial, tenant):
    trial = build_trial(tenant)
    for kind, url in trial.urls.items():
        assert trial.manager.get(url, headers=trial.headers).status_code == 200, kind


def test_another_study_of_the_tenant_finds_none_of_them(build_trial, make_study, tenant):
    trial = build_trial(tenant)
    other = make_study(trial.manager, reference="OTHER")
    for kind, url in trial.urls.items():
        assert_absent(trial.manager.get(url, headers=other.headers), kind)


def test_a_member_of_other_centers_finds_only_the_rows_without_center(
    build_trial, join_study, tenant
):
    trial = build_trial(tenant)
    paris = join_study(trial.headers, tenant, "investigator", [trial.centers["PAR"]])
    for kind in AT_A_CENTER:
        assert_absent(paris.get(trial.urls[kind], headers=trial.headers), kind)
    assert paris.get(trial.urls["questionnaire"], headers=trial.headers).status_code == 200
    # The lists show what the reads find.
    assert paris.get("/api/subjects/", headers=trial.headers).json == []
    assert paris.get("/api/epro/occurrences/", headers=trial.headers).json == []
    team = {m["uuid"] for m in paris.get("/api/study-users/", headers=trial.headers).json}
    assert trial.urls["study user"].rsplit("/", 1)[1] not in team
    # A member at that center finds them all.
    lyon = join_study(trial.headers, tenant, "investigator", [trial.centers["LYO"]])
    for kind, url in trial.urls.items():
        assert lyon.get(url, headers=trial.headers).status_code == 200, kind


def test_another_tenant_finds_none_of_them(build_trial, tenant, other_tenant):
    trial = build_trial(tenant)
    elsewhere = build_trial(other_tenant)
    for kind, url in trial.urls.items():
        assert_absent(elsewhere.manager.get(url, headers=elsewhere.headers), kind)


def test_a_rows_audit_records_name_its_study_also_outside_a_request(app, build_trial, tenant):
    """A questionnaire's records name its study, also when a job or a command changes it."""
    trial = build_trial(tenant)
    study = trial.headers["Study-Uuid"]
    questionnaire = trial.urls["questionnaire"].rsplit("/", 1)[1]
    with app.app_context(), tenant_context(tenant), unit_of_work():
        row = db.session.execute(
            sa.select(Questionnaire).where(sa.cast(Questionnaire.uuid, sa.String) == questionnaire)
        ).scalar_one()
        with acting_as(Actor("system", "job:test", "job")):
            row.active = False
            db.session.flush()
    with app.app_context(), tenant_context(tenant):
        studies = db.session.execute(
            sa.select(AuditRecord.action, AuditRecord.study_id)
            .where(
                AuditRecord.object_type == "epro_questionnaires",
                AuditRecord.object_id == questionnaire,
            )
            .order_by(AuditRecord.sequence)
        ).all()
    assert [action for action, _ in studies] == ["create", "update"]
    assert {study_id for _, study_id in studies} == {study}
