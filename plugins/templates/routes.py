"""The tenant's library of templates (platform role, no study): browse, add, version,
the uses of a template in one's studies, export and import as a JSON file; and, in the
study of the Study-Uuid header, a piece saved as a template, a template inserted, what the
study uses."""

from __future__ import annotations

from flask import request

from datacapt.toolkit import IF_MATCH, ApiView, Blueprint, Message, current_study, invalid, paginate
from plugins.templates import kinds, permissions, services, transfer
from plugins.templates.errors import TemplatesCodes
from plugins.templates.schemas import (
    TemplateDetailSchema,
    TemplateExportReadSchema,
    TemplateExportWriteSchema,
    TemplateFileFormatSchema,
    TemplateImportReadSchema,
    TemplateInsertionWriteSchema,
    TemplateReadSchema,
    TemplateSearchSchema,
    TemplateStudySaveSchema,
    TemplateUpdateSchema,
    TemplateUseReadSchema,
    TemplateUseSearchSchema,
    TemplateVersionReadSchema,
    TemplateVersionWriteSchema,
    TemplateWriteSchema,
)

PAGE_REFUSED = {422: "The page parameters are refused (VALIDATION_FAILED)."}
CONTENT_INVALID = {
    422: "The content does not validate; details.problems lists every problem with its path "
    "(TEMPLATE_CONTENT_INVALID)."
}
NOT_INSERTABLE = {
    409: "This kind is not taken from or put into a study here: a message template, or its "
    "module is not enabled (TEMPLATE_NOT_INSERTABLE)."
}

blp = Blueprint(
    "templates",
    __name__,
    url_prefix="/api/templates",
    description="Templates: the tenant's library of reusable pieces, and their uses in studies",
)


class LibraryView(ApiView):
    REQUIRES_STUDY = False


@blp.route("/")
class Templates(LibraryView):
    permissions_registry = {"GET": permissions.ACCESS, "POST": permissions.MANAGE}

    @blp.arguments(TemplateSearchSchema, location="query")
    @blp.response(200, TemplateReadSchema(many=True))
    @blp.paginate()
    def get(self, filters, pagination_parameters):
        """The library by name; filters: kind, tag, search (name, description)."""
        return paginate(services.list_templates(filters), pagination_parameters)

    @blp.arguments(TemplateWriteSchema)
    @blp.errors(CONTENT_INVALID)
    @blp.response(201, TemplateDetailSchema)
    def post(self, data):
        """A template with its first version."""
        return services.create_template(data, kinds.checked_content(data["kind"], data["content"]))


@blp.route("/<uuid:template_uuid>")
class TemplateDetail(LibraryView):
    permissions_registry = {"GET": permissions.ACCESS, "PATCH": permissions.MANAGE}

    @blp.response(200, TemplateDetailSchema)
    def get(self, template_uuid):
        """The template with its versions (their content: each version's read)."""
        return services.get_template(template_uuid)

    @blp.arguments(TemplateUpdateSchema)
    @blp.response(200, TemplateDetailSchema)
    def patch(self, data, template_uuid):
        """Rename it, describe it, tag it (its versions never change)."""
        return services.update_template(services.get_template(template_uuid, lock=True), data)


@blp.route("/<uuid:template_uuid>/versions/")
class TemplateVersions(LibraryView):
    permissions_registry = {"POST": permissions.MANAGE}

    @blp.arguments(TemplateVersionWriteSchema)
    @blp.errors(CONTENT_INVALID)
    @blp.response(201, TemplateVersionReadSchema)
    def post(self, data, template_uuid):
        """The template's next version."""
        template = services.get_template(template_uuid, lock=True)
        content = kinds.checked_content(template.kind, data["content"])
        return services.add_version(template, content, data["note"])


@blp.route("/<uuid:template_uuid>/versions/<int:number>")
class TemplateVersionDetail(LibraryView):
    permissions_registry = {"GET": permissions.ACCESS}

    @blp.response(200, TemplateVersionReadSchema)
    def get(self, template_uuid, number):
        return services.get_version(services.get_template(template_uuid), number)


