"""The blocks of a form design as the API reads and writes them (every form uses these)."""

from __future__ import annotations

from typing import Any

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


class FilledBlockSchema(ma.Schema):
    """A block as a form shows it to fill in (``filled_blocks``): static content, or a
    question with its rules, whether it shows and its value."""

    kind = ma.fields.String(metadata={"description": "question or static"})
    uuid = ma.fields.UUID(allow_none=True)
    visible_if = ma.fields.Raw(allow_none=True, metadata={"description": "A rule (docs/forms.md)"})
    content = _translations(metadata={"description": "Static blocks: the text shown"})
    code = ma.fields.String()
    type = ma.fields.String(validate=ma.validate.OneOf(list(QuestionType)))
    label = _translations()
    help = _translations()
    required = ma.fields.Boolean()
    options = ma.fields.Dict()
    calculation = ma.fields.Raw(allow_none=True, metadata={"description": "A rule, or null"})
    validations = ma.fields.List(ma.fields.Nested(ValidationSchema))
    columns = ma.fields.List(ma.fields.Nested(ColumnSchema))
    visible = ma.fields.Boolean(metadata={"description": "Whether the question shows now"})
    value = ma.fields.Raw(allow_none=True, metadata={"description": "The answer, or null"})


class FilledBlocksField(ma.fields.List):
    """The blocks ``datacapt.forms.design.filled_blocks`` builds, described by
    ``FilledBlockSchema`` and sent as built: the engine emits exactly that shape from a
    design the API validated (a test holds it there), so a form's every read and save does
    not serialize each field of each block a second time."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(ma.fields.Nested(FilledBlockSchema), **kwargs)

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        return value


class FormProgressSchema(ma.Schema):
    """How much of what a form requires now is answered."""

    required = ma.fields.Integer()
    answered = ma.fields.Integer()
