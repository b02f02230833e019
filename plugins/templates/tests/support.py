"""The library shared by the templates tests: a tenant with the plugin (and the eCRF), a
study manager who keeps the library and runs two studies, their investigator, a viewer of
the library; and helpers to design an eCRF, save and insert templates."""

from __future__ import annotations

import dataclasses
import io
import json
from typing import Any

import sqlalchemy as sa

from datacapt.testing import TenantClient
from datacapt.toolkit import AuditRecord, TenantRef, db, tenant_context

TEMPLATES = "/api/templates/"
INSERTIONS = "/api/templates/insertions"
FROM_STUDY = "/api/templates/from-study"
ECRF = "/api/ecrf/"


def question(code: str, kind: str = "integer", **fields: Any) -> dict[str, Any]:
    return {"kind": "question", "code": code, "type": kind, "label": {"en": code}, **fields}


def vitals(*blocks: dict[str, Any], title: str = "Vital signs") -> dict[str, Any]:
    """A section of one subsection of ``blocks``."""
    return {
        "title": {"en": title},
        "subsections": [{"title": {"en": "Measures"}, "blocks": list(blocks)}],
    }


def read(client: TenantClient, url: str, **options: Any) -> Any:
    answer: Any = client.get(url, **options)
    assert answer.status_code == 200, answer.json
    return answer.json


def etag_of(client: TenantClient, headers: dict[str, str]) -> dict[str, str]:
    """The Study-Uuid and the If-Match of the eCRF design ``client`` reads now."""
    answer: Any = client.get(ECRF, headers=headers)
    assert answer.status_code == 200, answer.json
    return {**headers, "If-Match": answer.headers["ETag"]}


def audit_of(app: Any, tenant: TenantRef, object_uuid: str) -> list[tuple[str, str | None]]:
    """The audit records of an object: action and study, in order."""
    with app.app_context(), tenant_context(tenant):
        return [
            (record.action, record.study_id)
            for record in db.session.execute(
                sa.select(AuditRecord)
                .where(AuditRecord.object_id == object_uuid)
                .order_by(AuditRecord.sequence)
            ).scalars()
        ]


def upload(client: TenantClient, content: Any) -> Any:
    raw = content if isinstance(content, bytes) else json.dumps(content).encode()
    return client.post(
        f"{TEMPLATES}import",
        data={"file": (io.BytesIO(raw), "templates.json")},
        content_type="multipart/form-data",
    )


@dataclasses.dataclass
class Library:
    manager: TenantClient  # keeps the library, manages both studies
    investigator: TenantClient  # of the first study
    viewer: TenantClient  # reads the library only
    first: dict[str, str]  # the first study's header
    second: dict[str, str]
    second_uuid: str

    def design(self, headers: dict[str, str], *sections: dict[str, Any]) -> dict[str, Any]:
        saved: Any = self.manager.put(
            ECRF, json={"sections": list(sections)}, headers=etag_of(self.manager, headers)
        )
        assert saved.status_code == 200, saved.json
        return saved.json

    def template(
        self, kind: str, content: dict[str, Any], name: str = "Vitals", **fields: Any
    ) -> dict:
        made: Any = self.manager.post(
            TEMPLATES, json={"name": name, "kind": kind, "content": content, **fields}
        )
        assert made.status_code == 201, made.json
        return made.json

    def insert(self, headers: dict[str, str], **body: Any) -> Any:
        return self.manager.post(INSERTIONS, json=body, headers=etag_of(self.manager, headers))


def make_library(client_as, make_study, join_study, tenant: TenantRef) -> Library:
    manager = client_as(tenant, "study_manager")
    first = make_study(manager, "PAR", reference="FIRST")
    second = make_study(manager, "LYO", reference="SECOND")
    return Library(
        manager=manager,
        investigator=join_study(first.headers, tenant, "investigator"),
        viewer=client_as(tenant, "viewer"),
        first=first.headers,
        second=second.headers,
        second_uuid=second.uuid,
    )
