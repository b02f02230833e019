"""What the side_by_side endpoints read and answer."""

from __future__ import annotations

import marshmallow as ma

from datacapt.toolkit import SUPPORTED_LANGUAGES, BlindingSchema, blinded
from plugins.product_database.api import PRODUCT
from plugins.randomizations.api import Environment, SequenceScheme
from plugins.side_by_side.models import Side

CODE = ma.validate.Regexp(r"^[A-Za-z0-9_-]{1,20}$", error="1 to 20 letters, digits, _ or -.")


def _text(length: int, **options) -> ma.fields.String:
    return ma.fields.String(validate=ma.validate.Length(min=1, max=length), **options)


class BodyZoneWriteSchema(ma.Schema):
    code = ma.fields.String(required=True, validate=CODE)
    name = _text(200, required=True)
    body_area = _text(60, required=True, metadata={"description": "forearm, face, back..."})
    side = ma.fields.String(required=True, validate=ma.validate.OneOf(list(Side)))
    position = ma.fields.String(
        load_default=None,
        allow_none=True,
        validate=ma.validate.Length(max=60),
        metadata={"description": "proximal, distal, upper..."},
    )
    zone_set = ma.fields.String(
        required=True, validate=CODE, metadata={"description": "The set of zones a design uses"}
    )
    control = ma.fields.Boolean(
        load_default=False, metadata={"description": "An untreated control zone (one per set)"}
    )


class BodyZoneReadSchema(ma.Schema):
    uuid = ma.fields.UUID()
    code = ma.fields.String()
    name = ma.fields.String()
    body_area = ma.fields.String()
    side = ma.fields.String(metadata={"enum": list(Side)})
    position = ma.fields.String(allow_none=True)
    zone_set = ma.fields.String()
    control = ma.fields.Boolean()


class SplitDesignWriteSchema(ma.Schema):
    code = ma.fields.String(required=True, validate=CODE)
    name = _text(200, required=True)
    scheme = ma.fields.String(
        required=True,
        validate=ma.validate.OneOf(list(SequenceScheme)),
        metadata={"description": "ab_ba (2 products), latin_square, williams"},
    )
    products = ma.fields.List(
        ma.fields.UUID(),
        required=True,
        validate=ma.validate.Length(min=2, max=8),
        metadata={"description": "The study products, as the letters A, B, ... of sequences"},
    )
    zone_set = ma.fields.String(required=True, validate=CODE)


class SplitProductSchema(BlindingSchema):
    letter = ma.fields.Method("_letter")
    code = ma.fields.String(attribute="study_product.blinding_code", allow_none=True)
    study_product = ma.fields.UUID(attribute="study_product.uuid")
    product = blinded(ma.fields.String(attribute="study_product.product.name"), PRODUCT)

    def _letter(self, obj) -> str:
        return chr(ord("A") + obj.position)


class SplitZoneSchema(ma.Schema):
    position = ma.fields.Integer()
    zone = ma.fields.Nested(BodyZoneReadSchema)


class SplitDesignReadSchema(ma.Schema):
    uuid = ma.fields.UUID()
    code = ma.fields.String()
    name = ma.fields.String()
    scheme = ma.fields.String(metadata={"enum": list(SequenceScheme)})
    randomization_design = ma.fields.UUID(
        attribute="randomization_design.uuid",
        metadata={"description": "Simulated, approved and put live in the randomization module"},
    )
    products = ma.fields.List(ma.fields.Nested(SplitProductSchema))
    zones = ma.fields.List(ma.fields.Nested(SplitZoneSchema))
    control_zone = ma.fields.Nested(BodyZoneReadSchema, allow_none=True)


class ZoneAssessmentWriteSchema(ma.Schema):
    design = ma.fields.UUID(required=True)
    section = ma.fields.UUID(required=True, metadata={"description": "The eCRF section"})
    order = ma.fields.List(
        ma.fields.String(validate=ma.validate.Length(min=1, max=40)),
        load_default=list,
        validate=ma.validate.Length(max=200),
        metadata={"description": "Question codes in the order they are measured"},
    )
    enforce_order = ma.fields.Boolean(load_default=False)


class ZoneAssessmentReadSchema(ma.Schema):
    uuid = ma.fields.UUID()
    design = ma.fields.UUID(attribute="design.uuid")
    section = ma.fields.UUID(attribute="section_uuid")
    order = ma.fields.List(ma.fields.String())
    enforce_order = ma.fields.Boolean()


class ZoneAllocationReadSchema(BlindingSchema):
    design = ma.fields.String(attribute="design_code")
    environment = ma.fields.String()
    zone = ma.fields.Nested(BodyZoneReadSchema)
    code = ma.fields.String(
        allow_none=True, metadata={"description": "The product's blinding code; null: untreated"}
    )
    product = blinded(ma.fields.String(allow_none=True), PRODUCT)


class AllocationQuerySchema(ma.Schema):
    environment = ma.fields.String(
        load_default=Environment.PRODUCTION, validate=ma.validate.OneOf(list(Environment))
    )


class InstructionsQuerySchema(ma.Schema):
    language = ma.fields.String(
        load_default=None,
        validate=ma.validate.OneOf(SUPPORTED_LANGUAGES),
        metadata={"description": "Else the center's (from its country)"},
    )


class ValuesSummarySchema(ma.Schema):
    n = ma.fields.Integer()
    mean = ma.fields.Float(allow_none=True)
    sd = ma.fields.Float(allow_none=True)


class ProductValuesSchema(ValuesSummarySchema):
    code = ma.fields.String(metadata={"description": "Its blinding code, or control"})
    product = ma.fields.String(allow_none=True, metadata={"description": "Null unless unblinded"})


class PairedDifferenceSchema(ValuesSummarySchema):
    first = ma.fields.String()
    second = ma.fields.String()
    t = ma.fields.Float(allow_none=True, metadata={"description": "Paired t statistic"})
    p = ma.fields.Float(allow_none=True, metadata={"description": "Its two-sided p-value"})


class ProductResultSchema(ma.Schema):
    section = ma.fields.UUID()
    question = ma.fields.String()
    products = ma.fields.List(ma.fields.Nested(ProductValuesSchema))
    differences = ma.fields.List(
        ma.fields.Nested(PairedDifferenceSchema),
        metadata={"description": "first - second within subjects having both"},
    )
