"""Subjects of the study named by the Study-Uuid header; personal data behind its own
permission. The study's subject id pattern is a study setting of the module
(`/api/plugins/subjects/study-settings`)."""

from __future__ import annotations

from datacapt.toolkit import REASON_FOR_CHANGE, ApiView, Blueprint, current_study, paginate
from plugins.subjects import permissions, services
from plugins.subjects.schemas import (
    PersonalDataSchema,
    SubjectReadSchema,
    SubjectSearchSchema,
    SubjectUpdateSchema,
    SubjectWriteSchema,
)

blp = Blueprint("subjects", __name__, url_prefix="/api", description="Subjects")


@blp.route("/subjects/")
class Subjects(ApiView):
    permissions_registry = {"GET": permissions.ACCESS, "POST": permissions.ADD}

    @blp.arguments(SubjectSearchSchema, location="query")
    @blp.response(200, SubjectReadSchema(many=True))
    @blp.paginate()
    def get(self, filters, pagination_parameters):
        """The study's subjects at the centers the caller may see (no personal data)."""
        return paginate(services.list_subjects(current_study(), **filters), pagination_parameters)

    @blp.arguments(SubjectWriteSchema)
    @blp.response(201, SubjectReadSchema)
    def post(self, data):
        """A new subject at a center, in screening, with the study's next subject id."""
        return services.add_subject(current_study(), data["center"], data["personal_data"])


@blp.route("/subjects/<uuid:subject_uuid>")
class SubjectDetail(ApiView):
    permissions_registry = {"GET": permissions.ACCESS, "PATCH": permissions.EDIT}

    @blp.response(200, SubjectReadSchema)
    def get(self, subject_uuid):
        return services.get_subject(current_study(), subject_uuid)

    @blp.arguments(SubjectUpdateSchema)
    @blp.errors(
        {409: "The status cannot move there (ILLEGAL_STATUS_TRANSITION)."},
        {409: "The participation ended: only reopening changes it (SUBJECT_PARTICIPATION_ENDED)."},
    )
    @blp.response(200, SubjectReadSchema)
    def patch(self, data, subject_uuid):
        """Status: screening -> included (with its date) -> completed; or excluded or
        withdrawn (with the reason), after which only reopen brings them back."""
        return services.change_status(services.get_subject(current_study(), subject_uuid), data)


@blp.route("/subjects/<uuid:subject_uuid>/reopen")
class SubjectReopen(ApiView):
    permissions_registry = {"POST": permissions.EDIT}

    @blp.errors({409: "The subject is not excluded or withdrawn (SUBJECT_PARTICIPATION_ENDED)."})
    @blp.response(200, SubjectReadSchema)
    def post(self, subject_uuid):
        """Bring an excluded or withdrawn subject back (included if they had been, else
        screening) so data can be entered again; needs the Reason-For-Change header."""
        return services.reopen(services.get_subject(current_study(), subject_uuid))


@blp.route("/subjects/<uuid:subject_uuid>/personal-data")
class SubjectPersonalData(ApiView):
    permissions_registry = {"default": permissions.PERSONAL_DATA}

    @blp.reads_headers(REASON_FOR_CHANGE)  # kept in the audit record of the read
    @blp.response(200, PersonalDataSchema)
    def get(self, subject_uuid):
        """Names and contact details; every read is written to the audit trail."""
        return services.read_personal_data(services.get_subject(current_study(), subject_uuid))

    @blp.arguments(PersonalDataSchema)
    @blp.response(200, PersonalDataSchema)
    def patch(self, data, subject_uuid):
        return services.update_personal_data(
            services.get_subject(current_study(), subject_uuid), data
        )
