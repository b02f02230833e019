"""A subject's visit confirmed as done (studies whose ``visit_done`` setting is
``confirmed``), in the study named by the Study-Uuid header."""

from __future__ import annotations

import marshmallow as ma

from datacapt.toolkit import REASON_FOR_CHANGE, ApiView, Blueprint, current_study
from plugins.payments import permissions
from plugins.payments.visits import services
from plugins.subjects.api import get_subject

blp = Blueprint(
    "payment_visits",
    __name__,
    url_prefix="/api/payments/subjects",
    description="Payments: visits confirmed as done",
)


class VisitConfirmationReadSchema(ma.Schema):
    uuid = ma.fields.UUID()
    confirmed_at = ma.fields.AwareDateTime()


NOT_CONFIRMED_HERE = {
    409: "The study pays visits once complete, not confirmed (VISITS_NOT_CONFIRMED_IN_STUDY)."
}


@blp.route("/<uuid:subject_uuid>/visits/<uuid:section_uuid>/confirmation")
class VisitConfirmation(ApiView):
    permissions_registry = {"default": permissions.CONFIRM_VISITS}

    @blp.errors(
        NOT_CONFIRMED_HERE,
        {409: "The visit's section is not complete (VISIT_NOT_DONE)."},
        {409: "The visit is confirmed already (VISIT_ALREADY_CONFIRMED)."},
    )
    @blp.response(201, VisitConfirmationReadSchema)
    def post(self, subject_uuid, section_uuid):
        """Confirm the visit as done: its orders are placed now."""
        study = current_study()
        return services.confirm_visit(study, get_subject(study, subject_uuid), section_uuid)

    @blp.reads_headers(REASON_FOR_CHANGE)
    @blp.errors(NOT_CONFIRMED_HERE, {409: "The visit is not confirmed (VISIT_NOT_CONFIRMED)."})
    @blp.response(204)
    def delete(self, subject_uuid, section_uuid):
        """Take the confirmation back (a Reason-For-Change is required): the visit's
        orders are undone."""
        study = current_study()
        services.take_back_confirmation(study, get_subject(study, subject_uuid), section_uuid)
