"""The verification endpoints of the study named by the Study-Uuid header: items verified
one at a time or in bulk (a zone's at its ``instances/<zone>`` address, in a section filled
once per zone), the study's plans, and progress."""

from __future__ import annotations

from datacapt.toolkit import ApiView, Blueprint, current_study, paginate
from plugins.monitoring import permissions
from plugins.monitoring.errors import LOCKED
from plugins.monitoring.verification import plans, progress, services
from plugins.monitoring.verification.schemas import (
    BulkVerificationSchema,
    PlanReadSchema,
    PlanWriteSchema,
    ProgressSearchSchema,
    SectionVerificationSchema,
    StudyProgressSchema,
    SubjectFiguresSchema,
    SubjectProgressSchema,
    VerificationReadSchema,
)
from plugins.subjects.api import get_subject

blp = Blueprint(
    "monitoring_verification",
    __name__,
    url_prefix="/api/monitoring/verification",
    description="Monitoring: source data verification",
)

# Two monitors verifying the same items at once: the second finds the first's rows.
SAME_TIME = {409: "Someone verified the same items at the same time (CONFLICT)."}
ZONES = {
    409: "The section is filled once per zone: name the zone (ECRF_SECTION_INSTANCED).",
    404: "No such question, section, or zone of the subject there.",
}
ITEM_POST_ERRORS = (
    {409: "The item is not answered (ITEM_NOT_ANSWERED)."},
    {409: "The item is verified already (ITEM_ALREADY_VERIFIED)."},
    {409: "The question is calculated: not source data (NOT_SOURCE_DATA)."},
    SAME_TIME,
    ZONES,
    LOCKED,
)
ITEM_DELETE_ERRORS = (
    {409: "The item is not verified (ITEM_NOT_VERIFIED)."},
    {409: "The question is calculated: not source data (NOT_SOURCE_DATA)."},
    ZONES,
    LOCKED,
)


@blp.route("/subjects/<uuid:subject_uuid>/items/<string:code>")
class Item(ApiView):
    permissions_registry = {"POST": permissions.VERIFY, "DELETE": permissions.VERIFY}

    @blp.errors(*ITEM_POST_ERRORS)
    @blp.response(201, VerificationReadSchema)
    def post(self, subject_uuid, code):
        """Verify one item: the subject's answer to the question (answered, not
        calculated) as it is stored now."""
        study = current_study()
        return services.verify_item(study, get_subject(study, subject_uuid), code)

    @blp.errors(*ITEM_DELETE_ERRORS)
    @blp.response(204)
    def delete(self, subject_uuid, code):
        """Take the verification back; needs a Reason-For-Change."""
        study = current_study()
        services.unverify_item(study, get_subject(study, subject_uuid), code)


@blp.route("/subjects/<uuid:subject_uuid>/items/<string:code>/instances/<string:instance>")
class ZoneItem(ApiView):
    permissions_registry = {"POST": permissions.VERIFY, "DELETE": permissions.VERIFY}

    @blp.errors(*ITEM_POST_ERRORS)
    @blp.response(201, VerificationReadSchema)
    def post(self, subject_uuid, code, instance):
        """Verify one zone's item: the subject's answer to the question on that zone, in a
        section filled once per zone."""
        study = current_study()
        return services.verify_item(study, get_subject(study, subject_uuid), code, instance)

    @blp.errors(*ITEM_DELETE_ERRORS)
    @blp.response(204)
    def delete(self, subject_uuid, code, instance):
        """Take the zone item's verification back; needs a Reason-For-Change."""
        study = current_study()
        services.unverify_item(study, get_subject(study, subject_uuid), code, instance)


@blp.route("/subjects/<uuid:subject_uuid>/sections/<uuid:section_uuid>")
class SubjectSection(ApiView):
    permissions_registry = {"GET": permissions.VERIFICATION_ACCESS, "POST": permissions.VERIFY}

    @blp.response(200, SectionVerificationSchema)
    def get(self, subject_uuid, section_uuid):
        """Each item of the subject's section: verified (by whom, when), required by the
        subject's plan; as in the data-entry read's annotations."""
        study = current_study()
        return services.section_verification(study, get_subject(study, subject_uuid), section_uuid)

    @blp.errors(SAME_TIME, LOCKED)
    @blp.response(200, BulkVerificationSchema)
    def post(self, subject_uuid, section_uuid):
        """Verify every answered item of the subject's section, of each zone in a section
        filled once per zone (one row per item)."""
        study = current_study()
        return services.verify_section(study, get_subject(study, subject_uuid), section_uuid)


