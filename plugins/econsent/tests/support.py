"""What the eConsent tests share: a study at Paris and Lyon with a one-section eCRF, its
team, a consent document (static text, a comprehension question, an optional part; signed
by subject, witness and investigator), subjects with an email, and what they receive."""

from __future__ import annotations

import copy
import dataclasses
import re
from typing import Any

from flask import Flask

from datacapt.testing import TenantClient, delivered_body, emails_to, tenant_client, tenant_host
from datacapt.toolkit import TenantRef, tenant_context

PUBLIC = "/api/econsent/public/consent"
DOCUMENTS = "/api/econsent/documents/"
TOKEN = "Consent-Token"

VERSION: dict[str, Any] = {
    "languages": ["en", "fr"],
    "ethics_reference": "CPP-2026-42",
    "ethics_date": "2026-10-01",
    "blocks": [
        {
            "kind": "static",
            "content": {
                "en": "The study tests a new treatment.\nYou may stop at any time.",
                "fr": "L'étude teste un nouveau traitement.\nVous pouvez arrêter à tout moment.",
            },
        },
        {
            "kind": "question",
            "code": "may_stop",
            "type": "yes_no",
            "label": {"en": "May you stop at any time?", "fr": "Pouvez-vous arrêter ?"},
            "required": True,
        },
        {
            "kind": "question",
            "code": "biobank",
            "type": "yes_no",
            "label": {"en": "Keep my samples for research", "fr": "Garder mes échantillons"},
        },
    ],
    "correct_answers": {"may_stop": True},
    "optional_parts": ["biobank"],
    "signers": [
        {"role": "subject", "statement": {"en": "I agree to take part.", "fr": "J'accepte."}},
        {"role": "witness", "statement": {"en": "I witnessed it.", "fr": "J'en suis témoin."}},
        {
            "role": "investigator",
            "statement": {"en": "I explained the study.", "fr": "J'ai expliqué l'étude."},
        },
    ],
}
ECRF = {
    "sections": [
        {
            "title": {"en": "Visit"},
            "subsections": [
                {
                    "title": {"en": "Visit"},
                    "blocks": [
                        {
                            "kind": "question",
                            "code": "weight",
                            "type": "integer",
                            "label": {"en": "w"},
                        }
                    ],
                }
            ],
        }
    ]
}


def version(**changes: Any) -> dict[str, Any]:
    """The test version's content with ``changes``."""
    return {**copy.deepcopy(VERSION), **changes}


@dataclasses.dataclass
class Trial:
    app: Flask
    tenant: TenantRef
    headers: dict[str, str]
    centers: dict[str, str]
    section: str
    manager: TenantClient
    investigator: TenantClient  # at PAR
    witness: TenantClient  # an investigator at PAR, the impartial witness
    lyon_investigator: TenantClient  # at LYO
    monitor: TenantClient
    viewer: TenantClient
    public: TenantClient  # no login: a subject's browser
    document: str = ""
    count: int = 0

    def subject(self, center: str = "PAR", email: str | None = None) -> str:
        self.count += 1
        client = self.investigator if center == "PAR" else self.lyon_investigator
        personal = {"first_name": "Ann", "last_name": "Lee", "language": "en"}
        personal["email"] = email or f"subject{self.count}-{id(self)}@example.org"
        added: Any = client.post(
            "/api/subjects/",
            json={"center": self.centers[center], "personal_data": personal},
            headers=self.headers,
        )
        assert added.status_code == 201, added.json
        return added.json["uuid"]

    def create_document(self, content: dict[str, Any] | None = None, publish: bool = True) -> Any:
        created: Any = self.manager.post(
            DOCUMENTS,
            json={
                "code": "ICF",
                "title": {"en": "Consent", "fr": "Consentement"},
                "version": content or version(),
            },
            headers=self.headers,
        )
        assert created.status_code == 201, created.json
        self.document = created.json["uuid"]
        if publish:
            self.publish(1)
        return created.json

    def publish(self, number: int) -> Any:
        published: Any = self.manager.post(
            f"{DOCUMENTS}{self.document}/versions/{number}/publication", headers=self.headers
        )
        assert published.status_code == 200, published.json
        return published.json

    def ask(self, subject: str, mode: str = "remote", client: TenantClient | None = None) -> Any:
        return (client or self.investigator).post(
            f"/api/econsent/subjects/{subject}/consents",
            json={"document": self.document, "mode": mode},
            headers=self.headers,
        )

    def asked(self, subject: str, mode: str = "remote") -> dict[str, Any]:
        response = self.ask(subject, mode)
        assert response.status_code == 201, response.json
        return response.json

    def bodies(self, address: str) -> list[str]:
        with self.app.app_context(), tenant_context(self.tenant):
            return [delivered_body(n) for n in emails_to(address)]

    def token(self, address: str) -> str:
        """The token of the last consent link sent to ``address``."""
        found = [
            t for body in self.bodies(address) for t in re.findall(r"/econsent/([\w-]+)", body)
        ]
        return found[-1]

    def code(self, address: str) -> str:
        found = [c for body in self.bodies(address) for c in re.findall(r"code: (\d{6})", body)]
        return found[-1]

    def verify(self, token: str, address: str) -> None:
        client = self.public
        sent: Any = client.post(f"{PUBLIC}/code", json={}, headers={TOKEN: token})
        assert sent.status_code == 200, sent.json
        checked: Any = client.post(
            f"{PUBLIC}/identity", json={"code": self.code(address)}, headers={TOKEN: token}
        )
        assert checked.status_code == 200, checked.json

    def staff_sign(self, client: TenantClient, consent: str, what: str) -> Any:
        return client.post(
            f"/api/econsent/consents/{consent}/{what}",
            json={"password": client.user.password},
            headers=self.headers,
        )


def make_trial(app, client_as, make_study, join_study, tenant) -> Trial:
    manager = client_as(tenant, "study_manager")
    study = make_study(manager, "PAR", "LYO", reference="CONSENT-1")
    etag = manager.get("/api/ecrf/", headers=study.headers).headers["ETag"]
    ecrf: Any = manager.put("/api/ecrf/", json=ECRF, headers={**study.headers, "If-Match": etag})
    assert ecrf.status_code == 200, ecrf.json
    return Trial(
        app=app,
        tenant=tenant,
        headers=study.headers,
        centers=study.centers,
        section=ecrf.json["sections"][0]["uuid"],
        manager=manager,
        investigator=join_study(study.headers, tenant, "investigator", [study.centers["PAR"]]),
        witness=join_study(study.headers, tenant, "investigator", [study.centers["PAR"]]),
        lyon_investigator=join_study(study.headers, tenant, "investigator", [study.centers["LYO"]]),
        monitor=join_study(study.headers, tenant, "monitor"),
        viewer=join_study(study.headers, tenant, "viewer"),
        public=tenant_client(app).for_host(tenant_host(app, tenant)),
    )
