"""The tenant's catalogue (platform role, no study): products, their documents and
formula versions, batches with their certificates and record, and imports. The catalogue
never says which study uses a product under which blinding code: that is a study's
(study_routes.py)."""

from __future__ import annotations

from typing import Any

from flask import request

from datacapt.toolkit import (
    ETAG_HEADER,
    IF_MATCH,
    REASON_FOR_CHANGE,
    ApiView,
    Blueprint,
    Message,
    invalid,
    paginate,
)
from plugins.product_database import batches, catalogue, formulas, imports, permissions
from plugins.product_database.errors import ProductCodes
from plugins.product_database.models import FormulaVersion
from plugins.product_database.schemas import (
    AttachmentReadSchema,
    AttachmentWriteSchema,
    BatchReadSchema,
    BatchRecordSchema,
    BatchSearchSchema,
    BatchStatusWriteSchema,
    BatchUpdateSchema,
    BatchWriteSchema,
    FormulaCreateSchema,
    FormulaReadSchema,
    FormulaWriteSchema,
    ImportReadSchema,
    ProductReadSchema,
    ProductSearchSchema,
    ProductUpdateSchema,
    ProductWriteSchema,
)

# A list without filters still reads the page parameters (datacapt's paginate).
PAGE_REFUSED = {422: "The page parameters are refused (VALIDATION_FAILED)."}
CODE_TAKEN = {409: "Another product has the code (PRODUCT_CODE_TAKEN)."}
ATTACHMENT = {
    422: "No upload has this id (ATTACHMENT_INVALID).",
    409: "The file is attached already (ATTACHMENT_INVALID).",
}
NOT_DRAFT = {409: "The version is not a draft (FORMULA_NOT_DRAFT)."}
FORMULA_INVALID = {422: "Percentages, CAS numbers or INCI names are refused (FORMULA_INVALID)."}
BATCH_INVALID = {
    422: "Dates out of order, a quantity without unit, no such approved formula (BATCH_INVALID),"
    " or a reason is missing (REASON_FOR_CHANGE_REQUIRED)."
}
NUMBER_TAKEN = {409: "The product has a batch of this number (BATCH_NUMBER_TAKEN)."}
BAD_FILE = {
    422: "The file is unreadable, lacks a column or has bad rows; details.problems lists"
    " them (CATALOGUE_IMPORT_INVALID)."
}

blp = Blueprint(
    "products",
    __name__,
    url_prefix="/api/products",
    description="The product database: the tenant's products, formulas and batches",
)


def _upload() -> bytes:
    upload = request.files.get("file")
    if upload is None:
        raise invalid(
            ProductCodes.CATALOGUE_IMPORT_INVALID,
            Message("Send the file in the multipart field file."),
            field="file",
        )
    return upload.read()


def _with_etag(version: FormulaVersion, status: int = 200) -> tuple[Any, int, dict[str, str]]:
    return version, status, {"ETag": formulas.etag(version)}


class CatalogueView(ApiView):
    REQUIRES_STUDY = False


@blp.route("/")
class Products(CatalogueView):
    permissions_registry = {"GET": permissions.ACCESS, "POST": permissions.MANAGE}

    @blp.arguments(ProductSearchSchema, location="query")
    @blp.response(200, ProductReadSchema(many=True))
    @blp.paginate()
    def get(self, filters, pagination_parameters):
        """The tenant's products by name; filters: kind, search (name, code, manufacturer)."""
        return paginate(catalogue.list_products(filters), pagination_parameters)

    @blp.arguments(ProductWriteSchema)
    @blp.errors(CODE_TAKEN)
    @blp.response(201, ProductReadSchema)
    def post(self, data):
        return catalogue.create_product(data)


@blp.route("/<uuid:product_uuid>")
class ProductDetail(CatalogueView):
    permissions_registry = {"GET": permissions.ACCESS, "PATCH": permissions.MANAGE}

    @blp.response(200, ProductReadSchema)
    def get(self, product_uuid):
        return catalogue.get_product(product_uuid)

    @blp.arguments(ProductUpdateSchema)
    @blp.errors(CODE_TAKEN)
    @blp.response(200, ProductReadSchema)
    def patch(self, data, product_uuid):
        return catalogue.update_product(catalogue.get_product(product_uuid, lock=True), data)