@blp.route("/subjects/<uuid:subject_uuid>/sections/<uuid:section_uuid>/instances/<string:instance>")
class SubjectSectionZone(ApiView):
    permissions_registry = {"GET": permissions.VERIFICATION_ACCESS, "POST": permissions.VERIFY}

    @blp.errors(ZONES)
    @blp.response(200, SectionVerificationSchema)
    def get(self, subject_uuid, section_uuid, instance):
        """Each item of one zone of the subject's section, as in that zone's data-entry
        read's annotations."""
        study = current_study()
        return services.section_verification(
            study, get_subject(study, subject_uuid), section_uuid, instance
        )

    @blp.errors(SAME_TIME, ZONES, LOCKED)
    @blp.response(200, BulkVerificationSchema)
    def post(self, subject_uuid, section_uuid, instance):
        """Verify every answered item of one zone of the subject's section."""
        study = current_study()
        return services.verify_section(
            study, get_subject(study, subject_uuid), section_uuid, instance
        )


@blp.route("/subjects/<uuid:subject_uuid>")
class Subject(ApiView):
    permissions_registry = {"GET": permissions.VERIFICATION_ACCESS, "POST": permissions.VERIFY}

    @blp.response(200, SubjectProgressSchema)
    def get(self, subject_uuid):
        """The subject's plan, whether it selected them, and their figures, in total and
        per section."""
        study = current_study()
        return progress.subject_progress(study, get_subject(study, subject_uuid))

    @blp.errors(SAME_TIME, LOCKED)
    @blp.response(200, BulkVerificationSchema)
    def post(self, subject_uuid):
        """Verify every answered item of the subject (one row per item)."""
        study = current_study()
        return services.verify_subject(study, get_subject(study, subject_uuid))


@blp.route("/sections/<uuid:section_uuid>")
class Visit(ApiView):
    permissions_registry = {"POST": permissions.VERIFY}

    @blp.errors(SAME_TIME, LOCKED)
    @blp.response(200, BulkVerificationSchema)
    def post(self, section_uuid):
        """Verify every answered item of this section (visit) of every subject the
        caller sees (one row per item)."""
        return services.verify_visit(current_study(), section_uuid)


@blp.route("/plans/")
class Plans(ApiView):
    permissions_registry = {
        "GET": permissions.VERIFICATION_ACCESS,
        "POST": permissions.VERIFICATION_PLAN,
    }

    @blp.response(200, PlanReadSchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters):
        """The study's plans, then the centers' (those the caller sees), by date."""
        return paginate(plans.list_plans(current_study()), pagination_parameters)

    @blp.arguments(PlanWriteSchema)
    @blp.errors(
        {409: "A plan of this scope takes effect that day already (SDV_PLAN_EXISTS)."},
        {
            409: "Someone added a plan of this scope and day at the same time (CONFLICT).",
            422: "A code is no source-data question of the eCRF (SDV_PLAN_INVALID), or the "
            "center is not in the study (CENTER_NOT_IN_STUDY).",
        },
    )
    @blp.response(201, PlanReadSchema)
    def post(self, data):
        """A plan of the study, or of one center (it overrides the study's there), for
        the subjects who start (are included, or added) from `effective_from`; a random
        plan's seed is drawn and kept."""
        return plans.create_plan(current_study(), data)


@blp.route("/plans/<uuid:plan_uuid>")
class Plan(ApiView):
    permissions_registry = {
        "GET": permissions.VERIFICATION_ACCESS,
        "DELETE": permissions.VERIFICATION_PLAN,
    }

    @blp.response(200, PlanReadSchema)
    def get(self, plan_uuid):
        return plans.get_plan(current_study(), plan_uuid)

    @blp.response(204)
    def delete(self, plan_uuid):
        """Remove the plan (needs a Reason-For-Change): its subjects fall to the plan in
        effect before it."""
        study = current_study()
        plans.delete_plan(plans.get_plan(study, plan_uuid))


@blp.route("/progress")
class Progress(ApiView):
    permissions_registry = {"GET": permissions.VERIFICATION_ACCESS}

    @blp.response(200, StudyProgressSchema)
    def get(self):
        """The study's figures over the subjects the caller sees, per center and per
        section (visit)."""
        return progress.study_progress(current_study())


@blp.route("/progress/subjects")
class SubjectsProgress(ApiView):
    permissions_registry = {"GET": permissions.VERIFICATION_ACCESS}

    @blp.arguments(ProgressSearchSchema, location="query")
    @blp.response(200, SubjectFiguresSchema(many=True))
    @blp.paginate()
    def get(self, filters, pagination_parameters):
        """The study's subjects (of one center with `center`), each with their plan and
        figures."""
        return progress.subjects_progress(current_study(), pagination_parameters, **filters)
