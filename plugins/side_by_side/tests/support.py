"""A split-body study shared by the side-by-side tests: two centers, an eCRF with a
screening section and a day-0 section assessed per zone (tewl, hydration, redness), three
coded cosmetic products, a forearm set of zones with a control zone, and the team: a
study manager who designs, investigators (blinded evaluators) at each center and an
unblinded statistician of a custom role."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any
from xml.etree import ElementTree

import xmlschema

from datacapt.testing import TenantClient
from plugins.exports.api import EXTENDED_SCHEMA, ODM_NAMESPACE, zone_group_oid

STATISTICIAN = "split_statistician"
STATISTICIAN_PERMISSIONS = [
    "side_by_side.access",
    "side_by_side.view_allocation",
    "side_by_side.view_results",
    "products.access",
    "products.manage",
    "products.view_blinded",
    "randomizations.access",
    "randomizations.view_arms",
    "randomizations.manage_keys",
    "ecrf_design.access",
    "data_entry.access",
    "audit_trails.access",
]
BASE = "/api/side-by-side"
PRODUCT_NAMES = ("Hydraglow serum", "Velvetine cream", "Plain vehicle")
CODES = ("P-101", "P-202", "P-303")


def _question(code: str, kind: str = "decimal", **fields: Any) -> dict[str, Any]:
    return {
        "kind": "question",
        "code": code,
        "type": kind,
        "label": {"en": code},
        "required": True,
        **fields,
    }


# A transepidermal water loss above 50 asks the site to check the probe.
TEWL = _question(
    "tewl",
    validations=[
        {"rule": {">": [{"var": "tewl"}, 50]}, "level": "warning", "message": "TEWL high"}
    ],
)


ECRF = {
    "sections": [
        {
            "title": {"en": "Screening"},
            "subsections": [{"title": {"en": "Base"}, "blocks": [_question("age", "integer")]}],
        },
        {
            "title": {"en": "Day 0"},
            "subsections": [
                {
                    "title": {"en": "Skin"},
                    "blocks": [TEWL, _question("hydration"), _question("redness", "integer")],
                }
            ],
        },
    ]
}


@dataclasses.dataclass
class Split:
    headers: dict[str, str]
    centers: dict[str, str]
    screening: str
    day0: str
    manager: TenantClient
    investigator: TenantClient  # PAR, blinded
    lyon_investigator: TenantClient  # LYO, blinded
    statistician: TenantClient  # unblinded
    monitor: TenantClient  # blinded
    products: list[str]  # study product uuids, in CODES order

    def post(self, path: str, body: Any, client: TenantClient | None = None) -> Any:
        return (client or self.manager).post(f"{BASE}{path}", json=body, headers=self.headers)

    def get(self, path: str, client: TenantClient | None = None, **query: Any) -> Any:
        return (client or self.manager).get(
            f"{BASE}{path}", query_string=query, headers=self.headers
        )

    def zones(self, *codes: str, control: str | None = None, zone_set: str = "ARMS") -> None:
        for code in (*codes, *([control] if control else [])):
            added = self.post(
                "/zones/",
                {
                    "code": code,
                    "name": f"Zone {code}",
                    "body_area": "forearm",
                    "side": "left" if code.startswith("L") else "right",
                    "position": "proximal",
                    "zone_set": zone_set,
                    "control": code == control,
                },
            )
            assert added.status_code == 201, added.json

    def live_design(self, scheme: str, products: int, zone_set: str = "ARMS") -> dict:
        """A design over the set, its randomization simulated, approved and live."""
        made = self.post(
            "/designs/",
            {
                "code": f"SBS{scheme[:3].upper()}",
                "name": scheme,
                "scheme": scheme,
                "products": self.products[:products],
                "zone_set": zone_set,
            },
        )
        assert made.status_code == 201, made.json
        url = f"/api/randomizations/designs/{made.json['randomization_design']}/versions/1"
        for step, body in (
            ("simulations/", {"trials": 5, "subjects": 12, "seed": "0b" * 32}),
            ("approve", {"password": self.manager.user.password}),
            ("go-live", None),
        ):
            done: Any = self.manager.post(f"{url}/{step}", json=body, headers=self.headers)
            assert done.status_code in (200, 201), done.json
        return made.json

    def assess(self, design: str, order: list[str], enforce: bool = True) -> Any:
        return self.post(
            "/assessments/",
            {"design": design, "section": self.day0, "order": order, "enforce_order": enforce},
        )

    def subject(self, center: str = "PAR") -> str:
        client = self.investigator if center == "PAR" else self.lyon_investigator
        added: Any = client.post(
            "/api/subjects/", json={"center": self.centers[center]}, headers=self.headers
        )
        assert added.status_code == 201, added.json
        included: Any = client.patch(
            f"/api/subjects/{added.json['uuid']}",
            json={"status": "included", "inclusion_date": dt.date.today().isoformat()},
            headers=self.headers,
        )
        assert included.status_code == 200, included.json
        return added.json["uuid"]

    def randomize(self, subject: str, design: dict, center: str = "PAR") -> Any:
        client = self.investigator if center == "PAR" else self.lyon_investigator
        done: Any = client.post(
            f"/api/randomizations/subjects/{subject}/randomize",
            json={"design": design["randomization_design"], "environment": "production"},
            headers=self.headers,
        )
        assert done.status_code == 201, done.json
        return done.json

    def zone_url(self, subject: str, zone: str, section: str | None = None) -> str:
        return f"/api/ecrf/subjects/{subject}/sections/{section or self.day0}/instances/{zone}"

    def save_zone(
        self,
        subject: str,
        zone: str,
        answers: dict[str, Any],
        client: TenantClient | None = None,
        reason: str | None = None,
    ) -> Any:
        client = client or self.investigator
        url = self.zone_url(subject, zone)
        read: Any = client.get(url, headers=self.headers)
        assert read.status_code == 200, read.json
        return client.put(
            url,
            json={"answers": answers},
            headers={
                **self.headers,
                "If-Match": read.headers["ETag"],
                **({"Reason-For-Change": reason} if reason else {}),
            },
        )


def make_split(client_as, make_study, join_study, tenant, *, coded: bool = True) -> Split:
    """A split-body study; ``coded=False``: an open one, whose products carry no code."""
    admin = client_as(tenant)
    role = admin.post(
        "/api/roles/", json={"name": STATISTICIAN, "permissions": STATISTICIAN_PERMISSIONS}
    )
    assert role.status_code == 201, role.json
    manager = client_as(tenant, "study_manager")
    study = make_study(manager, "PAR", "LYO", reference="SPLIT")
    headers = study.headers
    etag = manager.get("/api/ecrf/", headers=headers).headers["ETag"]
    design: Any = manager.put("/api/ecrf/", json=ECRF, headers={**headers, "If-Match": etag})
    assert design.status_code == 200, design.json
    statistician = join_study(headers, tenant, STATISTICIAN)
    products = []
    for name, code in zip(PRODUCT_NAMES, CODES, strict=True):
        made: Any = manager.post(
            "/api/products/", json={"code": code, "name": name, "kind": "cosmetic_formula"}
        )
        assert made.status_code == 201, made.json
        declared: Any = statistician.post(
            "/api/product-database/study-products/",
            json={"product": made.json["uuid"], "blinding_code": code if coded else None},
            headers=headers,
        )
        assert declared.status_code == 201, declared.json
        products.append(declared.json["uuid"])
    return Split(
        headers=headers,
        centers=study.centers,
        screening=design.json["sections"][0]["uuid"],
        day0=design.json["sections"][1]["uuid"],
        manager=manager,
        investigator=join_study(headers, tenant, "investigator", [study.centers["PAR"]]),
        lyon_investigator=join_study(headers, tenant, "investigator", [study.centers["LYO"]]),
        statistician=statistician,
        monitor=join_study(headers, tenant, "monitor"),
        products=products,
    )


def odm_of(split: Split, client: TenantClient, export: Any) -> ElementTree.Element:
    """The run's ODM file, checked against the schema with Datacapt's extension."""
    (made,) = export["files"]
    content: Any = client.get(
        f"/api/exports/runs/{export['uuid']}/files/{made['uuid']}", headers=split.headers
    )
    assert content.status_code == 200
    xmlschema.XMLSchema(str(EXTENDED_SCHEMA)).validate(content.data.decode())
    return ElementTree.fromstring(content.data)


def zone_groups(root: ElementTree.Element, split: Split) -> list[ElementTree.Element]:
    return [
        group
        for group in root.iter(f"{{{ODM_NAMESPACE}}}ItemGroupData")
        if group.get("ItemGroupOID") == zone_group_oid(split.day0)
    ]
