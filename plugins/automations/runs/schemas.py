"""What the run endpoints read."""

from __future__ import annotations

import marshmallow as ma

from plugins.automations.runs.models import RunStatus


class AutomationRunSearchSchema(ma.Schema):
    rule = ma.fields.UUID(load_default=None)
    subject = ma.fields.UUID(load_default=None)
    status = ma.fields.String(
        load_default=None, validate=ma.validate.OneOf([str(s) for s in RunStatus])
    )


class AutomationRunReadSchema(ma.Schema):
    uuid = ma.fields.UUID()
    rule = ma.fields.UUID(attribute="rule_version.rule.uuid")
    version = ma.fields.Integer(attribute="rule_version.number")
    subject = ma.fields.UUID(attribute="participation.uuid")
    trigger = ma.fields.Dict(metadata={"description": "The event: its kind and what it is about"})
    status = ma.fields.String()
    outcome = ma.fields.List(ma.fields.Dict(), metadata={"description": "What each action did"})
    error = ma.fields.String(allow_none=True, metadata={"description": "Why it failed"})
    depth = ma.fields.Integer()
    created_at = ma.fields.DateTime()
    finished_at = ma.fields.DateTime(allow_none=True)
