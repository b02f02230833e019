"""What the resource endpoints read and write."""

from __future__ import annotations

import marshmallow as ma

from plugins.calendar_app.resources.models import ResourceKind

NAME = ma.validate.Length(min=1, max=200)


class ResourceWriteSchema(ma.Schema):
    center = ma.fields.UUID(required=True)
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(list(ResourceKind)))
    name = ma.fields.String(required=True, validate=NAME)


class ResourceUpdateSchema(ma.Schema):
    name = ma.fields.String(validate=NAME)
    active = ma.fields.Boolean(metadata={"description": "False: out of use, booked no more"})


class ResourceSearchSchema(ma.Schema):
    kind = ma.fields.String(validate=ma.validate.OneOf(list(ResourceKind)))


class ResourceReadSchema(ma.Schema):
    uuid = ma.fields.UUID()
    center = ma.fields.UUID(attribute="center.uuid")
    center_code = ma.fields.String(attribute="center.code")
    kind = ma.fields.String()
    name = ma.fields.String()
    active = ma.fields.Boolean()
