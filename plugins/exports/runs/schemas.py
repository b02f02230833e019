"""Runs of exports in and out of the API."""

from __future__ import annotations

import marshmallow as ma

from plugins.exports.runs.models import ExportFormat


class ExportRequestSchema(ma.Schema):
    format = ma.fields.String(
        required=True, validate=ma.validate.OneOf([f.value for f in ExportFormat])
    )
    lock = ma.fields.UUID(
        load_default=None,
        metadata={"description": "A monitoring freeze or lock in force the export is tied to"},
    )


class ExportFileReadSchema(ma.Schema):
    uuid = ma.fields.UUID()
    name = ma.fields.String()
    content_type = ma.fields.String()
    sha256 = ma.fields.String()
    size = ma.fields.Integer()
    rows = ma.fields.Integer(allow_none=True)
    available = ma.fields.Function(lambda made: made.file_uuid is not None)


class ExportProgressSchema(ma.Schema):
    rows = ma.fields.Integer()
    percent = ma.fields.Integer()
    steps_done = ma.fields.Integer()
    steps_total = ma.fields.Integer()


class ExportSnapshotSchema(ma.Schema):
    ecrf_version = ma.fields.Integer(allow_none=True)
    ecrf_revision = ma.fields.Integer(allow_none=True)
    audit_head = ma.fields.Integer(allow_none=True)
    audit_head_hash = ma.fields.String(allow_none=True)
    data_sha256 = ma.fields.String(allow_none=True)
    changed_while_running = ma.fields.Boolean(allow_none=True)
    lock = ma.fields.UUID(attribute="lock_uuid", allow_none=True)


class ExportReadSchema(ma.Schema):
    uuid = ma.fields.UUID()
    definition = ma.fields.Function(lambda export: str(export.definition.uuid))
    settings = ma.fields.Dict(metadata={"description": "The definition as the run took it"})
    format = ma.fields.String()
    state = ma.fields.String()
    failure = ma.fields.String(allow_none=True)
    requested_by = ma.fields.Function(
        lambda export: {
            "uuid": str(export.requested_by.uuid),
            "name": export.requested_by.display_name,
        }
    )
    centers = ma.fields.List(ma.fields.String(), attribute="center_uuids", allow_none=True)
    arm_included = ma.fields.Boolean(attribute="arm_visible")
    product_included = ma.fields.Boolean(
        attribute="product_visible",
        metadata={"description": "Zone assessments name the product behind each code"},
    )
    progress = ma.fields.Nested(ExportProgressSchema, allow_none=True)
    snapshot = ma.fields.Function(lambda export: ExportSnapshotSchema().dump(export))
    reproduces = ma.fields.Function(
        lambda export: str(export.reproduces.uuid) if export.reproduces else None
    )
    identical = ma.fields.Boolean(
        allow_none=True,
        metadata={
            "description": "A reproduction: whether it read the same data as the original"
            " (false: the data changed since)"
        },
    )
    files = ma.fields.List(ma.fields.Nested(ExportFileReadSchema))
    created_at = ma.fields.DateTime()
    started_at = ma.fields.DateTime(allow_none=True)
    finished_at = ma.fields.DateTime(allow_none=True)
    expires_at = ma.fields.DateTime(allow_none=True)
