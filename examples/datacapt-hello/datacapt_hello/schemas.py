"""Hello schemas."""

from __future__ import annotations

import marshmallow as ma


class HelloRecordReadSchema(ma.Schema):
    uuid = ma.fields.UUID()
    text = ma.fields.String()
    created_at = ma.fields.AwareDateTime()


class HelloRecordWriteSchema(ma.Schema):
    text = ma.fields.String(validate=ma.validate.Length(min=1, max=200))


class HelloRecordChangeSchema(ma.Schema):
    text = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))


class GreetingReadSchema(ma.Schema):
    text = ma.fields.String()


class GreetingSentSchema(ma.Schema):
    """The email recorded: its id in the delivery reports, and its state (queued: sent
    once the request commits)."""

    uuid = ma.fields.UUID()
    state = ma.fields.String()


class SettingsSchema(ma.Schema):
    """Per-tenant settings; missing keys take these defaults."""

    default_text = ma.fields.String(
        load_default="Hello", validate=ma.validate.Length(min=1, max=200)
    )


class StudySettingsSchema(ma.Schema):
    """Settings in each study; missing keys take these defaults."""

    greet_by = ma.fields.String(
        load_default="reference", validate=ma.validate.OneOf(("reference", "name"))
    )
