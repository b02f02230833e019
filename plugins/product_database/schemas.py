"""Schemas of the product database's API. Where a study is blinded, what tells which
product a blinding code stands for (the product, its batches) is a blinded field: ``null``
to callers without products.view_blinded."""

from __future__ import annotations

import decimal
from typing import Any

import marshmallow as ma

from datacapt.toolkit import Blinding, BlindingSchema, ReasonForChangeSchema, blinded
from plugins.product_database.batches import of_product, studies_of
from plugins.product_database.formulas import quantum_satis_share, total
from plugins.product_database.models import BatchStatus, FormulaStatus, ProductKind
from plugins.product_database.permissions import PRODUCT
from plugins.product_database.study_products import is_blinded


def _text(length: int, **options: Any) -> ma.fields.String:
    return ma.fields.String(validate=ma.validate.Length(min=1, max=length), **options)


def _places(places: int):
    """A Decimal of at most ``places`` decimal places (kept as sent, never rounded)."""

    def check(value: decimal.Decimal) -> None:
        exponent = value.as_tuple().exponent
        if isinstance(exponent, int) and exponent < -places:
            raise ma.ValidationError(f"At most {places} decimal places.")

    return check


def _optional_text(length: int) -> ma.fields.String:
    return ma.fields.String(allow_none=True, validate=ma.validate.Length(max=length))


class SearchSchema(ma.Schema):
    search = ma.fields.String(validate=ma.validate.Length(min=1, max=200))


class ProductSearchSchema(SearchSchema):
    kind = ma.fields.String(validate=ma.validate.OneOf(list(ProductKind)))


class ProductUpdateSchema(ma.Schema):
    """What is sent changes; the rest stays."""

    code = _text(60, metadata={"description": "The tenant's reference"})
    name = _text(200)
    kind = ma.fields.String(validate=ma.validate.OneOf(list(ProductKind)))
    manufacturer = _optional_text(200)
    description = _optional_text(10_000)


class ProductWriteSchema(ProductUpdateSchema):
    code = _text(60, required=True, metadata={"description": "The tenant's reference"})
    name = _text(200, required=True)
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(list(ProductKind)))


class AttachmentWriteSchema(ma.Schema):
    file = ma.fields.UUID(
        required=True, metadata={"description": "An upload's id (POST /api/files/)"}
    )
    title = _text(200, required=True)


class AttachmentReadSchema(ma.Schema):
    uuid = ma.fields.UUID()
    file = ma.fields.UUID(attribute="file_uuid")
    title = ma.fields.String()
    created_at = ma.fields.AwareDateTime()


class ProductSummarySchema(ma.Schema):
    uuid = ma.fields.UUID()
    code = ma.fields.String(allow_none=True)
    name = ma.fields.String()
    kind = ma.fields.String(metadata={"enum": list(ProductKind)})
    manufacturer = ma.fields.String(allow_none=True)


class ProductReadSchema(ProductSummarySchema):
    description = ma.fields.String(allow_none=True)
    documents = ma.fields.List(ma.fields.Nested(AttachmentReadSchema))
    created_at = ma.fields.AwareDateTime()
    modified_at = ma.fields.AwareDateTime()


class IngredientSchema(ma.Schema):
    inci_name = _text(200, required=True)
    cas_number = ma.fields.String(
        allow_none=True,
        validate=ma.validate.Length(max=12),
        metadata={"description": "Checked with its check digit (7732-18-5)"},
    )
    percentage = ma.fields.Decimal(
        allow_none=True,
        as_string=True,
        allow_nan=False,
        metadata={"description": "% w/w, above 0 and at most 100, 4 decimal places"},
    )
    quantum_satis = ma.fields.Boolean(
        load_default=False, metadata={"description": "q.s.: makes up the rest to 100 %"}
    )


class FormulaWriteSchema(ma.Schema):
    ingredients = ma.fields.List(
        ma.fields.Nested(IngredientSchema), required=True, validate=ma.validate.Length(max=200)
    )
    notes = _optional_text(10_000)


class FormulaCreateSchema(FormulaWriteSchema):
    ingredients = ma.fields.List(
        ma.fields.Nested(IngredientSchema),
        validate=ma.validate.Length(max=200),
        metadata={"description": "Left out: those of the latest version"},
    )


class FormulaReadSchema(ma.Schema):
    number = ma.fields.Integer()
    status = ma.fields.String(metadata={"enum": list(FormulaStatus)})
    notes = ma.fields.String(allow_none=True)
    ingredients = ma.fields.List(ma.fields.Nested(IngredientSchema))
    total = ma.fields.Method(
        "_total", metadata={"type": "string", "description": "Sum of the percentages given"}
    )
    quantum_satis_percentage = ma.fields.Method(
        "_quantum_satis",
        allow_none=True,
        metadata={"type": "string", "description": "What the q.s. ingredient makes up"},
    )
    approved_by = ma.fields.Function(
        lambda version: version.approved_by.email if version.approved_by else None,
        allow_none=True,
    )
    approved_at = ma.fields.AwareDateTime(allow_none=True)
    retired_at = ma.fields.AwareDateTime(allow_none=True)
    created_at = ma.fields.AwareDateTime()

    def _total(self, version: Any) -> str:
        return str(total(version.ingredients))

    def _quantum_satis(self, version: Any) -> str | None:
        share = quantum_satis_share(version)
        return None if share is None else str(share)


