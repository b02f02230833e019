"""Wash-out refusals with their reason, and GDPR requests: the inventory across modules,
the access file's contents, erasure decided by the DPO (personal data erased, the study's
data kept under its ids), refusal with a reason, the retention rule's review."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import sqlalchemy as sa
import time_machine

from datacapt.toolkit import AuditRecord, Study, db
from plugins.subject_repository import gdpr, washout
from plugins.subject_repository.tests.conftest import Panel
from plugins.subject_repository.tests.support import (
    GDPR,
    SETTINGS,
    VOLUNTEERS,
    count,
    error,
    ok,
    register,
)
from plugins.subjects.api import Subject


def _study(panel: Panel, reference: str) -> Study:
    return db.session.execute(sa.select(Study).where(Study.reference == reference)).scalar_one()


def _subject(platform_id: str) -> Subject:
    return db.session.get_one(Subject, int(platform_id[1:]))


@pytest.fixture
def trial(panel: Panel, make_study):
    """Ada took part in SUN-1 (completed); SUN-2 has wash-out rules in the same category."""
    manager = panel.manager
    first = make_study(manager, "PAR", reference="SUN-1")
    second = make_study(manager, "LYO", reference="SUN-2")
    ok(manager.patch(SETTINGS, json={"category": "sun care"}, headers=first.headers))
    rules = {"category": "Sun care", "washout_days": 30, "max_studies_per_year": 1}
    ok(manager.patch(SETTINGS, json=rules, headers=second.headers))
    added = ok(
        manager.post(
            "/api/subjects/",
            json={
                "center": first.centers["PAR"],
                "personal_data": {
                    "first_name": "Ada",
                    "last_name": "L",
                    "email": "ada@example.org",
                },
            },
            headers=first.headers,
        ),
        201,
    )
    url = f"/api/subjects/{added['uuid']}"
    ok(
        manager.patch(
            url, json={"status": "included", "inclusion_date": "2026-01-05"}, headers=first.headers
        )
    )
    ok(manager.patch(url, json={"status": "completed"}, headers=first.headers))
    return first, second, added


def test_washout_refuses_with_the_reason_until_it_runs_out(panel: Panel, trial):
    manager = panel.manager
    first, second, participation = trial
    ada = register(manager, "Ada@Example.org")
    assert ada["platform_id"] == participation["platform_id"]  # one person, one platform id
    bob = register(manager, "bob@example.org")
    history = ok(manager.get(f"{VOLUNTEERS}{ada['uuid']}/history"))
    assert [(h["study_reference"], h["category"], h["status"]) for h in history] == [
        ("SUN-1", "sun care", "completed")
    ]
    answer = ok(manager.get(f"{VOLUNTEERS}{ada['uuid']}/eligibility?study={second.uuid}"))
    assert answer["eligible"] is False and "wash-out of 30 days" in answer["reason"]
    french = manager.get(
        f"{VOLUNTEERS}{ada['uuid']}/eligibility?study={second.uuid}", headers={"Language": "fr"}
    )
    assert "carence de 30 jours" in ok(french)["reason"]
    assert ok(manager.get(f"{VOLUNTEERS}{ada['uuid']}/eligibility?study={first.uuid}"))["eligible"]
    assert ok(manager.get(f"{VOLUNTEERS}{bob['uuid']}/eligibility?study={second.uuid}"))["eligible"]
    assert count(manager, {"eligible_for": second.uuid}) == 1
    assert count(manager, {"eligible_for": first.uuid}) == 2

    now = dt.datetime.now(dt.UTC)
    with panel.inside():
        subject, study = _subject(ada["platform_id"]), _study(panel, "SUN-2")
        with time_machine.travel(now + dt.timedelta(days=40), tick=False):
            reason = washout.washout_refusal(subject, study)
            assert reason is not None and "1 studies in the last 365 days" in reason
        with time_machine.travel(now + dt.timedelta(days=400), tick=False):
            assert washout.washout_refusal(subject, study) is None
            eligible = washout.eligible_clause(washout.rules_of(study), Subject.id)
            found = db.session.execute(sa.select(Subject.id).where(eligible)).scalars().all()
            assert subject.id in found


@pytest.mark.requirement("GDPR-15", "GDPR-17")
def test_access_file_erasure_by_the_dpo_and_refusal(panel: Panel, trial, client_as, tenant):
    manager, dpo = panel.manager, panel.admin
    first, _, participation = trial
    ada = register(manager, "ada@example.org")
    bob = register(manager, "bob@example.org", first_name="Bob")
    ok(manager.patch(f"{VOLUNTEERS}{ada['uuid']}/profile", json={"answers": {}}))
    ok(
        manager.post(
            f"{VOLUNTEERS}{ada['uuid']}/consents", json={"purpose": "contact_for_studies"}
        ),
        201,
    )
    ok(manager.post(f"{VOLUNTEERS}{ada['uuid']}/notes", json={"text": "Lives nearby"}), 201)

    inventory = ok(manager.get(f"{VOLUNTEERS}{ada['uuid']}/inventory"))["modules"]
    assert {k["kind"]: k["count"] for kinds in inventory.values() for k in kinds} == {
        "subjects.personal_data": 1,
        "subjects.participations": 1,
        "subject_repository.volunteer": 1,
        "subject_repository.consents": 1,
        "subject_repository.notes": 1,
    }
    access = ok(
        manager.post(f"{VOLUNTEERS}{ada['uuid']}/access-requests", json={"by_subject": True}), 201
    )
    assert access["status"] == "completed" and access["by_subject"] is True
    answer = manager.get(f"{GDPR}{access['uuid']}/file")
    assert answer.status_code == 200 and answer.mimetype == "application/json"
    content = json.loads(answer.data)
    assert content["platform_id"] == ada["platform_id"]
    items = {k["kind"]: k["items"] for kinds in content["modules"].values() for k in kinds}
    assert items["subjects.personal_data"][0]["email"] == "ada@example.org"
    assert items["subjects.participations"][0]["study"] == "SUN-1"
    assert items["subject_repository.notes"][0]["text"] == "Lives nearby"
    # The stored file is the panel's: the core's download needs the platform permission.
    assert manager.get(f"/api/files/{access['file']}").status_code == 200
    investigator = client_as(tenant, "investigator")
    assert investigator.get(f"/api/files/{access['file']}").status_code == 404
    assert investigator.get(f"{GDPR}{access['uuid']}/file").status_code == 403

    erasure = ok(
        manager.post(f"{VOLUNTEERS}{ada['uuid']}/erasure-requests", json={"reason": "Moving"}), 201
    )
    twice = manager.post(f"{VOLUNTEERS}{ada['uuid']}/erasure-requests", json={"reason": "Again"})
    assert error(twice, 409)["internal_code"] == 7437
    assert manager.post(f"{GDPR}{erasure['uuid']}/approve", json={}).status_code == 403
    assert [r["uuid"] for r in ok(dpo.get(f"{GDPR}?status=pending"))] == [erasure["uuid"]]
    approved = ok(dpo.post(f"{GDPR}{erasure['uuid']}/approve", json={"comment": "Done"}))
    assert approved["status"] == "approved"
    again = dpo.post(f"{GDPR}{erasure['uuid']}/approve", json={})
    assert error(again, 409)["internal_code"] == 7438

    personal = ok(manager.get(f"{VOLUNTEERS}{ada['uuid']}/personal-data"))
    assert (personal["first_name"], personal["email"], personal["birth_date"]) == ("", None, None)
    volunteer = ok(manager.get(f"{VOLUNTEERS}{ada['uuid']}"))
    assert volunteer["status"] == "erased" and volunteer["profile"] == {}
    assert [n["text"] for n in ok(manager.get(f"{VOLUNTEERS}{ada['uuid']}/notes"))] == [""]
    # The study keeps its subject, under its ids, with nothing naming the person.
    kept = ok(manager.get(f"/api/subjects/{participation['uuid']}", headers=first.headers))
    assert (kept["study_subject_id"], kept["status"]) == (
        participation["study_subject_id"],
        "completed",
    )
    assert count(manager, {}) == 1
    refused = manager.post(f"{VOLUNTEERS}{ada['uuid']}/access-requests", json={})
    assert error(refused, 409)["internal_code"] == 7435
    assert register(manager, "ada@example.org")["uuid"] != ada["uuid"]  # a new person now

    other = ok(
        manager.post(f"{VOLUNTEERS}{bob['uuid']}/erasure-requests", json={"reason": "x"}), 201
    )
    assert dpo.post(f"{GDPR}{other['uuid']}/refuse", json={}).status_code == 422
    decided = ok(dpo.post(f"{GDPR}{other['uuid']}/refuse", json={"reason": "Open invoice"}))
    assert (decided["status"], decided["decision_reason"]) == ("refused", "Open invoice")
    assert ok(manager.get(f"{VOLUNTEERS}{bob['uuid']}"))["status"] == "active"
    with panel.inside():
        trail = db.session.execute(
            sa.select(AuditRecord.action, AuditRecord.changes)
            .where(AuditRecord.object_type == "panel_gdpr_requests")
            .order_by(AuditRecord.sequence)
        ).all()
        erased = (
            db.session.execute(
                sa.select(AuditRecord.changes).where(
                    AuditRecord.object_type == "subject_personal_data",
                    AuditRecord.action == "update",
                )
            )
            .scalars()
            .all()
        )
    assert [a for a, _ in trail].count("read_file") == 1
    assert any(c.get("status") == ["pending", "approved"] for _, c in trail)
    assert any(c.get("email") == ["ada@example.org", None] for c in erased)


def test_retention_flags_inactive_volunteers_for_the_dpo(panel: Panel):
    manager, dpo = panel.manager, panel.admin
    bob = register(manager, "bob@example.org")
    with panel.inside():
        assert gdpr.flag_inactive() == 0
        later = dt.datetime.now(dt.UTC) + dt.timedelta(days=6 * 365)
        assert gdpr.flag_inactive(later) == 1
        assert gdpr.flag_inactive(later) == 0
    flagged = ok(manager.get(f"{VOLUNTEERS}?flagged=true"))
    assert [v["uuid"] for v in flagged] == [bob["uuid"]]
    assert manager.post(f"{VOLUNTEERS}{bob['uuid']}/retention-review").status_code == 403
    kept = ok(dpo.post(f"{VOLUNTEERS}{bob['uuid']}/retention-review"))
    assert kept["review_flagged_at"] is None
    assert ok(manager.get(f"{VOLUNTEERS}?flagged=true")) == []
