"""Monitoring of zone answers: source data verification of one zone's item (the others
stay unverified, a changed zone answer loses only its own), plans and progress counting
each zone; a review of one zone; a freeze or lock of one zone refusing that zone's saves
only, and the bad targets; a signature's snapshot holding the zone answers, so a change
of one after signing shows; the exports naming the zone; another study or tenant sees
nothing."""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import json
import uuid
from typing import Any

import sqlalchemy as sa

from datacapt.testing import TenantClient, unit_of_work
from datacapt.toolkit import db, tenant_context
from plugins.exports.api import ODM_NAMESPACE
from plugins.monitoring.api import Signature
from plugins.side_by_side.tests.support import PRODUCT_NAMES, Split, odm_of, zone_groups

SDV = "/api/monitoring/verification"
ODM = f"{{{ODM_NAMESPACE}}}"
REVIEW = "/api/monitoring/review"
LOCKS = "/api/monitoring/locks"
SIGNATURES = "/api/monitoring/signatures/"
MEASURED = {"tewl": 20.0, "hydration": 40.0, "redness": 1}


@dataclasses.dataclass
class Zoned:
    split: Split
    subject: str
    data_manager: TenantClient

    def item(self, code: str, zone: str | None = None) -> str:
        return f"{SDV}/subjects/{self.subject}/items/{code}" + (
            f"/instances/{zone}" if zone else ""
        )

    def section(self, base: str, zone: str | None = None, section: str | None = None) -> str:
        url = f"{base}/subjects/{self.subject}/sections/{section or self.split.day0}"
        return url + (f"/instances/{zone}" if zone else "")

    def post(self, client: TenantClient, url: str, body: Any = None, **headers: str) -> Any:
        return client.post(url, json=body, headers={**self.split.headers, **headers})

    def read_zone(self, zone: str, client: TenantClient | None = None) -> Any:
        read: Any = (client or self.split.monitor).get(
            self.split.zone_url(self.subject, zone), headers=self.split.headers
        )
        assert read.status_code == 200, read.json
        return read.json

    def change(self, zone: str, answers: dict[str, Any]) -> None:
        saved = self.split.save_zone(self.subject, zone, answers, reason="Corrected from source")
        assert saved.status_code == 200, saved.json


def _zoned(split: Split, join_study: Any, tenant: Any) -> Zoned:
    """A subject with LEFT and RIGHT measured, the control zone BACK left blank."""
    split.zones("LEFT", "RIGHT", control="BACK")
    design = split.live_design("ab_ba", 2)
    assessed = split.assess(design["uuid"], list(MEASURED), enforce=False)
    assert assessed.status_code == 201, assessed.json
    subject = split.subject()
    split.randomize(subject, design)
    for zone in ("LEFT", "RIGHT"):
        saved = split.save_zone(subject, zone, MEASURED)
        assert saved.status_code == 200, saved.json
    return Zoned(split, subject, join_study(split.headers, tenant, "data_manager"))


def _error(response: Any, status: int, name: str | None = None) -> None:
    assert response.status_code == status, response.json
    if name is not None:
        assert response.json["error"]["internal_name"] == name, response.json


