"""Zone assessments through the exports module (the zone always, the product only in an
unblinded run, nothing of another study, in the design's order, in ODM an ItemGroupData
per zone that validates); a voided allocation: its zone answers keep the products then
applied, and the subject is not allocated again over them; a design change recounts every
zone's progress."""

from __future__ import annotations

import csv
import dataclasses
import io
import uuid
from typing import Any
from xml.etree import ElementTree

from datacapt.testing import TenantClient, pdf_text
from plugins.exports.api import EXTENSION_NAMESPACE, ODM_NAMESPACE, zone_group_oid
from plugins.side_by_side.tests.support import (
    ECRF,
    PRODUCT_NAMES,
    Split,
    make_split,
    odm_of,
    zone_groups,
)

DEFINITIONS = "/api/exports/definitions/"
RUNS = "/api/exports/runs/"
UNBLINDED_EXPORTER = "unblinded_exporter"
ODM = f"{{{ODM_NAMESPACE}}}"
DC = f"{{{EXTENSION_NAMESPACE}}}"
# A zone's measurements in the design's order (their codes' order is another).
MEASURED = ["tewl", "hydration", "redness"]


def _export(split: Split, client: TenantClient, file_format: str = "csv", **fields: Any) -> Any:
    """A run of a definition of the zone assessments, done (jobs run in process)."""
    made: Any = client.post(
        DEFINITIONS,
        json={
            "name": f"Zones {uuid.uuid4().hex[:8]}",
            "extras": ["zone_assessments"],
            **fields,
        },
        headers=split.headers,
    )
    assert made.status_code == 201, made.json
    asked: Any = client.post(
        f"{DEFINITIONS}{made.json['uuid']}/runs",
        json={"format": file_format},
        headers=split.headers,
    )
    assert asked.status_code == 202, asked.json
    read: Any = client.get(f"{RUNS}{asked.json['uuid']}", headers=split.headers)
    assert read.status_code == 200, read.json
    return read.json


def _zone_rows(split: Split, client: TenantClient, export: Any) -> list[dict[str, str]]:
    (made,) = [f for f in export["files"] if f["name"].endswith("zone_assessments.csv")]
    content: Any = client.get(f"{RUNS}{export['uuid']}/files/{made['uuid']}", headers=split.headers)
    assert content.status_code == 200
    return list(csv.DictReader(io.StringIO(content.data.decode())))


def _every_file(split: Split, client: TenantClient, export: Any) -> bytes:
    return b"".join(
        client.get(f"{RUNS}{export['uuid']}/files/{made['uuid']}", headers=split.headers).data
        for made in export["files"]
    )


def _unblinded_exporter(split: Split, client_as, join_study, tenant) -> TenantClient:
    """A member of the study who runs exports and may see the products."""
    role = client_as(tenant).post(
        "/api/roles/",
        json={
            "name": UNBLINDED_EXPORTER,
            "permissions": [
                "exports.access",
                "exports.define",
                "exports.run",
                "products.access",
                "products.view_blinded",
            ],
        },
    )
    assert role.status_code == 201, role.json
    return join_study(split.headers, tenant, UNBLINDED_EXPORTER)


def _placed(split: Split, subject: str) -> dict[str, tuple[str | None, str | None]]:
    """Zone code -> (product code, product name), as the unblinded statistician reads it."""
    read: Any = split.get(f"/subjects/{subject}/allocation", split.statistician)
    assert read.status_code == 200, read.json
    return {row["zone"]["code"]: (row["code"], row["product"]) for row in read.json}


def _measured(split: Split, subject: str, zones: list[str]) -> None:
    for index, zone in enumerate(zones):
        for answers in ({"tewl": 10.0 + index}, {"hydration": 40.0}, {"redness": 1}):
            saved = split.save_zone(subject, zone, answers)
            assert saved.status_code == 200, saved.json


def _allocated_and_measured(split: Split) -> str:
    """A subject randomized to two treated zones and a control zone, each measured."""
    split.zones("LEFT", "RIGHT", control="BACK")
    design = split.live_design("ab_ba", 2)
    assert split.assess(design["uuid"], ["tewl", "hydration", "redness"]).status_code == 201
    subject = split.subject()
    split.randomize(subject, design)
    _measured(split, subject, ["LEFT", "RIGHT", "BACK"])
    return subject