@blp.route("/<uuid:template_uuid>/uses")
class TemplateUses(LibraryView):
    permissions_registry = {"GET": permissions.ACCESS}

    @blp.arguments(TemplateUseSearchSchema, location="query")
    @blp.response(200, TemplateUseReadSchema(many=True))
    @blp.paginate()
    def get(self, filters, pagination_parameters, template_uuid):
        """The outdated-use report: the studies (where the caller reads templates) using a
        copy of the template, oldest versions first, each outdated one with the difference
        from its version to the latest; filter: outdated."""
        template = services.get_template(template_uuid)
        uses = paginate(
            services.uses_of(template, bool(filters.get("outdated"))), pagination_parameters
        )
        latest = services.get_version(template)
        return [services.use_report(use, latest) for use in uses]


@blp.route("/export")
class TemplatesExport(LibraryView):
    permissions_registry = {"POST": permissions.ACCESS}

    @blp.arguments(TemplateExportWriteSchema)
    @blp.response(200, TemplateExportReadSchema)
    def post(self, data):
        """The templates file (format of GET /file-format) of these templates, every
        version of each."""
        return transfer.export(data["templates"])


@blp.route("/import")
class TemplatesImport(LibraryView):
    permissions_registry = {"POST": permissions.MANAGE}

    @blp.errors(
        {
            422: "The file is not a valid templates file; details.problems lists every "
            "problem with its path, details.count how many (TEMPLATE_FILE_INVALID)."
        }
    )
    @blp.response(201, TemplateImportReadSchema)
    def post(self):
        """Import a templates file (multipart ``file``): checked whole, nothing kept of a
        file with a problem; a template held already gets the versions it lacks."""
        upload = request.files.get("file")
        if upload is None:
            raise invalid(
                TemplatesCodes.TEMPLATE_FILE_INVALID,
                Message("Send the file in the multipart field file."),
                field="file",
            )
        return transfer.import_file(upload.read())


@blp.route("/file-format")
class TemplatesFileFormat(LibraryView):
    permissions_registry = {"GET": permissions.ACCESS}

    @blp.response(200, TemplateFileFormatSchema)
    def get(self):
        """The JSON Schema of a templates file."""
        return transfer.FILE_SCHEMA


@blp.route("/from-study")
class StudyPieces(ApiView):
    permissions_registry = {"POST": permissions.SAVE}

    @blp.arguments(TemplateStudySaveSchema)
    @blp.errors(
        CONTENT_INVALID,
        NOT_INSERTABLE,
        {422: "No piece named where one is needed (TEMPLATE_TARGET_INVALID)."},
    )
    @blp.response(201, TemplateVersionReadSchema)
    def post(self, data):
        """Save one of the study's pieces into the library: a new template, or the next
        version of one (``template``)."""
        return services.save_from_study(current_study(), data)


@blp.route("/insertions")
class Insertions(ApiView):
    permissions_registry = {"GET": permissions.INSERT, "POST": permissions.INSERT}

    @blp.errors(PAGE_REFUSED)
    @blp.response(200, TemplateUseReadSchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters):
        """The templates the study uses, newest first, each outdated one with its
        difference."""
        uses = paginate(services.study_uses(current_study()), pagination_parameters)
        return [services.use_report(use) for use in uses]

    @blp.arguments(TemplateInsertionWriteSchema)
    @blp.reads_headers(IF_MATCH)
    @blp.errors(
        NOT_INSERTABLE,
        {
            422: "The section or subsection is missing or not in the eCRF, or the position "
            "is beyond the last (TEMPLATE_TARGET_INVALID)."
        },
        {409: "A whole design goes only into an empty eCRF (TEMPLATE_TARGET_INVALID)."},
        {
            422: "The design with the copy has problems, such as a question code used twice "
            "(ECRF_DESIGN_INVALID); a consent version's (CONSENT_VERSION_INVALID)."
        },
        {
            409: "The study ended (ECRF_LOCKED); a questionnaire or document has the code (CONFLICT)."
        },
    )
    @blp.response(201, TemplateUseReadSchema)
    def post(self, data):
        """Insert a copy of a template version into the study, linked to it. An eCRF piece
        is saved into the design read (If-Match: the ETag of GET /api/ecrf/); an ePRO
        questionnaire or a consent document is made new."""
        return services.use_report(services.insert(current_study(), data))
