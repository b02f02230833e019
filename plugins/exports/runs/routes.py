"""Runs of exports in the study named by the Study-Uuid header: asked for, followed,
reproduced, and their files downloaded."""

from __future__ import annotations

from flask import Response

from datacapt.toolkit import REASON_FOR_CHANGE, ApiView, Blueprint, current_study, paginate
from plugins.exports import permissions
from plugins.exports.definitions.services import get_definition
from plugins.exports.runs import services
from plugins.exports.runs.schemas import ExportReadSchema, ExportRequestSchema

NO_EXPORT = {404: "No such export among the caller's (OBJECT_NOT_FOUND)."}

blp = Blueprint(
    "export_runs",
    __name__,
    url_prefix="/api/exports",
    description="Exports: runs, their progress, snapshots and files",
)


@blp.route("/definitions/<uuid:definition_uuid>/runs")
class RunDefinition(ApiView):
    permissions_registry = {"POST": permissions.RUN}

    @blp.arguments(ExportRequestSchema)
    @blp.errors(
        {404: "No such definition, or no such lock in the study (OBJECT_NOT_FOUND)."},
        {409: "The lock named is released (LOCK_NOT_HELD)."},
        {422: "A lock is named where monitoring is not enabled (LOCK_NOT_HELD)."},
    )
    @blp.reads_headers(REASON_FOR_CHANGE)
    @blp.response(202, ExportReadSchema)
    def post(self, data, definition_uuid):
        """Run the definition in a format (csv, xlsx, xpt, sav, odm) as a job: the run
        answers `queued`, then `running` with its progress, then `done` with its files or
        `failed` with the reason; its requester is emailed at the end. It covers the
        centers the caller sees, and the arm only if the caller may see it, as of now."""
        study = current_study()
        return services.request_export(
            study, get_definition(study, definition_uuid), data["format"], data["lock"]
        )


@blp.route("/runs/")
class Runs(ApiView):
    permissions_registry = {"GET": permissions.ACCESS}

    @blp.response(200, ExportReadSchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters):
        """The caller's runs, and with exports.download every run of the centers the
        caller sees; newest first."""
        return paginate(services.list_exports(current_study()), pagination_parameters)


@blp.route("/runs/<uuid:export_uuid>")
class RunDetail(ApiView):
    permissions_registry = {"GET": permissions.ACCESS}

    @blp.errors(NO_EXPORT)
    @blp.response(200, ExportReadSchema)
    def get(self, export_uuid):
        """A run: its state, progress, snapshot and files."""
        return services.get_export(current_study(), export_uuid)


@blp.route("/runs/<uuid:export_uuid>/reproduction")
class Reproduction(ApiView):
    permissions_registry = {"POST": permissions.RUN}

    @blp.errors(NO_EXPORT, {409: "The export is not finished (EXPORT_NOT_DONE)."})
    @blp.reads_headers(REASON_FOR_CHANGE)
    @blp.response(202, ExportReadSchema)
    def post(self, export_uuid):
        """Run a finished export again as it was (its definition then, centers and arm):
        once done, `identical` says whether it read the same data, or the data changed."""
        study = current_study()
        return services.request_reproduction(study, services.get_export(study, export_uuid))


@blp.route("/runs/<uuid:export_uuid>/files/<uuid:file_uuid>")
class RunFile(ApiView):
    permissions_registry = {"GET": permissions.ACCESS}

    @blp.errors(
        {404: "No such export among the caller's, or no such file of it (OBJECT_NOT_FOUND)."},
        {
            409: "The export is not done (EXPORT_NOT_DONE), its files were removed"
            " (EXPORT_EXPIRED), or the stored file is not the one made (EXPORT_FILE_ALTERED)."
        },
    )
    @blp.reads_headers(REASON_FOR_CHANGE)
    @blp.response(
        200,
        {"type": "string", "format": "binary"},
        content_type="application/octet-stream",
        description="The file as stored",
    )
    def get(self, export_uuid, file_uuid):
        """Download a file of a run (its requester, or a holder of exports.download): the
        stored bytes, checked against their SHA-256; each download is audited."""
        made = services.export_file(services.get_export(current_study(), export_uuid), file_uuid)
        return Response(
            services.checked_content(made),
            mimetype=made.content_type,
            headers={"Content-Disposition": f'attachment; filename="{made.name}"'},
        )