def test_verification_is_per_zone_and_a_changed_zone_answer_loses_only_its_own(
    split: Split, join_study, tenant, enable_plugins, client_as, other_tenant, make_study
):
    zoned = _zoned(split, join_study, tenant)
    monitor, headers = split.monitor, split.headers
    plan = zoned.post(
        split.manager, f"{SDV}/plans/", {"kind": "all_items", "effective_from": "2000-01-01"}
    )
    assert plan.status_code == 201, plan.json

    # The plain address of a zone's question names no zone; an unknown zone, or a zone of
    # a question answered once per subject, is not found; the site does not verify.
    _error(zoned.post(monitor, zoned.item("tewl")), 409, "ECRF_SECTION_INSTANCED")
    _error(zoned.post(monitor, zoned.item("tewl", "NOPE")), 404)
    _error(zoned.post(monitor, zoned.item("age", "LEFT")), 404)
    _error(zoned.post(monitor, zoned.item("tewl", "BACK")), 409, "ITEM_NOT_ANSWERED")
    _error(zoned.post(split.investigator, zoned.item("tewl", "LEFT")), 403)

    verified = zoned.post(monitor, zoned.item("tewl", "LEFT"))
    assert verified.status_code == 201, verified.json
    assert (verified.json["code"], verified.json["instance"]) == ("tewl", "LEFT")
    _error(zoned.post(monitor, zoned.item("tewl", "LEFT")), 409, "ITEM_ALREADY_VERIFIED")
    left: Any = monitor.get(zoned.section(SDV, "LEFT"), headers=headers)
    right: Any = monitor.get(zoned.section(SDV, "RIGHT"), headers=headers)
    assert left.json["items"]["tewl"]["verified"] and left.json["items"]["tewl"]["required"]
    assert not right.json["items"]["tewl"]["verified"]
    annotations = zoned.read_zone("LEFT")["annotations"]["verification"]["items"]
    assert annotations["tewl"]["verified"] and not annotations["hydration"]["verified"]
    assert not zoned.read_zone("RIGHT")["annotations"]["verification"]["items"]["tewl"]["verified"]

    # Progress counts each zone's item: two zones of three measurements.
    progress: Any = monitor.get(f"{SDV}/subjects/{zoned.subject}", headers=headers)
    assert (progress.json["answered"], progress.json["required"], progress.json["verified"]) == (
        6,
        6,
        1,
    )
    day0 = next(s for s in progress.json["sections"] if s["section"] == split.day0)
    assert (day0["answered"], day0["verified"]) == (6, 1)
    bulk = zoned.post(monitor, zoned.section(SDV, "RIGHT"))
    assert bulk.json == {"verified": 3, "already_verified": 0}
    whole = zoned.post(monitor, zoned.section(SDV))
    assert whole.json == {"verified": 2, "already_verified": 4}

    # A changed zone answer loses its own verification only, audited with the save's reason.
    zoned.change("LEFT", {"tewl": 21.0})
    left = monitor.get(zoned.section(SDV, "LEFT"), headers=headers)
    right = monitor.get(zoned.section(SDV, "RIGHT"), headers=headers)
    assert (
        not left.json["items"]["tewl"]["verified"] and left.json["items"]["hydration"]["verified"]
    )
    assert all(item["verified"] for item in right.json["items"].values())
    taken = monitor.delete(
        zoned.item("redness", "RIGHT"), headers={**headers, "Reason-For-Change": "Wrong zone"}
    )
    assert taken.status_code == 204, taken.json
    _error(
        monitor.delete(
            zoned.item("redness", "RIGHT"), headers={**headers, "Reason-For-Change": "Again"}
        ),
        409,
        "ITEM_NOT_VERIFIED",
    )
    progress = monitor.get(f"{SDV}/subjects/{zoned.subject}", headers=headers)
    assert progress.json["verified"] == 4

    # Another study of the tenant, and another tenant, see nothing of the subject.
    other = make_study(split.manager, "NCE", reference="OTHER")
    elsewhere: Any = split.manager.get(zoned.section(SDV, "LEFT"), headers=other.headers)
    assert elsewhere.status_code == 404, elsewhere.json
    enable_plugins(other_tenant, "monitoring")
    outsider = client_as(other_tenant, "administrator")
    own: Any = outsider.post("/api/studies/", json={"reference": "O", "name": "O"})
    outside: Any = outsider.get(
        zoned.section(SDV, "LEFT"), headers={"Study-Uuid": own.json["uuid"]}
    )
    assert outside.status_code == 404, outside.json
    outside = outsider.post(zoned.item("tewl", "LEFT"), headers={"Study-Uuid": own.json["uuid"]})
    assert outside.status_code == 404, outside.json


