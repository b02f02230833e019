"""Batches through the API: validated orders grouped per currency and debtor account, the
SEPA pain.001 file checked against the official XSD (its control sum and count those of
the batch), the CSV, files served as stored and hashed, and what is refused."""

from __future__ import annotations

import datetime as dt
import hashlib
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sepaxml
import sqlalchemy as sa
import xmlschema

from datacapt.toolkit import db, invalid, tenant_context
from plugins.payments.batches import services
from plugins.payments.batches.models import BatchFile
from plugins.payments.errors import PaymentCodes
from plugins.payments.tests.finance_support import (
    PAYEE,
    debtor_account,
    finance_url,
    place_orders,
    refusal,
    validated,
)

XSD = Path(sepaxml.__file__).parent / "schemas" / "pain.001.001.09.xsd"
NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"}
TOMORROW = (dt.date.today() + dt.timedelta(days=1)).isoformat()


def _batch(trial, account: str, currency: str = "EUR", **body: Any) -> Any:
    return trial.finance.post(
        "/api/payments/batches/",
        json={
            "debtor_account": account,
            "currency": currency,
            "execution_date": TOMORROW,
            **body,
        },
    )


def _stored_path(trial, batch_file_sha: str) -> Path:
    with trial.app.app_context(), tenant_context(trial.tenant):
        file_uuid = db.session.execute(
            sa.select(BatchFile.file_uuid).where(BatchFile.sha256 == batch_file_sha)
        ).scalar_one()
    return Path(trial.app.config["DATACAPT_FILES_DIR"]) / trial.tenant.schema_name / str(file_uuid)


def test_a_batch_exports_a_sepa_file_that_the_xsd_accepts_and_that_sums_the_batch(trial):
    orders = validated(trial, "25.00", "40.50") + validated(trial, "12.30")
    account = debtor_account(trial.finance)
    created = _batch(trial, account)
    assert created.status_code == 201, created.json
    batch = created.json
    assert (batch["status"], batch["currency"], batch["orders"]["count"]) == ("open", "EUR", 3)
    assert batch["orders"]["total"] == "77.80" and batch["files"] == []
    listed: Any = trial.finance.get(finance_url(orders[0]))
    assert (listed.json["status"], listed.json["batch"]) == ("validated", batch["uuid"])

    exported: Any = trial.finance.post(f"/api/payments/batches/{batch['uuid']}/export")
    assert exported.status_code == 200, exported.json
    assert exported.json["status"] == "exported"
    files = {made["format"]: made for made in exported.json["files"]}
    assert set(files) == {"sepa", "csv"} and files["sepa"]["schema"] == "pain.001.001.09"

    downloaded: Any = trial.finance.get(f"/api/payments/batches/{batch['uuid']}/files/sepa")
    assert downloaded.status_code == 200 and downloaded.mimetype == "application/xml"
    content = downloaded.data
    assert hashlib.sha256(content).hexdigest() == files["sepa"]["sha256"]
    xmlschema.XMLSchema(str(XSD)).validate(content.decode())  # raises when invalid

    root = ET.fromstring(content)
    header = root.find("p:CstmrCdtTrfInitn/p:GrpHdr", NS)
    assert header is not None
    assert header.findtext("p:MsgId", namespaces=NS) == batch["reference"]
    assert header.findtext("p:NbOfTxs", namespaces=NS) == "3"
    assert Decimal(header.findtext("p:CtrlSum", namespaces=NS) or "") == Decimal("77.80")
    info = root.find("p:CstmrCdtTrfInitn/p:PmtInf", NS)
    assert info is not None
    assert info.findtext("p:ReqdExctnDt/p:Dt", namespaces=NS) == TOMORROW
    assert info.findtext("p:DbtrAcct/p:Id/p:IBAN", namespaces=NS) == "FR7630006000011234567890189"
    transfers = info.findall("p:CdtTrfTxInf", NS)
    ids = {t.findtext("p:PmtId/p:EndToEndId", namespaces=NS) for t in transfers}
    expected = {trial.finance.get(finance_url(o)).json["end_to_end_id"] for o in orders}
    assert ids == expected and len(ids) == 3
    first = transfers[0]
    assert first.findtext("p:Cdtr/p:PstlAdr/p:TwnNm", namespaces=NS) == "Berlin"
    assert first.findtext("p:Cdtr/p:PstlAdr/p:Ctry", namespaces=NS) == "DE"
    assert first.findtext("p:CdtrAcct/p:Id/p:IBAN", namespaces=NS) == "DE89370400440532013000"
    assert (first.findtext("p:RmtInf/p:Ustrd", namespaces=NS) or "").startswith("PAID-1 visit")

    # Downloaded again: the same bytes, never a new rendering; each download audited.
    again: Any = trial.finance.get(f"/api/payments/batches/{batch['uuid']}/files/sepa")
    assert again.data == content
    trail: Any = trial.finance.get(
        "/api/audit-trails/", query_string={"object_type": "payment_batch_files", "limit": 50}
    )
    downloads = [r for r in trail.json["records"] if r["action"] == "download"]
    assert [r["actor_id"] for r in downloads] == [str(trial.finance.user.uuid)] * 2

    # The core's file route does not serve it: only the audited route above does.
    with trial.app.app_context(), tenant_context(trial.tenant):
        file_uuid = db.session.execute(
            sa.select(BatchFile.file_uuid).where(BatchFile.format == "sepa")
        ).scalar_one()
    assert trial.manager.get(f"/api/files/{file_uuid}").status_code == 404

    # The batch no longer changes.
    assert refusal(trial.finance.post(f"/api/payments/batches/{batch['uuid']}/export")) == (
        409,
        "BATCH_NOT_OPEN",
    )
    assert trial.finance.delete(f"/api/payments/batches/{batch['uuid']}").status_code == 409


