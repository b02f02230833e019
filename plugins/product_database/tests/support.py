"""The catalogue shared by the product database tests: a tenant with the plugin, its
administrator, a study manager who keeps the catalogue, an unblinded pharmacist (a custom
role that reveals products and releases batches), and a blinded study at Paris with an
investigator (tests add the members they need besides); helpers to add products, formulas and batches."""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Callable
from typing import Any

import openpyxl

from datacapt.testing import TenantClient
from datacapt.toolkit import TenantRef

PHARMACIST = "unblinded_pharmacist"
PHARMACIST_PERMISSIONS = [
    "products.access",
    "products.manage",
    "products.approve_formulas",
    "products.view_blinded",
    "batches.access",
    "batches.manage",
    "batches.release",
    "audit_trails.access",
    "files.access",
    "files.add",
]
PRODUCTS = "/api/products/"
BATCHES = "/api/products/batches/"
STUDY_PRODUCTS = "/api/product-database/study-products/"

WATER = {"inci_name": "Aqua", "cas_number": "7732-18-5", "quantum_satis": True}
GLYCERIN = {"inci_name": "Glycerin", "cas_number": "56-81-5", "percentage": "5.5"}


def csv_file(*rows: str) -> bytes:
    return "\n".join(rows).encode()


def xlsx_file(rows: list[list[Any]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def read(client: TenantClient, url: str, **options: Any) -> Any:
    """The JSON of a successful read."""
    answer: Any = client.get(url, **options)
    assert answer.status_code == 200, answer.json
    return answer.json


def as_read(client: TenantClient, url: str) -> dict[str, str]:
    """The If-Match header of a save based on what ``client`` reads at ``url`` now."""
    answer: Any = client.get(url)
    assert answer.status_code == 200, answer.json
    return {"If-Match": answer.headers["ETag"]}


def upload(client: TenantClient, url: str, content: bytes, name: str = "table.csv") -> Any:
    return client.post(
        url, data={"file": (io.BytesIO(content), name)}, content_type="multipart/form-data"
    )


@dataclasses.dataclass
class Catalogue:
    admin: TenantClient
    manager: TenantClient  # keeps the catalogue, blinded in studies
    pharmacist: TenantClient  # unblinded
    investigator: TenantClient  # blinded, at PAR
    headers: dict[str, str]  # the blinded study's
    join: Callable[..., TenantClient]  # the join_study fixture

    def member(self, tenant: TenantRef, role: str) -> TenantClient:
        """A new member of the blinded study, of ``role``, at every center."""
        return self.join(self.headers, tenant, role)

    def product(
        self, code: str = "ZRB-10", kind: str = "investigational_product", **fields: Any
    ) -> dict:
        made: Any = self.manager.post(
            PRODUCTS, json={"code": code, "name": f"Zorblax {code}", "kind": kind, **fields}
        )
        assert made.status_code == 201, made.json
        return made.json

    def batch(self, product: str, number: str = "L001", **fields: Any) -> dict:
        made: Any = self.manager.post(
            BATCHES, json={"product": product, "number": number, **fields}
        )
        assert made.status_code == 201, made.json
        return made.json

    def status(self, batch: str, status: str, reason: str | None = None) -> Any:
        body: dict[str, Any] = {"status": status}
        if reason is not None:
            body["reason_for_change"] = reason
        return self.pharmacist.post(f"{BATCHES}{batch}/status", json=body)

    def declare(self, product: str, code: str | None, client: TenantClient | None = None) -> Any:
        return (client or self.pharmacist).post(
            STUDY_PRODUCTS, json={"product": product, "blinding_code": code}, headers=self.headers
        )


def make_catalogue(client_as, make_study, join_study, tenant) -> Catalogue:
    admin = client_as(tenant)
    role = admin.post(
        "/api/roles/", json={"name": PHARMACIST, "permissions": PHARMACIST_PERMISSIONS}
    )
    assert role.status_code == 201, role.json
    manager = client_as(tenant, "study_manager")
    study = make_study(manager, "PAR", reference="BLINDED")
    headers = study.headers
    return Catalogue(
        admin=admin,
        manager=manager,
        pharmacist=join_study(headers, tenant, PHARMACIST),
        investigator=join_study(headers, tenant, "investigator", [study.centers["PAR"]]),
        headers=headers,
        join=join_study,
    )
