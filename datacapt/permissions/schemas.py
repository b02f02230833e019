"""Schemas of the roles endpoints."""

from __future__ import annotations

import marshmallow as ma


class RoleSimpleSchema(ma.Schema):
    """A role wherever something holds one (a user, a study member, an invitation)."""

    uuid = ma.fields.UUID()
    name = ma.fields.String()
    is_default = ma.fields.Boolean()


class RoleReadSchema(ma.Schema):
    uuid = ma.fields.UUID()
    name = ma.fields.String()
    description = ma.fields.String()
    is_default = ma.fields.Boolean()
    permissions = ma.fields.Method("_permissions")

    def _permissions(self, role) -> list[str]:
        return sorted(role.granted)


class RoleWriteSchema(ma.Schema):
    name = ma.fields.String(required=True, validate=ma.validate.Regexp(r"^[a-z][a-z0-9_]{1,59}$"))
    description = ma.fields.String(load_default="", validate=ma.validate.Length(max=300))
    permissions = ma.fields.List(ma.fields.String(), required=True)


class RoleUpdateSchema(ma.Schema):
    name = ma.fields.String(validate=ma.validate.Regexp(r"^[a-z][a-z0-9_]{1,59}$"))
    description = ma.fields.String(validate=ma.validate.Length(max=300))
    permissions = ma.fields.List(ma.fields.String())