@blp.route("/<uuid:product_uuid>/documents")
class ProductDocuments(CatalogueView):
    permissions_registry = {"POST": permissions.MANAGE}

    @blp.arguments(AttachmentWriteSchema)
    @blp.errors(ATTACHMENT)
    @blp.response(201, AttachmentReadSchema)
    def post(self, data, product_uuid):
        """Attach an upload (POST /api/files/ first) to the product."""
        product = catalogue.get_product(product_uuid, lock=True)
        return catalogue.attach_document(product, data["file"], data["title"])


@blp.route("/imports")
class ProductImports(CatalogueView):
    permissions_registry = {"POST": permissions.MANAGE}

    @blp.errors(BAD_FILE)
    @blp.response(201, ImportReadSchema)
    def post(self):
        """Import products (multipart ``file``, CSV or XLSX: code, name, kind, and
        manufacturer, description): checked whole, nothing kept of a file with a problem."""
        products = imports.import_products(_upload())
        return {"imported": len(products), "uuids": [product.uuid for product in products]}


@blp.route("/<uuid:product_uuid>/formulas/")
class Formulas(CatalogueView):
    permissions_registry = {"GET": permissions.ACCESS, "POST": permissions.MANAGE}

    @blp.errors(PAGE_REFUSED)
    @blp.response(200, FormulaReadSchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters, product_uuid):
        """The product's formula versions, newest first."""
        product = catalogue.get_product(product_uuid)
        return paginate(formulas.list_versions(product), pagination_parameters)

    @blp.arguments(FormulaCreateSchema)
    @blp.errors(
        FORMULA_INVALID,
        {
            409: "The product has a draft (FORMULA_DRAFT_EXISTS) or is a device"
            " (FORMULA_NOT_APPLICABLE)."
        },
    )
    @blp.response(201, FormulaReadSchema, headers=ETAG_HEADER)
    def post(self, data, product_uuid):
        """A new draft version: the ingredients given, else those of the latest version."""
        product = catalogue.get_product(product_uuid, lock=True)
        return _with_etag(formulas.create_draft(product, data), 201)


@blp.route("/<uuid:product_uuid>/formulas/<int:number>")
class FormulaDetail(CatalogueView):
    permissions_registry = {"GET": permissions.ACCESS, "PUT": permissions.MANAGE}

    @blp.response(200, FormulaReadSchema, headers=ETAG_HEADER)
    def get(self, product_uuid, number):
        """A version, with its ETag (what a save or an approval sends back in If-Match)."""
        return _with_etag(formulas.get_version(catalogue.get_product(product_uuid), number))

    @blp.arguments(FormulaWriteSchema)
    @blp.reads_headers(IF_MATCH)
    @blp.errors(NOT_DRAFT, FORMULA_INVALID)
    @blp.response(200, FormulaReadSchema, headers=ETAG_HEADER)
    def put(self, data, product_uuid, number):
        """Save the draft whole (its ingredients in their order), based on the revision
        read (If-Match)."""
        product = catalogue.get_product(product_uuid, lock=True)
        return _with_etag(formulas.save_draft(formulas.get_version(product, number), data))


@blp.route("/<uuid:product_uuid>/formulas/<int:number>/approve")
class FormulaApproval(CatalogueView):
    permissions_registry = {"POST": permissions.APPROVE_FORMULAS}

    @blp.reads_headers(IF_MATCH)
    @blp.errors(
        NOT_DRAFT,
        {
            409: "The formula is not whole: no ingredient, or percentages that do not add up"
            " to 100 % and no q.s. ingredient (FORMULA_NOT_APPROVABLE)."
        },
    )
    @blp.response(200, FormulaReadSchema, headers=ETAG_HEADER)
    def post(self, product_uuid, number):
        """Approve the draft as read (If-Match): immutable from now; the version approved
        before retires."""
        product = catalogue.get_product(product_uuid, lock=True)
        return _with_etag(formulas.approve(product, formulas.get_version(product, number)))


