"""Schemas of the customer settings endpoints."""

from __future__ import annotations

import marshmallow as ma


class ModuleSettingsReadSchema(ma.Schema):
    name = ma.fields.String()
    title = ma.fields.String()
    settings = ma.fields.Dict(metadata={"description": "Its values, secrets masked"})
    schema = ma.fields.Dict(
        metadata={"description": "JSON Schema of its settings; secret ones are `x-secret`"}
    )


class LogoQuerySchema(ma.Schema):
    v = ma.fields.UUID(
        metadata={"description": "The logo's upload id, as in `logo_url`: a new logo, a new URL"}
    )
