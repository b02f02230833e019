"""What the recruitment tests share: a clinical study at PAR and LYO with its manager, a
published recruitment whose form excludes smokers, and applicants applying publicly."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from datacapt.testing import TenantClient, delivered_body, emails_to, tenant_client, tenant_host
from datacapt.toolkit import AuditRecord, db, tenant_context

BASE = "/api/recruitment"
PUBLIC = f"{BASE}/public"
DAY = "2030-03-18"  # the slots' day; the tests run before it
FORM = [
    {"kind": "static", "content": {"en": "About you."}},
    {
        "kind": "question",
        "code": "smoker",
        "type": "yes_no",
        "required": True,
        "validations": [
            {"rule": {"==": [{"var": "smoker"}, True]}, "level": "exclusion", "message": "Smoker"}
        ],
    },
    {
        "kind": "question",
        "code": "age",
        "type": "integer",
        "required": True,
        "options": {"min": 0, "max": 120},
        "validations": [
            {"rule": {"<": [{"var": "age"}, 18]}, "level": "exclusion", "message": "Under 18"}
        ],
    },
]


def utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


def error(response: Any) -> tuple[int, str]:
    return response.status_code, response.json["error"]["internal_name"]


def person(n: int, **fields: Any) -> dict[str, Any]:
    return {"first_name": f"Ann{n}", "last_name": "Doe", "email": f"ann{n}@example.org", **fields}


@dataclass
class Trial:
    app: Any
    tenant: Any
    headers: dict[str, str]
    centers: dict[str, str]
    manager: TenantClient
    public: TenantClient
    recruitment: str

    def apply(self, n: int, smoker: bool = False, age: int = 30, **applicant: Any) -> Any:
        body = {"applicant": person(n, **applicant), "answers": {"smoker": smoker, "age": age}}
        return self.public.post(f"{PUBLIC}/studies/{self.recruitment}/applications", json=body)

    def applied(self, n: int, **fields: Any) -> dict[str, Any]:
        """The application as its applicant reads it from the link emailed to them."""
        answer = self.apply(n, **fields)
        assert answer.status_code == 201, answer.json
        token = self.link_token(fields.get("email", f"ann{n}@example.org"))
        view: Any = self.public.get(f"{PUBLIC}/application", headers={"Application-Token": token})
        assert view.status_code == 200, view.json
        return {**view.json, "token": token}

    def emails(self, address: str) -> list[tuple[str, str]]:
        """The emails to an address, oldest first: template and text as delivered."""
        with self.app.app_context(), tenant_context(self.tenant.schema_name):
            return [(m.template, delivered_body(m)) for m in emails_to(address)]

    def link_token(self, address: str) -> str:
        (*_, last) = [
            token
            for _, text in self.emails(address)
            for token in re.findall(r"/recruitment/application/([\w-]+)", text)
        ]
        return last

    def staff(
        self, method: str, path: str, client: TenantClient | None = None, /, **body: Any
    ) -> Any:
        call = getattr(client or self.manager, method)
        return call(f"{BASE}{path}", headers=self.headers, **({"json": body} if body else {}))

    def move(self, application: str, status: str, reason: str | None = None) -> Any:
        body = {"status": status, **({"reason": reason} if reason else {})}
        return self.staff("post", f"/applications/{application}/status", **body)

    def preset(self, **fields: Any) -> list[dict[str, Any]]:
        body = {
            "day": DAY,
            "start": "09:00",
            "end": "12:00",
            "every_minutes": 30,
            "capacity": 2,
            **fields,
        }
        made = self.staff("post", f"/studies/{self.recruitment}/slots/", **body)
        assert made.status_code == 201, made.json
        return made.json

    def fresh_client(self) -> TenantClient:
        return tenant_client(self.app).for_host(tenant_host(self.app, self.tenant))

    def audit(self, object_type: str) -> list[tuple[str, str, dict[str, Any]]]:
        with self.app.app_context(), tenant_context(self.tenant.schema_name):
            return [
                tuple(row)
                for row in db.session.execute(
                    sa.select(AuditRecord.action, AuditRecord.actor_type, AuditRecord.changes)
                    .where(AuditRecord.object_type == object_type)
                    .order_by(AuditRecord.sequence)
                )
            ]


def make_trial(app, tenant, client_as, make_study, client_for) -> Trial:
    manager = client_as(tenant, "study_manager")
    study = make_study(manager, "PAR", "LYO", reference="REC-1")
    created = manager.post(
        f"{BASE}/studies/",
        json={
            "title": "Moisturizer tolerance",
            "description": "Four weeks, three visits.",
            "criteria": "Adults, non-smokers.",
            "target": 2,
            "blocks": FORM,
        },
        headers=study.headers,
    )
    assert created.status_code == 201, created.json
    return Trial(
        app,
        tenant,
        study.headers,
        study.centers,
        manager,
        client_for(tenant),
        created.json["uuid"],
    )