def test_zone_assessments_leave_with_the_zone_and_the_product_only_unblinded(
    split: Split, enable_plugins, client_as, make_study, join_study, tenant
):
    enable_plugins(tenant, "exports")
    subject = _allocated_and_measured(split)
    placed = _placed(split, subject)

    blinded = _export(split, split.manager)  # a study manager does not see products
    assert (blinded["state"], blinded["product_included"]) == ("done", False), blinded
    rows = _zone_rows(split, split.manager, blinded)
    assert len(rows) == 9 and "product" not in rows[0]
    # By zone, then the questions in the design's order (not their codes' order).
    assert [(r["zone"], r["question"]) for r in rows] == [
        (zone, question) for zone in ("BACK", "LEFT", "RIGHT") for question in MEASURED
    ]
    assert {(r["zone"], r["code"]) for r in rows} == {
        (zone, code or "control") for zone, (code, _) in placed.items()
    }
    content = _every_file(split, split.manager, blinded)
    for name in PRODUCT_NAMES:
        assert name.encode() not in content, name

    exporter = _unblinded_exporter(split, client_as, join_study, tenant)
    unblinded = _export(split, exporter)
    assert (unblinded["state"], unblinded["product_included"]) == ("done", True), unblinded
    rows = _zone_rows(split, exporter, unblinded)
    assert {(r["zone"], r["product"]) for r in rows} == {
        (zone, name or "") for zone, (_, name) in placed.items()
    }
    # A blinded reader is not given the unblinded run.
    assert split.manager.get(f"{RUNS}{unblinded['uuid']}", headers=split.headers).status_code == 404

    # A definition naming questions takes only theirs, in the design's order.
    named = _export(split, split.manager, questions=["redness", "tewl"])
    assert [(r["zone"], r["question"]) for r in _zone_rows(split, split.manager, named)] == [
        (zone, question) for zone in ("BACK", "LEFT", "RIGHT") for question in ("tewl", "redness")
    ]

    # Another study of the tenant exports no zone of this one.
    other = make_study(split.manager, "NAN", reference="OTHER")
    etag = split.manager.get("/api/ecrf/", headers=other.headers).headers["ETag"]
    ecrf: Any = split.manager.put(
        "/api/ecrf/", json=ECRF, headers={**other.headers, "If-Match": etag}
    )
    assert ecrf.status_code == 200, ecrf.json
    other_split = dataclasses.replace(split, headers=other.headers)
    elsewhere = _export(other_split, split.manager)
    assert elsewhere["state"] == "done", elsewhere
    assert _zone_rows(other_split, split.manager, elsewhere) == []


def _texts(root: ElementTree.Element) -> list[str]:
    """Every attribute value and text of the file."""
    return [
        text
        for element in root.iter()
        for text in (*element.attrib.values(), element.text or "", element.tail or "")
    ]


def test_odm_has_an_item_group_per_zone_naming_the_product_only_unblinded(
    split: Split, enable_plugins, client_as, join_study, make_study, tenant
):
    enable_plugins(tenant, "exports")
    subject = _allocated_and_measured(split)
    placed = _placed(split, subject)
    products: Any = split.statistician.get(
        "/api/product-database/study-products/", headers=split.headers
    )
    assert products.status_code == 200, products.json
    product_uuids = {p["uuid"] for p in products.json} | {
        p["product"]["uuid"] for p in products.json
    }
    assert set(split.products) <= product_uuids

    blinded = _export(split, split.manager, "odm")
    assert (blinded["state"], blinded["product_included"]) == ("done", False), blinded
    root = odm_of(split, split.manager, blinded)
    oid = zone_group_oid(split.day0)
    (definition,) = [d for d in root.iter(f"{ODM}ItemGroupDef") if d.get("OID") == oid]
    assert definition.get("Repeating") == "Yes"
    assert [r.get("ItemOID") for r in definition.iter(f"{ODM}ItemRef")] == [
        f"I.{code}" for code in MEASURED
    ]
    (form,) = [f for f in root.iter(f"{ODM}FormDef") if f.get("OID") == f"F.{split.day0}"]
    assert oid in [r.get("ItemGroupOID") for r in form.iter(f"{ODM}ItemGroupRef")]
    groups = zone_groups(root, split)
    # One per zone, keyed by its code, the values of the design's questions in its order.
    assert [g.get("ItemGroupRepeatKey") for g in groups] == ["BACK", "LEFT", "RIGHT"]
    tewl = {"LEFT": "10.0", "RIGHT": "11.0", "BACK": "12.0"}
    for group in groups:
        zone = group.get("ItemGroupRepeatKey") or ""
        assert [(i.get("ItemOID"), i.get("Value")) for i in group.iter(f"{ODM}ItemData")] == [
            ("I.tewl", tewl[zone]),
            ("I.hydration", "40.0"),
            ("I.redness", "1"),
        ]
        named = group.find(f"{DC}Zone")
        assert named is not None
        assert named.attrib == {
            "Code": zone,
            "Name": f"Zone {zone}",
            "ProductCode": placed[zone][0] or "control",
        }
    # Nowhere a product's name or uuid.
    for text in _texts(root):
        for secret in (*PRODUCT_NAMES, *product_uuids):
            assert secret not in text, (secret, text)

    exporter = _unblinded_exporter(split, client_as, join_study, tenant)
    unblinded = _export(split, exporter, "odm")
    assert (unblinded["state"], unblinded["product_included"]) == ("done", True), unblinded
    groups = zone_groups(odm_of(split, exporter, unblinded), split)
    assert {
        g.get("ItemGroupRepeatKey"): g.find(f"{DC}Zone").get("Product")  # type: ignore[union-attr]
        for g in groups
    } == {zone: name for zone, (_, name) in placed.items()}
    assert placed["BACK"][1] is None and {placed["LEFT"][1], placed["RIGHT"][1]} < set(
        PRODUCT_NAMES
    )

    # Another study of the tenant: no zone of this one.
    other = make_study(split.manager, "NAN", reference="OTHER")
    etag = split.manager.get("/api/ecrf/", headers=other.headers).headers["ETag"]
    ecrf: Any = split.manager.put(
        "/api/ecrf/", json=ECRF, headers={**other.headers, "If-Match": etag}
    )
    assert ecrf.status_code == 200, ecrf.json
    other_split = dataclasses.replace(
        split, headers=other.headers, day0=ecrf.json["sections"][1]["uuid"]
    )
    elsewhere = _export(other_split, split.manager, "odm")
    assert elsewhere["state"] == "done", elsewhere
    root = odm_of(other_split, split.manager, elsewhere)
    assert zone_groups(root, other_split) == zone_groups(root, split) == []
    assert not list(root.iter(f"{DC}Zone"))


