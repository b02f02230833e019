"""Decline, withdrawal (whole, or optional parts), and re-consent: a new version asks
again those who signed an older one at its centers, shows what changed, and holds their
eCRF entry until they signed it."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa

from datacapt.toolkit import db, tenant_context
from plugins.econsent.api import optional_consents
from plugins.econsent.tests.support import DOCUMENTS, PUBLIC, TOKEN, Trial, version
from plugins.subjects.api import SubjectInStudy

TWO_SIGNERS = [
    {"role": "subject", "statement": {"en": "I agree to take part.", "fr": "J'accepte."}},
    {"role": "investigator", "statement": {"en": "I explained it.", "fr": "J'ai expliqué."}},
]


def _save(trial: Trial, subject: str, client=None) -> Any:
    client = client or trial.investigator
    url = f"/api/ecrf/subjects/{subject}/sections/{trial.section}"
    etag = client.get(url, headers=trial.headers).headers["ETag"]
    return client.put(
        url, json={"answers": {"weight": 70}}, headers={**trial.headers, "If-Match": etag}
    )


def _sign(trial: Trial, subject: str, address: str, client=None) -> dict[str, Any]:
    """The subject signs remotely what they were sent last; the investigator of their
    center countersigns."""
    token = trial.token(address)
    trial.verify(token, address)
    signed: Any = trial.public.post(
        f"{PUBLIC}/signature",
        json={"printed_name": "Ann Lee", "answers": {"may_stop": True, "biobank": True}},
        headers={TOKEN: token},
    )
    assert signed.status_code == 200, signed.json
    done = trial.staff_sign(
        client or trial.investigator, str(signed.json["consent"]), "countersignature"
    )
    assert done.status_code == 200, done.json
    return done.json


def _optional(trial: Trial, subject: str) -> dict[str, Any]:
    with trial.app.app_context(), tenant_context(trial.tenant):
        participation = db.session.execute(
            sa.select(SubjectInStudy).where(SubjectInStudy.uuid == uuid.UUID(subject))
        ).scalar_one()
        return optional_consents(participation)


def test_decline_and_withdrawal_are_seen_by_the_subjects_module(trial: Trial):
    trial.create_document(version(signers=TWO_SIGNERS))
    declining = trial.subject(email="no@example.org")
    trial.asked(declining)
    token = trial.token("no@example.org")
    # Whoever holds the link is not the subject until the code says so.
    unchecked: Any = trial.public.post(
        f"{PUBLIC}/decline", json={"reason": "Not now"}, headers={TOKEN: token}
    )
    assert unchecked.status_code == 409, unchecked.json
    assert unchecked.json["error"]["internal_name"] == "CONSENT_IDENTITY_NOT_VERIFIED"
    read: Any = trial.investigator.get(f"/api/subjects/{declining}", headers=trial.headers)
    assert read.json["consent_status"] == "pending"
    trial.verify(token, "no@example.org")
    declined: Any = trial.public.post(
        f"{PUBLIC}/decline", json={"reason": "Not now"}, headers={TOKEN: token}
    )
    assert declined.status_code == 200 and declined.json["status"] == "declined"
    read = trial.investigator.get(f"/api/subjects/{declining}", headers=trial.headers)
    assert read.json["consent_status"] == "declined"
    closed: Any = trial.public.get(PUBLIC, headers={TOKEN: trial.token("no@example.org")})
    assert closed.status_code == 410

    subject = trial.subject(email="yes@example.org")
    trial.asked(subject)
    consent = _sign(trial, subject, "yes@example.org")
    assert _optional(trial, subject) == {"ICF": {"biobank": True}}
    url = f"/api/econsent/consents/{consent['uuid']}/withdrawal"
    bad: Any = trial.investigator.post(
        url,
        json={"covers": "optional_parts", "parts": ["may_stop"], "reason": "x"},
        headers=trial.headers,
    )
    assert bad.status_code == 422, bad.json
    part: Any = trial.investigator.post(
        url,
        json={"covers": "optional_parts", "parts": ["biobank"], "reason": "Changed mind"},
        headers=trial.headers,
    )
    assert part.status_code == 200, part.json
    assert part.json["status"] == "signed" and part.json["optional_choices"] == {"biobank": False}
    assert _optional(trial, subject) == {"ICF": {"biobank": False}}
    whole: Any = trial.investigator.post(
        url, json={"covers": "consent", "reason": "Moving away"}, headers=trial.headers
    )
    assert whole.status_code == 200 and whole.json["status"] == "withdrawn"
    read = trial.investigator.get(f"/api/subjects/{subject}", headers=trial.headers)
    assert read.json["consent_status"] == "withdrawn"
    again: Any = trial.investigator.post(
        url, json={"covers": "consent", "reason": "Twice"}, headers=trial.headers
    )
    assert again.status_code == 409


def test_a_new_version_asks_again_those_who_signed_and_holds_their_entry(trial: Trial):
    trial.create_document(version(signers=TWO_SIGNERS))
    paris, lyon, withdrawn = (
        trial.subject(email="paris@example.org"),
        trial.subject("LYO", email="lyon@example.org"),
        trial.subject(email="gone@example.org"),
    )
    for subject, address in ((paris, "paris@example.org"), (withdrawn, "gone@example.org")):
        trial.asked(subject)
        _sign(trial, subject, address)
    trial.ask(lyon, client=trial.lyon_investigator)
    _sign(trial, lyon, "lyon@example.org", trial.lyon_investigator)
    gone: Any = trial.investigator.get(
        f"/api/econsent/subjects/{withdrawn}/consents", headers=trial.headers
    ).json
    trial.investigator.post(
        f"/api/econsent/consents/{gone[0]['uuid']}/withdrawal",
        json={"covers": "consent", "reason": "Moved"},
        headers=trial.headers,
    )
    unasked = trial.subject(email="new@example.org")  # never signed: not asked again

    content = version(signers=TWO_SIGNERS, centers=[trial.centers["PAR"]])
    content["blocks"][0]["content"]["en"] = (
        "The study tests a new treatment.\nA blood test is added."
    )
    draft: Any = trial.manager.post(
        f"{DOCUMENTS}{trial.document}/versions/", json=content, headers=trial.headers
    )
    assert draft.status_code == 201, draft.json
    published = trial.publish(2)
    assert [s["subject"] for s in published["reconsent"]] == [paris]
    (english, french) = published["changes"]
    assert english["language"] == "en" and "+A blood test is added." in english["diff"]
    assert "-You may stop at any time." in english["diff"]
    assert french["diff"] == []
    assert published["previous"] == 1
    assert any("/econsent/" in body for body in trial.bodies("paris@example.org")[-1:])

    # Paris's entry waits for the re-consent; Lyon's and the others' do not.
    held = _save(trial, paris)
    assert (
        held.status_code == 409
        and held.json["error"]["internal_name"] == "CONSENT_RECONSENT_PENDING"
    )
    assert _save(trial, lyon, trial.lyon_investigator).status_code == 200
    assert _save(trial, unasked).status_code == 200
    states: Any = trial.investigator.get(
        f"/api/econsent/subjects/{paris}/consents", headers=trial.headers
    ).json
    assert [(c["version"], c["status"], c["reconsent"]) for c in states] == [
        (1, "signed", False),
        (2, "asked", True),
    ]
    read: Any = trial.investigator.get(f"/api/subjects/{paris}", headers=trial.headers)
    assert read.json["consent_status"] == "pending"
    _sign(trial, paris, "paris@example.org")
    assert _save(trial, paris).status_code == 200
    read = trial.investigator.get(f"/api/subjects/{paris}", headers=trial.headers)
    assert read.json["consent_status"] == "given"


def test_the_hold_is_a_study_setting(trial: Trial):
    trial.create_document(version(signers=TWO_SIGNERS))
    subject = trial.subject(email="free@example.org")
    trial.asked(subject)
    _sign(trial, subject, "free@example.org")
    changed: Any = trial.manager.patch(
        "/api/plugins/econsent/study-settings",
        json={"hold_until_reconsent": False},
        headers=trial.headers,
    )
    assert changed.status_code == 200, changed.json
    trial.manager.post(
        f"{DOCUMENTS}{trial.document}/versions/",
        json=version(signers=TWO_SIGNERS),
        headers=trial.headers,
    )
    assert len(trial.publish(2)["reconsent"]) == 1
    assert _save(trial, subject).status_code == 200


def test_a_publisher_limited_to_centers_sees_only_their_subjects_asked_again(
    trial: Trial, join_study
):
    trial.create_document(version(signers=TWO_SIGNERS))
    paris, lyon = trial.subject(email="p@example.org"), trial.subject("LYO", email="l@example.org")
    trial.asked(paris)
    _sign(trial, paris, "p@example.org")
    trial.ask(lyon, client=trial.lyon_investigator)
    _sign(trial, lyon, "l@example.org", trial.lyon_investigator)
    trial.manager.post(
        f"{DOCUMENTS}{trial.document}/versions/",
        json=version(signers=TWO_SIGNERS),
        headers=trial.headers,
    )
    paris_manager = join_study(trial.headers, trial.tenant, "study_manager", [trial.centers["PAR"]])
    published: Any = paris_manager.post(
        f"{DOCUMENTS}{trial.document}/versions/2/publication", headers=trial.headers
    )
    assert published.status_code == 200, published.json
    # Both are asked again; the answer names only the subject of the publisher's center.
    assert [s["subject"] for s in published.json["reconsent"]] == [paris]
    lyon_consents: Any = trial.lyon_investigator.get(
        f"/api/econsent/subjects/{lyon}/consents", headers=trial.headers
    )
    assert [(c["version"], c["status"]) for c in lyon_consents.json] == [
        (1, "signed"),
        (2, "asked"),
    ]


def test_a_subject_whose_participation_ended_is_not_asked_again(trial: Trial):
    trial.create_document(version(signers=TWO_SIGNERS))
    subject = trial.subject(email="left@example.org")
    trial.asked(subject)
    _sign(trial, subject, "left@example.org")
    ended: Any = trial.investigator.patch(
        f"/api/subjects/{subject}",
        json={"status": "withdrawn", "end_reason": "Left the study"},
        headers=trial.headers,
    )
    assert ended.status_code == 200, ended.json
    sent = len(trial.bodies("left@example.org"))
    trial.manager.post(
        f"{DOCUMENTS}{trial.document}/versions/",
        json=version(signers=TWO_SIGNERS),
        headers=trial.headers,
    )
    assert trial.publish(2)["reconsent"] == []
    assert len(trial.bodies("left@example.org")) == sent  # nobody writes to them again
    read: Any = trial.investigator.get(f"/api/subjects/{subject}", headers=trial.headers)
    assert read.json["consent_status"] == "given"


def test_a_consent_still_unsigned_when_a_new_version_is_published_moves_to_it(trial: Trial):
    trial.create_document(version(signers=TWO_SIGNERS))
    subject = trial.subject(email="slow@example.org")
    trial.asked(subject)
    old_link = trial.token("slow@example.org")
    trial.manager.post(
        f"{DOCUMENTS}{trial.document}/versions/",
        json=version(signers=TWO_SIGNERS),
        headers=trial.headers,
    )
    assert trial.publish(2)["reconsent"] == []  # they never consented: no re-consent
    # The superseded version is no longer signed; the new one is sent in its place.
    assert trial.public.get(PUBLIC, headers={TOKEN: old_link}).status_code == 410
    states: Any = trial.investigator.get(
        f"/api/econsent/subjects/{subject}/consents", headers=trial.headers
    ).json
    assert [(c["version"], c["status"], c["reconsent"]) for c in states] == [
        (1, "superseded", False),
        (2, "asked", False),
    ]
    assert _sign(trial, subject, "slow@example.org")["version"] == 2
    assert _save(trial, subject).status_code == 200
