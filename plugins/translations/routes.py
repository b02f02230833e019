"""The forms of the study named by the Study-Uuid header: each one's completeness by
language, its texts, and its PO file for translators, exported and imported."""

from __future__ import annotations

import uuid

from flask import Response, request

from datacapt.toolkit import (
    ETAG_HEADER,
    IF_MATCH,
    ApiView,
    Blueprint,
    Message,
    current_study,
    invalid,
    paginate,
)
from plugins.translations import permissions, services
from plugins.translations.errors import TranslationsCodes
from plugins.translations.forms import get_form, study_forms
from plugins.translations.schemas import (
    FormCompletenessSchema,
    FormDetailSchema,
    ImportReportSchema,
    LanguageQuerySchema,
)

PO = "text/x-gettext-translation"
BAD_LANGUAGE = {
    422: "The study does not offer the language, or it is its default; details.offered "
    "lists the others (TRANSLATIONS_LANGUAGE_INVALID)."
}

blp = Blueprint(
    "translations",
    __name__,
    url_prefix="/api/translations",
    description="Translations: form texts by language, files for translators",
)


@blp.route("/forms/")
class Forms(ApiView):
    permissions_registry = {"GET": permissions.ACCESS}

    @blp.response(200, FormCompletenessSchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters):
        """The study's forms (its eCRF, its ePRO questionnaires, where enabled) with the
        count of texts translated, missing and stale in each language it offers."""
        study = current_study()
        forms = [services.completeness(study, form) for form in study_forms(study)]
        return paginate(forms, pagination_parameters)


@blp.route("/forms/<string:kind>/<uuid:form_uuid>")
class FormTexts(ApiView):
    permissions_registry = {"GET": permissions.ACCESS}

    @blp.response(200, FormDetailSchema)
    def get(self, kind: str, form_uuid: uuid.UUID):
        """A form's completeness and each of its texts: path, source and translations."""
        study = current_study()
        return services.form_detail(study, get_form(study, kind, form_uuid))


def _upload() -> bytes:
    upload = request.files.get("file")
    if upload is None:
        raise invalid(
            TranslationsCodes.TRANSLATIONS_FILE_INVALID,
            Message("Send the file in the multipart field file."),
            field="file",
        )
    return upload.read(services.MAX_FILE_BYTES + 1)


@blp.route("/forms/<string:kind>/<uuid:form_uuid>/po")
class FormPoFile(ApiView):
    permissions_registry = {"GET": permissions.ACCESS, "POST": permissions.MANAGE}

    @blp.arguments(LanguageQuerySchema, location="query")
    @blp.errors(BAD_LANGUAGE)
    @blp.response(
        200,
        {"type": "string"},
        content_type=PO,
        headers=ETAG_HEADER,
        description="A PO file: the form's texts (msgctxt: path, msgid: source), translated",
    )
    def get(self, query, kind: str, form_uuid: uuid.UUID):
        """The form's texts for translating into a language: stale ones flagged fuzzy (the
        ETag header is the form's version, for If-Match at import)."""
        study = current_study()
        form = get_form(study, kind, form_uuid)
        content = services.export_po(study, form, query["language"])
        return Response(content, mimetype=PO, headers={"ETag": form.etag})

    @blp.arguments(LanguageQuerySchema, location="query")
    @blp.reads_headers(IF_MATCH)
    @blp.errors(
        BAD_LANGUAGE,
        {422: "The file is missing or not a PO file (TRANSLATIONS_FILE_INVALID)."},
        {409: "The form no longer changes: its study ended (ECRF_LOCKED)."},
    )
    @blp.response(200, ImportReportSchema)
    def post(self, query, kind: str, form_uuid: uuid.UUID):
        """Import a translated PO file (multipart field file) into the form, based on the
        version read (If-Match): each translation whose source is still the form's is
        written (audited; a live study's form needs a Reason-For-Change); the report lists
        what was written, unchanged, missing, stale and unknown."""
        study = current_study()
        content = _upload()
        form = get_form(study, kind, form_uuid, for_update=True)
        return services.import_po(study, form, query["language"], content)