def test_an_open_studys_export_names_no_product_to_who_may_not_see_products(
    enable_plugins, client_as, make_study, join_study, tenant
):
    """Products without a blinding code: the code column stays empty rather than carry the
    name, which only the product column of an unblinded run holds."""
    enable_plugins(tenant, "side_by_side", "exports")
    split = make_split(client_as, make_study, join_study, tenant, coded=False)
    _allocated_and_measured(split)
    export = _export(split, split.manager)
    assert (export["state"], export["product_included"]) == ("done", False), export
    rows = _zone_rows(split, split.manager, export)
    assert {(r["zone"], r["code"]) for r in rows} == {
        ("LEFT", ""),
        ("RIGHT", ""),
        ("BACK", "control"),
    }
    content = _every_file(split, split.manager, export)
    for name in PRODUCT_NAMES:
        assert name.encode() not in content, name


def test_a_voided_allocation_keeps_its_zone_answers_with_the_products_then_applied(
    split: Split,
):
    split.zones("LEFT", "RIGHT")
    design = split.live_design("ab_ba", 2)
    assert split.assess(design["uuid"], ["tewl", "hydration", "redness"]).status_code == 201
    measured, blank = split.subject(), split.subject()
    first = split.randomize(measured, design)
    placed = _placed(split, measured)
    _measured(split, measured, ["LEFT"])
    before: Any = split.get(f"/designs/{design['uuid']}/results", split.statistician)

    voided: Any = split.manager.post(
        f"/api/randomizations/assignments/{first['uuid']}/void",
        headers={**split.headers, "Reason-For-Change": "Randomized in the wrong stratum"},
    )
    assert voided.status_code == 200, voided.json
    # No zone is current: nothing more is entered under the voided products.
    assert split.get(f"/subjects/{measured}/allocation", split.statistician).json == []
    zone: Any = split.investigator.get(split.zone_url(measured, "LEFT"), headers=split.headers)
    assert zone.status_code == 404
    # The measurements stay with the products then applied.
    after: Any = split.get(f"/designs/{design['uuid']}/results", split.statistician)
    assert after.json == before.json
    left_code = placed["LEFT"][0]
    tewl = next(r for r in after.json if r["question"] == "tewl")
    assert {p["code"]: p["n"] for p in tewl["products"]}[left_code] == 1
    # Allocating the subject again would move them to other products: refused.
    again: Any = split.investigator.post(
        f"/api/randomizations/subjects/{measured}/randomize",
        json={"design": design["randomization_design"], "environment": "production"},
        headers=split.headers,
    )
    assert again.status_code == 409, again.json
    assert again.json["error"]["internal_name"] == "ZONES_RECORDED_UNDER_VOIDED"
    assert again.json["error"]["details"]["zone"] == "LEFT"
    assert split.get(f"/designs/{design['uuid']}/results", split.statistician).json == before.json

    # A voided allocation with nothing recorded gives way to the new one.
    mistaken = split.randomize(blank, design)
    undone: Any = split.manager.post(
        f"/api/randomizations/assignments/{mistaken['uuid']}/void",
        headers={**split.headers, "Reason-For-Change": "Wrong subject"},
    )
    assert undone.status_code == 200, undone.json
    split.randomize(blank, design)
    assert sorted(_placed(split, blank)) == ["LEFT", "RIGHT"]
    _measured(split, blank, ["LEFT", "RIGHT"])
    final: Any = split.get(f"/designs/{design['uuid']}/results", split.statistician)
    tewl = next(r for r in final.json if r["question"] == "tewl")
    assert sum(p["n"] for p in tewl["products"]) == 3  # one voided zone, two current


