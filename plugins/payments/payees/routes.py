"""A subject's payee (bank details and postal address), in the study named by the
Study-Uuid header: personal data behind its own permissions, every read audited."""

from __future__ import annotations

from datacapt.toolkit import REASON_FOR_CHANGE, ApiView, Blueprint, current_study
from plugins.payments import permissions
from plugins.payments.payees import services
from plugins.payments.payees.schemas import PayeeReadSchema, PayeeSchema
from plugins.subjects.api import get_subject

blp = Blueprint(
    "payment_payees",
    __name__,
    url_prefix="/api/payments/subjects",
    description="Payments: payees' bank details",
)


@blp.route("/<uuid:subject_uuid>/payee")
class SubjectPayee(ApiView):
    permissions_registry = {"GET": permissions.VIEW_PAYEES, "PUT": permissions.MANAGE_PAYEES}

    @blp.reads_headers(REASON_FOR_CHANGE)  # kept in the audit record of the read
    @blp.response(200, PayeeReadSchema)
    def get(self, subject_uuid):
        """The subject's bank details and address; every read is written to the audit
        trail."""
        study = current_study()
        return services.read_payee(get_subject(study, subject_uuid))

    @blp.arguments(PayeeSchema)
    @blp.errors({422: "The IBAN, BIC or country is not valid (BANK_DETAILS_INVALID)."})
    @blp.response(200, PayeeReadSchema)
    def put(self, data, subject_uuid):
        """Set the subject's bank details and address, whole."""
        study = current_study()
        return services.save_payee(get_subject(study, subject_uuid), data)
