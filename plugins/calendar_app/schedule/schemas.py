"""What the schedule endpoints read and write."""

from __future__ import annotations

import marshmallow as ma

DAYS = ma.validate.Range(min=0, max=3650)


class VisitWindowWriteSchema(ma.Schema):
    section = ma.fields.UUID(
        required=True, metadata={"description": "The eCRF section that is the visit"}
    )
    day = ma.fields.Integer(
        required=True,
        validate=ma.validate.Range(min=-3650, max=3650),
        metadata={"description": "Target day: days after inclusion (day 0) or the anchor visit"},
    )
    relative_to = ma.fields.UUID(
        load_default=None,
        allow_none=True,
        metadata={"description": "The visit (its section) the day counts from; null: inclusion"},
    )
    days_before = ma.fields.Integer(load_default=0, validate=DAYS)
    days_after = ma.fields.Integer(load_default=0, validate=DAYS)


class ScheduleWriteSchema(ma.Schema):
    visits = ma.fields.List(
        ma.fields.Nested(VisitWindowWriteSchema),
        required=True,
        validate=ma.validate.Length(max=200),
    )


class VisitWindowReadSchema(ma.Schema):
    uuid = ma.fields.UUID()
    section = ma.fields.UUID(attribute="section_uuid")
    name = ma.fields.String()
    day = ma.fields.Integer()
    relative_to = ma.fields.UUID(attribute="relative_to.section_uuid", allow_none=True)
    days_before = ma.fields.Integer()
    days_after = ma.fields.Integer()


class ScheduleReadSchema(ma.Schema):
    visits = ma.fields.List(ma.fields.Nested(VisitWindowReadSchema))


class PlannedVisitSearchSchema(ma.Schema):
    subject = ma.fields.UUID()
    out_of_window = ma.fields.Boolean()


class PlannedVisitReadSchema(ma.Schema):
    uuid = ma.fields.UUID()
    subject = ma.fields.UUID(attribute="participation.uuid")
    study_subject_id = ma.fields.String(attribute="participation.study_subject_id")
    section = ma.fields.UUID(attribute="window.section_uuid")
    name = ma.fields.String(attribute="window.name")
    target_on = ma.fields.Date()
    earliest_on = ma.fields.Date()
    latest_on = ma.fields.Date()
    actual_on = ma.fields.Date(allow_none=True)
    out_of_window = ma.fields.Boolean()
    deviation_query = ma.fields.UUID(attribute="deviation_query_uuid", allow_none=True)