@pytest.mark.requirement("A11-7")
def test_a_stored_file_altered_on_disk_is_refused_and_the_finding_audited(trial):
    validated(trial, "25.00")
    created: Any = _batch(trial, debtor_account(trial.finance))
    exported: Any = trial.finance.post(f"/api/payments/batches/{created.json['uuid']}/export")
    csv_file = next(made for made in exported.json["files"] if made["format"] == "csv")
    path = _stored_path(trial, csv_file["sha256"])
    path.write_bytes(path.read_bytes().replace(b"25.00", b"95.00"))
    tampered: Any = trial.finance.get(f"/api/payments/batches/{created.json['uuid']}/files/csv")
    assert refusal(tampered) == (409, "BATCH_FILE_ALTERED")
    trail: Any = trial.finance.get(
        "/api/audit-trails/", query_string={"object_type": "payment_batch_files", "limit": 50}
    )
    assert [r["action"] for r in trail.json["records"]].count("file_altered") == 1


def test_a_large_batch_is_exported_by_a_job(trial, monkeypatch):
    monkeypatch.setattr(services, "INLINE_EXPORT_LIMIT", 1)
    validated(trial, "25.00", "30.00")
    created: Any = _batch(trial, debtor_account(trial.finance))
    queued: Any = trial.finance.post(f"/api/payments/batches/{created.json['uuid']}/export")
    assert queued.status_code == 200, queued.json
    assert (queued.json["status"], queued.json["files"]) == ("exporting", [])
    # Without Redis the job ran in process once the request committed: read it again.
    done: Any = trial.finance.get(f"/api/payments/batches/{created.json['uuid']}")
    assert done.json["status"] == "exported" and done.json["export_failure"] is None
    assert {made["format"] for made in done.json["files"]} == {"sepa", "csv"}
    assert done.json["orders"]["by_status"] == {"exported": 2}


def test_an_export_job_refused_leaves_the_batch_open_with_the_reason(trial, monkeypatch):
    monkeypatch.setattr(services, "INLINE_EXPORT_LIMIT", 1)
    orders = validated(trial, "25.00", "30.00")

    def payee_gone(*_: Any) -> Any:  # a payee's details changed after the export was queued
        raise invalid(PaymentCodes.PAYEE_BANK_DETAILS_MISSING, "gone", orders=[orders[0]])

    monkeypatch.setattr(services, "batch_content", payee_gone)
    created: Any = _batch(trial, debtor_account(trial.finance))
    trial.finance.post(f"/api/payments/batches/{created.json['uuid']}/export")
    failed: Any = trial.finance.get(f"/api/payments/batches/{created.json['uuid']}")
    assert (failed.json["status"], failed.json["files"]) == ("open", [])
    assert failed.json["export_failure"] == {
        "internal_name": "PAYEE_BANK_DETAILS_MISSING",
        "details": {"orders": [orders[0]]},
    }
    shown: Any = trial.finance.get(finance_url(orders[0]))
    assert (shown.json["status"], shown.json["end_to_end_id"]) == ("validated", None)


