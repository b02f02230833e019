"""Export definitions in and out of the API."""

from __future__ import annotations

import marshmallow as ma

from plugins.exports.definitions.models import Extra, Layout, Values
from plugins.subjects.api import SubjectStatus


class ExportDefinitionWriteSchema(ma.Schema):
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
    sections = ma.fields.List(
        ma.fields.UUID(), load_default=list, metadata={"description": "Sections (none: all)"}
    )
    questions = ma.fields.List(
        ma.fields.String(validate=ma.validate.Length(min=1, max=40)),
        load_default=list,
        metadata={"description": "Question codes (none: all of the sections)"},
    )
    centers = ma.fields.List(
        ma.fields.UUID(), load_default=list, metadata={"description": "Centers (none: all)"}
    )
    statuses = ma.fields.List(
        ma.fields.String(validate=ma.validate.OneOf([s.value for s in SubjectStatus])),
        load_default=list,
        metadata={"description": "Subjects' statuses (none: all)"},
    )
    included_from = ma.fields.Date(load_default=None)
    included_to = ma.fields.Date(load_default=None)
    values = ma.fields.String(
        load_default=Values.CODES.value, validate=ma.validate.OneOf([v.value for v in Values])
    )
    layout = ma.fields.String(
        load_default=Layout.WIDE.value, validate=ma.validate.OneOf([v.value for v in Layout])
    )
    extras = ma.fields.List(
        ma.fields.String(validate=ma.validate.OneOf([v.value for v in Extra])),
        load_default=list,
        metadata={
            "description": "Tables added: audit_trail, queries, sdv, signatures, locks, zone_assessments"
        },
    )

    @ma.validates_schema
    def _dates_in_order(self, data, **kwargs):
        start, end = data.get("included_from"), data.get("included_to")
        if start and end and start > end:
            raise ma.ValidationError("must not be before included_from", "included_to")


class ExportDefinitionReadSchema(ma.Schema):
    uuid = ma.fields.UUID()
    name = ma.fields.String()
    sections = ma.fields.List(ma.fields.String())
    questions = ma.fields.List(ma.fields.String())
    centers = ma.fields.List(ma.fields.String())
    statuses = ma.fields.List(ma.fields.String())
    included_from = ma.fields.Date(allow_none=True)
    included_to = ma.fields.Date(allow_none=True)
    values = ma.fields.String()
    layout = ma.fields.String()
    extras = ma.fields.List(ma.fields.String())
    created_at = ma.fields.DateTime()
    modified_at = ma.fields.DateTime()
