"""Schemas of the API key endpoints."""

from __future__ import annotations

import marshmallow as ma


class ApiKeyReadSchema(ma.Schema):
    uuid = ma.fields.UUID()
    name = ma.fields.String()
    prefix = ma.fields.String()
    permissions = ma.fields.List(ma.fields.String())
    all_studies = ma.fields.Boolean()
    studies = ma.fields.List(ma.fields.String(), attribute="study_uuids")
    expires_at = ma.fields.AwareDateTime(allow_none=True)
    revoked_at = ma.fields.AwareDateTime(allow_none=True)
    last_used_at = ma.fields.AwareDateTime(allow_none=True)
    created_at = ma.fields.AwareDateTime()


class ApiKeyCreatedSchema(ApiKeyReadSchema):
    key = ma.fields.String(
        attribute="secret", metadata={"description": "The secret: shown this once only"}
    )


class ApiKeyWriteSchema(ma.Schema):
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=100))
    permissions = ma.fields.List(ma.fields.String(), required=True)
    expires_at = ma.fields.AwareDateTime(load_default=None)
    all_studies = ma.fields.Boolean(load_default=False)
    studies = ma.fields.List(ma.fields.UUID(), load_default=list)
