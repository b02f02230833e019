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


class TracedSubjectSchema(ma.Schema):
    uuid = ma.fields.UUID()
    study_subject_id = ma.fields.String()
    center = ma.fields.String()
    kits = ma.fields.List(
        ma.fields.Dict(),
        metadata={
            "description": "Each kit of the batch given: kit, inventory, status, dispensed_at"
        },
    )
    adverse_events = ma.fields.List(
        ma.fields.Dict(), metadata={"description": "The rows of the adverse-event group"}
    )


class BatchTraceSchema(ma.Schema):
    batch = ma.fields.Nested(BatchSchema)
    product = ma.fields.String()
    adverse_event_question = ma.fields.String(
        allow_none=True, metadata={"description": "The study setting read (none: not set)"}
    )
    kits = ma.fields.List(ma.fields.Nested(KitCountSchema))
    subjects = ma.fields.List(ma.fields.Nested(TracedSubjectSchema))


class SubjectKitSchema(ma.Schema):
    dispensing = ma.fields.UUID()
    kit = ma.fields.String()
    kit_type = ma.fields.String()
    status = ma.fields.String()
    returned = ma.fields.Boolean()
    dispensed_at = ma.fields.AwareDateTime()
    batch = ma.fields.Nested(BatchSchema, allow_none=True)
