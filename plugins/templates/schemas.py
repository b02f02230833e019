"""Templates, their versions and uses, as the API reads and writes them."""

from __future__ import annotations

import marshmallow as ma

from plugins.templates.models import TemplateKind

KIND = ma.validate.OneOf(list(TemplateKind))
NAME = ma.validate.Length(min=1, max=200)


def _tags(**options) -> ma.fields.List:
    return ma.fields.List(
        ma.fields.String(validate=ma.validate.Length(min=1, max=40)),
        validate=ma.validate.Length(max=20),
        **options,
    )


class TemplateSearchSchema(ma.Schema):
    kind = ma.fields.String(validate=KIND)
    tag = ma.fields.String(validate=ma.validate.Length(min=1, max=40))
    search = ma.fields.String(
        validate=ma.validate.Length(min=1, max=200),
        metadata={"description": "Part of the name or the description, whatever the case"},
    )


class TemplateWriteSchema(ma.Schema):
    name = ma.fields.String(required=True, validate=NAME)
    kind = ma.fields.String(required=True, validate=KIND)
    description = ma.fields.String(load_default="", validate=ma.validate.Length(max=10_000))
    tags = _tags(load_default=list)
    note = ma.fields.String(load_default="", validate=ma.validate.Length(max=2000))
    content = ma.fields.Dict(
        required=True,
        metadata={"description": "The piece, as its kind holds it (docs/templates.md)"},
    )


class TemplateUpdateSchema(ma.Schema):
    name = ma.fields.String(validate=NAME)
    description = ma.fields.String(validate=ma.validate.Length(max=10_000))
    tags = _tags()


class TemplateVersionWriteSchema(ma.Schema):
    note = ma.fields.String(load_default="", validate=ma.validate.Length(max=2000))
    content = ma.fields.Dict(required=True)


class TemplateVersionSummarySchema(ma.Schema):
    number = ma.fields.Integer()
    note = ma.fields.String()
    created_at = ma.fields.AwareDateTime()


class TemplateReadSchema(ma.Schema):
    uuid = ma.fields.UUID()
    name = ma.fields.String()
    kind = ma.fields.String()
    description = ma.fields.String()
    tags = ma.fields.List(ma.fields.String())
    latest = ma.fields.Integer(metadata={"description": "The number of its newest version"})
    created_at = ma.fields.AwareDateTime()
    modified_at = ma.fields.AwareDateTime()


class TemplateDetailSchema(TemplateReadSchema):
    versions = ma.fields.List(ma.fields.Nested(TemplateVersionSummarySchema))


class TemplateVersionReadSchema(TemplateVersionSummarySchema):
    uuid = ma.fields.UUID()
    template = ma.fields.UUID(attribute="template.uuid")
    kind = ma.fields.String(attribute="template.kind")
    content = ma.fields.Dict()


class TemplateStudySaveSchema(ma.Schema):
    kind = ma.fields.String(required=True, validate=KIND)
    piece = ma.fields.UUID(
        load_default=None,
        metadata={
            "description": "The section, subsection, question, questionnaire or consent "
            "document (none for the whole eCRF design)"
        },
    )
    template = ma.fields.UUID(
        load_default=None,
        metadata={
            "description": "A template of the library to add the piece to as its next "
            "version; none: a new template (name required)"
        },
    )
    name = ma.fields.String(validate=NAME)
    description = ma.fields.String(load_default="", validate=ma.validate.Length(max=10_000))
    tags = _tags(load_default=list)
    note = ma.fields.String(load_default="", validate=ma.validate.Length(max=2000))


class TemplateInsertionWriteSchema(ma.Schema):
    template = ma.fields.UUID(required=True)
    version = ma.fields.Integer(
        strict=True,
        validate=ma.validate.Range(min=1, max=1_000_000),
        metadata={"description": "Its latest if not given"},
    )
    section = ma.fields.UUID(metadata={"description": "A subsection's section in the design"})
    subsection = ma.fields.UUID(metadata={"description": "A question's subsection"})
    position = ma.fields.Integer(
        strict=True,
        validate=ma.validate.Range(min=0, max=10_000),
        metadata={"description": "Among its siblings, from 0; last if not given"},
    )


