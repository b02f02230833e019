"""Schemas of the audit trail endpoints."""

from __future__ import annotations

import marshmallow as ma


class AuditRecordReadSchema(ma.Schema):
    sequence = ma.fields.Integer()
    created_at = ma.fields.AwareDateTime()
    actor_type = ma.fields.String()
    actor_id = ma.fields.String()
    actor_name = ma.fields.String()
    action = ma.fields.String()
    object_type = ma.fields.String()
    object_id = ma.fields.String()
    study_id = ma.fields.String(allow_none=True)
    changes = ma.fields.Dict(metadata={"description": "field -> [old, new]"})
    reason = ma.fields.String(allow_none=True)
    request_id = ma.fields.String(allow_none=True)
    client_ip = ma.fields.String(allow_none=True)
    hash = ma.fields.String()


class AuditPageReadSchema(ma.Schema):
    records = ma.fields.List(ma.fields.Nested(AuditRecordReadSchema))
    next_cursor = ma.fields.Integer(allow_none=True, metadata={"description": "Pass as `after`"})


class AuditSearchSchema(ma.Schema):
    study = ma.fields.UUID()
    object = ma.fields.String(metadata={"description": "Public id of the object"})
    object_type = ma.fields.String()
    actor = ma.fields.String(metadata={"description": "Actor id (a user's uuid, ...)"})
    action = ma.fields.String()
    since = ma.fields.AwareDateTime()
    until = ma.fields.AwareDateTime()


class AuditPageSearchSchema(AuditSearchSchema):
    after = ma.fields.Integer(validate=ma.validate.Range(min=0))
    limit = ma.fields.Integer(load_default=100, validate=ma.validate.Range(min=1, max=500))
