"""What the appointment request endpoints read and write."""

from __future__ import annotations

import marshmallow as ma

from plugins.calendar_app.requests.models import RequestStatus


class RequestWriteSchema(ma.Schema):
    subject = ma.fields.UUID(required=True)
    reason = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=2000))


class RequestDismissSchema(ma.Schema):
    reason = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=2000))


class RequestSearchSchema(ma.Schema):
    status = ma.fields.String(validate=ma.validate.OneOf(list(RequestStatus)))


class RequestReadSchema(ma.Schema):
    uuid = ma.fields.UUID()
    subject = ma.fields.UUID(attribute="participation.uuid")
    study_subject_id = ma.fields.String(attribute="participation.study_subject_id")
    reason = ma.fields.String()
    requested_by = ma.fields.String()
    status = ma.fields.String()
    created_at = ma.fields.AwareDateTime()
    closed_at = ma.fields.AwareDateTime(allow_none=True)
    dismiss_reason = ma.fields.String(allow_none=True)
