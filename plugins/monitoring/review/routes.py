"""The review endpoints of the study named by the Study-Uuid header: a subject's section
(or one zone of a section filled once per zone) reviewed by data management, and
progress."""

from __future__ import annotations

from datacapt.toolkit import ApiView, Blueprint, current_study
from plugins.monitoring import permissions
from plugins.monitoring.errors import LOCKED
from plugins.monitoring.review import services
from plugins.monitoring.review.schemas import (
    SectionReviewReadSchema,
    StudyReviewProgressSchema,
    SubjectReviewFiguresSchema,
    SubjectReviewsSchema,
)
from plugins.monitoring.verification.schemas import ProgressSearchSchema
from plugins.subjects.api import get_subject

blp = Blueprint(
    "monitoring_review",
    __name__,
    url_prefix="/api/monitoring/review",
    description="Monitoring: data review",
)

REVIEW_ERRORS = (
    {409: "Nothing is entered in the section (SECTION_WITHOUT_DATA)."},
    {409: "The section is reviewed already (SECTION_ALREADY_REVIEWED)."},
    {409: "Someone reviewed it at the same time (CONFLICT)."},
    LOCKED,
)
UNREVIEW_ERRORS = ({409: "The section is not reviewed (SECTION_NOT_REVIEWED)."}, LOCKED)
INSTANCED = {409: "The section is filled once per zone: review a zone (ECRF_SECTION_INSTANCED)."}


@blp.route("/subjects/<uuid:subject_uuid>/sections/<uuid:section_uuid>")
class SubjectSection(ApiView):
    permissions_registry = {"POST": permissions.REVIEW_DATA, "DELETE": permissions.REVIEW_DATA}

    @blp.errors(*REVIEW_ERRORS, INSTANCED)
    @blp.response(201, SectionReviewReadSchema)
    def post(self, subject_uuid, section_uuid):
        """Mark the subject's section reviewed, as its data stands now."""
        study = current_study()
        return services.review_section(study, get_subject(study, subject_uuid), section_uuid)

    @blp.errors(*UNREVIEW_ERRORS, INSTANCED)
    @blp.response(204)
    def delete(self, subject_uuid, section_uuid):
        """Take the review back; needs a Reason-For-Change."""
        study = current_study()
        services.unreview_section(study, get_subject(study, subject_uuid), section_uuid)


@blp.route("/subjects/<uuid:subject_uuid>/sections/<uuid:section_uuid>/instances/<string:instance>")
class SubjectSectionZone(ApiView):
    permissions_registry = {"POST": permissions.REVIEW_DATA, "DELETE": permissions.REVIEW_DATA}

    @blp.errors(*REVIEW_ERRORS, {404: "No such zone of the subject in this section."})
    @blp.response(201, SectionReviewReadSchema)
    def post(self, subject_uuid, section_uuid, instance):
        """Mark one zone of the subject's section (filled once per zone) reviewed, as its
        data stands now."""
        study = current_study()
        participation = get_subject(study, subject_uuid)
        return services.review_section(study, participation, section_uuid, instance)

    @blp.errors(*UNREVIEW_ERRORS, {404: "No such zone of the subject in this section."})
    @blp.response(204)
    def delete(self, subject_uuid, section_uuid, instance):
        """Take the zone's review back; needs a Reason-For-Change."""
        study = current_study()
        participation = get_subject(study, subject_uuid)
        services.unreview_section(study, participation, section_uuid, instance)


@blp.route("/subjects/<uuid:subject_uuid>")
class Subject(ApiView):
    permissions_registry = {"GET": permissions.REVIEW_ACCESS}

    @blp.response(200, SubjectReviewsSchema)
    def get(self, subject_uuid):
        """The subject's figures, and each section: with data or not, reviewed (by whom,
        when) or not."""
        study = current_study()
        return services.subject_reviews(study, get_subject(study, subject_uuid))


@blp.route("/progress")
class Progress(ApiView):
    permissions_registry = {"GET": permissions.REVIEW_ACCESS}

    @blp.response(200, StudyReviewProgressSchema)
    def get(self):
        """Reviewed sections over the subjects' sections with data (the subjects the
        caller sees), for the study, per center and per section (visit)."""
        return services.study_progress(current_study())


@blp.route("/progress/subjects")
class SubjectsProgress(ApiView):
    permissions_registry = {"GET": permissions.REVIEW_ACCESS}

    @blp.arguments(ProgressSearchSchema, location="query")
    @blp.response(200, SubjectReviewFiguresSchema(many=True))
    @blp.paginate()
    def get(self, filters, pagination_parameters):
        """The study's subjects (of one center with `center`), each with their figures."""
        return services.subjects_progress(current_study(), pagination_parameters, **filters)
