"""Schemas of the audit trail endpoints."""

from __future__ import annotations

import datetime as dt
from typing import Any

import marshmallow as ma

# What PostgreSQL's timestamptz takes as an offset, and years a record may have.
MAX_OFFSET = dt.timedelta(hours=15, minutes=59)
EARLIEST_YEAR = 1900


class UtcDateTime(ma.fields.AwareDateTime):
    """An ISO 8601 time with its offset, loaded as UTC; offsets beyond ±15:59 and years
    before 1900 or past 9999 are refused, so a filter never fails later in the database."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> dt.datetime:
        loaded = super()._deserialize(value, attr, data, **kwargs)
        offset = loaded.utcoffset()
        if offset is not None and abs(offset) > MAX_OFFSET:
            raise ma.ValidationError("The UTC offset must be within -15:59 and +15:59.")
        try:
            utc = loaded.astimezone(dt.UTC)
        except OverflowError:
            utc = None
        if utc is None or utc.year < EARLIEST_YEAR:
            raise ma.ValidationError(f"Give a time between the years {EARLIEST_YEAR} and 9999.")
        return utc


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
    center_id = ma.fields.String(allow_none=True)
    subject_id = ma.fields.String(
        allow_none=True, metadata={"description": "The subject (in study) the data is of"}
    )
    section_id = ma.fields.String(
        allow_none=True, metadata={"description": "eCRF section or ePRO occurrence"}
    )
    question = ma.fields.String(allow_none=True, metadata={"description": "Question code"})
    changes = ma.fields.Dict(
        metadata={"description": "field -> [old, new]; foreign keys as public ids"}
    )
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
    subject = ma.fields.UUID(metadata={"description": "A subject's whole data history"})
    section = ma.fields.UUID(metadata={"description": "eCRF section or ePRO occurrence"})
    question = ma.fields.String(metadata={"description": "Question code"})
    since = UtcDateTime()
    until = UtcDateTime()


class AuditPageSearchSchema(AuditSearchSchema):
    after = ma.fields.Integer(validate=ma.validate.Range(min=0))
    limit = ma.fields.Integer(load_default=100, validate=ma.validate.Range(min=1, max=500))
