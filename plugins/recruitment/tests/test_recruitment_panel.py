"""Recruitment with the panel: campaigns invite the volunteers a filter matches who agreed
to be contacted, by a link of their own that records their response and their
application; the clinical study's wash-out refuses with its reason; a volunteer's
applications are in their GDPR inventory and their answers go with an erasure."""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa

from datacapt.testing import delivered_body, emails_to, unit_of_work
from datacapt.toolkit import db, erase_subject, tenant_context
from plugins.recruitment.tests.support import PUBLIC, Trial, person
from plugins.subjects.api import Subject

PANEL = "/api/subject-repository/volunteers/"
SETTINGS = "/api/plugins/subject_repository/study-settings"


def _volunteer(admin, n: int, consent: bool) -> str:
    made: Any = admin.post(PANEL, json=person(n))
    assert made.status_code == 201, made.json
    if consent:
        given = admin.post(
            f"{PANEL}{made.json['uuid']}/consents", json={"purpose": "contact_for_studies"}
        )
        assert given.status_code == 201, given.json
    return made.json["uuid"]


def _invitation_token(trial: Trial, email: str) -> str:
    with trial.app.app_context(), tenant_context(trial.tenant.schema_name):
        (message,) = [m for m in emails_to(email) if m.template == "recruitment.invitation"]
        return re.findall(r"/recruitment/invitation/([\w-]+)", delivered_body(message))[0]


def test_a_campaign_invites_consenting_volunteers_and_tracks_who_responded(
    trial: Trial, client_as, tenant, join_study
):
    trial.staff("patch", f"/studies/{trial.recruitment}", published=True)
    admin = client_as(tenant)
    for n, consent in ((1, True), (2, True), (3, False)):
        _volunteer(admin, n, consent)
    url = f"/studies/{trial.recruitment}/campaigns/"
    investigator = join_study(trial.headers, tenant, "investigator")
    assert (
        trial.staff(
            "post", url, investigator, name="Spring", channel="email", filter={}
        ).status_code
        == 403
    )
    for bad_filter, status in (
        ({"profile": "skin"}, 422),
        ({"saved": "not a uuid"}, 422),
        ({"saved": "00000000-0000-0000-0000-000000000000"}, 404),
    ):
        bad = trial.staff("post", url, name="Bad", channel="email", filter=bad_filter)
        assert bad.status_code == status, bad.json
    assert trial.audit("recruitment_campaigns") == []

    sent: Any = trial.staff("post", url, name="Spring", channel="email", filter={})
    assert sent.status_code == 201, sent.json
    assert (sent.json["invited"], sent.json["responded"], sent.json["applied"]) == (2, 0, 0)
    token = _invitation_token(trial, "ann1@example.org")
    with trial.app.app_context(), tenant_context(trial.tenant.schema_name):
        assert emails_to("ann3@example.org") == []  # no consent to be contacted

    opened: Any = trial.public.get(f"{PUBLIC}/invitation", headers={"Invitation-Token": token})
    assert (opened.json["title"], opened.json["applied"]) == ("Moisturizer tolerance", False)
    applied: Any = trial.public.post(
        f"{PUBLIC}/invitation/application",
        json={"answers": {"smoker": False, "age": 40}},
        headers={"Invitation-Token": token},
    )
    assert applied.status_code == 201 and applied.json["status"] == "pre_screened", applied.json
    (campaign,) = trial.staff("get", url).json
    assert (campaign["invited"], campaign["responded"], campaign["applied"]) == (2, 1, 1)
    # The volunteer's acts are audited as theirs.
    assert {actor for _, actor, _ in trial.audit("recruitment_invitations")[-1:]} == {"subject"}
    # Nobody is invited twice to one recruitment.
    again: Any = trial.staff("post", url, name="Reminder", channel="sms", filter={})
    assert again.json["invited"] == 0


def test_the_washout_refuses_with_its_reason_and_the_inventory_lists_applications(
    trial: Trial, client_as, tenant, make_study
):
    trial.staff("patch", f"/studies/{trial.recruitment}", published=True)
    rules = {"category": "skin care", "washout_days": 90}
    assert trial.manager.patch(SETTINGS, json=rules, headers=trial.headers).status_code == 200
    earlier = make_study(trial.manager, "NAN", reference="REC-0")
    assert (
        trial.manager.patch(
            SETTINGS, json={"category": "skin care"}, headers=earlier.headers
        ).status_code
        == 200
    )
    took_part = trial.manager.post(
        "/api/subjects/",
        json={"center": earlier.centers["NAN"], "personal_data": {"email": "ann7@example.org"}},
        headers=earlier.headers,
    )
    assert took_part.status_code == 201, took_part.json

    refused = trial.applied(7)
    assert refused["status"] == "not_eligible"
    assert refused["reason"].startswith("wash-out: ") and len(refused["reason"]) > 10

    admin = client_as(tenant)
    (volunteer,) = [v for v in admin.get(PANEL).json if v["source"] == "recruitment"]
    inventory: Any = admin.get(f"{PANEL}{volunteer['uuid']}/inventory")
    kinds = {r["kind"]: r["count"] for r in inventory.json["modules"]["recruitment"]}
    assert kinds == {"recruitment.applications": 1}  # no invitation: the kind is left out
    with trial.app.app_context(), tenant_context(trial.tenant.schema_name), unit_of_work():
        subject_id = db.session.execute(
            sa.select(Subject.id).where(Subject.uuid == volunteer["uuid"])
        ).scalar_one_or_none()
        assert subject_id is None  # the panel's id is its own, not the subject's
    read: Any = trial.staff("get", f"/applications/{refused['application']}")
    with trial.app.app_context(), tenant_context(trial.tenant.schema_name), unit_of_work():
        subject_id = db.session.execute(
            sa.select(Subject.id).where(Subject.uuid == read.json["volunteer"])
        ).scalar_one()
        erase_subject(subject_id)
    erased: Any = trial.staff("get", f"/applications/{refused['application']}")
    assert (erased.json["answers"], erased.json["reason"], erased.json["status"]) == (
        {},
        None,
        "not_eligible",
    )
    # Erased, the person is no one the module knows: applying again is a new volunteer's.
    assert trial.apply(7).status_code == 201
    listed: Any = trial.staff("get", f"/studies/{trial.recruitment}/applications/")
    assert [a["volunteer"] == read.json["volunteer"] for a in listed.json] == [True, False]
