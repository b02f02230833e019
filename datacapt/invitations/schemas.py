"""Schemas of invitations."""

from __future__ import annotations

import marshmallow as ma

from datacapt.invitations.models import InvitationStatus
from datacapt.permissions.schemas import RoleSimpleSchema
from datacapt.tenancy.languages import offered_language


class InvitationReadSchema(ma.Schema):
    uuid = ma.fields.UUID()
    email = ma.fields.String()
    first_name = ma.fields.String()
    last_name = ma.fields.String()
    language = ma.fields.String()
    platform_role = ma.fields.Nested(RoleSimpleSchema)
    study = ma.fields.UUID(attribute="study.uuid", allow_none=True)
    study_role = ma.fields.Nested(RoleSimpleSchema, allow_none=True)
    all_centers = ma.fields.Boolean()
    status = ma.fields.String()
    expires_at = ma.fields.AwareDateTime()
    sent_count = ma.fields.Integer()
    created_at = ma.fields.AwareDateTime()


class InvitationSearchSchema(ma.Schema):
    status = ma.fields.String(validate=ma.validate.OneOf(list(InvitationStatus)))


class InvitationWriteSchema(ma.Schema):
    email = ma.fields.Email(required=True)
    first_name = ma.fields.String(load_default="", validate=ma.validate.Length(max=100))
    last_name = ma.fields.String(load_default="", validate=ma.validate.Length(max=100))
    language = ma.fields.String(
        validate=offered_language,
        metadata={"description": "One the tenant offers; by default its default language"},
    )
    platform_role = ma.fields.String(required=True)
    study = ma.fields.UUID(load_default=None)
    study_role = ma.fields.String(load_default=None)
    all_centers = ma.fields.Boolean(load_default=True)
    centers = ma.fields.List(ma.fields.UUID(), load_default=list)


class InvitationAcceptWriteSchema(ma.Schema):
    token = ma.fields.String(required=True, load_only=True)
    password = ma.fields.String(required=True, load_only=True)
    first_name = ma.fields.String(validate=ma.validate.Length(max=100))
    last_name = ma.fields.String(validate=ma.validate.Length(max=100))
