"""Consent documents of the study named by the Study-Uuid header, and their versions:
drafts edited, published (then immutable, and the subjects who signed an older version
asked again), archived."""

from __future__ import annotations

from typing import Any

from datacapt.toolkit import ApiView, Blueprint, current_study, paginate
from plugins.econsent import permissions, reconsent
from plugins.econsent.documents import services
from plugins.econsent.documents.changes import changes
from plugins.econsent.documents.models import ConsentDocument, ConsentVersion
from plugins.econsent.documents.schemas import (
    ConsentChangesSchema,
    ConsentDocumentReadSchema,
    ConsentDocumentUpdateSchema,
    ConsentDocumentWriteSchema,
    ConsentPublicationSchema,
    ConsentVersionReadSchema,
    ConsentVersionWriteSchema,
)

INVALID = {422: "The version has problems; details.problems lists them (CONSENT_VERSION_INVALID)."}
NOT_DRAFT = {409: "The version is published: it no longer changes (CONSENT_VERSION_NOT_DRAFT)."}

blp = Blueprint(
    "econsent_documents",
    __name__,
    url_prefix="/api/econsent/documents",
    description="eConsent: consent documents and their versions",
)


def _document(document_uuid: Any) -> ConsentDocument:
    return services.get_document(current_study(), document_uuid)


def _version(document_uuid: Any, number: int) -> ConsentVersion:
    return services.get_version(_document(document_uuid), number)


@blp.route("/")
class Documents(ApiView):
    permissions_registry = {"GET": permissions.ACCESS, "POST": permissions.MANAGE_DOCUMENTS}

    @blp.response(200, ConsentDocumentReadSchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters):
        """The study's consent documents, with their versions."""
        return paginate(services.list_documents(current_study()), pagination_parameters)

    @blp.arguments(ConsentDocumentWriteSchema)
    @blp.errors({409: "Another document of the study has this code (CONFLICT)."}, INVALID)
    @blp.response(201, ConsentDocumentReadSchema)
    def post(self, data):
        """A document with its first version, a draft: a form of the engine (docs/forms.md)
        in its languages, its comprehension answers, optional parts and signers."""
        return services.create_document(current_study(), data)


@blp.route("/<uuid:document_uuid>")
class DocumentDetail(ApiView):
    permissions_registry = {"GET": permissions.ACCESS, "PATCH": permissions.MANAGE_DOCUMENTS}

    @blp.response(200, ConsentDocumentReadSchema)
    def get(self, document_uuid):
        return _document(document_uuid)

    @blp.arguments(ConsentDocumentUpdateSchema)
    @blp.response(200, ConsentDocumentReadSchema)
    def patch(self, data, document_uuid):
        """Rename the document (its code stays)."""
        return services.rename_document(_document(document_uuid), data["title"])


@blp.route("/<uuid:document_uuid>/versions/")
class Versions(ApiView):
    permissions_registry = {"POST": permissions.MANAGE_DOCUMENTS}

    @blp.arguments(ConsentVersionWriteSchema)
    @blp.errors({409: "A draft version exists: change it (CONSENT_DRAFT_EXISTS)."}, INVALID)
    @blp.response(201, ConsentVersionReadSchema)
    def post(self, data, document_uuid):
        """The document's next version, a draft."""
        return services.new_version(current_study(), _document(document_uuid), data)


@blp.route("/<uuid:document_uuid>/versions/<int:number>")
class VersionDetail(ApiView):
    permissions_registry = {
        "GET": permissions.ACCESS,
        "PUT": permissions.MANAGE_DOCUMENTS,
        "DELETE": permissions.MANAGE_DOCUMENTS,
    }

    @blp.response(200, ConsentVersionReadSchema)
    def get(self, document_uuid, number):
        return _version(document_uuid, number)

    @blp.arguments(ConsentVersionWriteSchema)
    @blp.errors(NOT_DRAFT, INVALID)
    @blp.response(200, ConsentVersionReadSchema)
    def put(self, data, document_uuid, number):
        """Replace a draft's content whole."""
        return services.save_version(current_study(), _version(document_uuid, number), data)

    @blp.errors(NOT_DRAFT)
    @blp.response(204)
    def delete(self, document_uuid, number):
        """Drop a draft (the document with it when it is the only version)."""
        services.delete_version(_version(document_uuid, number))


@blp.route("/<uuid:document_uuid>/versions/<int:number>/changes")
class VersionChanges(ApiView):
    permissions_registry = {"GET": permissions.ACCESS}

    @blp.response(200, ConsentChangesSchema)
    def get(self, document_uuid, number):
        """What the version changes from the one published before it (a diff per
        language of the text shown)."""
        version = _version(document_uuid, number)
        return changes(services.latest_before(version), version)


@blp.route("/<uuid:document_uuid>/versions/<int:number>/publication")
class VersionPublication(ApiView):
    permissions_registry = {"POST": permissions.PUBLISH}

    @blp.errors(NOT_DRAFT)
    @blp.response(200, ConsentPublicationSchema)
    def post(self, document_uuid, number):
        """Publish the draft: it never changes again and supersedes the version before.
        The subjects who signed an older version, at the centers it applies to, are asked
        to sign it (by email where they have one, else at their next visit) and listed,
        with what changed."""
        return reconsent.publish(_version(document_uuid, number))


@blp.route("/<uuid:document_uuid>/versions/<int:number>/archival")
class VersionArchival(ApiView):
    permissions_registry = {"POST": permissions.PUBLISH}

    @blp.errors({409: "A draft is deleted, not archived (CONSENT_VERSION_NOT_DRAFT)."})
    @blp.response(200, ConsentVersionReadSchema)
    def post(self, document_uuid, number):
        """Archive a published or superseded version: no longer asked for."""
        return services.archive(_version(document_uuid, number))
