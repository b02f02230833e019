"""The eCRF design of the study named by the Study-Uuid header, read and saved whole."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from datacapt.permissions.mixin import PermissionsRegistryMixin
from datacapt.studies.context import current_study
from plugins.ecrf import permissions, services
from plugins.ecrf.schemas import EcrfReadSchema, EcrfWriteSchema

blp = Blueprint("ecrf", __name__, url_prefix="/api/ecrf", description="eCRF design")


@blp.route("/")
class EcrfDesign(PermissionsRegistryMixin, MethodView):
    permissions_registry = {"GET": permissions.ACCESS, "PUT": permissions.EDIT}

    @blp.response(200, EcrfReadSchema)
    def get(self):
        """Sections (visits) -> subsections -> blocks, in order, with the design version."""
        return services.design(current_study())

    @blp.arguments(EcrfWriteSchema)
    @blp.response(200, EcrfReadSchema)
    def put(self, data):
        """Save the whole design: create, change, reorder and remove elements at once
        (elements keep their identity by uuid). See docs/forms.md for questions and rules."""
        return services.save_design(current_study(), data)
