"""The reports of the study named by the Study-Uuid header: casebooks printed for one
subject or (by a job) for the study, the blank annotated CRF, their list and state, and
their files of record."""

from __future__ import annotations

from flask import Response

from datacapt.toolkit import REASON_FOR_CHANGE, ApiView, Blueprint, current_study, paginate
from plugins.reports import permissions
from plugins.reports.casebooks import services as casebooks
from plugins.reports.runs import services
from plugins.reports.runs.schemas import (
    ReportRunReadSchema,
    ReportSearchSchema,
    StudyCasebooksWriteSchema,
)
from plugins.subjects.api import get_subject

blp = Blueprint(
    "reports",
    __name__,
    url_prefix="/api/reports",
    description="Reports: casebook PDFs of a subject or of the study, the annotated CRF",
)

NO_REPORT = {404: "No such report in the study, at the centers you see (OBJECT_NOT_FOUND)."}


@blp.route("/")
class Reports(ApiView):
    permissions_registry = {"default": permissions.ACCESS}

    @blp.arguments(ReportSearchSchema, location="query")
    @blp.response(200, ReportRunReadSchema(many=True))
    @blp.paginate()
    def get(self, filters, pagination_parameters):
        """The study's reports at the centers you see, newest first, with their state."""
        return paginate(
            services.list_runs(current_study(), filters.get("kind")), pagination_parameters
        )


@blp.route("/<uuid:run_uuid>")
class ReportDetail(ApiView):
    permissions_registry = {"default": permissions.ACCESS}

    @blp.errors(NO_REPORT)
    @blp.response(200, ReportRunReadSchema)
    def get(self, run_uuid):
        """A report's state: a job's progress (`printed` of `total`), its failure."""
        return services.get_run(current_study(), run_uuid)


@blp.route("/<uuid:run_uuid>/file")
class ReportFile(ApiView):
    permissions_registry = {"default": permissions.ACCESS}

    @blp.errors(
        NO_REPORT,
        {
            403: "Casebooks need reports.casebooks, the annotated CRF reports.annotated_crf; a"
            " report that shows the arm, the permission to see it (PERMISSION_DENIED)."
        },
        {409: "The report is not printed yet, or failed; details.state (REPORT_NOT_READY)."},
        {409: "The stored file is not the one hashed when printed (REPORT_FILE_ALTERED)."},
    )
    @blp.reads_headers(REASON_FOR_CHANGE)
    @blp.response(
        200,
        {"type": "string", "format": "binary"},
        content_type="application/octet-stream",
        description="The file as stored (application/pdf or application/zip)",
    )
    def get(self, run_uuid):
        """Download a report's file: the stored bytes, checked against their SHA-256; each
        download is audited."""
        run = services.get_run(current_study(), run_uuid)
        return Response(
            services.checked_content(run),
            mimetype=run.content_type,
            headers={"Content-Disposition": f'attachment; filename="{run.name}"'},
        )


@blp.route("/subjects/<uuid:subject_uuid>/casebook")
class SubjectCasebook(ApiView):
    permissions_registry = {"default": permissions.CASEBOOKS}

    @blp.errors({404: "No such subject at the centers you see (OBJECT_NOT_FOUND)."})
    @blp.reads_headers(REASON_FOR_CHANGE)
    @blp.response(201, ReportRunReadSchema)
    def post(self, subject_uuid):
        """Print the subject's casebook now: every section with its values and each
        value's audit trail, the queries with their threads and, where the tenant has
        monitoring, the signatures with their manifestation (the arm only if you may see
        it). Stored with its SHA-256: download it from the report's file."""
        study = current_study()
        return casebooks.print_casebook(study, get_subject(study, subject_uuid))


@blp.route("/casebooks")
class StudyCasebooks(ApiView):
    permissions_registry = {"default": permissions.CASEBOOKS}

    @blp.arguments(StudyCasebooksWriteSchema)
    @blp.errors(
        {404: "A center named does not exist (OBJECT_NOT_FOUND)."},
        {
            422: "A center is not the study's, not one you see, or has no subject"
            " (NO_SUBJECTS_TO_PRINT, or CENTER_NOT_IN_STUDY)."
        },
    )
    @blp.reads_headers(REASON_FOR_CHANGE)
    @blp.response(202, ReportRunReadSchema)
    def post(self, data):
        """Print the casebooks of every subject at the centers (a job): follow the
        report's state and progress, then download its zip or merged PDF."""
        return casebooks.request_study_casebooks(
            current_study(), data["layout"], data.get("centers")
        )


@blp.route("/annotated-crf")
class AnnotatedCrf(ApiView):
    permissions_registry = {"default": permissions.ANNOTATED_CRF}

    @blp.errors({422: "The eCRF has no section yet (NO_DESIGN_TO_PRINT)."})
    @blp.reads_headers(REASON_FOR_CHANGE)
    @blp.response(201, ReportRunReadSchema)
    def post(self):
        """Print the study's blank annotated CRF now: each question with its code, type,
        required mark, display condition, calculation and coded values, for the
        statistician."""
        return casebooks.print_annotated_crf(current_study())
