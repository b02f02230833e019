"""Invitations: by email, single use, expiring, resent and revoked; accepted with a password."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa
import time_machine

from datacapt.database import db
from datacapt.notifications import Notification
from datacapt.tenancy import tenant_context
from datacapt.testing.mail import delivered_body, emails_to


def invitation_tokens(app, tenant, email: str) -> list[str]:
    with app.app_context(), tenant_context(tenant):
        return [
            re.search(r"token=([\w-]+)", delivered_body(message)).group(1)
            for message in emails_to(email)
        ]


@pytest.fixture
def study(client_as, tenant):
    manager = client_as(tenant, "study_manager")
    study = manager.post("/api/studies/", json={"reference": "INV-1", "name": "Invitations"}).json
    center = manager.post(
        "/api/centers/", json={"code": "INV", "name": "Center", "country": "BE"}
    ).json
    manager.post(
        "/api/study-centers/",
        json={"center": center["uuid"]},
        headers={"Study-Uuid": study["uuid"]},
    )
    return {"manager": manager, "uuid": study["uuid"], "center": center["uuid"]}


def invite(client, **fields):
    body = {
        "email": "new.person@example.org",
        "first_name": "New",
        "last_name": "Person",
        "platform_role": "viewer",
        **fields,
    }
    return client.post("/api/invitations/", json=body)


def accept(client, token: str, password: str = "Quiet-Harbour-Lanterns-58"):
    return client.post("/api/auth/invitations/accept", json={"token": token, "password": password})


@pytest.mark.requirement("A11-12", "E6-4.3.7")
def test_an_invitation_to_a_study_creates_the_account_and_membership_once(
    app, study, client_for, tenant
):
    manager = study["manager"]
    invited = invite(
        manager,
        study=study["uuid"],
        study_role="viewer",
        all_centers=False,
        centers=[study["center"]],
        language="fr",
    )
    assert invited.status_code == 201 and invited.json["status"] == "pending"
    (token,) = invitation_tokens(app, tenant, "new.person@example.org")
    with app.app_context(), tenant_context(tenant):
        email = db.session.execute(sa.select(Notification)).scalars().all()[-1]
    assert email.state == "sent" and email.language == "fr" and "vous invite" in email.body
    anonymous = client_for(tenant)
    accepted = accept(anonymous, token)
    assert accepted.status_code == 201 and accepted.json["status"] == "active"
    assert accepted.json["platform_role"]["name"] == "viewer"
    assert accept(anonymous, token).json["error"]["internal_name"] == "INVITATION_INVALID"
    login = anonymous.post(
        "/api/auth/login",
        json={"email": "new.person@example.org", "password": "Quiet-Harbour-Lanterns-58"},
    )
    anonymous.token = login.json["token"]
    (membership,) = anonymous.get("/api/users/me/permissions").json["studies"]
    assert membership["role"]["name"] == "viewer" and membership["centers"] == [study["center"]]
    assert manager.get("/api/invitations/").json[0]["status"] == "accepted"


@pytest.mark.requirement("P11-11.300")
def test_accepting_applies_the_password_policy(app, study, client_for, tenant):
    invite(study["manager"])
    (token,) = invitation_tokens(app, tenant, "new.person@example.org")
    weak = accept(client_for(tenant), token, "password")
    assert weak.status_code == 422 and weak.json["error"]["internal_name"] == "PASSWORD_POLICY"
    assert accept(client_for(tenant), token).status_code == 201  # still usable after a refusal


def test_resending_replaces_the_link_and_revoking_ends_it(app, study, client_for, tenant):
    manager = study["manager"]
    invitation = invite(manager).json
    resent = manager.post(f"/api/invitations/{invitation['uuid']}/resend")
    assert resent.status_code == 200 and resent.json["sent_count"] == 2
    first, second = invitation_tokens(app, tenant, "new.person@example.org")
    assert accept(client_for(tenant), first).status_code == 422
    assert manager.delete(f"/api/invitations/{invitation['uuid']}").status_code == 204
    assert accept(client_for(tenant), second).status_code == 422
    assert manager.delete(f"/api/invitations/{invitation['uuid']}").status_code == 409


def test_invitations_expire(app, client_as, client_for, tenant):
    start = dt.datetime.now(dt.UTC)
    with time_machine.travel(start, tick=False) as clock:
        invite(client_as(tenant, "study_manager"))
        (token,) = invitation_tokens(app, tenant, "new.person@example.org")
        clock.shift(dt.timedelta(days=8))
        assert accept(client_for(tenant), token).status_code == 422
        # An expired invitation no longer blocks a new one to the same email.
        assert invite(client_as(tenant, "study_manager")).status_code == 201


@pytest.mark.requirement("P11-11.100")
def test_duplicates_and_existing_users_are_refused(study, user_factory, tenant):
    manager = study["manager"]
    assert invite(manager).status_code == 201
    again = invite(manager)
    assert (
        again.status_code == 409
        and again.json["error"]["internal_name"] == "INVITATION_ALREADY_PENDING"
    )
    existing = user_factory(tenant, "viewer")
    taken = invite(manager, email=existing.email)
    assert (
        taken.status_code == 409 and taken.json["error"]["internal_name"] == "USER_ALREADY_EXISTS"
    )


@pytest.mark.requirement("P11-11.10g")
def test_only_a_study_s_managers_invite_into_it(study, client_as, tenant):
    outsider = client_as(tenant, "study_manager")
    refused = invite(outsider, study=study["uuid"], study_role="investigator")
    assert refused.status_code == 403
    bad_center = invite(
        study["manager"],
        study=study["uuid"],
        study_role="viewer",
        all_centers=False,
        centers=[str(outsider.user.uuid)],
    )
    assert bad_center.status_code == 404
    assert invite(study["manager"], email="not-an-email").status_code == 422


def test_an_invitation_to_a_study_needs_a_study_role(study):
    refused = invite(study["manager"], study=study["uuid"])
    assert refused.status_code == 422 and "study_role" in refused.json["error"]["fields"]
