"""Importing the bank's report: each line matched to an exported order by its end-to-end
id, and only by it. A line that cannot be matched (no such order among the caller's, a
status that is not final, an amount or currency that differs, an order not exported) is
listed and kept in the import's record, never guessed. Importing a report again changes
nothing: its lines find their orders already paid or returned as it says."""

from __future__ import annotations

import hashlib
from typing import Any

import sqlalchemy as sa

from datacapt.toolkit import (
    Message,
    acting_user,
    db,
    get_by_uuid,
    reason_for_change,
    store_document,
)
from plugins.payments.batches.models import BankReport, ReportFormat
from plugins.payments.batches.reports import ReportLine, read_report
from plugins.payments.batches.services import close_settled
from plugins.payments.finance.scope import FinanceScope
from plugins.payments.finance.validation import settle
from plugins.payments.orders.models import OrderStatus, PaymentOrder

NO_SUCH_REPORT = Message("No such bank report.")
MATCHED = frozenset({"paid", "returned", "already_recorded"})
CONTENT_TYPES = {
    ReportFormat.PAIN_002: "application/xml",
    ReportFormat.CAMT_054: "application/xml",
    ReportFormat.CSV: "text/csv",
}


def _outcome(line: ReportLine, order: PaymentOrder | None) -> str:
    """What the line does to its order, or why it cannot (and then changes nothing)."""
    if order is None:
        return "unknown_end_to_end_id"
    if line.status is None:
        return "status_not_final"
    if (line.amount is not None and line.amount != order.amount) or (
        line.currency is not None and line.currency != order.currency
    ):
        return "amount_mismatch"
    if order.status == line.status:
        return "already_recorded"
    # A return may come after the transfer was booked as paid (an R-transaction).
    returned_after_payment = (
        order.status == OrderStatus.PAID and line.status == OrderStatus.RETURNED
    )
    if order.status != OrderStatus.EXPORTED and not returned_after_payment:
        return "order_not_exported"
    return str(line.status)


def _recorded(line: ReportLine, outcome: str, order: PaymentOrder | None) -> dict[str, Any]:
    return {
        "end_to_end_id": line.end_to_end_id,
        "bank_status": line.bank_status,
        "reason": line.reason,
        "amount": str(line.amount) if line.amount is not None else None,
        "currency": line.currency,
        "outcome": outcome,
        "order": str(order.uuid) if order is not None and outcome in MATCHED else None,
    }


def import_report(scope: FinanceScope, name: str, content: bytes) -> BankReport:
    """The report read (422 when it cannot be), kept as received, and its lines applied to
    the orders in the caller's scope (others are unknown to the caller)."""
    report_format, lines = read_report(content)
    ids = {line.end_to_end_id for line in lines if line.end_to_end_id}
    orders = {
        order.end_to_end_id: order
        for order in db.session.execute(
            scope.orders()
            .where(PaymentOrder.end_to_end_id.in_(ids))
            .with_for_update(of=PaymentOrder)
        ).scalars()
    }
    recorded, counts = [], dict.fromkeys(("paid", "returned", "already_recorded"), 0)
    with reason_for_change(f"Bank report {name}"[:1000]):
        for line in lines:
            order = orders.get(line.end_to_end_id)
            outcome = _outcome(line, order)
            if order is not None and outcome in ("paid", "returned"):
                settle(order, OrderStatus(outcome), line.reason)
            counts[outcome] = counts.get(outcome, 0) + 1
            recorded.append(_recorded(line, outcome, order))
    close_settled({order.batch_id for order in orders.values() if order.batch_id is not None})
    stored = store_document(name or "bank-report", CONTENT_TYPES[report_format], content)
    report = BankReport(
        format=report_format,
        file_uuid=stored.uuid,
        name=name[:255],
        sha256=hashlib.sha256(content).hexdigest(),
        imported_by_id=acting_user().id,
        lines=recorded,
        marked_paid=counts["paid"],
        marked_returned=counts["returned"],
        unchanged=counts["already_recorded"],
        unmatched=sum(1 for line in recorded if line["outcome"] not in MATCHED),
    )
    db.session.add(report)
    db.session.flush()
    return report


def list_reports() -> sa.Select[BankReport]:
    return sa.select(BankReport).order_by(BankReport.id.desc())


def get_report(report_uuid: Any) -> BankReport:
    return get_by_uuid(BankReport, report_uuid, NO_SUCH_REPORT)


def earlier_import(report: BankReport) -> BankReport | None:
    """The first import of the same file, when this one repeats it."""
    return db.session.execute(
        sa.select(BankReport)
        .where(BankReport.sha256 == report.sha256, BankReport.id < report.id)
        .order_by(BankReport.id)
        .limit(1)
    ).scalar_one_or_none()
