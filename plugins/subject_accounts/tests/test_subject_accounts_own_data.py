"""A volunteer reaches their own panel data from their session: profile, consents (given
at sign-up once the email is verified, withdrawn, given again) and GDPR requests, and
never another volunteer's."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from datacapt.testing import unit_of_work
from datacapt.toolkit import AuditRecord, db, erase_subject, subject_records, tenant_context
from plugins.subject_accounts.models import SubjectAccount
from plugins.subject_accounts.tests.conftest import PASSWORD, PREFIX, Panel


def _purposes(client: Any) -> dict[str, bool]:
    answer = client.get(f"{PREFIX}/me/consents")
    assert answer.status_code == 200
    return {consent["purpose"]: consent["given"] for consent in answer.json}


def test_a_volunteer_reaches_only_their_own_panel_data(panel: Panel):
    # Consents asked for at sign-up wait for the address to be proven.
    purposes = ["contact_for_studies", "newsletter"]
    assert panel.register("gil@example.org", PASSWORD, consents=purposes).status_code == 202
    gil = panel.browser()
    verified: Any = gil.post(
        f"{PREFIX}/verify-email",
        json={"token": panel.last_token("gil@example.org"), "password": PASSWORD},
    )
    gil.token = verified.json["token"]
    hal = panel.volunteer("hal@example.org")
    assert _purposes(gil) == {"contact_for_studies": True, "newsletter": True}
    assert _purposes(hal) == {}

    # Withdrawing acts on one's own consents only.
    refused: Any = hal.post(f"{PREFIX}/me/consents/withdraw", json={"purpose": "newsletter"})
    assert refused.status_code == 409
    assert refused.json["error"]["internal_name"] == "CONSENT_NOT_GIVEN"
    withdrawn = gil.post(f"{PREFIX}/me/consents/withdraw", json={"purpose": "newsletter"})
    assert withdrawn.status_code == 200
    assert _purposes(gil) == {"contact_for_studies": True, "newsletter": False}
    assert (
        gil.post(f"{PREFIX}/me/consents/give", json={"purpose": "data_sharing"}).status_code == 200
    )
    assert _purposes(gil)["data_sharing"] is True and _purposes(hal) == {}
    bad = gil.post(f"{PREFIX}/me/consents/give", json={"purpose": "everything"})
    assert bad.status_code == 422

    # The profile: answers only to the panel's questions (none asked yet here).
    assert gil.get(f"{PREFIX}/me/profile").json == {"answers": {}}
    unknown: Any = gil.patch(f"{PREFIX}/me/profile", json={"answers": {"skin_type": "oily"}})
    assert unknown.status_code == 422
    assert unknown.json["error"]["internal_name"] == "PROFILE_ANSWERS_INVALID"
    assert gil.patch(f"{PREFIX}/me/profile", json={"answers": []}).status_code == 422

    # Access and erasure requests go to the repository, in the volunteer's name.
    erasure: Any = gil.post(
        f"{PREFIX}/me/gdpr-requests", json={"kind": "erasure", "reason": "I moved away"}
    )
    assert erasure.status_code == 201 and erasure.json["status"] == "pending"
    twice = gil.post(f"{PREFIX}/me/gdpr-requests", json={"kind": "erasure"})
    assert twice.status_code == 409
    access: Any = hal.post(f"{PREFIX}/me/gdpr-requests", json={"kind": "access"})
    assert access.status_code == 201 and access.json["kind"] == "access"
    assert hal.post(f"{PREFIX}/me/gdpr-requests", json={"kind": "delete"}).status_code == 422

    me_gil: Any = gil.get(f"{PREFIX}/me")
    me_hal: Any = hal.get(f"{PREFIX}/me")
    assert me_gil.json["email"] == "gil@example.org" and me_hal.json["email"] == "hal@example.org"

    with panel.app.app_context(), tenant_context(panel.tenant):
        authors = db.session.execute(
            sa.select(AuditRecord.object_type, AuditRecord.actor_type, AuditRecord.actor_id).where(
                AuditRecord.object_type.in_(["panel_consents", "panel_gdpr_requests"])
            )
        ).all()
    assert {row.object_type for row in authors} == {"panel_consents", "panel_gdpr_requests"}
    assert {row.actor_type for row in authors} == {"subject"}
    assert {row.actor_id for row in authors} == {me_gil.json["subject"], me_hal.json["subject"]}


def test_the_account_is_in_the_gdpr_inventory_and_erased_with_the_person(panel: Panel):
    volunteer = panel.volunteer("ivy@example.org")
    with panel.app.app_context(), tenant_context(panel.tenant):
        subject_id = db.session.execute(
            sa.select(SubjectAccount.subject_id).where(SubjectAccount.email == "ivy@example.org")
        ).scalar_one()
        held = subject_records(subject_id)["subject_accounts"]
        assert [(r.kind, r.count, r.personal) for r in held] == [
            ("subject_accounts.account", 1, True)
        ]
        assert held[0].items[0]["email"] == "ivy@example.org"
        with unit_of_work():
            erase_subject(subject_id)
        assert "subject_accounts" not in subject_records(subject_id)
    assert volunteer.get(f"{PREFIX}/me").status_code == 401
    login = {"email": "ivy@example.org", "password": PASSWORD}
    assert panel.browser().post(f"{PREFIX}/login", json=login).status_code == 401