def test_a_review_is_of_one_zone_and_lost_with_that_zone_s_change(split: Split, join_study, tenant):
    zoned = _zoned(split, join_study, tenant)
    manager = zoned.data_manager
    _error(zoned.post(manager, zoned.section(REVIEW)), 409, "ECRF_SECTION_INSTANCED")
    _error(zoned.post(manager, zoned.section(REVIEW, "NOPE")), 404)
    _error(zoned.post(manager, zoned.section(REVIEW, "BACK")), 409, "SECTION_WITHOUT_DATA")
    _error(zoned.post(manager, zoned.section(REVIEW, "LEFT", split.screening)), 404)
    _error(zoned.post(split.monitor, zoned.section(REVIEW, "LEFT")), 403)
    reviewed = zoned.post(manager, zoned.section(REVIEW, "LEFT"))
    assert reviewed.status_code == 201, reviewed.json
    assert reviewed.json["instance"] == "LEFT"
    _error(zoned.post(manager, zoned.section(REVIEW, "LEFT")), 409, "SECTION_ALREADY_REVIEWED")
    assert zoned.read_zone("LEFT", manager)["annotations"]["review"]["reviewed"]
    assert not zoned.read_zone("RIGHT", manager)["annotations"]["review"]["reviewed"]

    def subject_reviews() -> Any:
        read: Any = manager.get(f"{REVIEW}/subjects/{zoned.subject}", headers=split.headers)
        assert read.status_code == 200, read.json
        return read.json

    reviews = subject_reviews()
    assert (reviews["with_data"], reviews["reviewed"]) == (2, 1)
    zones = {
        s["instance"]: (s["with_data"], s["reviewed"])
        for s in reviews["sections"]
        if s["section"] == split.day0
    }
    assert zones == {"LEFT": (True, True), "RIGHT": (True, False), "BACK": (False, False)}
    progress: Any = manager.get(f"{REVIEW}/progress", headers=split.headers)
    assert (progress.json["study"]["with_data"], progress.json["study"]["reviewed"]) == (2, 1)

    # Another zone's change keeps the review; the zone's own loses it.
    zoned.change("RIGHT", {"redness": 2})
    assert subject_reviews()["reviewed"] == 1
    zoned.change("LEFT", {"redness": 2})
    assert subject_reviews()["reviewed"] == 0
    again = zoned.post(manager, zoned.section(REVIEW, "LEFT"))
    assert again.status_code == 201, again.json
    taken = manager.delete(
        zoned.section(REVIEW, "LEFT"),
        headers={**split.headers, "Reason-For-Change": "Reviewed the wrong zone"},
    )
    assert taken.status_code == 204, taken.json


def test_a_zone_s_hold_refuses_that_zone_s_saves_only(split: Split, join_study, tenant, make_study):
    zoned = _zoned(split, join_study, tenant)
    manager, monitor = zoned.data_manager, split.monitor
    target = {"level": "section", "subject": zoned.subject, "section": split.day0}

    # A zone is named at the section level only, of a section filled once per zone, one of
    # the subject's zones.
    for body, status in (
        ({"level": "subject", "subject": zoned.subject, "instance": "LEFT"}, 422),
        ({**target, "section": split.screening, "instance": "LEFT"}, 422),
        ({**target, "instance": "NOPE"}, 404),
        ({**target, "instance": ""}, 422),
    ):
        _error(zoned.post(manager, f"{LOCKS}/freeze", body), status)

    _error(zoned.post(monitor, f"{LOCKS}/freeze", {**target, "instance": "LEFT"}), 403)
    frozen = zoned.post(manager, f"{LOCKS}/freeze", {**target, "instance": "LEFT"})
    assert frozen.status_code == 201, frozen.json
    assert frozen.json["instance"] == "LEFT"
    _error(zoned.post(manager, f"{LOCKS}/freeze", {**target, "instance": "LEFT"}), 409)
    refused = split.save_zone(zoned.subject, "LEFT", {"tewl": 30.0}, reason="Correction")
    _error(refused, 409, "DATA_FROZEN")
    assert refused.json["error"]["details"]["lock"]["instance"] == "LEFT"
    zoned.change("RIGHT", {"tewl": 30.0})
    assert zoned.read_zone("LEFT")["annotations"]["locks"]["status"] == "frozen"
    assert zoned.read_zone("RIGHT")["annotations"]["locks"]["status"] == "open"
    assert zoned.read_zone("LEFT")["annotations"]["locks"]["level"] == "section"

    # Locked, the zone's verification is refused too; the other zone's goes on.
    locked = zoned.post(manager, f"{LOCKS}/lock", {**target, "instance": "LEFT"})
    assert locked.status_code == 200, locked.json
    _error(zoned.post(monitor, zoned.item("tewl", "LEFT")), 409, "DATA_LOCKED")
    assert zoned.post(monitor, zoned.item("tewl", "RIGHT")).status_code == 201
    # A freeze of the whole section is not refused by one zone's lock: it does not hold it
    # all; it then holds every zone's saves.
    whole = zoned.post(manager, f"{LOCKS}/freeze", target)
    assert whole.status_code == 201, whole.json
    _error(split.save_zone(zoned.subject, "RIGHT", {"tewl": 31.0}, reason="x"), 409, "DATA_FROZEN")
    released = zoned.post(
        manager, f"{LOCKS}/unfreeze", target, **{"Reason-For-Change": "Frozen by mistake"}
    )
    assert released.status_code == 200, released.json
    unlocked = zoned.post(
        manager,
        f"{LOCKS}/unlock",
        {**target, "instance": "LEFT"},
        **{"Reason-For-Change": "Reopened for a correction"},
    )
    assert unlocked.status_code == 200, unlocked.json
    zoned.change("LEFT", {"tewl": 30.0})
    held: Any = manager.get(f"{LOCKS}/", headers=split.headers)
    assert sorted((h["instance"], h["status"]) for h in held.json) == [
        ("", "unfrozen"),
        ("LEFT", "unlocked"),
    ]

    # Another study of the tenant sees none of the holds.
    other = make_study(split.manager, "NCE", reference="OTHER")
    assert (
        split.manager.get(f"{LOCKS}/{frozen.json['uuid']}", headers=other.headers).status_code
        == 404
    )
    listed: Any = split.manager.get(f"{LOCKS}/", headers=other.headers)
    assert listed.status_code == 200 and listed.json == []


