"""Studies (/api/studies/), the tenant's centers (/api/centers/), a study's centers and
team (/api/study-centers/, /api/study-users/, in the study of the Study-Uuid header)."""

from __future__ import annotations

from datacapt.api.blueprint import Blueprint
from datacapt.api.pagination import paginate
from datacapt.api.views import ApiView
from datacapt.identity.principal import current_principal
from datacapt.permissions.registry import (
    CENTERS_ACCESS,
    CENTERS_ADD,
    CENTERS_EDIT,
    STUDIES_ACCESS,
    STUDIES_ADD,
    STUDIES_DELETE,
    STUDIES_EDIT,
    STUDY_USERS_ACCESS,
    STUDY_USERS_ADD,
    STUDY_USERS_DELETE,
    STUDY_USERS_EDIT,
)
from datacapt.permissions.routes import GRANT_BEYOND_OWN, OWN_ACCESS
from datacapt.studies import services
from datacapt.studies.context import current_study
from datacapt.studies.schemas import (
    CenterReadSchema,
    CenterSearchSchema,
    CenterUpdateSchema,
    CenterWriteSchema,
    StudyCenterWriteSchema,
    StudyReadSchema,
    StudySearchSchema,
    StudyUpdateSchema,
    StudyUserReadSchema,
    StudyUserUpdateSchema,
    StudyUserWriteSchema,
    StudyWriteSchema,
)

CODE_TAKEN = {409: "A center with this code exists (CONFLICT)."}

studies_blp = Blueprint("studies", __name__, url_prefix="/api/studies", description="Studies")
centers_blp = Blueprint("centers", __name__, url_prefix="/api/centers", description="Centers")
study_centers_blp = Blueprint(
    "study_centers", __name__, url_prefix="/api/study-centers", description="The centers of a study"
)
study_users_blp = Blueprint(
    "study_users", __name__, url_prefix="/api/study-users", description="The team of a study"
)


@studies_blp.route("/")
class Studies(ApiView):
    REQUIRES_STUDY = False
    permissions_registry = {"GET": STUDIES_ACCESS, "POST": STUDIES_ADD}

    @studies_blp.arguments(StudySearchSchema, location="query")
    @studies_blp.response(200, StudyReadSchema(many=True))
    @studies_blp.paginate()
    def get(self, filters, pagination_parameters):
        """The studies the caller belongs to (filters: search, status)."""
        return paginate(
            services.visible_studies(current_principal(), **filters), pagination_parameters
        )

    @studies_blp.arguments(StudyWriteSchema)
    @studies_blp.errors({409: "A study with this reference exists (CONFLICT)."})
    @studies_blp.response(201, StudyReadSchema)
    def post(self, data):
        """A draft study; its creator joins it with their platform role."""
        return services.create_study(
            current_principal(), data["reference"], data["name"], data["description"]
        )


@studies_blp.route("/<uuid:study_uuid>")
class StudyDetail(ApiView):
    STUDY_URL_ARGUMENT = "study_uuid"
    permissions_registry = {"GET": STUDIES_ACCESS, "PATCH": STUDIES_EDIT, "DELETE": STUDIES_DELETE}

    @studies_blp.response(200, StudyReadSchema)
    def get(self, study_uuid):
        return current_study()

    @studies_blp.arguments(StudyUpdateSchema)
    @studies_blp.errors({409: "The status cannot move there (ILLEGAL_STATUS_TRANSITION)."})
    @studies_blp.response(200, StudyReadSchema)
    def patch(self, data, study_uuid):
        """Rename, describe, or move the status: draft -> live -> ended -> archived."""
        return services.update_study(current_study(), data)

    @studies_blp.errors({409: "The study is not a draft (STUDY_NOT_DELETABLE)."})
    @studies_blp.response(204)
    def delete(self, study_uuid):
        """Delete a draft study (kept, hidden); other statuses refuse."""
        services.delete_study(current_study())


@centers_blp.route("/")
class Centers(ApiView):
    REQUIRES_STUDY = False
    permissions_registry = {"GET": CENTERS_ACCESS, "POST": CENTERS_ADD}

    @centers_blp.arguments(CenterSearchSchema, location="query")
    @centers_blp.response(200, CenterReadSchema(many=True))
    @centers_blp.paginate()
    def get(self, filters, pagination_parameters):
        """The tenant's centers (filters: search in code and name, country)."""
        return paginate(services.list_centers(**filters), pagination_parameters)

    @centers_blp.arguments(CenterWriteSchema)
    @centers_blp.errors(CODE_TAKEN)
    @centers_blp.response(201, CenterReadSchema)
    def post(self, data):
        return services.create_center(data["code"], data["name"], data["country"])


