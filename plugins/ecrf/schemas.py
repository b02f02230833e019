"""The eCRF design document: sections -> subsections -> blocks, read and written whole."""

from __future__ import annotations

import marshmallow as ma

from datacapt.toolkit import BlockSchema, ReasonForChangeSchema


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


class SectionAnswersWriteSchema(ReasonForChangeSchema):
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
