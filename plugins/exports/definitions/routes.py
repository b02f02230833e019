"""Export definitions of the study named by the Study-Uuid header."""

from __future__ import annotations

from datacapt.toolkit import REASON_FOR_CHANGE, ApiView, Blueprint, current_study, paginate
from plugins.exports import permissions
from plugins.exports.definitions import services
from plugins.exports.definitions.schemas import (
    ExportDefinitionReadSchema,
    ExportDefinitionWriteSchema,
)

INVALID = {
    422: "A section, question or center is not the study's; fields names it"
    " (DEFINITION_INVALID, or VALIDATION_FAILED for a center)."
}
NAME_TAKEN = {409: "Another definition of the study has the name (DEFINITION_NAME_TAKEN)."}
NO_DEFINITION = {404: "No such definition in the study (OBJECT_NOT_FOUND)."}

blp = Blueprint(
    "export_definitions",
    __name__,
    url_prefix="/api/exports/definitions",
    description="Exports: what leaves the study",
)


@blp.route("/")
class Definitions(ApiView):
    permissions_registry = {"GET": permissions.ACCESS, "POST": permissions.DEFINE}

    @blp.response(200, ExportDefinitionReadSchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters):
        """The study's export definitions, by name."""
        return paginate(services.list_definitions(current_study()), pagination_parameters)

    @blp.arguments(ExportDefinitionWriteSchema)
    @blp.errors(INVALID, NAME_TAKEN)
    @blp.reads_headers(REASON_FOR_CHANGE)
    @blp.response(201, ExportDefinitionReadSchema)
    def post(self, data):
        """A definition: its sections, questions and subjects (empty lists: all), coded
        values or labels, wide or long, and the tables that go with the values. Personal
        data never leaves, whatever it says."""
        return services.create_definition(current_study(), data)


@blp.route("/<uuid:definition_uuid>")
class DefinitionDetail(ApiView):
    permissions_registry = {"GET": permissions.ACCESS, "PUT": permissions.DEFINE}

    @blp.errors(NO_DEFINITION)
    @blp.response(200, ExportDefinitionReadSchema)
    def get(self, definition_uuid):
        return services.get_definition(current_study(), definition_uuid)

    @blp.arguments(ExportDefinitionWriteSchema)
    @blp.errors(NO_DEFINITION, INVALID, NAME_TAKEN)
    @blp.reads_headers(REASON_FOR_CHANGE)
    @blp.response(200, ExportDefinitionReadSchema)
    def put(self, data, definition_uuid):
        """Replace the definition (runs made keep what they took)."""
        study = current_study()
        return services.update_definition(
            study, services.get_definition(study, definition_uuid), data
        )
