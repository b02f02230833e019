"""Schemas of the tenant endpoints."""

from __future__ import annotations

import marshmallow as ma


class TenantReadSchema(ma.Schema):
    uuid = ma.fields.UUID(dump_only=True)
    name = ma.fields.String(dump_only=True)
    time_zone = ma.fields.String(dump_only=True)
    default_language = ma.fields.String(dump_only=True)
