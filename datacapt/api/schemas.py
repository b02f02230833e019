"""Schemas shared by every endpoint: the error envelope, as documented in OpenAPI."""

from __future__ import annotations

import marshmallow as ma


class ErrorSchema(ma.Schema):
    code = ma.fields.String(metadata={"description": "Error class, e.g. NOT_FOUND"})
    status = ma.fields.Integer(metadata={"description": "HTTP status"})
    internal_code = ma.fields.Integer(metadata={"description": "Stable code (docs/api.md)"})
    internal_name = ma.fields.String(metadata={"description": "Name of the internal code"})
    message = ma.fields.String(metadata={"description": "Human-readable message"})
    # Named apart from Schema.fields (the schema's own field map); the key stays "fields".
    field_messages = ma.fields.Dict(
        attribute="fields",
        data_key="fields",
        metadata={"description": "Field name to list of messages"},
    )
    details = ma.fields.Dict(metadata={"description": "Extra machine-readable context"})


class ErrorEnvelopeSchema(ma.Schema):
    error = ma.fields.Nested(ErrorSchema)
    request_id = ma.fields.String(allow_none=True)


class ReasonForChangeSchema(ma.Schema):
    """Base of the bodies of changes that may need a reason: the reason may come in the body
    instead of the Reason-For-Change header (docs/api.md)."""

    reason_for_change = ma.fields.String(
        load_only=True,
        metadata={"description": "Why the change is made, where there is no Reason-For-Change"},
    )
