"""The blocks of a form design as the API reads and writes them (every form uses these)."""

from __future__ import annotations

import marshmallow as ma

from datacapt.forms.questions import Level, QuestionType


def _translations(**options) -> ma.fields.Dict:
    """Text in several languages: {"en": "...", "fr": "..."}."""
    return ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String(), **options)


class ValidationSchema(ma.Schema):
    rule = ma.fields.Raw(required=True)
    level = ma.fields.String(required=True, validate=ma.validate.OneOf(list(Level)))
    message = ma.fields.String(load_default="")


class ColumnSchema(ma.Schema):
    code = ma.fields.String(required=True)
    type = ma.fields.String(required=True, validate=ma.validate.OneOf(list(QuestionType)))
    label = _translations(load_default=dict)
    required = ma.fields.Boolean(load_default=False)
    options = ma.fields.Dict(load_default=dict)


class BlockSchema(ma.Schema):
    uuid = ma.fields.UUID(load_default=None)
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(["question", "static"]))
    code = ma.fields.String(load_default=None, allow_none=True)
    type = ma.fields.String(
        load_default=None, allow_none=True, validate=ma.validate.OneOf(list(QuestionType))
    )
    label = _translations(load_default=dict)
    help = _translations(load_default=dict)
    required = ma.fields.Boolean(load_default=False)
    options = ma.fields.Dict(load_default=dict)
    visible_if = ma.fields.Raw(load_default=None, allow_none=True)
    calculation = ma.fields.Raw(load_default=None, allow_none=True)
    validations = ma.fields.List(ma.fields.Nested(ValidationSchema), load_default=list)
    columns = ma.fields.List(ma.fields.Nested(ColumnSchema), load_default=list)
    content = _translations(load_default=dict)

    @ma.validates_schema
    def _question_has_code_and_type(self, data, **_kwargs):
        if data["kind"] == "question" and not (data.get("code") and data.get("type")):
            raise ma.ValidationError("A question needs a code and a type.", "code")