def _sign(zoned: Zoned, target: dict[str, Any]) -> Any:
    investigator = zoned.split.investigator
    body = {"targets": [target], "meaning": "approval", "password": investigator.user.password}
    signed = zoned.post(investigator, SIGNATURES, body)
    assert signed.status_code == 201, signed.json
    return signed.json["signatures"][0]


def _as_format_1(app: Any, tenant: Any, signature: str) -> None:
    """Store a signature as format 1 wrote it (before zone answers were signed): its plain
    answers only, hashed again as the documentation says."""
    with app.app_context(), tenant_context(tenant), unit_of_work():
        table = Signature.__table__
        assert isinstance(table, sa.Table)
        snapshot = db.session.execute(
            sa.select(table.c.snapshot).where(table.c.uuid == uuid.UUID(signature))
        ).scalar_one()
        plain = [answer for answer in snapshot["answers"] if "instance" not in answer]
        assert plain and len(plain) < len(snapshot["answers"])
        content = {**snapshot, "format": 1, "answers": plain}
        canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        db.session.execute(
            sa.update(table)
            .where(table.c.uuid == uuid.UUID(signature))
            .values(snapshot=content, hash=hashlib.sha256(canonical.encode()).hexdigest())
        )


def test_a_signature_covers_the_zone_answers_and_shows_their_change(
    split: Split, join_study, tenant, app
):
    zoned = _zoned(split, join_study, tenant)
    screening = f"/api/ecrf/subjects/{zoned.subject}/sections/{split.screening}"
    etag = split.investigator.get(screening, headers=split.headers).headers["ETag"]
    saved = split.investigator.put(
        screening, json={"answers": {"age": 34}}, headers={**split.headers, "If-Match": etag}
    )
    assert saved.status_code == 200, saved.json
    section = _sign(zoned, {"subject": zoned.subject, "section": split.day0})
    casebook = _sign(zoned, {"subject": zoned.subject})
    monitor, headers = split.monitor, split.headers
    for signature in (section, casebook):
        read: Any = monitor.get(f"{SIGNATURES}{signature['uuid']}", headers=headers)
        assert read.status_code == 200, read.json
        signed = {(a["code"], a.get("instance")) for a in read.json["snapshot"]["answers"]}
        zone_answers = {(code, zone) for code in MEASURED for zone in ("LEFT", "RIGHT")}
        assert signed == zone_answers | ({("age", None)} if signature is casebook else set())
        assert not set(PRODUCT_NAMES) & set(json.dumps(read.json).split('"'))
        assert read.json["snapshot"]["format"] == 2 and read.json["changes"] == []
        check: Any = monitor.get(f"{SIGNATURES}{signature['uuid']}/verification", headers=headers)
        assert check.json["holds"], check.json
    annotated = zoned.read_zone("RIGHT")["annotations"]["signatures"]
    assert {s["uuid"] for s in annotated} == {section["uuid"], casebook["uuid"]}

    zoned.change("RIGHT", {"hydration": 45.0})
    for signature in (section, casebook):
        read = monitor.get(f"{SIGNATURES}{signature['uuid']}", headers=headers)
        assert read.json["state"] == "broken"
        assert [
            (c["code"], c["instance"], c["value_signed"], c["value_now"])
            for c in read.json["changes"]
        ] == [("hydration", "RIGHT", "40.0", "45.0")]
        check = monitor.get(f"{SIGNATURES}{signature['uuid']}/verification", headers=headers)
        assert not check.json["holds"] and check.json["snapshot_intact"]

    # A casebook signed before zone answers were signed (format 1) still verifies over its
    # plain answers, whatever the zones hold.
    _as_format_1(app, tenant, casebook["uuid"])
    check = monitor.get(f"{SIGNATURES}{casebook['uuid']}/verification", headers=headers)
    assert check.json["holds"] and check.json["changes"] == [], check.json


