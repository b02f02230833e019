"""Finance's tenant-wide endpoints for paying: the sponsor's debtor accounts, batches and
their files of record, and the bank's reports. A batch is the caller's when every order in
it is in a study (and at a center) where the caller holds the permission."""

from __future__ import annotations

from flask import Response, request

from datacapt.toolkit import (
    REASON_FOR_CHANGE,
    Blueprint,
    Message,
    invalid,
    paginate,
)
from plugins.payments import permissions
from plugins.payments.batches import accounts, files, reconciliation, services
from plugins.payments.batches.schemas import (
    BankReportReadSchema,
    DebtorAccountChangeSchema,
    DebtorAccountReadSchema,
    DebtorAccountWriteSchema,
    PaymentBatchReadSchema,
    PaymentBatchSearchSchema,
    PaymentBatchWriteSchema,
)
from plugins.payments.errors import PaymentCodes
from plugins.payments.finance.scope import FinanceView, finance_scope

MAX_REPORT_BYTES = 20 * 1024 * 1024
NO_PERMISSION = {403: "No study grants the caller the permission (PERMISSION_DENIED)."}
NO_BATCH = {404: "No such batch among the caller's (OBJECT_NOT_FOUND)."}
NOT_OPEN = {409: "The batch is exported, or being exported, already (BATCH_NOT_OPEN)."}
UNPAYABLE = {
    422: "Orders' payees have no valid bank details; details.orders lists them"
    " (PAYEE_BANK_DETAILS_MISSING)."
}

blp = Blueprint(
    "payments_batches",
    __name__,
    url_prefix="/api/payments",
    description="Payments: debtor accounts, batches, SEPA and CSV files, bank reports",
)


@blp.route("/debtor-accounts/")
class DebtorAccounts(FinanceView):
    @blp.errors(NO_PERMISSION)
    @blp.response(200, DebtorAccountReadSchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters):
        """The sponsor's accounts transfers are paid from (payments.export in a study)."""
        finance_scope(permissions.EXPORT)
        return paginate(accounts.list_accounts(), pagination_parameters)

    @blp.arguments(DebtorAccountWriteSchema)
    @blp.errors(
        NO_PERMISSION,
        {409: "Another account has the name (DEBTOR_ACCOUNT_NAME_TAKEN)."},
        {422: "The IBAN or BIC is not valid; fields names it (DEBTOR_ACCOUNT_INVALID)."},
    )
    @blp.reads_headers(REASON_FOR_CHANGE)
    @blp.response(201, DebtorAccountReadSchema)
    def post(self, data):
        finance_scope(permissions.EXPORT)
        return accounts.create_account(data)


@blp.route("/debtor-accounts/<uuid:account_uuid>")
class DebtorAccountDetail(FinanceView):
    @blp.arguments(DebtorAccountChangeSchema)
    @blp.errors(
        NO_PERMISSION,
        {404: "No such account (OBJECT_NOT_FOUND)."},
        {409: "Another account has the name (DEBTOR_ACCOUNT_NAME_TAKEN)."},
        {422: "The IBAN or BIC is not valid; fields names it (DEBTOR_ACCOUNT_INVALID)."},
    )
    @blp.reads_headers(REASON_FOR_CHANGE)
    @blp.response(200, DebtorAccountReadSchema)
    def patch(self, data, account_uuid):
        """Change an account (batches exported keep their files as made); `active: false`
        takes it out of use for new batches."""
        finance_scope(permissions.EXPORT)
        return accounts.update_account(accounts.get_account(account_uuid), data)


@blp.route("/batches/")
class Batches(FinanceView):
    @blp.arguments(PaymentBatchSearchSchema, location="query")
    @blp.errors(NO_PERMISSION)
    @blp.response(200, PaymentBatchReadSchema(many=True))
    @blp.paginate()
    def get(self, filters, pagination_parameters):
        """The caller's batches (payments.export), newest first."""
        scope = finance_scope(permissions.EXPORT)
        return paginate(services.list_batches(scope, filters.get("status")), pagination_parameters)

    @blp.arguments(PaymentBatchWriteSchema)
    @blp.errors(
        NO_PERMISSION,
        {404: "No such debtor account (OBJECT_NOT_FOUND)."},
        {
            409: "Orders named are unknown to the caller, not validated, in a batch, in another"
            " currency or not positive; details.orders lists them; or the account is out of"
            " use (BATCH_ORDERS_REFUSED)."
        },
        {422: "No order to pay, or the execution date is past (BATCH_ORDERS_REFUSED)."},
        UNPAYABLE,
    )
    @blp.reads_headers(REASON_FOR_CHANGE)
    @blp.response(201, PaymentBatchReadSchema)
    def post(self, data):
        """Group validated orders of one currency in an open batch paid from a debtor
        account on the execution date (payments.export in each order's study)."""
        scope = finance_scope(permissions.EXPORT)
        account = accounts.get_account(data["debtor_account"])
        return services.create_batch(
            scope, account, data["currency"], data["execution_date"], data.get("orders")
        )


