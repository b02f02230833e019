"""The demo study's consent form: added once, published, and asked of a subject."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa

from datacapt.testing import unit_of_work
from datacapt.toolkit import Study, db, tenant_context
from plugins.econsent.demo import add_demo_consent
from plugins.econsent.tests.support import DOCUMENTS, Trial


def test_the_demo_consent_form_is_published_and_can_be_asked(app, trial: Trial, tenant):
    for _ in range(2):  # the demo seed runs again on an existing demo tenant
        with app.app_context(), tenant_context(tenant), unit_of_work():
            study = db.session.execute(
                sa.select(Study).where(Study.uuid == uuid.UUID(trial.headers["Study-Uuid"]))
            ).scalar_one()
            add_demo_consent(study)
    documents: Any = trial.manager.get(DOCUMENTS, headers=trial.headers)
    (document,) = documents.json
    assert [v["status"] for v in document["versions"]] == ["published"]
    trial.document = document["uuid"]
    subject = trial.subject()
    no_phone: Any = trial.investigator.post(
        f"/api/econsent/subjects/{subject}/consents",
        json={"document": trial.document, "mode": "remote", "channel": "sms"},
        headers=trial.headers,
    )
    assert no_phone.status_code == 422
    assert no_phone.json["error"]["internal_name"] == "CONSENT_NO_CONTACT"
    assert trial.asked(subject)["status"] == "asked"