def test_a_batch_in_another_currency_exports_csv_only(trial):
    orders = validated(trial, "3000", "4500", currency="JPY")
    account = debtor_account(trial.finance)
    nothing_in_euro = _batch(trial, account)
    assert refusal(nothing_in_euro) == (422, "BATCH_ORDERS_REFUSED")
    created: Any = _batch(trial, account, "JPY", orders=orders)
    assert created.status_code == 201, created.json
    exported: Any = trial.finance.post(f"/api/payments/batches/{created.json['uuid']}/export")
    assert [made["format"] for made in exported.json["files"]] == ["csv"]
    url = f"/api/payments/batches/{created.json['uuid']}/files"
    assert trial.finance.get(f"{url}/sepa").status_code == 404
    rows = trial.finance.get(f"{url}/csv").data.decode().splitlines()
    assert rows[0].startswith("batch,end_to_end_id,execution_date,amount,currency,")
    assert sorted(row.split(",")[3:5] for row in rows[1:]) == [["3000", "JPY"], ["4500", "JPY"]]


def test_what_cannot_go_in_a_batch_is_refused_and_listed(trial, client_as, join_study):
    account = debtor_account(trial.finance)
    unpaid = validated(trial, "25.00", payee=None)
    refused: Any = _batch(trial, account)
    assert refusal(refused) == (422, "PAYEE_BANK_DETAILS_MISSING")
    assert refused.json["error"]["details"]["orders"] == [
        {"order": unpaid[0], "problem": "no_payee"}
    ]
    assert trial.finance.get(finance_url(unpaid[0])).json["batch"] is None  # nothing written

    pending = place_orders(trial, ["10.00"]).orders[0]
    ready = validated(trial, "20.00")[0]
    named: Any = _batch(trial, account, orders=[pending, ready, unpaid[0]])
    assert refusal(named) == (409, "BATCH_ORDERS_REFUSED")
    assert named.json["error"]["details"]["orders"] == [
        {"order": pending, "problem": "not_validated"}
    ]
    first: Any = _batch(trial, account, orders=[ready])
    assert first.status_code == 201
    twice: Any = _batch(trial, account, orders=[ready])
    assert twice.json["error"]["details"]["orders"] == [{"order": ready, "problem": "in_a_batch"}]
    past: Any = _batch(trial, account, orders=[ready], execution_date="2020-01-01")
    assert refusal(past) == (422, "BATCH_ORDERS_REFUSED")

    bad_iban: Any = trial.finance.post(
        "/api/payments/debtor-accounts/",
        json={"name": "X", "iban": "FR76 0000", "town_name": "P", "country": "FR"},
    )
    assert refusal(bad_iban) == (422, "DEBTOR_ACCOUNT_INVALID")
    assert "iban" in bad_iban.json["error"]["fields"]
    bad_bic: Any = trial.finance.patch(
        f"/api/payments/debtor-accounts/{account}", json={"bic": "NOTABIC"}
    )
    assert "bic" in bad_bic.json["error"]["fields"]
    taken: Any = trial.finance.post(
        "/api/payments/debtor-accounts/",
        json={
            "name": "Sponsor Clinical SAS",
            "iban": "DE89370400440532013000",
            "town_name": "P",
            "country": "FR",
        },
    )
    assert refusal(taken) == (409, "DEBTOR_ACCOUNT_NAME_TAKEN")

    # Undoing an open batch frees its orders.
    assert trial.finance.delete(f"/api/payments/batches/{first.json['uuid']}").status_code == 204
    assert trial.finance.get(finance_url(ready)).json["batch"] is None


