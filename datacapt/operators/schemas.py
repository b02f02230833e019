"""Schemas of the operator API's own endpoints."""

from __future__ import annotations

import marshmallow as ma


class OperatorLoginWriteSchema(ma.Schema):
    email = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=254))
    password = ma.fields.String(required=True, load_only=True)


class OperatorTokenReadSchema(ma.Schema):
    token = ma.fields.String()
