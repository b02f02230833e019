"""The eCRF design document: sections -> subsections -> blocks, read and written whole."""

from __future__ import annotations

import marshmallow as ma

from datacapt.toolkit import (
    BlockSchema,
    FilledBlocksField,
    FormProgressSchema,
    ReasonForChangeSchema,
)


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


class CompletionSchema(ma.Schema):
    """What is required now, what of it is answered, and their ratio (null: nothing
    required)."""

    required = ma.fields.Integer()
    answered = ma.fields.Integer()
    completion = ma.fields.Float(allow_none=True)


class SubjectProgressReadSchema(CompletionSchema):
    """A subject of the list with its completion."""

    uuid = ma.fields.UUID(attribute="subject.uuid")
    study_subject_id = ma.fields.String(attribute="subject.study_subject_id")
    status = ma.fields.String(attribute="subject.status")
    center_code = ma.fields.String(attribute="subject.center.code")


class FilledSubSectionSchema(ma.Schema):
    uuid = ma.fields.UUID()
    title = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String())
    visible_if = ma.fields.Raw(allow_none=True)
    blocks = FilledBlocksField()


class DataQuerySimpleSchema(ma.Schema):
    """A query the site sees on the section (open or answered): on one of its questions'
    answers, a cell of one, or the section itself."""

    uuid = ma.fields.UUID()
    target = ma.fields.String(metadata={"description": "data_point, cell or section"})
    code = ma.fields.String(allow_none=True, metadata={"description": "The question's code"})
    row = ma.fields.Integer(
        attribute="cell_row", allow_none=True, metadata={"description": "A cell's row, from 0"}
    )
    column = ma.fields.String(
        attribute="cell_column", allow_none=True, metadata={"description": "A cell's column"}
    )
    origin = ma.fields.String(metadata={"description": "automatic (a validation rule) or manual"})
    level = ma.fields.String(metadata={"description": "information, warning or exclusion"})
    status = ma.fields.String(metadata={"description": "open or answered"})
    message = ma.fields.String()
    opened_at = ma.fields.AwareDateTime()


class SectionEntryReadSchema(ma.Schema):
    """A subject's section to fill in: the design's structure with answers, visibility,
    calculated values, the queries the site sees on it and the section's progress."""

    subject = ma.fields.UUID()
    section = ma.fields.UUID()
    instance = ma.fields.String(
        metadata={"description": "The instance (zone) read, for a section filled once per zone"}
    )
    title = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String())
    version = ma.fields.Integer(metadata={"description": "The version the ETag header names"})
    subsections = ma.fields.List(ma.fields.Nested(FilledSubSectionSchema))
    queries = ma.fields.List(ma.fields.Nested(DataQuerySimpleSchema))
    progress = ma.fields.Nested(FormProgressSchema)
    annotations = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.Raw(),
        metadata={
            "description": "What enabled modules add to the read, by name (monitoring: "
            "queries, verification, review, locks, signatures; see its chapter)"
        },
    )


class SectionCompletionSchema(CompletionSchema):
    section = ma.fields.UUID()
    title = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String())


class CenterCompletionSchema(CompletionSchema):
    center = ma.fields.UUID()
    code = ma.fields.String()


class SubjectSectionsProgressReadSchema(CompletionSchema):
    """One subject's completion, in total and per section."""

    subject = ma.fields.UUID()
    sections = ma.fields.List(ma.fields.Nested(SectionCompletionSchema))


class DashboardReadSchema(ma.Schema):
    """The study's counts at the centers the caller sees."""

    subjects_per_status = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer())
    study = ma.fields.Nested(CompletionSchema)
    sections = ma.fields.List(ma.fields.Nested(SectionCompletionSchema))
    centers = ma.fields.List(ma.fields.Nested(CenterCompletionSchema))
