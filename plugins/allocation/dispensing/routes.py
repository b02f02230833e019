"""Dispensing kits to the subjects of the study named by the Study-Uuid header, correcting
a dispensing (with a reason) and recording returns."""

from __future__ import annotations

from datacapt.toolkit import REASON_FOR_CHANGE, ApiView, Blueprint, current_study
from plugins.allocation import permissions
from plugins.allocation.configuration.services import study_section
from plugins.allocation.dispensing import services
from plugins.allocation.dispensing.schemas import (
    CorrectionSchema,
    DispenseSchema,
    DispensingReadSchema,
    EnvironmentSchema,
    ReturnSchema,
    SubjectDispensingSchema,
)
from plugins.subjects.api import get_subject

blp = Blueprint(
    "allocation_dispensing",
    __name__,
    url_prefix="/api/allocation",
    description="Kit allocation: dispensing, corrections and returns",
)

NO_KITS = {
    409: "No kit may be given at the subject's center; details.center, details.kit_type"
    " ([blinded] without the unblinded view of arms) (NO_KITS_AVAILABLE)."
}
NOT_CURRENT = {
    409: "The dispensing was corrected, or its kit returned, already (DISPENSING_NOT_CURRENT)."
}


@blp.route("/subjects/<uuid:subject_uuid>/dispensing")
class SubjectDispensing(ApiView):
    permissions_registry = {"GET": permissions.DISPENSING_ACCESS}

    @blp.arguments(EnvironmentSchema, location="query")
    @blp.response(200, SubjectDispensingSchema)
    def get(self, query, subject_uuid):
        """The subject's kits in the environment and, per visit, whether a dispensing now
        would succeed: the warning before "no kits available"."""
        study = current_study()
        participation = get_subject(study, subject_uuid)
        return services.subject_view(study, participation, query["environment"])


@blp.route("/subjects/<uuid:subject_uuid>/dispensings")
class Dispensings(ApiView):
    permissions_registry = {"POST": permissions.DISPENSE}

    @blp.arguments(DispenseSchema)
    @blp.errors(
        {
            409: "The subject is not randomized (SUBJECT_NOT_RANDOMIZED), the configuration"
            " gives their arm nothing at the visit (NO_ALLOCATION_RULE), the visit has its"
            " kits already (VISIT_FULLY_DISPENSED), production is not live"
            " (PRODUCTION_NOT_LIVE), or the subject's participation ended"
            " (SUBJECT_PARTICIPATION_ENDED)."
        },
        NO_KITS,
        {422: "The study's eCRF has no such visit (ALLOCATION_RULE_INVALID)."},
    )
    @blp.response(201, DispensingReadSchema(many=True))
    def post(self, data, subject_uuid):
        """Dispense the visit's kits to a randomized subject: the kit type of their arm,
        the lowest available number at their center, never expired, within the expiry
        buffer, or of a batch that may not be given."""
        study = current_study()
        participation = get_subject(study, subject_uuid)
        section = study_section(study, data["section"])
        return services.dispense(study, participation, section, data["environment"])


@blp.route("/dispensings/<uuid:dispensing_uuid>")
class DispensingDetail(ApiView):
    permissions_registry = {"GET": permissions.DISPENSING_ACCESS}

    @blp.response(200, DispensingReadSchema)
    def get(self, dispensing_uuid):
        return services.get_dispensing(current_study(), dispensing_uuid)


@blp.route("/dispensings/<uuid:dispensing_uuid>/corrections")
class DispensingCorrection(ApiView):
    permissions_registry = {"POST": permissions.CORRECT}

    @blp.arguments(CorrectionSchema)
    @blp.reads_headers(REASON_FOR_CHANGE)
    @blp.errors(NOT_CURRENT, NO_KITS)
    @blp.response(200, DispensingReadSchema)
    def post(self, data, dispensing_uuid):
        """Deallocate the kit (back to stock), declare it invalid, or replace it (invalid,
        and the lowest valid kit of its type given instead: the answer is the new
        dispensing), with the reason."""
        study = current_study()
        dispensing = services.get_dispensing(study, dispensing_uuid)
        return services.correct(study, dispensing, data["action"])


@blp.route("/dispensings/<uuid:dispensing_uuid>/returns")
class DispensingReturn(ApiView):
    permissions_registry = {"POST": permissions.RECORD_RETURNS}

    @blp.arguments(ReturnSchema)
    @blp.errors(NOT_CURRENT, {422: "More than the kit holds (RETURN_INVALID)."})
    @blp.response(200, DispensingReadSchema)
    def post(self, data, dispensing_uuid):
        """What the subject brought back of the kit: its compliance follows."""
        study = current_study()
        dispensing = services.get_dispensing(study, dispensing_uuid)
        return services.record_return(study, dispensing, data["quantity"])
