"""The products a study uses (Study-Uuid header). Where the study is blinded, a blinded
caller reads each product's blinding code only: the product and its batches are null."""

from __future__ import annotations

from datacapt.toolkit import REASON_FOR_CHANGE, ApiView, Blueprint, current_study, paginate
from plugins.product_database import catalogue, permissions, study_products
from plugins.product_database.schemas import (
    StudyProductDetailSchema,
    StudyProductReadSchema,
    StudyProductUpdateSchema,
    StudyProductWriteSchema,
)

KEY_FORBIDDEN = {
    403: "Writing a blinding code needs products.view_blinded (BLINDING_KEY_FORBIDDEN)."
}
CODE_TAKEN = {409: "Another product of the study has the code (BLINDING_CODE_TAKEN)."}

blp = Blueprint(
    "product_database",
    __name__,
    url_prefix="/api/product-database",
    description="The products of a study, under their blinding codes where it is blinded",
)


@blp.route("/study-products/")
class StudyProducts(ApiView):
    permissions_registry = {"GET": permissions.ACCESS, "POST": permissions.MANAGE}

    @blp.errors({422: "The page parameters are refused (VALIDATION_FAILED)."})
    @blp.response(200, StudyProductReadSchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters):
        """The study's products by blinding code."""
        return paginate(study_products.list_study_products(current_study()), pagination_parameters)

    @blp.arguments(StudyProductWriteSchema)
    @blp.errors(
        KEY_FORBIDDEN,
        CODE_TAKEN,
        {409: "The study uses the product already (PRODUCT_ALREADY_IN_STUDY)."},
        {
            409: "A code where the study's products have none, or none where they have one"
            " (BLINDING_INCONSISTENT)."
        },
    )
    @blp.response(201, StudyProductDetailSchema)
    def post(self, data):
        """Declare that the study uses a product of the catalogue, under a blinding code
        where the study is blinded (the first product decides: all have a code, or none)."""
        if data["blinding_code"] is not None:
            study_products.ensure_may_write_key()
        product = catalogue.get_product(data["product"])
        return study_products.declare(current_study(), product, data["blinding_code"])


@blp.route("/study-products/<uuid:study_product_uuid>")
class StudyProductDetail(ApiView):
    permissions_registry = {"GET": permissions.ACCESS, "PATCH": permissions.MANAGE}

    @blp.response(200, StudyProductDetailSchema)
    def get(self, study_product_uuid):
        """One of the study's products, with the batches of it."""
        return study_products.get_study_product(current_study(), study_product_uuid)

    @blp.arguments(StudyProductUpdateSchema)
    @blp.reads_headers(REASON_FOR_CHANGE)
    @blp.errors(
        KEY_FORBIDDEN,
        CODE_TAKEN,
        {409: "The study is open: its products have no code (BLINDING_INCONSISTENT)."},
        {422: "A new code needs a reason (REASON_FOR_CHANGE_REQUIRED)."},
    )
    @blp.response(200, StudyProductDetailSchema)
    def patch(self, data, study_product_uuid):
        """Give the product another blinding code (with a reason)."""
        study_products.ensure_may_write_key()
        study = current_study()
        found = study_products.get_study_product(study, study_product_uuid)
        return study_products.change_code(study, found, data["blinding_code"])