class TemplateUseSearchSchema(ma.Schema):
    outdated = ma.fields.Boolean(
        metadata={"description": "true: only the uses of an older version"}
    )


class TemplateQuestionChangeSchema(ma.Schema):
    code = ma.fields.String()
    changes = ma.fields.Dict(
        attribute="fields",
        data_key="fields",
        keys=ma.fields.String(),
        values=ma.fields.Raw(),
        metadata={"description": "Each field changed: {from, to}"},
    )


class TemplateQuestionDifferenceSchema(ma.Schema):
    added = ma.fields.List(ma.fields.String(), metadata={"description": "Codes"})
    removed = ma.fields.List(ma.fields.String(), metadata={"description": "Codes"})
    changed = ma.fields.List(ma.fields.Nested(TemplateQuestionChangeSchema))


class TemplateTextSchema(ma.Schema):
    path = ma.fields.String()
    text = ma.fields.Raw()


class TemplateTextDifferenceSchema(ma.Schema):
    added = ma.fields.List(ma.fields.Nested(TemplateTextSchema))
    removed = ma.fields.List(ma.fields.Nested(TemplateTextSchema))
    changed = ma.fields.List(
        ma.fields.Dict(), metadata={"description": "Each text changed: {path, from, to}"}
    )


class TemplateDifferenceSchema(ma.Schema):
    questions = ma.fields.Nested(TemplateQuestionDifferenceSchema)
    texts = ma.fields.Nested(TemplateTextDifferenceSchema)
    settings = ma.fields.List(
        ma.fields.Dict(), metadata={"description": "Each setting changed: {path, from, to}"}
    )


class TemplateBriefSchema(ma.Schema):
    uuid = ma.fields.UUID()
    name = ma.fields.String()
    kind = ma.fields.String()


class TemplateStudyBriefSchema(ma.Schema):
    uuid = ma.fields.UUID()
    reference = ma.fields.String()
    name = ma.fields.String()


class TemplateUseReadSchema(ma.Schema):
    """A copy of a template version in a study."""

    uuid = ma.fields.UUID()
    template = ma.fields.Nested(TemplateBriefSchema)
    study = ma.fields.Nested(TemplateStudyBriefSchema)
    piece = ma.fields.UUID(metadata={"description": "The identity of the copy in the study"})
    version = ma.fields.Integer(metadata={"description": "The version copied"})
    latest = ma.fields.Integer()
    outdated = ma.fields.Boolean()
    present = ma.fields.Boolean(
        metadata={"description": "Whether the study still has the piece (it may remove it)"}
    )
    inserted_at = ma.fields.AwareDateTime()
    difference = ma.fields.Nested(
        TemplateDifferenceSchema,
        allow_none=True,
        metadata={"description": "From the version copied to the latest, when outdated"},
    )


class TemplateExportWriteSchema(ma.Schema):
    templates = ma.fields.List(
        ma.fields.UUID(), required=True, validate=ma.validate.Length(min=1, max=500)
    )


class TemplateImportReadSchema(ma.Schema):
    templates = ma.fields.List(ma.fields.UUID(), metadata={"description": "Those of the file"})
    created = ma.fields.List(ma.fields.UUID(), metadata={"description": "Those new here"})
    versions_added = ma.fields.Integer()


class TemplateExportReadSchema(ma.Schema):
    """A templates file (docs/templates.md, "The file")."""

    format = ma.fields.String()
    format_version = ma.fields.Integer()
    exported_at = ma.fields.String()
    templates = ma.fields.List(ma.fields.Dict())


class TemplateFileFormatSchema(ma.Schema):
    """The JSON Schema of a templates file."""

    schema = ma.fields.String(attribute="$schema", data_key="$schema")
    id = ma.fields.String(attribute="$id", data_key="$id")
    title = ma.fields.String()
    type = ma.fields.String()
    required = ma.fields.List(ma.fields.String())
    properties = ma.fields.Dict()