def _day0_progress(split: Split, subject: str) -> tuple[int, int]:
    progress: Any = split.investigator.get(
        f"/api/ecrf/subjects/{subject}/progress", headers=split.headers
    )
    day0 = next(s for s in progress.json["sections"] if s["section"] == split.day0)
    return day0["required"], day0["answered"]


def test_a_design_change_recounts_every_zone(split: Split):
    split.zones("LEFT", "RIGHT", control="BACK")
    design = split.live_design("ab_ba", 2)
    assert split.assess(design["uuid"], ["tewl", "hydration", "redness"]).status_code == 201
    subject = split.subject()
    split.randomize(subject, design)
    _measured(split, subject, ["LEFT"])
    assert _day0_progress(split, subject) == (9, 3)

    # A fourth required measurement on day 0: each of the three zones has one more to fill.
    read: Any = split.manager.get("/api/ecrf/", headers=split.headers)
    changed = read.json
    blocks = changed["sections"][1]["subsections"][0]["blocks"]
    blocks.append(
        {
            "kind": "question",
            "code": "gloss",
            "type": "integer",
            "label": {"en": "gloss"},
            "required": True,
        }
    )
    saved: Any = split.manager.put(
        "/api/ecrf/", json=changed, headers={**split.headers, "If-Match": read.headers["ETag"]}
    )
    assert saved.status_code == 200, saved.json
    assert saved.json["sections"][1]["uuid"] == split.day0
    assert _day0_progress(split, subject) == (12, 3)


def test_a_casebook_prints_each_zone_with_its_values_and_trail_never_the_product(
    split: Split, enable_plugins, tenant
):
    enable_plugins(tenant, "reports")
    split.zones("LEFT", "RIGHT")
    design = split.live_design("ab_ba", 2)
    assert split.assess(design["uuid"], ["tewl", "hydration", "redness"]).status_code == 201
    subject = split.subject()
    split.randomize(subject, design)
    for zone, tewl in (("LEFT", 11.25), ("RIGHT", 17.75)):
        saved = split.save_zone(subject, zone, {"tewl": tewl})
        assert saved.status_code == 200, saved.json
    corrected = split.save_zone(subject, "RIGHT", {"tewl": 18.5}, reason="Probe misread")
    assert corrected.status_code == 200, corrected.json

    report: Any = split.investigator.post(
        f"/api/reports/subjects/{subject}/casebook", headers=split.headers
    )
    assert report.status_code == 201, report.json
    pdf: Any = split.investigator.get(
        f"/api/reports/{report.json['uuid']}/file", headers=split.headers
    )
    assert pdf.status_code == 200
    text = pdf_text(pdf.data)
    left, right = text.index("Day 0 · LEFT"), text.index("Day 0 · RIGHT")
    assert left < text.index("11.25") < right < text.index("18.5")
    # The corrected value's trail is printed under its own zone only.
    assert right < text.index("17.75") and right < text.index("Probe misread")
    for name in PRODUCT_NAMES:
        assert name not in text, name


def test_odm_refuses_a_repeating_group_filled_per_zone(split: Split, enable_plugins, tenant):
    """An ItemGroupData per zone cannot hold a group's rows: the run fails saying so."""
    enable_plugins(tenant, "exports")
    read: Any = split.manager.get("/api/ecrf/", headers=split.headers)
    changed = read.json
    changed["sections"][1]["subsections"][0]["blocks"].append(
        {
            "kind": "question",
            "code": "sites",
            "type": "repeating_group",
            "label": {"en": "Sites"},
            "columns": [{"code": "spot", "type": "short_text", "label": {"en": "Spot"}}],
        }
    )
    saved: Any = split.manager.put(
        "/api/ecrf/", json=changed, headers={**split.headers, "If-Match": read.headers["ETag"]}
    )
    assert saved.status_code == 200, saved.json
    _allocated_and_measured(split)
    odm = _export(split, split.manager, "odm")
    assert odm["state"] == "failed" and "repeating group" in odm["failure"], odm
    # A definition leaving the group out exports the zones in ODM.
    plain = _export(split, split.manager, "odm", questions=MEASURED)
    assert plain["state"] == "done", plain
    assert len(zone_groups(odm_of(split, split.manager, plain), split)) == 3
