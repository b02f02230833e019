"""Schemas of dispensings, their corrections and returns. A blinded caller reads the kit's
number, never its kit type (which tells the arm)."""

from __future__ import annotations

import marshmallow as ma

from datacapt.toolkit import BlindingSchema, ReasonForChangeSchema, blinded
from plugins.allocation.dispensing.models import DispensingStatus
from plugins.allocation.dispensing.services import Correction
from plugins.allocation.kits.models import Inventory
from plugins.allocation.kits.schemas import quantity
from plugins.randomizations.api import ARM, Environment


def _environment(**options) -> ma.fields.String:
    return ma.fields.String(validate=ma.validate.OneOf(list(Environment)), **options)


class DispenseSchema(ma.Schema):
    section = ma.fields.UUID(required=True, metadata={"description": "The visit (eCRF section)"})
    environment = _environment(load_default=Environment.PRODUCTION)


class EnvironmentSchema(ma.Schema):
    environment = _environment(load_default=Environment.PRODUCTION)


class KitNumberSchema(ma.Schema):
    uuid = ma.fields.UUID()
    number = ma.fields.String()


class DispensingReadSchema(BlindingSchema):
    uuid = ma.fields.UUID()
    subject = ma.fields.Function(lambda d: str(d.participation.uuid))
    section = ma.fields.Function(lambda d: str(d.section.uuid))
    inventory = ma.fields.String(metadata={"enum": list(Inventory)})
    kit = ma.fields.Nested(KitNumberSchema)
    kit_type = blinded(ma.fields.Function(lambda d: d.kit_type.code), ARM)
    unit = ma.fields.Function(lambda d: d.kit_type.unit)
    status = ma.fields.String(metadata={"enum": list(DispensingStatus)})
    dispensed_at = ma.fields.AwareDateTime()
    replaces = ma.fields.Function(
        lambda d: str(d.replaces.uuid) if d.replaces is not None else None, allow_none=True
    )
    corrected_at = ma.fields.AwareDateTime(allow_none=True)
    correction_reason = ma.fields.String(allow_none=True)
    returned_quantity = quantity(allow_none=True)
    returned_at = ma.fields.AwareDateTime(allow_none=True)
    compliance = ma.fields.Decimal(
        as_string=True, allow_none=True, metadata={"description": "Percent of the kit taken"}
    )


class VisitDispensingSchema(ma.Schema):
    section = ma.fields.UUID()
    title = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String())
    kits_due = ma.fields.Integer(metadata={"description": "Kits a dispensing would give now"})
    possible = ma.fields.Boolean(metadata={"description": "A dispensing now would succeed"})
    problem = ma.fields.String(
        allow_none=True, metadata={"description": "Else the error it would meet (its name)"}
    )


class SubjectDispensingSchema(ma.Schema):
    environment = ma.fields.String(metadata={"enum": list(Environment)})
    visits = ma.fields.List(ma.fields.Nested(VisitDispensingSchema))
    dispensings = ma.fields.List(ma.fields.Nested(DispensingReadSchema))


class CorrectionSchema(ReasonForChangeSchema):
    action = ma.fields.String(
        required=True,
        validate=ma.validate.OneOf(Correction.ALL),
        metadata={
            "description": "deallocate (back to stock), invalidate (damaged, lost), replace"
            " (invalid, and another kit given)"
        },
    )


class ReturnSchema(ma.Schema):
    quantity = quantity(
        required=True,
        validate=ma.validate.Range(min=0),
        metadata={"description": "Brought back, in the kit type's unit (count or weight)"},
    )
