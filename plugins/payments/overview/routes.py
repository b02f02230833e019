"""Orders and what they add up to, in the study named by the Study-Uuid header: the
study's orders, a subject's statement, the study's overview."""

from __future__ import annotations

from datacapt.toolkit import ApiView, Blueprint, current_study, paginate
from plugins.payments import permissions
from plugins.payments.orders.schemas import PaymentOrderReadSchema, PaymentOrderSearchSchema
from plugins.payments.overview import services
from plugins.payments.overview.schemas import PaymentOverviewSchema, PaymentStatementSchema
from plugins.subjects.api import get_subject

blp = Blueprint(
    "payment_overview",
    __name__,
    url_prefix="/api/payments",
    description="Payments: orders, a subject's statement, the study's overview",
)


@blp.route("/orders/")
class Orders(ApiView):
    permissions_registry = {"GET": permissions.ACCESS}

    @blp.arguments(PaymentOrderSearchSchema, location="query")
    @blp.response(200, PaymentOrderReadSchema(many=True))
    @blp.paginate()
    def get(self, filters, pagination_parameters):
        """The study's orders at the centers the caller sees, oldest first."""
        return paginate(services.list_orders(current_study(), **filters), pagination_parameters)


@blp.route("/subjects/<uuid:subject_uuid>/statement")
class SubjectStatement(ApiView):
    permissions_registry = {"GET": permissions.ACCESS}

    @blp.response(200, PaymentStatementSchema)
    def get(self, subject_uuid):
        """The subject's orders, and per currency what they earned, what passed finance
        and what was paid."""
        study = current_study()
        return services.subject_statement(study, get_subject(study, subject_uuid))


@blp.route("/overview")
class StudyOverview(ApiView):
    permissions_registry = {"GET": permissions.ACCESS}

    @blp.response(200, PaymentOverviewSchema)
    def get(self):
        """Totals by currency and status, by visit, and each plan's budget against what
        its orders earned."""
        return services.study_overview(current_study())
