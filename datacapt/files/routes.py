"""POST /api/files/ (multipart upload) and GET /api/files/<uuid> (download)."""

from __future__ import annotations

import marshmallow as ma
from flask import request, send_file

from datacapt.api.blueprint import Blueprint
from datacapt.api.views import ApiView
from datacapt.files import services
from datacapt.identity.principal import current_principal
from datacapt.permissions.registry import FILES_ACCESS, FILES_ADD

blp = Blueprint("files", __name__, url_prefix="/api/files", description="Uploaded files")


class StoredFileReadSchema(ma.Schema):
    uuid = ma.fields.UUID()
    name = ma.fields.String()
    content_type = ma.fields.String()
    size = ma.fields.Integer()
    sha256 = ma.fields.String()
    created_at = ma.fields.AwareDateTime()


@blp.route("/")
class Files(ApiView):
    REQUIRES_STUDY = False
    permissions_registry = {"POST": FILES_ADD}

    @blp.errors(
        {
            422: "The upload is missing, too large, of a type not accepted, or its content "
            "does not match its type (FILE_REFUSED)."
        }
    )
    @blp.response(201, StoredFileReadSchema)
    def post(self):
        """Upload one file (multipart field `file`); its id is what a file question takes."""
        return services.store(request.files.get("file"))


@blp.route("/<uuid:file_uuid>")
class FileDetail(ApiView):
    REQUIRES_STUDY = False
    permissions_registry = {"GET": FILES_ACCESS}

    @blp.response(
        200,
        {"type": "string", "format": "binary"},
        content_type="application/octet-stream",
        description="The file's content (with its own Content-Type)",
    )
    def get(self, file_uuid):
        """The content, to a caller who may see it (a file of study data: where that data is)."""
        stored = services.get_visible_file(current_principal(), file_uuid)
        return send_file(
            services.path_of(stored),
            mimetype=stored.content_type,
            as_attachment=True,
            download_name=stored.name,
        )