@blp.route("/<uuid:product_uuid>/formulas/<int:number>/retire")
class FormulaRetirement(CatalogueView):
    permissions_registry = {"POST": permissions.APPROVE_FORMULAS}

    @blp.errors({409: "Only an approved version retires (ILLEGAL_STATUS_TRANSITION)."})
    @blp.response(200, FormulaReadSchema)
    def post(self, product_uuid, number):
        """No new batch is made of it."""
        product = catalogue.get_product(product_uuid, lock=True)
        return formulas.retire(formulas.get_version(product, number))


@blp.route("/batches/")
class Batches(CatalogueView):
    permissions_registry = {"GET": permissions.BATCHES_ACCESS, "POST": permissions.MANAGE_BATCHES}

    @blp.arguments(BatchSearchSchema, location="query")
    @blp.response(200, BatchReadSchema(many=True))
    @blp.paginate()
    def get(self, filters, pagination_parameters):
        """The tenant's batches by number; filters: product, status, search (number)."""
        return paginate(batches.list_batches(filters), pagination_parameters)

    @blp.arguments(BatchWriteSchema)
    @blp.reads_headers(REASON_FOR_CHANGE)
    @blp.errors(BATCH_INVALID, NUMBER_TAKEN)
    @blp.response(201, BatchReadSchema)
    def post(self, data):
        """A new batch of a product, in quarantine until released."""
        product = catalogue.get_product(data["product"], lock=True)
        return batches.create_batch(product, data)


@blp.route("/batches/<uuid:batch_uuid>")
class BatchDetail(CatalogueView):
    permissions_registry = {"GET": permissions.BATCHES_ACCESS, "PATCH": permissions.MANAGE_BATCHES}

    @blp.response(200, BatchRecordSchema)
    def get(self, batch_uuid):
        """The batch's record: its certificates, its status history and the studies that
        use its product (where a recall must reach)."""
        return batches.get_batch(batch_uuid)

    @blp.arguments(BatchUpdateSchema)
    @blp.reads_headers(REASON_FOR_CHANGE)
    @blp.errors(BATCH_INVALID, NUMBER_TAKEN)
    @blp.response(200, BatchReadSchema)
    def patch(self, data, batch_uuid):
        """Correct the batch's details, with a reason."""
        return batches.update_batch(batches.get_batch(batch_uuid, lock=True), data)


@blp.route("/batches/<uuid:batch_uuid>/status")
class BatchTransition(CatalogueView):
    permissions_registry = {"POST": permissions.RELEASE_BATCHES}

    @blp.arguments(BatchStatusWriteSchema)
    @blp.reads_headers(REASON_FOR_CHANGE)
    @blp.errors(
        {
            409: "The batch cannot go to this status (ILLEGAL_STATUS_TRANSITION), or is past"
            " its expiry date (BATCH_EXPIRED)."
        },
        {422: "Quarantine and recall need a reason (REASON_FOR_CHANGE_REQUIRED)."},
    )
    @blp.response(200, BatchReadSchema)
    def post(self, data, batch_uuid):
        """Release the batch, move it back to quarantine or recall it."""
        return batches.change_status(batches.get_batch(batch_uuid, lock=True), data["status"])


@blp.route("/batches/<uuid:batch_uuid>/certificates")
class BatchCertificates(CatalogueView):
    permissions_registry = {"POST": permissions.MANAGE_BATCHES}

    @blp.arguments(AttachmentWriteSchema)
    @blp.errors(ATTACHMENT)
    @blp.response(201, AttachmentReadSchema)
    def post(self, data, batch_uuid):
        """Attach a certificate (an upload, POST /api/files/ first) to the batch."""
        batch = batches.get_batch(batch_uuid, lock=True)
        return batches.attach_certificate(batch, data["file"], data["title"])


@blp.route("/batches/imports")
class BatchImports(CatalogueView):
    permissions_registry = {"POST": permissions.MANAGE_BATCHES}

    @blp.errors(BAD_FILE)
    @blp.response(201, ImportReadSchema)
    def post(self):
        """Import batches (multipart ``file``, CSV or XLSX: product (its code), number, and
        expiry_date, manufacture_date, formula_version, period_after_opening_days,
        storage_conditions, quantity, unit): checked whole, each in quarantine."""
        created = imports.import_batches(_upload())
        return {"imported": len(created), "uuids": [batch.uuid for batch in created]}
