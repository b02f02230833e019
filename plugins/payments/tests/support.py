"""A study that pays its participants, shared by the payments tests: centers at Paris and
Lyon, an eCRF of a screening section and two visits (each complete once its one required
question is answered), and its team: a study manager who writes the plans, investigators
at each center, a monitor, and two people of a custom finance role (four eyes)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from flask import Flask

from datacapt.testing import TenantClient
from datacapt.toolkit import TenantRef, db, tenant_context

FINANCE = "finance"
FINANCE_PERMISSIONS = [
    "payments.access",
    "payments.view_payees",
    "payments.validate",
    "payments.export",
    "payments.mark_paid",
    "audit_trails.access",
]


def _section(title: str, code: str) -> dict[str, Any]:
    block = {"kind": "question", "code": code, "type": "yes_no", "label": {"en": code}}
    return {
        "title": {"en": title},
        "subsections": [{"title": {"en": title}, "blocks": [{**block, "required": True}]}],
    }


ECRF = {
    "sections": [
        _section("Screening", "eligible"),
        _section("Visit 1", "visit1_done"),
        _section("Visit 2", "visit2_done"),
    ]
}
#: The one required question of each section.
QUESTIONS = {"Screening": "eligible", "Visit 1": "visit1_done", "Visit 2": "visit2_done"}
PLANS = "/api/payments/plans/"


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
    finance: TenantClient
    second_finance: TenantClient

    def site_client(self, center: str) -> TenantClient:
        return self.investigator if center == "PAR" else self.lyon_investigator

    def subject(self, center: str = "PAR", include: bool = True) -> str:
        """A subject at ``center`` (included unless not): its uuid."""
        client = self.site_client(center)
        added: Any = client.post(
            "/api/subjects/", json={"center": self.centers[center]}, headers=self.headers
        )
        assert added.status_code == 201, added.json
        if include:
            included: Any = client.patch(
                f"/api/subjects/{added.json['uuid']}",
                json={"status": "included", "inclusion_date": dt.date.today().isoformat()},
                headers=self.headers,
            )
            assert included.status_code == 200, included.json
        return added.json["uuid"]

    def answer(self, subject: str, section: str, value: bool | None, center: str = "PAR") -> Any:
        """Save the one question of ``section`` (its title): True or False completes the
        section, None leaves it incomplete. The save's answer."""
        client = self.site_client(center)
        url = f"/api/ecrf/subjects/{subject}/sections/{self.sections[section]}"
        etag = client.get(url, headers=self.headers).headers["ETag"]
        saved: Any = client.put(
            url,
            json={"answers": {QUESTIONS[section]: value}},
            headers={**self.headers, "If-Match": etag, "Reason-For-Change": "correction"},
        )
        assert saved.status_code == 200, saved.json
        return saved.json

    def visits(self, amounts: dict[str, str], travel: dict[str, str] | None = None) -> list:
        """Per-visit terms' visits: an amount (and travel line) by section title."""
        return [
            {"section": self.sections[title], "amount": amount, "travel": (travel or {}).get(title)}
            for title, amount in amounts.items()
        ]

    def plan(
        self,
        kind: str,
        terms: dict[str, Any],
        currency: str = "EUR",
        code: str = "PAY",
        approve: bool = True,
    ) -> Any:
        """A plan whose first version has these terms, approved unless told: its answer."""
        version = {"kind": kind, "currency": currency, "terms": terms}
        created: Any = self.manager.post(
            PLANS, json={"code": code, "name": code, "version": version}, headers=self.headers
        )
        assert created.status_code == 201, created.json
        if approve:
            self.approve(created.json["uuid"], 1)
        return created.json

    def etag(self, plan: str, number: int) -> str:
        """The If-Match of a plan version as read now."""
        return self.manager.get(f"{PLANS}{plan}/versions/{number}", headers=self.headers).headers[
            "ETag"
        ]

    def approve(self, plan: str, number: int) -> Any:
        approved: Any = self.manager.post(
            f"{PLANS}{plan}/versions/{number}/approval",
            json={"approval_reference": "CPP-2026-17", "approval_date": "2026-11-02"},
            headers={**self.headers, "If-Match": self.etag(plan, number)},
        )
        assert approved.status_code == 200, approved.json
        return approved.json

    def statement(self, subject: str, client: TenantClient | None = None) -> Any:
        answer: Any = (client or self.manager).get(
            f"/api/payments/subjects/{subject}/statement", headers=self.headers
        )
        assert answer.status_code == 200, answer.json
        return answer.json

    def orders(self, subject: str) -> list[dict[str, Any]]:
        return self.statement(subject)["orders"]

    def end(self, subject: str, status: str, center: str = "PAR") -> Any:
        """Complete or withdraw the subject's participation: the change's answer."""
        change = {"status": status}
        if status == "withdrawn":
            change["end_reason"] = "Moved away"
        return self.site_client(center).patch(
            f"/api/subjects/{subject}", json=change, headers=self.headers
        )

    def move_order(self, order: str, *statuses: str) -> None:
        """Move an order along its statuses as finance would (its API belongs to the
        finance part of the plugin): through the model's transitions, committed."""
        from plugins.payments.orders.models import PaymentOrder

        with self.app.app_context(), tenant_context(self.tenant):
            row = db.session.execute(
                db.select(PaymentOrder).where(PaymentOrder.uuid == order)
            ).scalar_one()
            for status in statuses:
                row.transition_to(status)
                db.session.flush()
            db.session.commit()


def make_trial(app: Flask, client_as, make_study, join_study, tenant: TenantRef) -> Trial:
    admin = client_as(tenant)
    role = admin.post("/api/roles/", json={"name": FINANCE, "permissions": FINANCE_PERMISSIONS})
    assert role.status_code == 201, role.json
    manager = client_as(tenant, "study_manager")
    study = make_study(manager, "PAR", "LYO", reference="PAID-1")
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
        finance=join_study(headers, tenant, FINANCE),
        second_finance=join_study(headers, tenant, FINANCE),
    )
