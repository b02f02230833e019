"""The enrollment targets of the study named by the Study-Uuid header."""

from __future__ import annotations

from datacapt.toolkit import ApiView, Blueprint, current_study, paginate
from plugins.analytics import permissions
from plugins.analytics.targets import services
from plugins.analytics.targets.schemas import (
    EnrollmentTargetReadSchema,
    EnrollmentTargetUpdateSchema,
    EnrollmentTargetWriteSchema,
)

STUDY_WIDE = {
    403: "The study's own target is set by someone who sees every center (PERMISSION_DENIED)."
}

blp = Blueprint(
    "analytics_targets",
    __name__,
    url_prefix="/api/analytics/targets",
    description="Analytics: the enrollment targets of the study and its centers",
)


@blp.route("/")
class Targets(ApiView):
    permissions_registry = {"GET": permissions.ACCESS, "POST": permissions.MANAGE_TARGETS}

    @blp.response(200, EnrollmentTargetReadSchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters):
        """The study's own target, then those of the centers the caller sees."""
        return paginate(services.list_targets(current_study()), pagination_parameters)

    @blp.arguments(EnrollmentTargetWriteSchema)
    @blp.errors(STUDY_WIDE, {409: "The scope has a target already (TARGET_EXISTS)."})
    @blp.response(201, EnrollmentTargetReadSchema)
    def post(self, data):
        """A target of the study (no center) or of one of its centers."""
        return services.create_target(current_study(), data)


@blp.route("/<uuid:target_uuid>")
class TargetDetail(ApiView):
    permissions_registry = {
        "GET": permissions.ACCESS,
        "PATCH": permissions.MANAGE_TARGETS,
        "DELETE": permissions.MANAGE_TARGETS,
    }

    @blp.response(200, EnrollmentTargetReadSchema)
    def get(self, target_uuid):
        return services.get_target(current_study(), target_uuid)

    @blp.arguments(EnrollmentTargetUpdateSchema)
    @blp.errors(STUDY_WIDE)
    @blp.response(200, EnrollmentTargetReadSchema)
    def patch(self, data, target_uuid):
        """Change the number of subjects or the date (the scope stays)."""
        study = current_study()
        return services.change_target(services.get_target(study, target_uuid), data)

    @blp.errors(STUDY_WIDE)
    @blp.response(204)
    def delete(self, target_uuid):
        services.delete_target(services.get_target(current_study(), target_uuid))
