"""Schemas of the batches, debtor accounts and bank reports API."""

from __future__ import annotations

from typing import Any

import marshmallow as ma

from plugins.payments.batches.models import (
    BankReport,
    BatchStatus,
    FileFormat,
    PaymentBatch,
    ReportFormat,
)
from plugins.payments.batches.reconciliation import earlier_import
from plugins.payments.batches.services import batch_totals
from plugins.payments.finance.schemas import money, user_uuid

COUNTRY = ma.validate.Regexp(r"^[A-Z]{2}$", error="An ISO 3166-1 alpha-2 code.")
CURRENCY = ma.validate.Regexp(r"^[A-Z]{3}$", error="An ISO 4217 code.")


def _text(size: int, required: bool = False) -> ma.fields.String:
    if required:
        return ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=size))
    return ma.fields.String(allow_none=True, validate=ma.validate.Length(max=size))


class DebtorAccountWriteSchema(ma.Schema):
    name = _text(70, required=True)
    iban = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=42))
    bic = ma.fields.String(allow_none=True, validate=ma.validate.Length(max=11))
    street_name = _text(70)
    building_number = _text(16)
    postal_code = _text(16)
    town_name = _text(35, required=True)
    country = ma.fields.String(required=True, validate=COUNTRY)
    active = ma.fields.Boolean()


class DebtorAccountChangeSchema(DebtorAccountWriteSchema):
    """Any of the fields; the others stay."""

    def __init__(self, **options: Any) -> None:
        super().__init__(partial=True, **options)


class DebtorAccountReadSchema(ma.Schema):
    uuid = ma.fields.UUID()
    name = ma.fields.String()
    iban = ma.fields.String()
    bic = ma.fields.String(allow_none=True)
    street_name = ma.fields.String(allow_none=True)
    building_number = ma.fields.String(allow_none=True)
    postal_code = ma.fields.String(allow_none=True)
    town_name = ma.fields.String()
    country = ma.fields.String()
    active = ma.fields.Boolean()
    created_at = ma.fields.AwareDateTime()


class PaymentBatchWriteSchema(ma.Schema):
    debtor_account = ma.fields.UUID(required=True)
    currency = ma.fields.String(required=True, validate=CURRENCY)
    execution_date = ma.fields.Date(required=True)
    orders = ma.fields.List(
        ma.fields.UUID(),
        validate=ma.validate.Length(min=1, max=20000),
        metadata={
            "description": "The validated orders to pay; without it, every validated order"
            " in the currency not in a batch yet, of the studies where the caller exports"
        },
    )


class PaymentBatchSearchSchema(ma.Schema):
    status = ma.fields.String(validate=ma.validate.OneOf(list(BatchStatus)))


class BatchFileReadSchema(ma.Schema):
    format = ma.fields.String(metadata={"enum": list(FileFormat)})
    schema = ma.fields.String(allow_none=True, metadata={"description": "pain.001.001.09"})
    name = ma.fields.String()
    content_type = ma.fields.String()
    size = ma.fields.Integer()
    sha256 = ma.fields.String()
    created_at = ma.fields.AwareDateTime()


class PaymentBatchReadSchema(ma.Schema):
    uuid = ma.fields.UUID()
    reference = ma.fields.String(metadata={"description": "The SEPA file's message id"})
    currency = ma.fields.String()
    status = ma.fields.String(metadata={"enum": list(BatchStatus)})
    debtor_account = ma.fields.Function(lambda batch: str(batch.debtor_account.uuid))
    execution_date = ma.fields.Date()
    created_by = ma.fields.Function(lambda batch: user_uuid(batch.created_by_id))
    exported_by = ma.fields.Function(lambda batch: user_uuid(batch.exported_by_id))
    exported_at = ma.fields.AwareDateTime(allow_none=True)
    export_failure = ma.fields.Dict(
        allow_none=True,
        metadata={
            "description": "Why the last export job left the batch open: internal_name and"
            " details of the refusal"
        },
    )
    orders = ma.fields.Method(
        "_orders",
        metadata={
            "description": "count, total (a decimal string) and by_status: the batch's orders"
        },
    )
    files = ma.fields.List(ma.fields.Nested(BatchFileReadSchema))
    created_at = ma.fields.AwareDateTime()

    def _orders(self, batch: PaymentBatch) -> dict[str, Any]:
        totals = batch_totals(batch)
        return {**totals, "total": money(totals["total"], batch.currency)}


class ReportLineSchema(ma.Schema):
    end_to_end_id = ma.fields.String()
    bank_status = ma.fields.String()
    reason = ma.fields.String(allow_none=True)
    amount = ma.fields.String(allow_none=True)
    currency = ma.fields.String(allow_none=True)
    outcome = ma.fields.String(
        metadata={
            "enum": [
                "paid",
                "returned",
                "already_recorded",
                "unknown_end_to_end_id",
                "status_not_final",
                "amount_mismatch",
                "order_not_exported",
            ]
        }
    )
    order = ma.fields.String(allow_none=True)


class BankReportReadSchema(ma.Schema):
    uuid = ma.fields.UUID()
    format = ma.fields.String(metadata={"enum": list(ReportFormat)})
    name = ma.fields.String()
    sha256 = ma.fields.String()
    imported_by = ma.fields.Function(lambda report: user_uuid(report.imported_by_id))
    marked_paid = ma.fields.Integer()
    marked_returned = ma.fields.Integer()
    unchanged = ma.fields.Integer()
    unmatched = ma.fields.Integer()
    repeats = ma.fields.Method(
        "_repeats", metadata={"description": "The earlier import of the same file, if any"}
    )
    lines = ma.fields.List(ma.fields.Nested(ReportLineSchema))
    unmatched_lines = ma.fields.Method("_unmatched_lines")
    created_at = ma.fields.AwareDateTime()

    def _repeats(self, report: BankReport) -> str | None:
        earlier = earlier_import(report)
        return str(earlier.uuid) if earlier is not None else None

    def _unmatched_lines(self, report: BankReport) -> list[dict]:
        return ReportLineSchema(many=True).dump(
            [line for line in report.lines if line["order"] is None]
        )
