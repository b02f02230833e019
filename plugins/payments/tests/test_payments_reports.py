"""The bank's reports through the API: pain.002, camt.054 and CSV lines matched to exported
orders by their end-to-end ids, unmatched lines listed and kept, a repeated import
changing nothing, a transfer returned after it was booked (and the reversal it makes
pointless dropped), and reports or amounts that cannot be read refused."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from plugins.payments.tests.finance_support import (
    PAYEE,
    debtor_account,
    finance_url,
    place_orders,
    refusal,
    validated,
)

PAIN_002 = "urn:iso:std:iso:20022:tech:xsd:pain.002.001.10"
CAMT_054 = "urn:iso:std:iso:20022:tech:xsd:camt.054.001.08"


def _exported(trial, *amounts: str) -> tuple[str, list[str]]:
    """A batch of orders of ``amounts`` exported: its uuid and the orders' end-to-end ids."""
    orders = validated(trial, *amounts)
    created: Any = trial.finance.post(
        "/api/payments/batches/",
        json={
            "debtor_account": debtor_account(trial.finance),
            "currency": "EUR",
            "execution_date": (dt.date.today() + dt.timedelta(days=1)).isoformat(),
        },
    )
    batch = created.json["uuid"]
    assert trial.finance.post(f"/api/payments/batches/{batch}/export").status_code == 200
    return batch, [trial.finance.get(finance_url(o)).json["end_to_end_id"] for o in orders]


def _pain_002(*transactions: tuple[str, str, str | None, str]) -> bytes:
    """A status report: (end-to-end id, status, reason code, amount) per transaction."""
    lines = []
    for end_to_end_id, status, reason, amount in transactions:
        why = f"<StsRsnInf><Rsn><Cd>{reason}</Cd></Rsn></StsRsnInf>" if reason else ""
        lines.append(
            f"<TxInfAndSts><OrgnlEndToEndId>{end_to_end_id}</OrgnlEndToEndId>"
            f"<TxSts>{status}</TxSts>{why}<OrgnlTxRef><Amt>"
            f'<InstdAmt Ccy="EUR">{amount}</InstdAmt></Amt></OrgnlTxRef></TxInfAndSts>'
        )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><Document xmlns="{PAIN_002}"><CstmrPmtStsRpt>'
        "<GrpHdr><MsgId>STS-1</MsgId><CreDtTm>2026-12-02T09:00:00Z</CreDtTm></GrpHdr>"
        "<OrgnlGrpInfAndSts><OrgnlMsgId>X</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.09"
        "</OrgnlMsgNmId></OrgnlGrpInfAndSts><OrgnlPmtInfAndSts><OrgnlPmtInfId>P1"
        f"</OrgnlPmtInfId>{''.join(lines)}</OrgnlPmtInfAndSts></CstmrPmtStsRpt></Document>"
    ).encode()


def _camt_054(*transactions: tuple[str, str, str | None]) -> bytes:
    """Booked notifications: (end-to-end id, amount, return reason code) per transaction."""
    entries = []
    for end_to_end_id, amount, returned in transactions:
        back = f"<RtrInf><Rsn><Cd>{returned}</Cd></Rsn></RtrInf>" if returned else ""
        direction = "CRDT" if returned else "DBIT"
        entries.append(
            f'<Ntry><Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>{direction}</CdtDbtInd>'
            "<Sts><Cd>BOOK</Cd></Sts><NtryDtls><TxDtls><Refs>"
            f"<EndToEndId>{end_to_end_id}</EndToEndId></Refs>"
            f'<Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>{direction}</CdtDbtInd>{back}'
            "</TxDtls></NtryDtls></Ntry>"
        )
    return (
        f'<?xml version="1.0"?><Document xmlns="{CAMT_054}"><BkToCstmrDbtCdtNtfctn>'
        "<GrpHdr><MsgId>N-1</MsgId></GrpHdr><Ntfctn><Id>N-1</Id>"
        f"{''.join(entries)}</Ntfctn></BkToCstmrDbtCdtNtfctn></Document>"
    ).encode()