@blp.route("/batches/<uuid:batch_uuid>")
class BatchDetail(FinanceView):
    @blp.errors(NO_PERMISSION, NO_BATCH)
    @blp.response(200, PaymentBatchReadSchema)
    def get(self, batch_uuid):
        return services.get_batch(finance_scope(permissions.EXPORT), batch_uuid)

    @blp.errors(NO_PERMISSION, NO_BATCH, NOT_OPEN)
    @blp.reads_headers(REASON_FOR_CHANGE)
    @blp.response(204)
    def delete(self, batch_uuid):
        """Undo an open batch: its orders are validated and in no batch again."""
        services.delete_batch(
            services.get_batch(finance_scope(permissions.EXPORT), batch_uuid, lock=True)
        )


@blp.route("/batches/<uuid:batch_uuid>/export")
class ExportBatch(FinanceView):
    @blp.errors(NO_PERMISSION, NO_BATCH, NOT_OPEN, UNPAYABLE)
    @blp.reads_headers(REASON_FOR_CHANGE)
    @blp.response(200, PaymentBatchReadSchema)
    def post(self, batch_uuid):
        """Export the batch once: its orders get their end-to-end ids and are exported; its
        files are made and stored with their SHA-256 (the CSV, and for a batch in euro the
        SEPA pain.001.001.09 file). Over 1,000 orders a job does it: the batch answers
        `exporting` until then. Reads the payees' bank details: payments.export and
        payments.view_payees in each order's study."""
        scope = finance_scope(permissions.EXPORT, permissions.VIEW_PAYEES)
        return services.request_export(services.get_batch(scope, batch_uuid, lock=True))


@blp.route("/batches/<uuid:batch_uuid>/files/<file_format>")
class BatchFileContent(FinanceView):
    @blp.errors(
        NO_PERMISSION,
        {404: "No such batch among the caller's, or no such file of it (OBJECT_NOT_FOUND)."},
        {409: "The stored file is not the one hashed when made (BATCH_FILE_ALTERED)."},
    )
    @blp.reads_headers(REASON_FOR_CHANGE)
    @blp.response(
        200,
        {"type": "string", "format": "binary"},
        content_type="application/octet-stream",
        description="The file as stored (application/xml or text/csv)",
    )
    def get(self, batch_uuid, file_format):
        """Download a batch's file (`sepa` or `csv`): the stored bytes, checked against
        their SHA-256; each download is audited (payments.export and payments.view_payees
        in each order's study)."""
        scope = finance_scope(permissions.EXPORT, permissions.VIEW_PAYEES)
        made = files.batch_file(services.get_batch(scope, batch_uuid), file_format)
        return Response(
            files.checked_content(made),
            mimetype=made.content_type,
            headers={"Content-Disposition": f'attachment; filename="{made.name}"'},
        )


@blp.route("/bank-reports/")
class BankReports(FinanceView):
    @blp.errors(NO_PERMISSION)
    @blp.response(200, BankReportReadSchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters):
        """The imported reports, newest first (payments.mark_paid in a study)."""
        finance_scope(permissions.MARK_PAID)
        return paginate(reconciliation.list_reports(), pagination_parameters)

    @blp.errors(
        NO_PERMISSION,
        {
            422: "The file is missing, unreadable, of no known format or holds no"
            " transaction (BANK_REPORT_UNREADABLE)."
        },
    )
    @blp.reads_headers(REASON_FOR_CHANGE)
    @blp.response(201, BankReportReadSchema)
    def post(self):
        """Import the bank's report (multipart field `file`: pain.002, camt.054 or CSV with
        end_to_end_id, status, reason, optional amount and currency): matched lines mark
        their orders paid or returned; the others are listed in `unmatched_lines` and kept.
        Importing it again changes nothing (payments.mark_paid)."""
        scope = finance_scope(permissions.MARK_PAID)
        upload = request.files.get("file")
        if upload is None:
            raise invalid(
                PaymentCodes.BANK_REPORT_UNREADABLE,
                Message("Send the report in the multipart field file."),
                field="file",
            )
        content = upload.read(MAX_REPORT_BYTES + 1)
        if len(content) > MAX_REPORT_BYTES:
            raise invalid(
                PaymentCodes.BANK_REPORT_UNREADABLE,
                Message("A report is at most {size} bytes.", size=MAX_REPORT_BYTES),
                field="file",
            )
        return reconciliation.import_report(scope, upload.filename or "", content)


@blp.route("/bank-reports/<uuid:report_uuid>")
class BankReportDetail(FinanceView):
    @blp.errors(NO_PERMISSION, {404: "No such report (OBJECT_NOT_FOUND)."})
    @blp.response(200, BankReportReadSchema)
    def get(self, report_uuid):
        finance_scope(permissions.MARK_PAID)
        return reconciliation.get_report(report_uuid)