@centers_blp.route("/<uuid:center_uuid>")
class CenterDetail(ApiView):
    REQUIRES_STUDY = False
    permissions_registry = {"GET": CENTERS_ACCESS, "PATCH": CENTERS_EDIT}

    @centers_blp.response(200, CenterReadSchema)
    def get(self, center_uuid):
        return services.get_center(center_uuid)

    @centers_blp.arguments(CenterUpdateSchema)
    @centers_blp.errors(CODE_TAKEN)
    @centers_blp.response(200, CenterReadSchema)
    def patch(self, data, center_uuid):
        return services.update_center(services.get_center(center_uuid), data)


@study_centers_blp.route("/")
class StudyCenters(ApiView):
    permissions_registry = {"GET": CENTERS_ACCESS, "POST": CENTERS_EDIT}

    @study_centers_blp.response(200, CenterReadSchema(many=True))
    @study_centers_blp.paginate()
    def get(self, pagination_parameters):
        """The study's centers the caller may see."""
        return paginate(services.study_centers(current_study()), pagination_parameters)

    @study_centers_blp.arguments(StudyCenterWriteSchema)
    @study_centers_blp.response(201, CenterReadSchema)
    def post(self, data):
        """Bring one of the tenant's centers into the study."""
        return services.add_study_center(current_study(), data["center"])


@study_centers_blp.route("/<uuid:center_uuid>")
class StudyCenterDetail(ApiView):
    permissions_registry = {"DELETE": CENTERS_EDIT}

    @study_centers_blp.errors({409: "A module keeps records of the study there (CENTER_IN_USE)."})
    @study_centers_blp.response(204)
    def delete(self, center_uuid):
        """Take a center out of the study (and out of every member's center list);
        refused (409 CENTER_IN_USE) while a module keeps records of the study there."""
        services.remove_study_center(current_study(), center_uuid)


@study_users_blp.route("/")
class StudyUsers(ApiView):
    permissions_registry = {"GET": STUDY_USERS_ACCESS, "POST": STUDY_USERS_ADD}

    @study_users_blp.response(200, StudyUserReadSchema(many=True))
    @study_users_blp.paginate()
    def get(self, pagination_parameters):
        """The study team (limited to one's centers for a member restricted to some)."""
        return paginate(services.list_study_users(current_study()), pagination_parameters)

    @study_users_blp.arguments(StudyUserWriteSchema)
    @study_users_blp.errors(GRANT_BEYOND_OWN, {409: "The user is already in the study (CONFLICT)."})
    @study_users_blp.response(201, StudyUserReadSchema)
    def post(self, data):
        """Add a user of the tenant with a study role and the centers they may see."""
        return services.add_study_user(
            current_principal(),
            current_study(),
            data["user"],
            data["role"],
            data["all_centers"],
            data["centers"],
        )


@study_users_blp.route("/<uuid:member_uuid>")
class StudyUserDetail(ApiView):
    permissions_registry = {
        "GET": STUDY_USERS_ACCESS,
        "PATCH": STUDY_USERS_EDIT,
        "DELETE": STUDY_USERS_DELETE,
    }

    @study_users_blp.response(200, StudyUserReadSchema)
    def get(self, member_uuid):
        """One member of the team (as the list shows it to the caller)."""
        return services.read_study_user(current_study(), member_uuid)

    @study_users_blp.arguments(StudyUserUpdateSchema)
    @study_users_blp.errors(GRANT_BEYOND_OWN, OWN_ACCESS)
    @study_users_blp.response(200, StudyUserReadSchema)
    def patch(self, data, member_uuid):
        study = current_study()
        return services.update_study_user(
            current_principal(), study, services.read_study_user(study, member_uuid), data
        )

    @study_users_blp.errors(GRANT_BEYOND_OWN)
    @study_users_blp.response(204)
    def delete(self, member_uuid):
        study = current_study()
        services.remove_study_user(services.read_study_user(study, member_uuid))