def _import(client, content: bytes, name: str = "report.xml") -> Any:
    return client.post(
        "/api/payments/bank-reports/",
        data={"file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def _outcomes(report: dict) -> dict[str, str]:
    return {line["end_to_end_id"]: line["outcome"] for line in report["lines"]}


def test_a_status_report_marks_paid_and_returned_and_lists_what_it_cannot_match(trial):
    batch, (paid, returned, wrong_amount) = _exported(trial, "25.00", "40.00", "10.00")
    report = _pain_002(
        (paid, "ACSC", None, "25.00"),
        (returned, "RJCT", "AC04", "40.00"),
        (wrong_amount, "ACSC", None, "11.00"),
        ("NOSUCHID", "ACSC", None, "5.00"),
        (paid, "PDNG", None, "25.00"),
    )
    imported: Any = _import(trial.finance, report)
    assert imported.status_code == 201, imported.json
    answer = imported.json
    assert (answer["format"], answer["marked_paid"], answer["marked_returned"]) == (
        "pain.002",
        1,
        1,
    )
    assert answer["unmatched"] == 3 and answer["repeats"] is None
    assert [(line["end_to_end_id"], line["outcome"]) for line in answer["unmatched_lines"]] == [
        (wrong_amount, "amount_mismatch"),
        ("NOSUCHID", "unknown_end_to_end_id"),
        (paid, "status_not_final"),
    ]
    orders = {
        o["end_to_end_id"]: o for o in trial.finance.get("/api/payments/finance/orders/").json
    }
    assert orders[paid]["status"] == "paid" and orders[paid]["paid_at"]
    assert (orders[returned]["status"], orders[returned]["return_reason"]) == ("returned", "AC04")
    assert orders[wrong_amount]["status"] == "exported"  # never guessed

    # The same report again: nothing changes, the repetition is said.
    again: Any = _import(trial.finance, report)
    assert again.status_code == 201
    assert (again.json["marked_paid"], again.json["marked_returned"]) == (0, 0)
    assert again.json["unchanged"] == 2 and again.json["repeats"] == answer["uuid"]
    assert trial.finance.get(f"/api/payments/bank-reports/{answer['uuid']}").json == answer

    # A camt.054 settles the last one: the batch is closed.
    assert trial.finance.get(f"/api/payments/batches/{batch}").json["status"] == "exported"
    notified: Any = _import(trial.finance, _camt_054((wrong_amount, "10.00", None)))
    assert (notified.json["format"], notified.json["marked_paid"]) == ("camt.054", 1)
    closed: Any = trial.finance.get(f"/api/payments/batches/{batch}")
    assert closed.json["status"] == "closed"
    assert closed.json["orders"]["by_status"] == {"paid": 2, "returned": 1}


def test_camt_054_returns_and_csv_reports(trial):
    _, (first, second, third) = _exported(trial, "25.00", "40.00", "12.00")
    returned: Any = _import(trial.finance, _camt_054((first, "25.00", "AC01")))
    assert _outcomes(returned.json) == {first: "returned"}
    csv = (
        f"end_to_end_id;status;reason;amount;currency\n{second};paid;;40.00;EUR\n"
        f"{third};returned;MS03 unknown reason;;\n{first};paid;;;\n"
    ).encode()
    imported: Any = _import(trial.finance, csv, "statement.csv")
    assert imported.status_code == 201, imported.json
    assert _outcomes(imported.json) == {
        second: "paid",
        third: "returned",
        first: "order_not_exported",  # returned already: not paid on a later line
    }
    shown: Any = trial.finance.get(finance_url(imported.json["lines"][1]["order"]))
    assert shown.json["return_reason"] == "MS03 unknown reason"


def test_a_status_report_in_utf_16_is_read_as_xml(trial):
    _, (paid,) = _exported(trial, "25.00")
    report = _pain_002((paid, "ACSC", None, "25.00")).decode().replace("UTF-8", "UTF-16")
    imported: Any = _import(trial.finance, report.encode("utf-16"))
    assert imported.status_code == 201, imported.json
    assert (imported.json["format"], imported.json["marked_paid"]) == ("pain.002", 1)


def test_unreadable_reports_are_refused_and_nothing_is_written(trial):
    _, (paid,) = _exported(trial, "25.00")
    for content in (
        b"<Document><unclosed>",
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x "y">]><Document>&x;</Document>',
        '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE d [<!ENTITY x "y">]><d>&x;</d>'.encode(
            "utf-16"
        ),
        b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08"/>',
        _pain_002(),  # no transaction
        b"end_to_end_id,status\n" + paid.encode() + b",settled\n",
        b"id,state\nX,paid\n",
        b"\xff\xfe\x00",
    ):
        refused: Any = _import(trial.finance, content)
        assert refusal(refused) == (422, "BANK_REPORT_UNREADABLE"), content
    missing: Any = trial.finance.post("/api/payments/bank-reports/", data={})
    assert refusal(missing) == (422, "BANK_REPORT_UNREADABLE")
    assert trial.finance.get("/api/payments/bank-reports/").json == []
    assert trial.finance.get(finance_url_by_id(trial, paid)).json["status"] == "exported"

    for client in (trial.investigator, trial.manager):
        denied: Any = _import(client, _pain_002((paid, "ACSC", None, "25.00")))
        assert (denied.status_code, denied.json["error"]["details"]["permission"]) == (
            403,
            "payments.mark_paid",
        )
        assert client.get("/api/payments/bank-reports/").status_code == 403


def finance_url_by_id(trial, end_to_end_id: str) -> str:
    orders = trial.finance.get("/api/payments/finance/orders/").json
    return finance_url(next(o["uuid"] for o in orders if o["end_to_end_id"] == end_to_end_id))


def test_a_transfer_only_accepted_is_not_paid_and_a_paid_one_may_come_back(trial):
    """ACCP is a check of the customer's profile, not a settlement; a transfer the bank
    booked may still be returned to it (an R-transaction)."""
    _, (end_to_end,) = _exported(trial, "30.00")
    accepted: Any = _import(trial.finance, _pain_002((end_to_end, "ACCP", None, "30.00")))
    assert accepted.json["marked_paid"] == 0
    assert _outcomes(accepted.json)[end_to_end] == "status_not_final"
    settled: Any = _import(trial.finance, _pain_002((end_to_end, "ACSC", None, "30.00")))
    assert settled.json["marked_paid"] == 1
    back: Any = _import(trial.finance, _camt_054((end_to_end, "30.00", "AC04")))
    assert back.json["marked_returned"] == 1, back.json
    orders = trial.finance.get("/api/payments/finance/orders/").json
    (order,) = [o for o in orders if o["end_to_end_id"] == end_to_end]
    assert (order["status"], order["return_reason"]) == ("returned", "AC04")


def test_a_reversal_is_dropped_when_the_bank_returns_what_it_balanced(trial):
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
    created: Any = trial.finance.post(
        "/api/payments/batches/",
        json={
            "debtor_account": debtor_account(trial.finance),
            "currency": "EUR",
            "execution_date": (dt.date.today() + dt.timedelta(days=1)).isoformat(),
        },
    )
    assert (
        trial.finance.post(f"/api/payments/batches/{created.json['uuid']}/export").status_code
        == 200
    )
    trial.answer(subject, "Visit 1", None)  # undone once the money left: a reversal
    assert [(o["kind"], o["status"]) for o in trial.orders(subject)] == [
        ("visit", "exported"),
        ("reversal", "pending"),
    ]
    end_to_end = trial.finance.get(finance_url(order["uuid"])).json["end_to_end_id"]
    returned: Any = _import(trial.finance, _pain_002((end_to_end, "RJCT", "AC04", "50.00")))
    assert returned.json["marked_returned"] == 1
    assert [(o["kind"], o["status"]) for o in trial.orders(subject)] == [
        ("visit", "returned"),
        ("reversal", "rejected"),
    ]


def test_amounts_no_number_writes_are_refused(trial):
    (order,) = validated(trial, "20.00")
    csv_report = b"end_to_end_id,status,amount\nABC,paid,sNaN\n"
    refused: Any = _import(trial.finance, csv_report, "report.csv")
    assert refusal(refused)[0] == 422, refused.json
    nan: Any = _import(trial.finance, _pain_002(("ABC", "ACSC", None, "NaN")))
    assert refusal(nan)[0] == 422, nan.json
    (pending,) = place_orders(trial, ["20.00"]).orders
    huge: Any = trial.manager.patch(
        finance_url(pending),
        json={"amount": "1E+16", "note": "typo"},
        headers={"Reason-For-Change": "Corrected"},
    )
    assert refusal(huge) == (422, "ORDER_AMOUNT_INVALID"), huge.json
    assert trial.finance.get(finance_url(order)).json["status"] == "validated"
