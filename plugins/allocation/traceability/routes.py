"""Traceability in the study named by the Study-Uuid header: a batch forward to subjects
and their adverse events, a subject back to their batches. Unblinded callers only."""

from __future__ import annotations

from datacapt.toolkit import ApiView, Blueprint, current_study
from plugins.allocation import permissions
from plugins.allocation.traceability import services
from plugins.allocation.traceability.schemas import BatchTraceSchema, SubjectTraceSchema
from plugins.subjects.api import get_subject

blp = Blueprint(
    "allocation_traceability",
    __name__,
    url_prefix="/api/allocation/traceability",
    description="Kit allocation: traceability of batches",
)

BLINDED = {403: "The caller does not see arms and products (TRACEABILITY_BLINDED)."}


@blp.route("/batches/<uuid:batch_uuid>")
class BatchTrace(ApiView):
    permissions_registry = {"GET": permissions.DISPENSING_ACCESS}

    @blp.errors(BLINDED)
    @blp.response(200, BatchTraceSchema)
    def get(self, batch_uuid):
        """The batch's kits, the subjects (at the caller's centers) who received them, and
        their adverse events (the repeating group named by the study setting
        adverse_event_question)."""
        services.refuse_if_blinded()
        study = current_study()
        return services.batch_trace(study, services.study_batch(study, batch_uuid))


@blp.route("/subjects/<uuid:subject_uuid>")
class SubjectTrace(ApiView):
    permissions_registry = {"GET": permissions.DISPENSING_ACCESS}

    @blp.errors(BLINDED)
    @blp.response(200, SubjectTraceSchema)
    def get(self, subject_uuid):
        """Every kit the subject received, with its batch."""
        services.refuse_if_blinded()
        study = current_study()
        return services.subject_trace(study, get_subject(study, subject_uuid))
