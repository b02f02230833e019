"""A randomized trial shared by the allocation tests: a blinded study at Paris and Lyon
whose eCRF has a screening section (the sex the randomization is stratified by) and two
dosing visits, a live permuted-block design of two arms, the study's two products under
blinding codes with a released batch each, and its team: a study manager, investigators at
each center, a monitor and an unblinded pharmacist of a custom role."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from typing import Any

from flask import Flask

from datacapt.testing import TenantClient
from datacapt.toolkit import TenantRef
from plugins.product_database.api import BatchStatus, ProductKind

PHARMACIST = "unblinded_pharmacist"
PHARMACIST_PERMISSIONS = [
    "randomizations.access",
    "randomizations.view_arms",
    "products.access",
    "products.manage",
    "products.view_blinded",
    "batches.access",
    "kits.access",
    "kits.manage",
    "dispensing.access",
    "dispensing.correct",
    "supply.access",
    "supply.manage",
    "supply.ship",
    "audit_trails.access",
]
ARMS = [
    {"code": "ACTIVE", "name": "Zorblax 10 mg", "ratio": 1},
    {"code": "PLACEBO", "name": "Zorblax placebo", "ratio": 1},
]
#: What reveals the arm or the product: blinded roles never see any of it.
UNBLINDED_TEXTS = ("ACTIVE", "PLACEBO", "Zorblax 10 mg", "Zorblax placebo", "Zorblax")


BASE = "/api/allocation"
#: The kit type of each arm: a blister of 28 tablets of its product.
KIT_TYPES = {"ACTIVE": "KT-A", "PLACEBO": "KT-P"}


def _section(title: str, *codes: tuple[str, str, dict[str, Any]], **more: Any) -> dict[str, Any]:
    """A section of one subsection asking ``codes`` (code, type, options) and, by keyword,
    questions with fields of their own (a repeating group's columns)."""
    blocks = [
        {"kind": "question", "code": code, "type": kind, "label": {"en": code}, "options": opts}
        for code, kind, opts in codes
    ] + [
        {"kind": "question", "code": code, "label": {"en": code}, **fields}
        for code, fields in more.items()
    ]
    return {"title": {"en": title}, "subsections": [{"title": {"en": title}, "blocks": blocks}]}


ECRF = {
    "sections": [
        _section(
            "Screening", ("sex", "single_choice", {"choices": [{"value": "F"}, {"value": "M"}]})
        ),
        _section("Day 1", ("dose_taken", "yes_no", {})),
        _section(
            "Day 28",
            ("doses_missed", "integer", {"min": 0, "max": 28}),
            # The adverse events, one row each: what traceability reports.
            ae={
                "type": "repeating_group",
                "columns": [
                    {"code": "term", "type": "short_text", "required": True},
                    {"code": "onset", "type": "date"},
                ],
            },
        ),
    ]
}
DESIGN = {
    "code": "MAIN",
    "name": "Main randomization",
    "method": "blocks",
    "config": {
        "arms": ARMS,
        "factors": [{"code": "center", "source": "center"}],
        "block_sizes": [2, 4],
        "capacity": 40,
        "warning_threshold": 3,
    },
}


@dataclasses.dataclass
class Trial:
    app: Flask
    tenant: TenantRef
    headers: dict[str, str]
    study: str  # uuid
    centers: dict[str, str]  # code -> uuid
    sections: dict[str, str]  # title -> uuid
    design: str  # the live randomization design's uuid
    products: dict[str, str]  # arm -> the study product's uuid
    batches: dict[str, str]  # arm -> its batch's uuid
    admin: TenantClient  # keeps the tenant's catalogue of products
    manager: TenantClient
    investigator: TenantClient  # at PAR
    lyon_investigator: TenantClient  # at LYO only
    monitor: TenantClient
    pharmacist: TenantClient  # unblinded
    kit_types: dict[str, str] = dataclasses.field(default_factory=dict)  # code -> uuid

    def kit_type(self, arm: str, code: str | None = None, quantity: str = "28") -> str:
        """A kit type of the product of ``arm``: its uuid."""
        made: Any = self.manager.post(
            f"{BASE}/kit-types/",
            json={
                "code": code or KIT_TYPES[arm],
                "name": f"Blister of {quantity} tablets ({code or KIT_TYPES[arm]})",
                "study_product": self.products[arm],
                "quantity": quantity,
                "unit": "tablets",
            },
            headers=self.headers,
        )
        assert made.status_code == 201, made.json
        return made.json["uuid"]

    def import_kits(self, inventory: str, rows: list[dict[str, str]]) -> Any:
        """Kits imported from a CSV file of ``rows`` (its columns: the first row's keys)."""
        columns = list(rows[0])
        lines = [",".join(columns)] + [",".join(row.get(c, "") for c in columns) for row in rows]
        return self.manager.post(
            f"{BASE}/inventories/{inventory}/imports",
            data={"file": (io.BytesIO("\n".join(lines).encode()), "kits.csv")},
            headers=self.headers,
            content_type="multipart/form-data",
        )

    def stock(self, inventory: str, arm: str, center: str, numbers: range, **columns: str) -> None:
        """Kits of ``arm``'s kit type and batch at ``center``, numbered K<n>."""
        batch = columns.pop("batch", f"LOT-{'PRD-A' if arm == 'ACTIVE' else 'PRD-B'}")
        rows = [
            {"number": f"K{n:05d}", "kit_type": KIT_TYPES[arm], "batch": batch, "center": center}
            | columns
            for n in numbers
        ]
        imported = self.import_kits(inventory, rows)
        assert imported.status_code == 201, imported.json

    def configure(self, section: str = "Day 1", kits: int = 1) -> dict[str, str]:
        """Each arm gets its kit type at ``section``, as the unblinded pharmacist maps
        them: {arm: the rule's uuid}."""
        rules = {}
        for arm, code in KIT_TYPES.items():
            kit_type = self.kit_types.get(code) or self.kit_type(arm)
            self.kit_types[code] = kit_type
            made: Any = self.pharmacist.post(
                f"{BASE}/configuration/",
                json={
                    "design": self.design,
                    "arm": arm,
                    "section": self.sections[section],
                    "kit_type": kit_type,
                    "kits": kits,
                },
                headers=self.headers,
            )
            assert made.status_code == 201, made.json
            rules[arm] = made.json["uuid"]
        return rules

    def go_live(self) -> Any:
        return self.manager.post(f"{BASE}/inventories/production/go-live", headers=self.headers)

    def dispense(
        self,
        subject: str,
        section: str = "Day 1",
        environment: str = "production",
        center: str = "PAR",
    ) -> Any:
        return self.site_client(center).post(
            f"{BASE}/subjects/{subject}/dispensings",
            json={"section": self.sections[section], "environment": environment},
            headers=self.headers,
        )

    def site_client(self, center: str) -> TenantClient:
        return self.investigator if center == "PAR" else self.lyon_investigator

    def answer(self, subject: str, section: str, answers: dict[str, Any], center: str = "PAR"):
        """The subject's answers in ``section`` saved by its center's investigator."""
        client = self.site_client(center)
        url = f"/api/ecrf/subjects/{subject}/sections/{self.sections[section]}"
        etag = client.get(url, headers=self.headers).headers["ETag"]
        saved: Any = client.put(
            url, json={"answers": answers}, headers={**self.headers, "If-Match": etag}
        )
        assert saved.status_code == 200, saved.json

    def subject(self, center: str = "PAR", sex: str = "F") -> str:
        """An included subject at ``center`` with its screening answered: its uuid."""
        client = self.site_client(center)
        added: Any = client.post(
            "/api/subjects/", json={"center": self.centers[center]}, headers=self.headers
        )
        assert added.status_code == 201, added.json
        subject = added.json["uuid"]
        self.answer(subject, "Screening", {"sex": sex}, center)
        included: Any = client.patch(
            f"/api/subjects/{subject}",
            json={"status": "included", "inclusion_date": dt.date.today().isoformat()},
            headers=self.headers,
        )
        assert included.status_code == 200, included.json
        return subject

    def randomize(self, subject: str, center: str = "PAR", environment: str = "production") -> Any:
        """The subject randomized in ``environment``: the answer (number, never the arm)."""
        answer: Any = self.site_client(center).post(
            f"/api/randomizations/subjects/{subject}/randomize",
            json={"design": self.design, "environment": environment},
            headers=self.headers,
        )
        assert answer.status_code == 201, answer.json
        return answer.json

    def randomized_subject(
        self, center: str = "PAR", environment: str = "production"
    ) -> tuple[str, str]:
        """A new subject randomized at ``center``: its uuid and its arm (as the unblinded
        pharmacist reads it)."""
        subject = self.subject(center)
        self.randomize(subject, center, environment)
        return subject, self.arm_of(subject, environment)

    def arm_of(self, subject: str, environment: str = "production") -> str:
        read: Any = self.pharmacist.get(
            "/api/randomizations/assignments/",
            query_string={"subject": subject, "environment": environment},
            headers=self.headers,
        )
        assert read.status_code == 200, read.json
        (assignment,) = read.json
        return assignment["arm"]

    def batch(self, arm: str, number: str, status: str = BatchStatus.RELEASED) -> str:
        """Another batch of the product of ``arm`` (released unless ``status`` says
        quarantine), added by the product database's API: its uuid."""
        read: Any = self.pharmacist.get(
            f"{STUDY_PRODUCTS}{self.products[arm]}", headers=self.headers
        )
        assert read.status_code == 200, read.json
        return _batch(self.admin, read.json["product"]["uuid"], number, status)

    def recall(self, batch: str) -> None:
        recalled: Any = self.admin.post(
            f"{BATCHES}{batch}/status",
            json={"status": BatchStatus.RECALLED, "reason_for_change": "Contamination found"},
        )
        assert recalled.status_code == 200, recalled.json


STUDY_PRODUCTS = "/api/product-database/study-products/"
BATCHES = "/api/products/batches/"


def _batch(admin: TenantClient, product: str, number: str, status: str) -> str:
    expiry = (dt.date.today() + dt.timedelta(days=730)).isoformat()
    made: Any = admin.post(
        BATCHES, json={"product": product, "number": number, "expiry_date": expiry}
    )
    assert made.status_code == 201, made.json
    if status != BatchStatus.QUARANTINE:
        released: Any = admin.post(f"{BATCHES}{made.json['uuid']}/status", json={"status": status})
        assert released.status_code == 200, released.json
    return made.json["uuid"]


def _products(
    admin: TenantClient, pharmacist: TenantClient, headers: dict[str, str]
) -> tuple[dict[str, str], dict[str, str]]:
    """The study's two products, coded, with a released batch each, through the product
    database's API (the unblinded pharmacist writes the codes): ``{arm: study product
    uuid}`` and ``{arm: batch uuid}``."""
    products, batches = {}, {}
    for arm, name, kind, code in (
        ("ACTIVE", "Zorblax 10 mg", ProductKind.INVESTIGATIONAL_PRODUCT, "PRD-A"),
        ("PLACEBO", "Zorblax placebo", ProductKind.PLACEBO, "PRD-B"),
    ):
        product: Any = admin.post("/api/products/", json={"code": code, "name": name, "kind": kind})
        assert product.status_code == 201, product.json
        declared: Any = pharmacist.post(
            STUDY_PRODUCTS,
            json={"product": product.json["uuid"], "blinding_code": code},
            headers=headers,
        )
        assert declared.status_code == 201, declared.json
        products[arm] = declared.json["uuid"]
        batches[arm] = _batch(admin, product.json["uuid"], f"LOT-{code}", BatchStatus.RELEASED)
    return products, batches


def make_trial(app: Flask, client_as, make_study, join_study, tenant: TenantRef) -> Trial:
    admin = client_as(tenant)
    role = admin.post(
        "/api/roles/", json={"name": PHARMACIST, "permissions": PHARMACIST_PERMISSIONS}
    )
    assert role.status_code == 201, role.json
    manager = client_as(tenant, "study_manager")
    study = make_study(manager, "PAR", "LYO", reference="KITS-1")
    headers = study.headers
    etag = manager.get("/api/ecrf/", headers=headers).headers["ETag"]
    ecrf: Any = manager.put("/api/ecrf/", json=ECRF, headers={**headers, "If-Match": etag})
    assert ecrf.status_code == 200, ecrf.json
    design: Any = manager.post("/api/randomizations/designs/", json=DESIGN, headers=headers)
    assert design.status_code == 201, design.json
    version = f"/api/randomizations/designs/{design.json['uuid']}/versions/1"
    for step, body in (
        ("simulations/", {"trials": 5, "subjects": 20, "seed": "0a" * 32}),
        ("approve", {"password": manager.user.password}),
        ("go-live", None),
    ):
        done: Any = manager.post(f"{version}/{step}", json=body, headers=headers)
        assert done.status_code in (200, 201), (step, done.json)
    pharmacist = join_study(headers, tenant, PHARMACIST)
    products, batches = _products(admin, pharmacist, headers)
    return Trial(
        app=app,
        tenant=tenant,
        headers=headers,
        study=headers["Study-Uuid"],
        centers=study.centers,
        sections={section["title"]["en"]: section["uuid"] for section in ecrf.json["sections"]},
        design=design.json["uuid"],
        products=products,
        batches=batches,
        admin=admin,
        manager=manager,
        investigator=join_study(headers, tenant, "investigator", [study.centers["PAR"]]),
        lyon_investigator=join_study(headers, tenant, "investigator", [study.centers["LYO"]]),
        monitor=join_study(headers, tenant, "monitor"),
        pharmacist=pharmacist,
    )
