"""Finance's endpoints, tenant-wide: orders across the studies where the caller holds the
permission each needs (a finance role is given per study), at the centers seen there."""

from __future__ import annotations

from datacapt.toolkit import REASON_FOR_CHANGE, Blueprint, paginate
from plugins.payments import permissions
from plugins.payments.batches.services import close_settled
from plugins.payments.finance import validation, views
from plugins.payments.finance.schemas import (
    AmountChangeSchema,
    FinanceOrderReadSchema,
    FinanceOrderSearchSchema,
    RejectionSchema,
    SettlementSchema,
    TotalsSchema,
)
from plugins.payments.finance.scope import FinanceView, finance_scope, order_in_scope
from plugins.payments.orders.models import OrderStatus

NO_PERMISSION = {403: "No study grants the caller the permission (PERMISSION_DENIED)."}
NO_ORDER = {404: "No such order in the caller's studies and centers (OBJECT_NOT_FOUND)."}
TRANSITION = {409: "The order is not in a status this applies to (ILLEGAL_STATUS_TRANSITION)."}

blp = Blueprint(
    "payments_finance",
    __name__,
    url_prefix="/api/payments/finance",
    description="Payments: finance's view and validation of orders across studies",
)


@blp.route("/orders/")
class FinanceOrders(FinanceView):
    @blp.arguments(FinanceOrderSearchSchema, location="query")
    @blp.errors(NO_PERMISSION)
    @blp.response(200, FinanceOrderReadSchema(many=True))
    @blp.paginate()
    def get(self, filters, pagination_parameters):
        """The orders of every study where the caller holds payments.validate, oldest
        first; filters: status, currency, study."""
        scope = finance_scope(permissions.VALIDATE)
        return paginate(views.list_orders(scope, filters), pagination_parameters)


@blp.route("/totals")
class FinanceTotals(FinanceView):
    @blp.arguments(FinanceOrderSearchSchema, location="query")
    @blp.errors(NO_PERMISSION)
    @blp.response(200, TotalsSchema)
    def get(self, filters):
        """Count and sum of those orders by study, currency and status."""
        return {"totals": views.totals(finance_scope(permissions.VALIDATE), filters)}


@blp.route("/orders/<uuid:order_uuid>")
class FinanceOrder(FinanceView):
    @blp.errors(NO_PERMISSION, NO_ORDER)
    @blp.response(200, FinanceOrderReadSchema)
    def get(self, order_uuid):
        return order_in_scope(finance_scope(permissions.VALIDATE), order_uuid)

    @blp.arguments(AmountChangeSchema)
    @blp.reads_headers(REASON_FOR_CHANGE)
    @blp.errors(
        NO_PERMISSION,
        NO_ORDER,
        {409: "The order is not pending (ORDER_AMOUNT_LOCKED)."},
        {422: "The amount does not fit the currency or changes sign (ORDER_AMOUNT_INVALID)."},
        {422: "The Reason-For-Change header is missing (REASON_FOR_CHANGE_REQUIRED)."},
    )
    @blp.response(200, FinanceOrderReadSchema)
    def patch(self, data, order_uuid):
        """Change a pending order's amount (payments.manage_plans), with a note saying why
        and a Reason-For-Change; who changed it is kept (the four-eyes rule)."""
        order = order_in_scope(finance_scope(permissions.MANAGE_PLANS), order_uuid, lock=True)
        return validation.change_amount(order, data["amount"], data["note"])


@blp.route("/orders/<uuid:order_uuid>/validate")
class ValidateOrder(FinanceView):
    @blp.errors(
        NO_PERMISSION,
        NO_ORDER,
        TRANSITION,
        {409: "The caller changed the order's amount (FOUR_EYES_REFUSED)."},
    )
    @blp.reads_headers(REASON_FOR_CHANGE)
    @blp.response(200, FinanceOrderReadSchema)
    def post(self, order_uuid):
        """Validate a pending order for payment (payments.validate)."""
        order = order_in_scope(finance_scope(permissions.VALIDATE), order_uuid, lock=True)
        return validation.validate(order)


@blp.route("/orders/<uuid:order_uuid>/reject")
class RejectOrder(FinanceView):
    @blp.arguments(RejectionSchema)
    @blp.errors(NO_PERMISSION, NO_ORDER, TRANSITION)
    @blp.reads_headers(REASON_FOR_CHANGE)
    @blp.response(200, FinanceOrderReadSchema)
    def post(self, data, order_uuid):
        """Reject a pending order, with the reason (payments.validate)."""
        order = order_in_scope(finance_scope(permissions.VALIDATE), order_uuid, lock=True)
        return validation.reject(order, data["reason"])


@blp.route("/orders/<uuid:order_uuid>/settlement")
class SettleOrder(FinanceView):
    @blp.arguments(SettlementSchema)
    @blp.reads_headers(REASON_FOR_CHANGE)
    @blp.errors(NO_PERMISSION, NO_ORDER, TRANSITION)
    @blp.response(200, FinanceOrderReadSchema)
    def post(self, data, order_uuid):
        """Mark an exported order paid, or returned with the bank's reason, by hand
        (payments.mark_paid); a bank report does it for many."""
        order = order_in_scope(finance_scope(permissions.MARK_PAID), order_uuid, lock=True)
        validation.settle(order, OrderStatus(data["status"]), data.get("reason"))
        if order.batch_id is not None:
            close_settled([order.batch_id])
        return order
