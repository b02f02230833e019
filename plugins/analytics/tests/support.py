"""A study followed on the dashboards, shared by the analytics tests: centers at Paris and
Lyon, an eCRF of a screening section (its one required question raises a query when
answered "no") and a visit, and its team: a study manager who sets the targets,
investigators at each center, a monitor who sees both."""

from __future__ import annotations

import contextlib
import dataclasses
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from flask import Flask

from datacapt.testing import TenantClient, unit_of_work
from datacapt.toolkit import Study, TenantRef, db, tenant_context


def _question(code: str, **fields: Any) -> dict[str, Any]:
    return {
        "kind": "question",
        "code": code,
        "type": "yes_no",
        "label": {"en": code},
        "required": True,
        **fields,
    }


NOT_ELIGIBLE = {"rule": {"==": [{"var": "eligible"}, False]}, "level": "warning", "message": "No"}
ECRF = {
    "sections": [
        {
            "title": {"en": "Screening", "fr": "Sélection"},
            "subsections": [
                {
                    "title": {"en": "Screening"},
                    "blocks": [
                        _question("eligible", validations=[NOT_ELIGIBLE]),
                        _question("consented"),
                    ],
                }
            ],
        },
        {
            "title": {"en": "Visit 1"},
            "subsections": [{"title": {"en": "Visit 1"}, "blocks": [_question("visit1_done")]}],
        },
    ]
}
SVG_TEXT = "{http://www.w3.org/2000/svg}text"


def svg_texts(content: bytes) -> list[str]:
    """The texts of an SVG document, which must be well-formed XML."""
    root = ET.fromstring(content)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert not list(root.iter("{http://www.w3.org/2000/svg}script"))
    return [element.text or "" for element in root.iter(SVG_TEXT)]


@dataclasses.dataclass
class Trial:
    app: Flask
    tenant: TenantRef
    headers: dict[str, str]
    study: str  # uuid
    centers: dict[str, str]  # code -> uuid
    sections: dict[str, str]  # title -> uuid
    manager: TenantClient
    investigator: TenantClient  # at PAR
    lyon_investigator: TenantClient  # at LYO only
    monitor: TenantClient

    def site_client(self, center: str) -> TenantClient:
        return self.investigator if center == "PAR" else self.lyon_investigator

    def subject(self, center: str = "PAR", included: str | None = None) -> str:
        """A subject at ``center``, included on that day (ISO) if given: its uuid."""
        client = self.site_client(center)
        added: Any = client.post(
            "/api/subjects/", json={"center": self.centers[center]}, headers=self.headers
        )
        assert added.status_code == 201, added.json
        if included:
            change = {"status": "included", "inclusion_date": included}
            answer: Any = client.patch(
                f"/api/subjects/{added.json['uuid']}", json=change, headers=self.headers
            )
            assert answer.status_code == 200, answer.json
        return added.json["uuid"]

    def exclude(self, subject: str, center: str = "PAR") -> None:
        change = {"status": "excluded", "end_reason": "Screening failure"}
        answer: Any = self.site_client(center).patch(
            f"/api/subjects/{subject}", json=change, headers=self.headers
        )
        assert answer.status_code == 200, answer.json

    def answer(self, subject: str, section: str, answers: dict[str, Any], center: str = "PAR"):
        client = self.site_client(center)
        url = f"/api/ecrf/subjects/{subject}/sections/{self.sections[section]}"
        etag = client.get(url, headers=self.headers).headers["ETag"]
        saved: Any = client.put(
            url,
            json={"answers": answers},
            headers={**self.headers, "If-Match": etag, "Reason-For-Change": "correction"},
        )
        assert saved.status_code == 200, saved.json
        return saved.json

    def get(
        self, path: str, query: dict[str, str] | None = None, by: TenantClient | None = None
    ) -> Any:
        """A dashboard read by ``by`` (default: the study manager)."""
        return (by or self.manager).get(
            f"/api/analytics/{path}", headers=self.headers, query_string=query
        )

    @contextlib.contextmanager
    def in_tenant(self) -> Iterator[Study]:
        """The tenant's session, for setting data up that the API does not write: the
        study's row, committed at the end."""
        with self.app.app_context(), tenant_context(self.tenant), unit_of_work():
            yield db.session.execute(
                sa.select(Study).where(Study.uuid == uuid.UUID(self.study))
            ).scalar_one()


def make_trial(app: Flask, client_as, make_study, join_study, tenant: TenantRef) -> Trial:
    manager = client_as(tenant, "study_manager")
    study = make_study(manager, "LYO", "PAR", reference="DASH-1")
    headers = study.headers
    etag = manager.get("/api/ecrf/", headers=headers).headers["ETag"]
    ecrf: Any = manager.put("/api/ecrf/", json=ECRF, headers={**headers, "If-Match": etag})
    assert ecrf.status_code == 200, ecrf.json
    return Trial(
        app=app,
        tenant=tenant,
        headers=headers,
        study=headers["Study-Uuid"],
        centers=study.centers,
        sections={section["title"]["en"]: section["uuid"] for section in ecrf.json["sections"]},
        manager=manager,
        investigator=join_study(headers, tenant, "investigator", [study.centers["PAR"]]),
        lyon_investigator=join_study(headers, tenant, "investigator", [study.centers["LYO"]]),
        monitor=join_study(headers, tenant, "monitor"),
    )
