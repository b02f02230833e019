"""Schemas of the delivery reports."""

from __future__ import annotations

import marshmallow as ma

from datacapt.notifications.models import Channel, NotificationState, RecipientKind


class NotificationReadSchema(ma.Schema):
    """A message's delivery, without its address or text."""

    uuid = ma.fields.UUID()
    recipient_kind = ma.fields.String(metadata={"enum": list(RecipientKind)})
    recipient = ma.fields.UUID(attribute="recipient_id", allow_none=True)
    channel = ma.fields.String(metadata={"enum": list(Channel)})
    template = ma.fields.String()
    language = ma.fields.String()
    state = ma.fields.String(metadata={"enum": list(NotificationState)})
    reason = ma.fields.String(allow_none=True)
    attempts = ma.fields.Integer()
    created_at = ma.fields.AwareDateTime()
    not_before = ma.fields.AwareDateTime(
        allow_none=True, metadata={"description": "Waits until then (quiet hours, a retry)"}
    )
    last_attempt_at = ma.fields.AwareDateTime(allow_none=True)
    sent_at = ma.fields.AwareDateTime(allow_none=True)
    failed_at = ma.fields.AwareDateTime(allow_none=True)
    bounced_at = ma.fields.AwareDateTime(allow_none=True)


class NotificationContentReadSchema(NotificationReadSchema):
    """A message with where it went and what it said (links' tokens show as [redacted])."""

    address = ma.fields.String(allow_none=True)
    subject = ma.fields.String()
    body = ma.fields.String()


class NotificationSearchSchema(ma.Schema):
    state = ma.fields.String(validate=ma.validate.OneOf(list(NotificationState)))
    channel = ma.fields.String(validate=ma.validate.OneOf(list(Channel)))
    template = ma.fields.String(validate=ma.validate.Length(max=100))
    recipient = ma.fields.UUID()
    recipient_kind = ma.fields.String(validate=ma.validate.OneOf(list(RecipientKind)))
    since = ma.fields.AwareDateTime(metadata={"description": "Recorded at or after"})
    until = ma.fields.AwareDateTime(metadata={"description": "Recorded before"})

    @ma.validates_schema
    def _period(self, data, **_kwargs):
        if data.get("since") and data.get("until") and data["until"] <= data["since"]:
            raise ma.ValidationError("until comes after since.", "until")


class StudyNotificationSearchSchema(NotificationSearchSchema):
    center = ma.fields.UUID()


class NotificationCountsSchema(ma.Schema):
    """How many of the listed messages are in each state."""

    queued = ma.fields.Integer()
    sent = ma.fields.Integer()
    failed = ma.fields.Integer()
    bounced = ma.fields.Integer()
    total = ma.fields.Integer()


class DeliveryReportSchema(ma.Schema):
    """An SMS provider's report on a message it accepted."""

    id = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
    status = ma.fields.String(
        required=True, validate=ma.validate.OneOf(["delivered", "failed", "bounced"])
    )
    error = ma.fields.String(load_default=None, validate=ma.validate.Length(max=2000))
