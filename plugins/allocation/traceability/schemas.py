"""Schemas of traceability (read only by callers who see arms and products)."""

from __future__ import annotations

import marshmallow as ma


class BatchSchema(ma.Schema):
    uuid = ma.fields.UUID()
    number = ma.fields.String()
    status = ma.fields.String()
    expiry_date = ma.fields.Date(allow_none=True)


class KitCountSchema(ma.Schema):
    inventory = ma.fields.String()
    status = ma.fields.String()
    count = ma.fields.Integer()


class BatchTraceSchema(ma.Schema):
    batch = ma.fields.Nested(BatchSchema)
    product = ma.fields.String()
    adverse_event_question = ma.fields.String(
        allow_none=True, metadata={"description": "The study setting read (none: not set)"}
    )
    kits = ma.fields.List(ma.fields.Nested(KitCountSchema))
    # Built by the database as it leaves (thousands of subjects for a recall).
    subjects = ma.fields.List(
        ma.fields.Raw(),
        metadata={
            "description": "Each subject given a kit of the batch: uuid, study_subject_id,"
            " center (code), kits (each kit, inventory, status, dispensed_at) and"
            " adverse_events (the rows of the adverse-event group)"
        },
    )


class SubjectKitSchema(ma.Schema):
    dispensing = ma.fields.UUID()
    kit = ma.fields.String()
    kit_type = ma.fields.String()
    status = ma.fields.String()
    returned = ma.fields.Boolean()
    dispensed_at = ma.fields.AwareDateTime()
    batch = ma.fields.Nested(BatchSchema, allow_none=True)


class SubjectTraceSchema(ma.Schema):
    subject = ma.fields.UUID()
    kits = ma.fields.List(
        ma.fields.Nested(SubjectKitSchema), metadata={"description": "Oldest first"}
    )
