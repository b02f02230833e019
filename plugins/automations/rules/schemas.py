"""What the rule endpoints read and write."""

from __future__ import annotations

import marshmallow as ma


class AutomationRuleWriteSchema(ma.Schema):
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
    active = ma.fields.Boolean(load_default=True)
    trigger = ma.fields.Dict(
        required=True,
        metadata={"description": 'What fires the rule: {"kind": ..., its parameters}'},
    )
    actions = ma.fields.List(
        ma.fields.Dict(),
        required=True,
        validate=ma.validate.Length(min=1, max=10),
        metadata={"description": 'What it does, in order: [{"kind": ..., its parameters}]'},
    )


class AutomationRuleVersionReadSchema(ma.Schema):
    number = ma.fields.Integer()
    name = ma.fields.String()
    trigger = ma.fields.Dict()
    actions = ma.fields.List(ma.fields.Dict())
    created_at = ma.fields.DateTime()


class AutomationRuleReadSchema(ma.Schema):
    uuid = ma.fields.UUID()
    active = ma.fields.Boolean()
    version = ma.fields.Integer(metadata={"description": "The number of its current version"})
    current = ma.fields.Nested(AutomationRuleVersionReadSchema)
    created_at = ma.fields.DateTime()


class AutomationDryRunWriteSchema(ma.Schema):
    subject = ma.fields.UUID(required=True)


class AutomationPlannedActionSchema(ma.Schema):
    kind = ma.fields.String()
    would = ma.fields.Dict(metadata={"description": "What the action would do"})


class AutomationDryRunReadSchema(ma.Schema):
    rule = ma.fields.UUID()
    version = ma.fields.Integer()
    subject = ma.fields.UUID()
    trigger_holds = ma.fields.Boolean(
        metadata={"description": "Whether the subject's data now meets the trigger"}
    )
    actions = ma.fields.List(ma.fields.Nested(AutomationPlannedActionSchema))