def _table(split: Split, export: Any, name: str) -> list[dict[str, str]]:
    (made,) = [f for f in export["files"] if f["name"].endswith(f"_{name}.csv")]
    content: Any = split.manager.get(
        f"/api/exports/runs/{export['uuid']}/files/{made['uuid']}", headers=split.headers
    )
    assert content.status_code == 200
    return list(csv.DictReader(io.StringIO(content.data.decode())))


def test_exports_name_the_zone_of_verifications_queries_and_locks(
    split: Split, join_study, tenant, enable_plugins
):
    enable_plugins(tenant, "exports")
    zoned = _zoned(split, join_study, tenant)
    assert zoned.post(split.monitor, zoned.item("tewl", "LEFT")).status_code == 201
    raised = zoned.post(
        split.monitor,
        "/api/monitoring/queries/",
        {
            "subject": zoned.subject,
            "code": "hydration",
            "instance": "RIGHT",
            "level": "warning",
            "message": "Check the probe",
        },
    )
    assert raised.status_code == 201, raised.json
    target = {"level": "section", "subject": zoned.subject, "section": split.day0}
    assert (
        zoned.post(
            zoned.data_manager, f"{LOCKS}/freeze", {**target, "instance": "RIGHT"}
        ).status_code
        == 201
    )
    made = zoned.post(
        split.manager,
        "/api/exports/definitions/",
        {
            "name": f"Monitoring {uuid.uuid4().hex[:8]}",
            "extras": ["sdv", "queries", "locks", "zone_assessments"],
        },
    )
    assert made.status_code == 201, made.json
    asked = zoned.post(
        split.manager, f"/api/exports/definitions/{made.json['uuid']}/runs", {"format": "csv"}
    )
    assert asked.status_code == 202, asked.json
    export: Any = split.manager.get(
        f"/api/exports/runs/{asked.json['uuid']}", headers=split.headers
    )
    assert export.json["state"] == "done", export.json
    assert [(r["question"], r["zone"]) for r in _table(split, export.json, "sdv")] == [
        ("tewl", "LEFT")
    ]
    assert [(r["question"], r["zone"]) for r in _table(split, export.json, "queries")] == [
        ("hydration", "RIGHT")
    ]
    assert [(r["level"], r["zone"]) for r in _table(split, export.json, "locks")] == [
        ("section", "RIGHT")
    ]
    # In ODM, a zone's query and verification go under that zone's value.
    asked = zoned.post(
        split.manager, f"/api/exports/definitions/{made.json['uuid']}/runs", {"format": "odm"}
    )
    assert asked.status_code == 202, asked.json
    export = split.manager.get(f"/api/exports/runs/{asked.json['uuid']}", headers=split.headers)
    assert export.json["state"] == "done", export.json
    annotated = {
        (group.get("ItemGroupRepeatKey"), item.get("ItemOID"), child.tag.split("}")[1])
        for group in zone_groups(odm_of(split, split.manager, export.json), split)
        for item in group.iter(f"{ODM}ItemData")
        for child in item
    }
    assert annotated == {("LEFT", "I.tewl", "Verification"), ("RIGHT", "I.hydration", "Query")}