def test_who_may_batch_export_and_download(
    trial, client_as, join_study, other_tenant, enable_plugins
):
    validated(trial, "25.00")
    account = debtor_account(trial.finance)
    for client in (trial.investigator, trial.manager, trial.monitor):
        assert client.get("/api/payments/batches/").status_code == 403
        assert _batch_as(client, account).status_code == 403
    created: Any = _batch(trial, account)
    batch = created.json["uuid"]

    admin = client_as(trial.tenant)
    role = admin.post(
        "/api/roles/",
        json={"name": "payer", "permissions": ["payments.access", "payments.export"]},
    )
    assert role.status_code == 201
    payer = join_study(trial.headers, trial.tenant, "payer")
    assert payer.get(f"/api/payments/batches/{batch}").status_code == 200
    # Exporting reads the payees' bank details: payments.view_payees as well.
    no_details: Any = payer.post(f"/api/payments/batches/{batch}/export")
    assert (no_details.status_code, no_details.json["error"]["details"]["permission"]) == (
        403,
        "payments.view_payees",
    )
    assert trial.finance.post(f"/api/payments/batches/{batch}/export").status_code == 200
    assert payer.get(f"/api/payments/batches/{batch}/files/sepa").status_code == 403

    # A finance member at Lyon does not see a batch holding Paris's orders.
    lyon_only = join_study(trial.headers, trial.tenant, "finance", [trial.centers["LYO"]])
    assert lyon_only.get(f"/api/payments/batches/{batch}").status_code == 404
    assert lyon_only.get("/api/payments/batches/").json == []

    enable_plugins(other_tenant, "payments")
    stranger_admin = client_as(other_tenant)
    stranger_admin.post(
        "/api/roles/",
        json={"name": "finance", "permissions": ["payments.export", "payments.view_payees"]},
    )
    stranger_manager = client_as(other_tenant, "study_manager")
    study = stranger_manager.post("/api/studies/", json={"reference": "O-1", "name": "O-1"}).json
    stranger = join_study({"Study-Uuid": study["uuid"]}, other_tenant, "finance")
    assert stranger.get(f"/api/payments/batches/{batch}").status_code == 404
    assert stranger.get(f"/api/payments/batches/{batch}/files/sepa").status_code == 404
    assert stranger.get("/api/payments/debtor-accounts/").json == []


def _batch_as(client, account: str) -> Any:
    return client.post(
        "/api/payments/batches/",
        json={"debtor_account": account, "currency": "EUR", "execution_date": TOMORROW},
    )


def test_names_typed_by_people_are_never_formulas_in_the_csv(trial):
    orders = validated(
        trial, "10.00", payee={**PAYEE, "holder_name": "=HYPERLINK(1)", "town_name": "+33"}
    )
    created: Any = _batch(trial, debtor_account(trial.finance), orders=orders)
    exported: Any = trial.finance.post(f"/api/payments/batches/{created.json['uuid']}/export")
    assert exported.status_code == 200, exported.json
    csv = trial.finance.get(f"/api/payments/batches/{created.json['uuid']}/files/csv")
    (row,) = csv.data.decode().splitlines()[1:]
    assert ",'=HYPERLINK(1)," in row and ",'+33," in row, row


def test_an_open_batch_emptied_by_undone_visits_reads_and_is_not_exported(trial):
    trial.plan(
        "per_visit",
        {"visits": trial.visits({"Visit 1": "50.00"}, {}), "completion_bonus": None},
    )
    subject = trial.subject()
    saved: Any = trial.investigator.put(
        f"/api/payments/subjects/{subject}/payee", json=PAYEE, headers=trial.headers
    )
    assert saved.status_code == 200, saved.json
    trial.answer(subject, "Visit 1", True)
    (order,) = trial.orders(subject)
    assert trial.finance.post(finance_url(order["uuid"], "validate")).status_code == 200
    created: Any = _batch(trial, debtor_account(trial.finance))
    assert created.status_code == 201, created.json
    trial.answer(subject, "Visit 1", None)  # no money has left: the order leaves the batch
    assert [(o["kind"], o["status"]) for o in trial.orders(subject)] == [("visit", "rejected")]
    batch = created.json["uuid"]
    read: Any = trial.finance.get(f"/api/payments/batches/{batch}")
    assert read.status_code == 200, read.json
    assert (read.json["orders"]["count"], read.json["orders"]["total"]) == (0, "0.00")
    assert trial.finance.get("/api/payments/batches/").status_code == 200
    refused: Any = trial.finance.post(f"/api/payments/batches/{batch}/export")
    assert refusal(refused) == (409, "BATCH_ORDERS_REFUSED"), refused.json
