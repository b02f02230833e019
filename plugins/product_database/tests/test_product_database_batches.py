"""Batches: made in quarantine, released, quarantined again and recalled with reasons,
expired by the periodic job past their date (allocation told each time), corrected with a
reason, certificates, the batch's record with its studies and history; who may do what."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
import time_machine

from datacapt.testing import run_tick
from plugins.product_database.api import batch_withdrawn
from plugins.product_database.tests.support import (
    BATCHES,
    PRODUCTS,
    WATER,
    Catalogue,
    as_read,
    read,
)


@pytest.fixture
def withdrawn():
    """The (batch number, status, previous, reason) of each batch_withdrawn signal."""
    seen: list[tuple[str, str, str, str | None]] = []

    def receive(batch, status, previous, reason):
        seen.append((batch.number, status, previous, reason))

    batch_withdrawn.connect(receive)
    yield seen
    batch_withdrawn.disconnect(receive)


def test_a_batch_goes_through_its_life_with_reasons(catalogue: Catalogue, withdrawn):
    product = catalogue.product()
    batch = catalogue.batch(
        product["uuid"],
        expiry_date="2099-12-31",
        manufacture_date="2026-01-15",
        period_after_opening_days=28,
        storage_conditions="2-8 °C",
        quantity="1200.500",
        unit="tablets",
    )
    assert (batch["status"], batch["quantity"], batch["unit"]) == (
        "quarantine",
        "1200.500",
        "tablets",
    )
    assert batch["product"]["code"] == product["code"]
    released: Any = catalogue.status(batch["uuid"], "released")
    assert released.status_code == 200, released.json
    assert withdrawn == []
    for status in ("quarantine", "recalled"):
        missing: Any = catalogue.status(batch["uuid"], status)
        assert missing.status_code == 422, missing.json
        assert missing.json["error"]["internal_name"] == "REASON_FOR_CHANGE_REQUIRED"
    assert catalogue.status(batch["uuid"], "quarantine", "Deviation at the site").status_code == 200
    assert catalogue.status(batch["uuid"], "released", "Deviation closed").status_code == 200
    recalled: Any = catalogue.status(batch["uuid"], "recalled", "Contamination found")
    assert recalled.json["status"] == "recalled"
    assert withdrawn == [
        ("L001", "quarantine", "released", "Deviation at the site"),
        ("L001", "recalled", "released", "Contamination found"),
    ]
    back: Any = catalogue.status(batch["uuid"], "released", "Mistake")
    assert back.status_code == 409, back.json
    assert back.json["error"]["internal_name"] == "ILLEGAL_STATUS_TRANSITION"
    expired: Any = catalogue.pharmacist.post(
        f"{BATCHES}{batch['uuid']}/status", json={"status": "expired"}
    )
    assert expired.status_code == 422
    record: Any = catalogue.pharmacist.get(f"{BATCHES}{batch['uuid']}")
    assert [(h["from_status"], h["to_status"], h["reason"]) for h in record.json["history"]] == [
        (None, "quarantine", None),
        ("quarantine", "released", None),
        ("released", "quarantine", "Deviation at the site"),
        ("quarantine", "released", "Deviation closed"),
        ("released", "recalled", "Contamination found"),
    ]
    assert record.json["history"][1]["changed_by"] == catalogue.pharmacist.user.email
    trail: Any = catalogue.admin.get(
        "/api/audit-trails/", query_string={"object": batch["uuid"], "limit": 50}
    )
    reasons = [r["reason"] for r in trail.json["records"] if r["action"] == "update"]
    assert "Contamination found" in reasons, trail.json


def test_details_are_checked_and_corrected_with_a_reason(catalogue: Catalogue):
    product = catalogue.product()
    cream = catalogue.product("CRM", kind="cosmetic_formula")
    batch = catalogue.batch(product["uuid"], expiry_date="2030-01-01")
    for body, code in (
        ({"number": "L001"}, "BATCH_NUMBER_TAKEN"),
        (
            {"number": "L2", "manufacture_date": "2030-02-01", "expiry_date": "2030-01-01"},
            "BATCH_INVALID",
        ),
        ({"number": "L2", "quantity": "10"}, "BATCH_INVALID"),
        ({"number": "L2", "formula_version": 1}, "BATCH_INVALID"),
        ({"number": "L2", "quantity": "-1", "unit": "g"}, "VALIDATION_FAILED"),
        ({"number": "L2", "quantity": "1.0001", "unit": "g"}, "VALIDATION_FAILED"),
        ({"number": "L2", "expiry_date": "31/12/2030"}, "VALIDATION_FAILED"),
        (
            {
                "number": "",
            },
            "VALIDATION_FAILED",
        ),
    ):
        refused: Any = catalogue.manager.post(BATCHES, json={"product": product["uuid"], **body})
        assert refused.status_code in (409, 422), (body, refused.json)
        assert refused.json["error"]["internal_name"] == code, body
    unknown: Any = catalogue.manager.post(
        BATCHES, json={"product": "00000000-0000-4000-8000-000000000000", "number": "X"}
    )
    assert unknown.status_code == 404
    # A batch is of an approved formula version of its product.
    draft = catalogue.manager.post(
        f"{PRODUCTS}{cream['uuid']}/formulas/", json={"ingredients": [WATER]}
    )
    assert draft.status_code == 201
    of_draft: Any = catalogue.manager.post(
        BATCHES, json={"product": cream["uuid"], "number": "C1", "formula_version": 1}
    )
    assert of_draft.json["error"]["internal_name"] == "BATCH_INVALID"
    assert (
        catalogue.pharmacist.post(
            f"{PRODUCTS}{cream['uuid']}/formulas/1/approve",
            headers=as_read(catalogue.pharmacist, f"{PRODUCTS}{cream['uuid']}/formulas/1"),
        ).status_code
        == 200
    )
    made = catalogue.batch(cream["uuid"], "C1", formula_version=1)
    assert made["formula_version"] == 1
    # Corrections need a reason.
    url = f"{BATCHES}{batch['uuid']}"
    assert catalogue.manager.patch(url, json={"expiry_date": "2031-01-01"}).status_code == 422
    corrected: Any = catalogue.manager.patch(
        url, json={"expiry_date": "2031-01-01", "reason_for_change": "Stability data"}
    )
    assert corrected.status_code == 200, corrected.json
    assert corrected.json["expiry_date"] == "2031-01-01"
    listed: Any = catalogue.manager.get(BATCHES, query_string={"product": product["uuid"]})
    assert [b["number"] for b in listed.json] == ["L001"]
    quarantined: Any = catalogue.manager.get(BATCHES, query_string={"status": "quarantine"})
    assert len(quarantined.json) == 2


def test_the_expiry_job_expires_batches_past_their_date(app, catalogue: Catalogue, withdrawn):
    product = catalogue.product()
    today = dt.date.today()
    soon = catalogue.batch(
        product["uuid"], "SOON", expiry_date=(today + dt.timedelta(days=3)).isoformat()
    )
    later = catalogue.batch(
        product["uuid"], "LATER", expiry_date=(today + dt.timedelta(days=30)).isoformat()
    )
    undated = catalogue.batch(product["uuid"], "UNDATED")
    catalogue.status(soon["uuid"], "released")
    catalogue.status(undated["uuid"], "released")

    def tick(day: dt.date) -> None:
        at = dt.datetime.combine(day, dt.time(1, 7), tzinfo=dt.UTC)
        with time_machine.travel(at, tick=False), app.app_context():
            run_tick(
                "datacapt.jobs.cron.tick",
                "plugins.product_database.jobs.expire_batches",
                "product_database",
                "default",
            )

    tick(today + dt.timedelta(days=3))  # usable through its expiry date
    assert read(catalogue.manager, f"{BATCHES}{soon['uuid']}")["status"] == "released"
    tick(today + dt.timedelta(days=4))
    statuses = {b["number"]: b["status"] for b in read(catalogue.manager, BATCHES)}
    assert statuses == {"SOON": "expired", "LATER": "quarantine", "UNDATED": "released"}
    assert withdrawn == [("SOON", "expired", "released", None)]
    record: Any = catalogue.manager.get(f"{BATCHES}{soon['uuid']}")
    assert record.json["history"][-1]["reason"] == "Past its expiry date"
    assert record.json["history"][-1]["changed_by"] is None
    tick(today + dt.timedelta(days=40))
    assert read(catalogue.manager, f"{BATCHES}{later['uuid']}")["status"] == "expired"
    # Past its date, a batch is not released again; an expired one may still be recalled.
    late: Any = catalogue.status(later["uuid"], "released")
    assert late.status_code == 409, late.json
    assert catalogue.status(soon["uuid"], "recalled", "Complaint").status_code == 200


def test_the_batch_record_names_its_studies_and_certificates(catalogue: Catalogue, make_study):
    product = catalogue.product()
    unused = catalogue.product("UNUSED")
    batch = catalogue.batch(product["uuid"])
    assert catalogue.declare(product["uuid"], "A").status_code == 201
    other = make_study(catalogue.admin, "LYO", reference="OTHER")
    used: Any = catalogue.admin.post(
        "/api/product-database/study-products/",
        json={"product": product["uuid"], "blinding_code": None},
        headers=other.headers,
    )
    assert used.status_code == 201, used.json
    stored: Any = catalogue.manager.post(
        "/api/files/",
        data={"file": (io.BytesIO(b"%PDF-1.4 coa"), "coa.pdf", "application/pdf")},
        content_type="multipart/form-data",
    )
    url = f"{BATCHES}{batch['uuid']}"
    certificate: Any = catalogue.manager.post(
        f"{url}/certificates",
        json={"file": stored.json["uuid"], "title": "Certificate of analysis"},
    )
    assert certificate.status_code == 201, certificate.json
    record: Any = catalogue.pharmacist.get(url)
    assert [s["reference"] for s in record.json["studies"]] == ["BLINDED", "OTHER"]
    assert [c["title"] for c in record.json["certificates"]] == ["Certificate of analysis"]
    lonely = catalogue.batch(unused["uuid"])
    assert read(catalogue.manager, f"{BATCHES}{lonely['uuid']}")["studies"] == []


def test_who_may_read_and_change_batches(
    catalogue: Catalogue, client_as, tenant, other_tenant, enable_plugins
):
    product = catalogue.product()
    batch = catalogue.batch(product["uuid"])
    url = f"{BATCHES}{batch['uuid']}"
    # A batch's number names its product: blinded staff do not read batches.
    for client in (
        catalogue.investigator,
        catalogue.member(tenant, "monitor"),
        catalogue.member(tenant, "data_manager"),
    ):
        assert client.get(BATCHES).status_code == 403
        assert client.get(url).status_code == 403
    # The study manager keeps batches but does not release them.
    assert catalogue.manager.post(f"{url}/status", json={"status": "released"}).status_code == 403
    assert (
        catalogue.investigator.post(
            BATCHES, json={"product": product["uuid"], "number": "N"}
        ).status_code
        == 403
    )
    enable_plugins(other_tenant, "product_database")
    stranger = client_as(other_tenant)
    assert stranger.get(BATCHES).json == []
    answers: tuple[Any, ...] = (
        stranger.get(url),
        stranger.post(f"{url}/status", json={"status": "released"}),
        stranger.post(BATCHES, json={"product": product["uuid"], "number": "N"}),
    )
    for answer in answers:
        assert answer.status_code == 404, answer.json