class BatchSearchSchema(SearchSchema):
    product = ma.fields.UUID()
    status = ma.fields.String(validate=ma.validate.OneOf(list(BatchStatus)))


class BatchDetailsSchema(ma.Schema):
    number = _text(60)
    expiry_date = ma.fields.Date(allow_none=True)
    manufacture_date = ma.fields.Date(allow_none=True)
    period_after_opening_days = ma.fields.Integer(
        allow_none=True, validate=ma.validate.Range(min=0, max=36_500)
    )
    storage_conditions = _optional_text(500)
    quantity = ma.fields.Decimal(
        allow_none=True,
        as_string=True,
        allow_nan=False,
        validate=[ma.validate.Range(min=0, max=10**11, max_inclusive=False), _places(3)],
    )
    unit = _optional_text(20)


class BatchWriteSchema(BatchDetailsSchema, ReasonForChangeSchema):
    number = _text(60, required=True)
    product = ma.fields.UUID(required=True)
    formula_version = ma.fields.Integer(
        allow_none=True, metadata={"description": "The number of an approved formula version"}
    )


class BatchUpdateSchema(BatchDetailsSchema, ReasonForChangeSchema):
    """What is sent changes; the rest stays."""


class BatchStatusWriteSchema(ReasonForChangeSchema):
    status = ma.fields.String(
        required=True,
        validate=ma.validate.OneOf(
            [BatchStatus.RELEASED, BatchStatus.QUARANTINE, BatchStatus.RECALLED]
        ),
        metadata={"description": "Expiry is the platform's: past its date a batch expires"},
    )


class BatchReadSchema(BatchDetailsSchema):
    uuid = ma.fields.UUID()
    product = ma.fields.Nested(ProductSummarySchema)
    status = ma.fields.String(metadata={"enum": list(BatchStatus)})
    formula_version = ma.fields.Function(
        lambda batch: batch.formula_version.number if batch.formula_version else None,
        allow_none=True,
    )
    created_at = ma.fields.AwareDateTime()
    modified_at = ma.fields.AwareDateTime()


class StatusChangeReadSchema(ma.Schema):
    from_status = ma.fields.String(allow_none=True)
    to_status = ma.fields.String()
    reason = ma.fields.String(allow_none=True)
    changed_by = ma.fields.Function(
        lambda change: change.changed_by.email if change.changed_by else None, allow_none=True
    )
    changed_at = ma.fields.AwareDateTime(attribute="created_at")


class StudySummarySchema(ma.Schema):
    uuid = ma.fields.UUID()
    reference = ma.fields.String()
    name = ma.fields.String()


class BatchRecordSchema(BatchReadSchema):
    """A batch with its certificates, its status history and the studies using it."""

    certificates = ma.fields.List(ma.fields.Nested(AttachmentReadSchema))
    history = ma.fields.List(ma.fields.Nested(StatusChangeReadSchema))
    studies = ma.fields.Function(
        lambda batch: StudySummarySchema(many=True).dump(studies_of(batch)),
        metadata={"type": "array", "items": {"type": "object"}},
    )


class ImportReadSchema(ma.Schema):
    imported = ma.fields.Integer()
    uuids = ma.fields.List(ma.fields.UUID())


class StudyProductWriteSchema(ma.Schema):
    product = ma.fields.UUID(required=True)
    blinding_code = ma.fields.String(
        allow_none=True,
        load_default=None,
        validate=ma.validate.Length(min=1, max=40),
        metadata={"description": "Required in a blinded study, refused in an open one"},
    )


class StudyProductUpdateSchema(ReasonForChangeSchema):
    blinding_code = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=40))


class StudyBatchSchema(ma.Schema):
    uuid = ma.fields.UUID()
    number = ma.fields.String()
    status = ma.fields.String(metadata={"enum": list(BatchStatus)})
    expiry_date = ma.fields.Date(allow_none=True)


class StudyProductReadSchema(BlindingSchema):
    """The product and its batches are null to blinded callers where the study is blinded."""

    uuid = ma.fields.UUID()
    blinding_code = ma.fields.String(allow_none=True)
    under_code = ma.fields.Function(
        is_blinded,
        data_key="blinded",
        metadata={"type": "boolean", "description": "The study is blinded: the code hides it"},
    )
    product = blinded(ma.fields.Nested(ProductSummarySchema, allow_none=True), PRODUCT)
    created_at = ma.fields.AwareDateTime()

    def reveals(self, kind: Blinding, obj: Any) -> bool:
        return not is_blinded(obj) or super().reveals(kind, obj)


class StudyProductDetailSchema(StudyProductReadSchema):
    batches = blinded(
        ma.fields.Function(
            lambda study_product: StudyBatchSchema(many=True).dump(
                of_product(study_product.product_id)
            ),
            allow_none=True,
            metadata={"type": "array", "items": {"type": "object"}},
        ),
        PRODUCT,
    )
