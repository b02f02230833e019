"""A consent asked remotely, the identity checked by a one-time code, signed in order by
the subject, the witness and the investigator; the signed record read back."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from datacapt.testing import pdf_text
from datacapt.toolkit import db, tenant_context
from plugins.econsent.consents.models import Consent
from plugins.econsent.tests.support import PUBLIC, TOKEN, Trial, version


def test_a_consent_is_signed_in_order_and_its_record_holds_what_was_presented(trial: Trial):
    client = trial.public
    trial.create_document()
    address = "ann@example.org"
    subject = trial.subject(email=address)
    consent = trial.asked(subject)
    assert (consent["status"], consent["next_signer"]) == ("asked", "subject")
    token = trial.token(address)
    subjects: Any = trial.investigator.get(f"/api/subjects/{subject}", headers=trial.headers)
    assert subjects.json["consent_status"] == "pending"

    # The investigator cannot countersign before the subject (nor the witness).
    early = trial.staff_sign(trial.investigator, consent["uuid"], "countersignature")
    assert early.status_code == 409, early.json
    assert early.json["error"]["internal_name"] == "CONSENT_SIGNER_OUT_OF_ORDER"
    assert early.json["error"]["details"]["expected"] == "subject"

    read: Any = client.get(PUBLIC, headers={TOKEN: token})
    assert read.status_code == 200, read.json
    assert read.json["identity_needed"] is True
    unchecked: Any = client.post(
        f"{PUBLIC}/signature", json={"printed_name": "Ann Lee"}, headers={TOKEN: token}
    )
    assert (
        unchecked.status_code == 409
        and unchecked.json["error"]["internal_name"] == "CONSENT_IDENTITY_NOT_VERIFIED"
    )
    trial.verify(token, address)

    wrong: Any = client.post(
        f"{PUBLIC}/signature",
        json={"printed_name": "Ann Lee", "answers": {"may_stop": False}},
        headers={TOKEN: token},
    )
    assert wrong.status_code == 422, wrong.json
    assert wrong.json["error"]["internal_name"] == "CONSENT_ANSWERS_REFUSED"
    assert "may_stop" in wrong.json["error"]["fields"]
    signed: Any = client.post(
        f"{PUBLIC}/signature",
        json={"printed_name": "Ann Lee", "answers": {"may_stop": True, "biobank": True}},
        headers={TOKEN: token},
    )
    assert signed.status_code == 200, signed.json
    assert signed.json["next_signer"] == "witness"

    witnessed = trial.staff_sign(trial.witness, consent["uuid"], "witness-signature")
    assert witnessed.status_code == 200, witnessed.json
    # The witness does not countersign too.
    twice = trial.staff_sign(trial.witness, consent["uuid"], "countersignature")
    assert twice.status_code == 409, twice.json
    assert twice.json["error"]["internal_name"] == "CONSENT_SIGNER_ALREADY_SIGNED"
    done = trial.staff_sign(trial.investigator, consent["uuid"], "countersignature")
    assert done.status_code == 200, done.json
    assert done.json["status"] == "signed" and done.json["record_sha256"]
    assert [s["role"] for s in done.json["signatures"]] == ["subject", "witness", "investigator"]
    subjects = trial.investigator.get(f"/api/subjects/{subject}", headers=trial.headers)
    assert subjects.json["consent_status"] == "given"

    record: Any = trial.monitor.get(
        f"/api/econsent/consents/{consent['uuid']}/record", headers=trial.headers
    )
    assert record.status_code == 200
    text = pdf_text(record.data)
    assert "The study tests a new treatment." in text
    assert "May you stop at any time?" in text and "Yes" in text
    assert "Ann Lee" in text and "I agree to take part." in text
    assert "I explained the study." in text and "witness" in text
    # The subject's copy went to them, and their link now downloads it.
    assert any("Your copy" in body for body in trial.bodies(address))
    copy: Any = client.get(f"{PUBLIC}/record", headers={TOKEN: token})
    assert copy.status_code == 200 and copy.data == record.data

    # A record altered on disk is not served, and the finding is audited.
    path = stored_path(trial, done.json["uuid"])
    path.write_bytes(path.read_bytes() + b"%% a page added later\n")
    tampered: Any = trial.monitor.get(
        f"/api/econsent/consents/{consent['uuid']}/record", headers=trial.headers
    )
    assert tampered.status_code == 409
    assert tampered.json["error"]["internal_name"] == "CONSENT_RECORD_ALTERED"
    assert client.get(f"{PUBLIC}/record", headers={TOKEN: token}).status_code == 409
    trail: Any = trial.monitor.get(
        "/api/audit-trails/",
        query_string={"object_type": "econsent_consents", "limit": 100},
        headers=trial.headers,
    )
    assert [r["action"] for r in trail.json["records"]].count("record_altered") == 2


def stored_path(trial: Trial, consent_uuid: str) -> Path:
    with trial.app.app_context(), tenant_context(trial.tenant):
        file_uuid = db.session.execute(
            sa.select(Consent.record_file_uuid).where(Consent.uuid == uuid.UUID(consent_uuid))
        ).scalar_one()
    return Path(trial.app.config["DATACAPT_FILES_DIR"]) / trial.tenant.schema_name / str(file_uuid)


def test_a_representative_signs_after_the_subject_and_in_person_needs_the_link(trial: Trial):
    content = version()
    content["signers"].insert(
        1, {"role": "representative", "statement": {"en": "For them.", "fr": "Pour lui."}}
    )
    trial.create_document(content)
    subject = trial.subject()
    consent = trial.asked(subject, "in_person")
    # Only staff who may obtain consent hand out the link (the QR code's).
    assert (
        trial.monitor.post(
            f"/api/econsent/consents/{consent['uuid']}/link", headers=trial.headers
        ).status_code
        == 403
    )
    link: Any = trial.investigator.post(
        f"/api/econsent/consents/{consent['uuid']}/link", headers=trial.headers
    )
    assert link.status_code == 200, link.json
    assert link.json["link"].endswith("/econsent/" + link.json["token"])
    token = {TOKEN: link.json["token"]}
    public = trial.public
    opened: Any = public.get(PUBLIC, headers=token)
    assert opened.json["identity_needed"] is False  # the staff who handed it out saw them
    early: Any = public.post(
        f"{PUBLIC}/signature", json={"role": "representative", "printed_name": "Jo"}, headers=token
    )
    assert early.status_code == 409, early.json
    assert early.json["error"]["details"]["expected"] == "subject"
    missing: Any = public.post(f"{PUBLIC}/signature", json={"printed_name": "Ann"}, headers=token)
    assert missing.status_code == 422 and "may_stop" in missing.json["error"]["fields"]
    answers = {"may_stop": True}
    by_subject: Any = public.post(
        f"{PUBLIC}/signature", json={"printed_name": "Ann", "answers": answers}, headers=token
    )
    assert by_subject.json["next_signer"] == "representative"
    by_representative: Any = public.post(
        f"{PUBLIC}/signature", json={"role": "representative", "printed_name": "Jo"}, headers=token
    )
    assert by_representative.json["next_signer"] == "witness"
    wrong: Any = trial.investigator.post(
        f"/api/econsent/consents/{consent['uuid']}/witness-signature",
        json={"password": "not it"},
        headers=trial.headers,
    )
    assert wrong.status_code == 422 and wrong.json["error"]["internal_name"] == "WRONG_PASSWORD"
    # The viewer may not countersign.
    assert trial.staff_sign(trial.viewer, consent["uuid"], "countersignature").status_code == 403
