"""A consent asked remotely, the identity checked by a one-time code, signed in order by
the subject, the witness and the investigator; the signed record read back."""

from __future__ import annotations

import io
from typing import Any

from pypdf import PdfReader

from plugins.econsent.tests.support import PUBLIC, TOKEN, Trial


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

    witnessed = trial.staff_sign(trial.investigator, consent["uuid"], "witness-signature")
    assert witnessed.status_code == 200, witnessed.json
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
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(record.data)).pages)
    assert "The study tests a new treatment." in text
    assert "May you stop at any time?" in text and "Yes" in text
    assert "Ann Lee" in text and "I agree to take part." in text
    assert "I explained the study." in text and "witness" in text
    # The subject's copy went to them, and their link now downloads it.
    assert any("Your copy" in body for body in trial.bodies(address))
    copy: Any = client.get(f"{PUBLIC}/record", headers={TOKEN: token})
    assert copy.status_code == 200 and copy.data == record.data
