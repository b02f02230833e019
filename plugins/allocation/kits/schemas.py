"""Schemas of kit types, kits, their imports and the production inventory's start. A kit's
type says which arm it is for and its batch which product it holds: both are blinded
fields, ``null`` to callers without the unblinded views; kit numbers show to everyone."""

from __future__ import annotations

import marshmallow as ma

from datacapt.toolkit import BlindingSchema, ReasonForChangeSchema, blinded
from plugins.allocation.kits.models import ImportStatus, Inventory, KitStatus
from plugins.product_database.api import PRODUCT
from plugins.randomizations.api import ARM

CODE = ma.validate.Regexp(r"^[A-Za-z0-9_.-]{1,30}$", error="1 to 30 letters, digits, . _ -")


def quantity(**options) -> ma.fields.Decimal:
    return ma.fields.Decimal(as_string=True, allow_nan=False, places=3, **options)


class KitTypeWriteSchema(ma.Schema):
    code = ma.fields.String(required=True, validate=CODE)
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
    study_product = ma.fields.UUID(
        required=True, metadata={"description": "One of the study's products"}
    )
    quantity = quantity(
        required=True,
        validate=ma.validate.Range(min=0, min_inclusive=False, max=999_999_999),
        metadata={"description": "What one kit holds, in unit"},
    )
    unit = ma.fields.String(
        required=True,
        validate=ma.validate.Length(min=1, max=20),
        metadata={"description": "Such as tablets, capsules, g, mL: what returns are counted in"},
    )


class StudyProductSchema(BlindingSchema):
    uuid = ma.fields.UUID()
    blinding_code = ma.fields.String(allow_none=True)
    product = blinded(ma.fields.Function(lambda sp: sp.product.name), PRODUCT)


class KitTypeReadSchema(BlindingSchema):
    uuid = ma.fields.UUID()
    code = ma.fields.String()
    name = blinded(ma.fields.String(), PRODUCT)
    study_product = ma.fields.Nested(StudyProductSchema)
    quantity = quantity()
    unit = ma.fields.String()
    created_at = ma.fields.AwareDateTime()


class KitSearchSchema(ma.Schema):
    inventory = ma.fields.String(validate=ma.validate.OneOf(list(Inventory)))
    status = ma.fields.String(validate=ma.validate.OneOf(list(KitStatus)))
    number = ma.fields.String(validate=ma.validate.Length(min=1, max=40))
    kit_type = ma.fields.UUID()
    batch = ma.fields.UUID()
    center = ma.fields.UUID()
    depot = ma.fields.UUID()


class KitReadSchema(BlindingSchema):
    uuid = ma.fields.UUID()
    number = ma.fields.String()
    sequence = ma.fields.Integer(metadata={"description": "Dispensing takes the lowest first"})
    inventory = ma.fields.String(metadata={"enum": list(Inventory)})
    status = ma.fields.String(metadata={"enum": list(KitStatus)})
    # A kit's expiry is its batch's: kits of one date hold one treatment.
    expiry_date = blinded(ma.fields.Date(allow_none=True), ARM)
    kit_type = blinded(ma.fields.Function(lambda kit: kit.kit_type.code), ARM)
    batch = blinded(
        ma.fields.Function(lambda kit: kit.batch.number if kit.batch is not None else None),
        PRODUCT,
    )
    center = ma.fields.Function(
        lambda kit: kit.center.code if kit.center is not None else None, allow_none=True
    )
    depot = ma.fields.Function(
        lambda kit: kit.depot.code if kit.depot is not None else None, allow_none=True
    )
    invalid_reason = ma.fields.String(allow_none=True)
    created_at = ma.fields.AwareDateTime()


class InvalidateSchema(ReasonForChangeSchema):
    """The reason (damaged, lost...) in the Reason-For-Change header or the body."""


class KitImportReadSchema(ma.Schema):
    uuid = ma.fields.UUID()
    inventory = ma.fields.String(metadata={"enum": list(Inventory)})
    file_name = ma.fields.String()
    sha256 = ma.fields.String()
    rows = ma.fields.Integer(metadata={"description": "Kits added"})
    first_number = ma.fields.String()
    last_number = ma.fields.String()
    status = ma.fields.String(
        metadata={"enum": list(ImportStatus), "description": "queued: a job writes its kits"}
    )
    problems = ma.fields.List(
        ma.fields.Dict(),
        allow_none=True,
        metadata={"description": "Failed: what the job found (row, column, message)"},
    )
    created_at = ma.fields.AwareDateTime()
    finished_at = ma.fields.AwareDateTime(allow_none=True)


class InventoryReadSchema(ma.Schema):
    inventory = ma.fields.String(metadata={"enum": list(Inventory)})
    in_use = ma.fields.Boolean(
        metadata={"description": "Dummy: always (the test environment); production: once live"}
    )
    started_at = ma.fields.AwareDateTime(allow_none=True)
    kits = ma.fields.Dict(
        keys=ma.fields.String(), values=ma.fields.Integer(), metadata={"description": "By status"}
    )


class InventoriesSchema(ma.Schema):
    dummy = ma.fields.Nested(InventoryReadSchema)
    production = ma.fields.Nested(InventoryReadSchema)


class ProductionCheckSchema(ma.Schema):
    ready = ma.fields.Boolean()
    stocked = ma.fields.Integer(
        metadata={"description": "The (arm, visit, center) combinations with enough kits"}
    )
    missing = ma.fields.List(
        ma.fields.Dict(),
        metadata={
            "description": "Each gap: problem (no_live_design, no_kit_type, no_kits), design,"
            " arm, visit, center, kit_type, needed, available; arm, kit type and available"
            " count read [blinded] without the unblinded view of arms"
        },
    )


class ProductionStartSchema(ma.Schema):
    uuid = ma.fields.UUID()
    started_at = ma.fields.AwareDateTime(attribute="created_at")
    checked = ma.fields.Integer(metadata={"description": "Combinations the check found stocked"})
