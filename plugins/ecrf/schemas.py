"""The eCRF design document: sections -> subsections -> blocks, read and written whole."""

from __future__ import annotations

import marshmallow as ma

from datacapt.forms.questions import Level, QuestionType


class ValidationSchema(ma.Schema):
    rule = ma.fields.Raw(required=True)
    level = ma.fields.String(required=True, validate=ma.validate.OneOf(list(Level)))
    message = ma.fields.String(load_default="")


class ColumnSchema(ma.Schema):
    code = ma.fields.String(required=True)
    type = ma.fields.String(required=True, validate=ma.validate.OneOf(list(QuestionType)))
    label = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String(), load_default=dict)
    required = ma.fields.Boolean(load_default=False)
    options = ma.fields.Dict(load_default=dict)


class BlockSchema(ma.Schema):
    uuid = ma.fields.UUID(load_default=None)
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(["question", "static"]))
    code = ma.fields.String(load_default=None, allow_none=True)
    type = ma.fields.String(
        load_default=None, allow_none=True, validate=ma.validate.OneOf(list(QuestionType))
    )
    label = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String(), load_default=dict)
    help = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String(), load_default=dict)
    required = ma.fields.Boolean(load_default=False)
    options = ma.fields.Dict(load_default=dict)
    visible_if = ma.fields.Raw(load_default=None, allow_none=True)
    calculation = ma.fields.Raw(load_default=None, allow_none=True)
    validations = ma.fields.List(ma.fields.Nested(ValidationSchema), load_default=list)
    columns = ma.fields.List(ma.fields.Nested(ColumnSchema), load_default=list)
    content = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String(), load_default=dict)

    @ma.validates_schema
    def _question_has_code_and_type(self, data, **_kwargs):
        if data["kind"] == "question" and not (data.get("code") and data.get("type")):
            raise ma.ValidationError("A question needs a code and a type.", "code")


class SubSectionSchema(ma.Schema):
    uuid = ma.fields.UUID(load_default=None)
    title = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String(), required=True)
    visible_if = ma.fields.Raw(load_default=None, allow_none=True)
    blocks = ma.fields.List(ma.fields.Nested(BlockSchema), load_default=list)


class SectionSchema(ma.Schema):
    uuid = ma.fields.UUID(load_default=None)
    title = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String(), required=True)
    subsections = ma.fields.List(ma.fields.Nested(SubSectionSchema), load_default=list)


class EcrfReadSchema(ma.Schema):
    version = ma.fields.Integer()
    study_status = ma.fields.String()
    sections = ma.fields.List(ma.fields.Nested(SectionSchema))


class EcrfWriteSchema(ma.Schema):
    """The design as read, sent back changed (its read-only version and status ignored)."""

    class Meta:
        unknown = ma.EXCLUDE

    sections = ma.fields.List(ma.fields.Nested(SectionSchema), required=True)


class SectionAnswersWriteSchema(ma.Schema):
    answers = ma.fields.Dict(
        keys=ma.fields.String(), values=ma.fields.Raw(allow_none=True), required=True
    )


class SubjectProgressReadSchema(ma.Schema):
    uuid = ma.fields.UUID(attribute="subject.uuid")
    study_subject_id = ma.fields.String(attribute="subject.study_subject_id")
    status = ma.fields.String(attribute="subject.status")
    center_code = ma.fields.String(attribute="subject.center.code")
    required = ma.fields.Integer()
    answered = ma.fields.Integer()
    completion = ma.fields.Float(allow_none=True)
