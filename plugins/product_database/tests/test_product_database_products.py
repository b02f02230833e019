"""Products of the tenant's catalogue: added, found, changed, with documents; who may read
and change them; another tenant sees nothing."""

from __future__ import annotations

import io
from typing import Any

from plugins.product_database.tests.support import PRODUCTS, Catalogue, read


def _upload_pdf(client) -> str:
    stored: Any = client.post(
        "/api/files/",
        data={"file": (io.BytesIO(b"%PDF-1.4 leaflet"), "leaflet.pdf", "application/pdf")},
        content_type="multipart/form-data",
    )
    assert stored.status_code == 201, stored.json
    return stored.json["uuid"]


def test_a_product_is_added_found_and_changed(catalogue: Catalogue):
    made = catalogue.product("ZRB-10", manufacturer="Acme Pharma", description="Tablets")
    assert made["kind"] == "investigational_product"
    assert made["documents"] == []
    catalogue.product("PBO-1", kind="placebo")
    listed: Any = catalogue.investigator.get(PRODUCTS, query_string={"search": "acme"})
    assert listed.status_code == 200, listed.json
    assert [p["code"] for p in listed.json] == ["ZRB-10"]
    placebos: Any = catalogue.manager.get(PRODUCTS, query_string={"kind": "placebo"})
    assert [p["code"] for p in placebos.json] == ["PBO-1"]
    changed: Any = catalogue.manager.patch(
        f"{PRODUCTS}{made['uuid']}", json={"name": "Zorblax 10 mg", "manufacturer": None}
    )
    assert changed.status_code == 200, changed.json
    assert (changed.json["name"], changed.json["manufacturer"]) == ("Zorblax 10 mg", None)
    assert changed.json["code"] == "ZRB-10"
    trail: Any = catalogue.admin.get(
        "/api/audit-trails/", query_string={"object": made["uuid"], "limit": 50}
    )
    assert [r["action"] for r in trail.json["records"]] == ["create", "update"], trail.json


def test_a_code_names_one_product_and_bad_input_is_refused(catalogue: Catalogue):
    made = catalogue.product("ZRB-10")
    other = catalogue.product("ZRB-20")
    answers: tuple[Any, ...] = (
        catalogue.manager.post(PRODUCTS, json={"code": "zrb-10", "name": "Again", "kind": "other"}),
        catalogue.manager.patch(f"{PRODUCTS}{other['uuid']}", json={"code": "ZRB-10"}),
    )
    for answer in answers:
        assert answer.status_code == 409, answer.json
        assert answer.json["error"]["internal_name"] == "PRODUCT_CODE_TAKEN"
    for body in (
        {"code": "X", "name": "X", "kind": "potion"},
        {"name": "No code", "kind": "other"},
        {"code": "", "name": "X", "kind": "other"},
        {"code": "X" * 61, "name": "X", "kind": "other"},
        {"code": "X", "name": 12, "kind": "other"},
    ):
        refused: Any = catalogue.manager.post(PRODUCTS, json=body)
        assert refused.status_code == 422, (body, refused.json)
    listed: Any = catalogue.manager.get(PRODUCTS)
    assert sorted(p["code"] for p in listed.json) == ["ZRB-10", "ZRB-20"]
    assert read(catalogue.manager, f"{PRODUCTS}{made['uuid']}")["code"] == "ZRB-10"


def test_documents_are_uploads_of_the_tenant(catalogue: Catalogue):
    made = catalogue.product()
    file = _upload_pdf(catalogue.manager)
    url = f"{PRODUCTS}{made['uuid']}/documents"
    attached: Any = catalogue.manager.post(url, json={"file": file, "title": "Leaflet"})
    assert attached.status_code == 201, attached.json
    again: Any = catalogue.manager.post(url, json={"file": file, "title": "Leaflet"})
    assert again.status_code == 409, again.json
    unknown: Any = catalogue.manager.post(
        url, json={"file": "00000000-0000-4000-8000-000000000000", "title": "Leaflet"}
    )
    assert unknown.status_code == 422, unknown.json
    assert unknown.json["error"]["internal_name"] == "ATTACHMENT_INVALID"
    read: Any = catalogue.investigator.get(f"{PRODUCTS}{made['uuid']}")
    assert [(d["file"], d["title"]) for d in read.json["documents"]] == [(file, "Leaflet")]


def test_who_reads_and_changes_the_catalogue(catalogue: Catalogue, client_as, tenant):
    made = catalogue.product()
    viewer = client_as(tenant, "viewer")
    assert viewer.get(PRODUCTS).status_code == 200
    for client in (viewer, catalogue.investigator, catalogue.member(tenant, "monitor")):
        refused: Any = client.post(PRODUCTS, json={"code": "N", "name": "N", "kind": "other"})
        assert refused.status_code == 403, refused.json
        assert client.patch(f"{PRODUCTS}{made['uuid']}", json={"name": "N"}).status_code == 403
    assert catalogue.manager.get(PRODUCTS).status_code == 200


def test_another_tenant_sees_nothing(catalogue: Catalogue, other_tenant, client_as, enable_plugins):
    made = catalogue.product()
    enable_plugins(other_tenant, "product_database")
    stranger = client_as(other_tenant)
    assert stranger.get(PRODUCTS).json == []
    answers: tuple[Any, ...] = (
        stranger.get(f"{PRODUCTS}{made['uuid']}"),
        stranger.patch(f"{PRODUCTS}{made['uuid']}", json={"name": "Mine"}),
        stranger.get(f"{PRODUCTS}{made['uuid']}/formulas/"),
    )
    for answer in answers:
        assert answer.status_code == 404, answer.json


def test_a_tenant_without_the_module_has_no_catalogue(client_as, other_tenant):
    stranger = client_as(other_tenant)
    answer: Any = stranger.get(PRODUCTS)
    assert answer.status_code == 404
    assert answer.json["error"]["internal_name"] == "MODULE_NOT_ENABLED"
