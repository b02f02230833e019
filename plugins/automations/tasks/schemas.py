"""What the task endpoints read and write."""

from __future__ import annotations

import marshmallow as ma

from plugins.automations.tasks.models import TaskStatus


class AutomationTaskSearchSchema(ma.Schema):
    status = ma.fields.String(
        load_default=None, validate=ma.validate.OneOf([str(s) for s in TaskStatus])
    )


class AutomationTaskReadSchema(ma.Schema):
    uuid = ma.fields.UUID()
    role = ma.fields.String()
    title = ma.fields.String()
    center = ma.fields.UUID(attribute="center_uuid")
    subject = ma.fields.UUID(attribute="subject_uuid")
    due_on = ma.fields.Date(allow_none=True)
    status = ma.fields.String()
    note = ma.fields.String(allow_none=True)
    closed_at = ma.fields.DateTime(allow_none=True)
    created_at = ma.fields.DateTime()


class AutomationTaskCloseSchema(ma.Schema):
    note = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=2000))
