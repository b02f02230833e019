"""Schemas of studies, centers and study users."""

from __future__ import annotations

import marshmallow as ma

from datacapt.permissions.schemas import RoleSimpleSchema
from datacapt.studies.models import StudyStatus

_REFERENCE = ma.validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,59}$")
_COUNTRY = ma.validate.Regexp(r"^[A-Za-z]{2}$", error="An ISO 3166-1 alpha-2 code.")


class StudyReadSchema(ma.Schema):
    uuid = ma.fields.UUID()
    reference = ma.fields.String()
    name = ma.fields.String()
    description = ma.fields.String()
    status = ma.fields.String()
    created_at = ma.fields.AwareDateTime()


class StudySearchSchema(ma.Schema):
    search = ma.fields.String()
    status = ma.fields.String(validate=ma.validate.OneOf(list(StudyStatus)))


class StudyWriteSchema(ma.Schema):
    reference = ma.fields.String(required=True, validate=_REFERENCE)
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
    description = ma.fields.String(load_default="")


class StudyUpdateSchema(ma.Schema):
    name = ma.fields.String(validate=ma.validate.Length(min=1, max=200))
    description = ma.fields.String()
    status = ma.fields.String(validate=ma.validate.OneOf(list(StudyStatus)))


class CenterReadSchema(ma.Schema):
    uuid = ma.fields.UUID()
    code = ma.fields.String()
    name = ma.fields.String()
    country = ma.fields.String()


class CenterSearchSchema(ma.Schema):
    search = ma.fields.String()
    country = ma.fields.String(validate=_COUNTRY)


class CenterWriteSchema(ma.Schema):
    code = ma.fields.String(required=True, validate=ma.validate.Regexp(r"^[A-Za-z0-9_-]{1,30}$"))
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
    country = ma.fields.String(required=True, validate=_COUNTRY)


class CenterUpdateSchema(ma.Schema):
    code = ma.fields.String(validate=ma.validate.Regexp(r"^[A-Za-z0-9_-]{1,30}$"))
    name = ma.fields.String(validate=ma.validate.Length(min=1, max=200))
    country = ma.fields.String(validate=_COUNTRY)


class StudyCenterWriteSchema(ma.Schema):
    center = ma.fields.UUID(required=True)


class StudyUserReadSchema(ma.Schema):
    uuid = ma.fields.UUID()
    user = ma.fields.UUID(attribute="user.uuid")
    email = ma.fields.String(attribute="user.email")
    name = ma.fields.String(attribute="user.display_name")
    role = ma.fields.Nested(RoleSimpleSchema)
    all_centers = ma.fields.Boolean()
    centers = ma.fields.Method("_centers")

    def _centers(self, member) -> list[str]:
        return [str(center.uuid) for center in member.centers]


class StudyUserWriteSchema(ma.Schema):
    user = ma.fields.UUID(required=True)
    role = ma.fields.String(required=True)
    all_centers = ma.fields.Boolean(load_default=True)
    centers = ma.fields.List(ma.fields.UUID(), load_default=list)


class StudyUserUpdateSchema(ma.Schema):
    role = ma.fields.String()
    all_centers = ma.fields.Boolean()
    centers = ma.fields.List(ma.fields.UUID())
