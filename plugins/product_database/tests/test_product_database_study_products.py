"""A study's products: declared under blinding codes where the study is blinded, and then
known to blinded roles by their codes only (answers, batches, the audit trail, error
texts); writing a code needs the unblinded permission; an open study shows its products;
other studies and tenants see nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest

from plugins.product_database.tests.support import PHARMACIST, STUDY_PRODUCTS, Catalogue, read


@pytest.fixture
def blinded_study(catalogue: Catalogue) -> dict[str, Any]:
    """Zorblax under code A with a batch, its placebo under code B."""
    drug = catalogue.product("ZRB-10")
    placebo = catalogue.product("QMB-00", kind="placebo")
    batch = catalogue.batch(drug["uuid"], "LOT-ZRB-1")
    declared = {}
    for product, code in ((drug, "A"), (placebo, "B")):
        answer: Any = catalogue.declare(product["uuid"], code)
        assert answer.status_code == 201, answer.json
        declared[code] = answer.json
    secrets = [
        drug["uuid"],
        drug["name"],
        drug["code"],
        placebo["uuid"],
        placebo["name"],
        placebo["code"],
        batch["uuid"],
        batch["number"],
        "investigational_product",
        "placebo",
    ]
    return {"drug": drug, "placebo": placebo, "declared": declared, "secrets": secrets}


def _leaks(answer: Any, secrets: list[str]) -> list[str]:
    text = json.dumps(answer)
    return [secret for secret in secrets if secret in text]


@pytest.mark.requirement("E6-4.1")
def test_blinded_roles_see_the_codes_never_the_products(
    catalogue: Catalogue, blinded_study, tenant
):
    secrets = blinded_study["secrets"]
    first = blinded_study["declared"]["A"]
    assert first["product"]["code"] == "ZRB-10"  # the pharmacist who wrote the key
    assert [b["number"] for b in first["batches"]] == ["LOT-ZRB-1"]
    headers = catalogue.headers
    for client in (catalogue.investigator, catalogue.member(tenant, "monitor"), catalogue.manager):
        listed = read(client, STUDY_PRODUCTS, headers=headers)
        assert [(p["blinding_code"], p["blinded"], p["product"]) for p in listed] == [
            ("A", True, None),
            ("B", True, None),
        ]
        detail = read(client, f"{STUDY_PRODUCTS}{first['uuid']}", headers=headers)
        assert (detail["product"], detail["batches"]) == (None, None)
        assert _leaks([listed, detail], secrets) == [], client.user.role
        trail: Any = client.get(
            "/api/audit-trails/", query_string={"study": headers["Study-Uuid"], "limit": 500}
        )
        if trail.status_code == 200:
            assert trail.json["records"], client.user.role
            assert _leaks(trail.json, secrets) == [], client.user.role
        # The tenant's trail holds the catalogue, which they may read, never which product
        # a code or a batch stands for.
        tenant_trail: Any = client.get("/api/audit-trails/", query_string={"limit": 500})
        if tenant_trail.status_code == 200:
            linked = [
                record["changes"]["product_id"]
                for record in tenant_trail.json["records"]
                if record["object_type"] in ("study_products", "product_batches")
                and "product_id" in record["changes"]
            ]
            assert linked and all(
                product_id == ["[redacted]", "[redacted]"] for product_id in linked
            ), linked
    unblinded = read(catalogue.pharmacist, STUDY_PRODUCTS, headers=headers)
    assert [p["product"]["code"] for p in unblinded] == ["ZRB-10", "QMB-00"]
    trail = read(catalogue.pharmacist, "/api/audit-trails/", query_string={"object": first["uuid"]})
    assert trail["records"][0]["changes"]["product_id"][1] == blinded_study["drug"]["uuid"]


def test_writing_a_code_needs_the_unblinded_permission(catalogue: Catalogue, blinded_study):
    other = catalogue.product("OTHER")
    refused: Any = catalogue.declare(other["uuid"], "C", client=catalogue.manager)
    assert refused.status_code == 403, refused.json
    assert refused.json["error"]["internal_name"] == "BLINDING_KEY_FORBIDDEN"
    first = blinded_study["declared"]["A"]
    url = f"{STUDY_PRODUCTS}{first['uuid']}"
    renamed: Any = catalogue.manager.patch(
        url, json={"blinding_code": "Z"}, headers=catalogue.headers
    )
    assert renamed.status_code == 403, renamed.json
    assert catalogue.declare(other["uuid"], "C", client=catalogue.investigator).status_code == 403
    codes = [
        p["blinding_code"]
        for p in read(catalogue.pharmacist, STUDY_PRODUCTS, headers=catalogue.headers)
    ]
    assert codes == ["A", "B"]


def test_refusals_name_no_product_to_blinded_callers(catalogue: Catalogue, blinded_study):
    drug = blinded_study["drug"]
    again: Any = catalogue.declare(drug["uuid"], None, client=catalogue.manager)
    assert again.status_code == 409, again.json
    assert again.json["error"]["internal_name"] == "PRODUCT_ALREADY_IN_STUDY"
    assert _leaks(again.json, [drug["name"]]) == []
    assert "[blinded]" in again.json["error"]["message"]
    unblinded: Any = catalogue.declare(drug["uuid"], "C")
    assert drug["name"] in unblinded.json["error"]["message"]


def test_codes_are_unique_consistent_and_changed_with_a_reason(catalogue: Catalogue, blinded_study):
    other = catalogue.product("OTHER")
    taken: Any = catalogue.declare(other["uuid"], "A")
    assert taken.json["error"]["internal_name"] == "BLINDING_CODE_TAKEN"
    uncoded: Any = catalogue.declare(other["uuid"], None)
    assert uncoded.json["error"]["internal_name"] == "BLINDING_INCONSISTENT"
    for body in ({"product": other["uuid"], "blinding_code": ""}, {"product": "nope"}, {}):
        bad: Any = catalogue.pharmacist.post(STUDY_PRODUCTS, json=body, headers=catalogue.headers)
        assert bad.status_code == 422, (body, bad.json)
    missing: Any = catalogue.declare("00000000-0000-4000-8000-000000000000", "C")
    assert missing.status_code == 404
    url = f"{STUDY_PRODUCTS}{blinded_study['declared']['A']['uuid']}"
    no_reason: Any = catalogue.pharmacist.patch(
        url, json={"blinding_code": "Z"}, headers=catalogue.headers
    )
    assert no_reason.json["error"]["internal_name"] == "REASON_FOR_CHANGE_REQUIRED"
    clash: Any = catalogue.pharmacist.patch(
        url, json={"blinding_code": "B", "reason_for_change": "Relabel"}, headers=catalogue.headers
    )
    assert clash.json["error"]["internal_name"] == "BLINDING_CODE_TAKEN"
    changed: Any = catalogue.pharmacist.patch(
        url, json={"blinding_code": "Z", "reason_for_change": "Relabel"}, headers=catalogue.headers
    )
    assert changed.status_code == 200, changed.json
    assert changed.json["blinding_code"] == "Z"


def test_an_open_study_shows_its_products(catalogue: Catalogue, make_study, join_study, tenant):
    drug = catalogue.product("ZRB-10")
    study = make_study(catalogue.manager, "NCE", reference="OPEN")
    investigator = join_study(study.headers, tenant, "investigator")
    declared: Any = catalogue.manager.post(
        STUDY_PRODUCTS, json={"product": drug["uuid"]}, headers=study.headers
    )
    assert declared.status_code == 201, declared.json
    listed = read(investigator, STUDY_PRODUCTS, headers=study.headers)
    assert [(p["blinding_code"], p["blinded"], p["product"]["code"]) for p in listed] == [
        (None, False, "ZRB-10")
    ]
    other = catalogue.product("OTHER")
    pharmacist = join_study(study.headers, tenant, PHARMACIST)
    coded: Any = pharmacist.post(
        STUDY_PRODUCTS, json={"product": other["uuid"], "blinding_code": "X"}, headers=study.headers
    )
    assert coded.json["error"]["internal_name"] == "BLINDING_INCONSISTENT"
    renamed: Any = pharmacist.patch(
        f"{STUDY_PRODUCTS}{declared.json['uuid']}",
        json={"blinding_code": "X"},
        headers=study.headers,
    )
    assert renamed.json["error"]["internal_name"] == "BLINDING_INCONSISTENT"


def test_other_studies_and_tenants_see_nothing(
    catalogue: Catalogue, blinded_study, make_study, client_as, other_tenant, enable_plugins
):
    first = blinded_study["declared"]["A"]
    other = make_study(catalogue.manager, "LYO", reference="ELSEWHERE")
    assert read(catalogue.manager, STUDY_PRODUCTS, headers=other.headers) == []
    elsewhere: Any = catalogue.manager.get(
        f"{STUDY_PRODUCTS}{first['uuid']}", headers=other.headers
    )
    assert elsewhere.status_code == 404
    enable_plugins(other_tenant, "product_database")
    stranger = client_as(other_tenant)
    answer: Any = stranger.get(f"{STUDY_PRODUCTS}{first['uuid']}", headers=catalogue.headers)
    assert answer.status_code == 404, answer.json
