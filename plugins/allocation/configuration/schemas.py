"""Schemas of the allocation configuration: the arm and the kit type it maps to are blinded
fields (``null`` without the unblinded view of arms)."""

from __future__ import annotations

import marshmallow as ma

from datacapt.toolkit import BlindingSchema, ReasonForChangeSchema, blinded
from plugins.randomizations.api import ARM

KITS = ma.validate.Range(min=1, max=20)


class RuleWriteSchema(ma.Schema):
    design = ma.fields.UUID(required=True, metadata={"description": "A randomization design"})
    arm = ma.fields.String(
        required=True,
        validate=ma.validate.Length(min=1, max=20),
        metadata={"description": "An arm code of its approved or live version"},
    )
    section = ma.fields.UUID(required=True, metadata={"description": "The visit (eCRF section)"})
    kit_type = ma.fields.UUID(required=True)
    kits = ma.fields.Integer(load_default=1, validate=KITS, metadata={"description": "Per visit"})


class RuleUpdateSchema(ReasonForChangeSchema):
    kit_type = ma.fields.UUID()
    kits = ma.fields.Integer(validate=KITS)


class RuleReadSchema(BlindingSchema):
    uuid = ma.fields.UUID()
    design = ma.fields.Function(lambda rule: str(rule.design.uuid))
    arm = blinded(ma.fields.String(), ARM)
    section = ma.fields.Function(lambda rule: str(rule.section.uuid))
    kit_type = blinded(ma.fields.Function(lambda rule: rule.kit_type.code), ARM)
    kits = ma.fields.Integer()
    created_at = ma.fields.AwareDateTime()
    modified_at = ma.fields.AwareDateTime()
